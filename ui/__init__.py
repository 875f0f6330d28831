"""Aid Ledger's desktop app (PySide6). Reaches the ledger only through ledger.service."""

from . import refcount_guard

refcount_guard.apply()
