"""Why a workbook cannot be read or written: one line each, what, where, why."""

from __future__ import annotations

from ..errors import LedgerError


class ExcelError(LedgerError):
    """A workbook or CSV file that cannot be read or written; nothing in the ledger changed."""


class UnreadableFile(ExcelError):
    """Not a workbook we can read (wrong format, damaged, protected, hostile)."""


class Cancelled(ExcelError):
    """The user cancelled a long import or export; nothing was written."""
