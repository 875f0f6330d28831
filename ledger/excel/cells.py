"""Cells as the export writes them: typed, formatted, and text that can never become a formula."""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# XML 1.0 cannot hold these; openpyxl refuses them. They are replaced (and counted) on export.
ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Text a spreadsheet would treat as the start of a formula if it were typed or written as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

BOLD = Font(bold=True)


def clean_text(text: str) -> tuple[str, bool]:
    """The text with characters XML cannot hold replaced; True when something was replaced."""
    if ILLEGAL_CHARS.search(text):
        return ILLEGAL_CHARS.sub("\ufffd", text), True
    return text, False


class ColumnCell:
    """One reusable cell per column: openpyxl's write-only sheet serialises a cell as it is appended,
    so a styled cell can be refilled for every row instead of building a new one per value."""

    __slots__ = ("cell", "text")

    def __init__(self, sheet, number_format: str | None = None, bold: bool = False, text: bool = False):
        self.cell = WriteOnlyCell(sheet)
        if number_format:
            self.cell.number_format = number_format
        if bold:
            self.cell.font = BOLD
        self.text = text

    def __call__(self, value):
        if value is None:
            return None
        cell = self.cell
        cell.value = value
        if isinstance(value, str):
            # openpyxl makes "=..." a formula and "#N/A" an error cell: force a plain string.
            cell.data_type = "s"
        return cell
