"""Text as the export writes it: characters XML cannot hold replaced, formulas never made."""

from __future__ import annotations

import re

# XML 1.0 cannot hold these; writers refuse or mangle them. They are replaced (and counted) on export.
ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same characters as a SQLite GLOB class (NUL cannot sit in a pattern: it is looked for apart).
ILLEGAL_GLOB = "*[" + "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])) + "]*"
# Text a spreadsheet would treat as the start of a formula if it were typed or written as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_text(text: str) -> tuple[str, bool]:
    """The text with characters XML cannot hold replaced; True when something was replaced."""
    if ILLEGAL_CHARS.search(text):
        return ILLEGAL_CHARS.sub("\ufffd", text), True
    return text, False
