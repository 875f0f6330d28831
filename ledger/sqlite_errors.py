"""SQLite errors said the way a person can act on them: the one place that words them."""

from __future__ import annotations

import sqlite3

from .errors import LedgerError, LedgerLockedError, NotALedgerError, ReadOnlyError


def translate(exc: sqlite3.Error, where: str) -> LedgerError:
    """Turn an SQLite error into a message a person can act on."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return LedgerLockedError(f"{where} is locked by another program: close it there or try again")
    if "readonly" in low or "read-only" in low:
        return ReadOnlyError(f"{where} cannot be written (read-only file or folder): nothing was changed")
    if "not a database" in low or "file is encrypted" in low:
        return NotALedgerError(f"{where} is not a ledger: it is not an SQLite database")
    if "malformed" in low or "corrupt" in low:
        return LedgerError(f"{where} is damaged ({text}): restore a backup")
    if "unable to open" in low:
        return LedgerError(f"{where} cannot be opened: check the path and its folder's permissions")
    if "disk is full" in low or "database or disk is full" in low:
        return LedgerError(f"{where}: the disk is full, nothing was changed")
    if "integer overflow" in low:
        return LedgerError(f"{where}: amounts add up beyond what can be counted; check for a mistyped figure")
    if "constraint" in low:
        return LedgerError(f"{where}: the change breaks a rule of the ledger ({text}); nothing was changed")
    return LedgerError(f"{where}: {text}")
