"""Aid Ledger's desktop app (PySide6). Reaches the ledger only through ledger.service."""
