"""The rows of a sheet made by hand, told apart: two header rows read as one, merged cells given their
top-left value, a source line or footnote under the table, a totals row (said, or summing the rows
above). The reader (`read.py`) decides what to do with them and notes it in the plan."""

from __future__ import annotations

import re

from . import header_match as hm
from . import headers as hdr
from .cells_in import CellError, is_blank
from .sources import Sheet

_TOTAL_WORDS = ("total", "totals", "grand total", "sum", "subtotal")


def header_texts(kind: str, head, at: int, merged, col0: int, hidden: set[int]) -> list:
    """The header row's cells, or, when the row under it is a second header row (text only, and
    reading the two together recognises more columns), one text per column made of both: the upper
    cell (spread over its merged range) and the lower one ("Package" over "No." and "Date")."""
    top = head[at][1]
    if at + 1 >= len(head):
        return top
    low_number, low = head[at + 1]
    if not low or any(not is_blank(v) and not isinstance(v, str) for v in low) or sum(1 for v in low if isinstance(v, str) and v.strip()) < 2:
        return top
    width = max(len(top), len(low))
    upper = list(top) + [None] * (width - len(top))
    for i in range(width):  # a merged upper cell names every column under it
        origin = merged.get((head[at][0], i + col0))
        if origin is not None and origin[0] == head[at][0]:
            upper[i] = upper[origin[1] - col0]
    texts = []
    for i in range(width):
        a = str(upper[i]).strip() if not is_blank(upper[i]) else ""
        b = str(low[i]).strip() if i < len(low) and not is_blank(low[i]) else ""
        options = [t for t in dict.fromkeys((b, f"{a} {b}".strip(), a)) if t]
        best = max(options, key=lambda t: hm.match(kind, hdr.normalise(t)).score, default="")
        texts.append(best)
    single = len(hm.map_columns(kind, [hdr.normalise(v) if not is_blank(v) else hdr.Header("", "", 1) for v in top], hidden))
    double = len(hm.map_columns(kind, [hdr.normalise(t) if t else hdr.Header("", "", 1) for t in texts], hidden))
    if double <= single:
        return top
    return texts + [None]  # one longer than the row: the caller knows two rows were read


def has_value(values) -> bool:
    """Whether any cell of the row is filled (not blank); most rows say so at their first cell."""
    for v in values:
        if v is not None and (not isinstance(v, str) or v.strip()):
            return True
    return False


def merged_lookup(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int]]:
    """(row number, absolute column) of every cell covered by a merge -> its top-left cell."""
    out = {}
    for (r0, c0), (r1, c1) in sheet.merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            continue  # a whole-column merge carries no data worth spreading
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    out[(r + 1, c)] = (r0 + 1, c0)
    return out


def fill_merged(values: list, number: int, col0: int, merged: dict, tops: dict) -> list:
    """Give every cell of a merged range its top-left value (a package number merged over its lines)."""
    out = list(values)
    for i in range(len(out)):
        top = merged.get((number, i + col0))
        if top is not None and top in tops:
            out[i] = tops[top]
    for i, v in enumerate(out):
        if not is_blank(v) and (number, i + col0) not in merged:
            tops[(number, i + col0)] = v
    return out


# A note's first words, or the mark that starts a footnote ("* Values as announced", "\u2020 Final", "(a) ...", "1. ...").
_NOTE = re.compile(r"^(?:(?:sources?|notes?|note that|figures|data as of|as of|compiled|prepared by)\b"
                   r"|[*\u2020\u2021\u00a7\u00b6\u00b9\u00b2\u00b3]|\(?[a-z0-9]\)\s|[0-9]+\.\s)", re.IGNORECASE)


def is_note_row(values) -> bool:
    """A source line or footnote under a table: one text cell, the rest empty, worded as a note."""
    filled = None
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if filled is not None:
            return False  # a second filled cell (most rows say so at their second cell)
        filled = v
    return isinstance(filled, str) and (_NOTE.match(filled.strip()) is not None or len(filled) > 60)


def short_text(values) -> str:
    text = next(str(v).strip() for v in values if not is_blank(v))
    return repr(text if len(text) <= 40 else text[:37] + "...")


def says_total(values) -> bool:
    """The row's first filled cell says Total (or Sum, Grand total...)."""
    for v in values:
        if isinstance(v, str) and v.strip():
            word = v.strip().rstrip(":").casefold()
            return word in _TOTAL_WORDS or word.startswith(("total ", "grand total"))
        if not is_blank(v):
            return False
    return False


def sums_above(values, label_col, date_cols, amount_cols, amount_at, convs, sums) -> bool:
    """A row with amounts but no label and no date, each amount the sum of the rows above: a totals row."""
    if not amount_cols or not any(sums):
        return False
    if label_col is not None and label_col < len(values) and not is_blank(values[label_col]):
        return False
    if any(i < len(values) and not is_blank(values[i]) for i in date_cols):
        return False
    seen = False
    for n, (i, at) in enumerate(zip(amount_cols, amount_at)):
        cell = values[i] if i < len(values) else None
        if is_blank(cell):
            continue
        try:
            if convs[at](cell) != sums[n]:
                return False
        except CellError:
            return False
        seen = True
    return seen
