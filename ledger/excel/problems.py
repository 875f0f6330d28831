"""An import's problems said once, in the words people use.

A field missing from every row of a sheet is one message with its remedy ("no Authority column or
value: 74 rows"); the same problem in the same column of many rows is one message listing the rows;
only problems that differ by row are listed row by row. Rows are counted once however many problems
they have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..words import article, first_few
from .plan import Rejection

__all__ = ["Message", "article", "rows_rejected", "summarise"]

ROWS_SHOWN = 12  # row numbers listed in one message; the rest are counted


def rows_rejected(rejected: Iterable[Rejection]) -> int:
    """How many rows the problems fall on (a row with three problems is one row)."""
    return len({(r.sheet, r.row) for r in rejected})


@dataclass(frozen=True)
class Message:
    text: str
    rows: int


_ID = "\x00id\x00"  # stands for the id a reference names, in a reason grouped over many ids


_WITH_ID = re.compile(r"\bwith id (\d+)\b")


_EITHER_ORDER = re.compile(r"^'[^']*' could be day/month or month/day: choose the date order$")
EITHER_ORDER = ("could be day/month or month/day: say the order with --day-first or --month-first "
                "(in the app: Dates like 1/2/2024)")


def _by_id(r: Rejection) -> str:
    """The reason, the id it names taken out: lines of thirty deleted packages are one message, not
    thirty; so are the dates of a column that either day/month order reads."""
    if _EITHER_ORDER.match(r.why):
        return EITHER_ORDER
    return _WITH_ID.sub(f"with id {_ID}", r.why, count=1)


def _id_of(r: Rejection) -> int:
    return int(_WITH_ID.search(r.why)[1])


def summarise(rejected: list[Rejection], rows_in: dict[str, int] | None = None) -> list[Message]:
    """The problems grouped: per (sheet, column, reason), in the order first met. `rows_in` (sheet ->
    rows read) tells a field missing from every row from one missing in a few."""
    groups: dict[tuple[str, str, str], list[Rejection]] = {}
    for r in rejected:
        groups.setdefault((r.sheet, r.column, _by_id(r)), []).append(r)
    out: list = []
    lacking: dict[str, tuple[int, int, list[str]]] = {}  # sheet -> (place in out, rows, labels of the fields it lacks)
    for (sheet, column, why), items in groups.items():
        rows = sorted({r.row for r in items})
        where = f"sheet {sheet!r}" if sheet else "the file"
        if _ID in why:
            ids = sorted({_id_of(r) for r in items})
            if len(ids) == 1:
                why = why.replace(_ID, str(ids[0]))
            else:
                few, more = first_few(ids, ROWS_SHOWN)
                why = why.replace(f"id {_ID}", "ids " + ", ".join(map(str, few)) + (f" and {more:,} more" if more else ""))
                why = why.replace("its row was rejected", "their rows were rejected")
            if len(items) == 1:
                out.append(Message(str(Rejection(sheet, items[0].row, column, items[0].value, why)), 1))
                continue
            items = [Rejection(r.sheet, r.row, r.column, None, why) for r in items]  # the ids are in the text
        if why.endswith(" is required") and rows_in and len(rows) >= rows_in.get(sheet, 0) > 1:
            # Every field a sheet lacks in all its rows: one message for the sheet, at the first one's place.
            if sheet not in lacking:
                lacking[sheet] = (len(out), len(rows), [])
                out.append(None)
            lacking[sheet][2].append(why.removesuffix(" is required"))
        elif len(items) == 1:
            r = items[0]
            out.append(Message(str(Rejection(r.sheet, r.row, r.column, r.value, f"{r.value!r} {why}") if why == EITHER_ORDER else r), 1))
        else:
            few, more = first_few(rows, ROWS_SHOWN)
            shown = ", ".join(map(str, few)) + (f" and {more:,} more" if more else "")
            col = f", column {column!r}" if column else ""
            values = {repr(r.value) for r in items if r.value not in (None, "")}
            value = f" ({next(iter(values))})" if len(values) == 1 else f" ({items[0].value!r}, ...)" if why == EITHER_ORDER else ""
            out.append(Message(f"{where}{col}{value}: {why}: {len(rows):,} rows ({shown})", len(rows)))
    for sheet, (at, n, labels) in lacking.items():
        out[at] = Message(_lacking(sheet, n, labels, [s for s in (rows_in or {}) if s != sheet]), n)
    return out


def _lacking(sheet: str, n: int, labels: list[str], others: list[str]) -> str:
    """A sheet without a column for fields every row needs: what, and the ways to give them."""
    where = f"sheet {sheet!r}" if sheet else "the file"
    names = " or ".join(label.capitalize() for label in labels)
    label = labels[0]
    each = "it" if len(labels) == 1 else "each"
    # A workbook's other table (a summary by year beside the packages) is most often the one to leave out.
    other = (f"; or import only the sheet {others[0]!r} (--sheet '{others[0]}'; in the app: choose it under Sheet)" if len(others) == 1
             else "; or import only one of the other sheets (--sheet NAME; in the app: choose it under Sheet)" if others else "")
    return (f"{where}: no {names} column or value: {n:,} rows. On the command line map a column to {each} "
            f"(--map 'HEADER={label}') or give one value for every row (--set {label.replace(' ', '_')}=VALUE); in the app, "
            f"choose the column on the Columns tab or type the value under 'Fields the sheet lacks'{other}")
