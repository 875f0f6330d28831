"""Export the whole ledger as a documented workbook, streamed (openpyxl write-only mode + lxml).

Memory stays flat whatever the ledger's size: rows are read from the ledger and written one at a
time. Data sheets hold values only, never formulas. See docs/excel.md for the layout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import APP_NAME, __version__, accepted, store
from ..balances import total_series
from ..dates import MAX_DATE
from ..model import KINDS
from . import layout
from .cells import ColumnCell, clean_text
from .errors import Cancelled, ExcelError
from .preview import ledger_identity

if TYPE_CHECKING:
    from ..service import Ledger

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

WIDTH_SAMPLE = 1000  # rows looked at to size columns (the sheet is streamed, so widths come first)
PROGRESS_EVERY = 2000


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)  # kind -> rows written
    replaced_characters: int = 0  # text cells whose control characters XML cannot hold were replaced

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def export_workbook(
    ledger: Ledger, path: str | os.PathLike, progress: Progress | None = None, cancelled: IsCancelled | None = None
) -> ExportResult:
    """Write the ledger to `path` (.xlsx). The file appears only when complete (written beside, then renamed)."""
    path = Path(path)
    result = ExportResult(path)
    total = sum(ledger.count(k) for k in layout.DATA_KINDS)
    currency = ledger.currency
    money = layout.money_format(currency)
    wb = Workbook(write_only=True)
    try:
        _write(wb, ledger, path, result, total, money, progress, cancelled)
    except BaseException:
        _discard(wb)
        raise
    return result


def _write(wb, ledger, path, result, total, money, progress, cancelled) -> None:
    done = 0
    labels = _Labels(ledger)
    _about_sheet(wb, ledger, path)
    for kind in layout.DATA_KINDS:
        ws = wb.create_sheet(layout.SHEET_NAMES[kind])
        cols = layout.columns(kind)
        positions = {name: i for i, name in enumerate(store.columns(KINDS[kind]))}
        getters = [_getter(c, labels, positions) for c in cols]
        sample = list(islice(ledger.iter_rows(kind), WIDTH_SAMPLE))
        _header(ws, cols, _widths(cols, sample, getters))
        writers = [_column_writer(ws, c, money) for c in cols]
        pairs = list(zip(getters, writers))
        n = 0
        for stored in ledger.iter_rows(kind):
            row = []
            for get, write in pairs:
                value = get(stored)
                if value.__class__ is str:
                    value, replaced = clean_text(value)
                    result.replaced_characters += replaced
                row.append(write(value))
            ws.append(row)
            n += 1
            if n % PROGRESS_EVERY == 0:
                if cancelled and cancelled():
                    raise Cancelled("export cancelled: no file was written")
                if progress:
                    progress(done + n, total)
        result.counts[kind] = n
        done += n
        if progress:
            progress(done, total)
    _summary_sheet(wb, ledger, money)
    _series_sheet(wb, ledger, money)
    _save(wb, path)


def _discard(wb: Workbook) -> None:
    """Close the write-only sheets' streams and remove their temporary files (a cancel or a failure)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        try:
            ws.close()
        except Exception:
            pass  # a stream broken by the failure itself: its file is removed below
        out = getattr(writer, "out", None)
        if isinstance(out, str) and os.path.exists(out):
            os.remove(out)


def _save(wb: Workbook, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.part")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExcelError(f"cannot write {path}: {exc.strerror or exc}") from None


class _Labels:
    """id -> the name people know a record by, per referenced kind (loaded on first use)."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.cache: dict[str, dict[int, str]] = {}

    def __call__(self, kind: str) -> dict[int, str]:
        if kind not in self.cache:
            label = KINDS[kind].label_field
            self.cache[kind] = {r.id: str(getattr(r, label)) for r in self.ledger.iter_records(kind)}
        return self.cache[kind]


def _getter(col: layout.Column, labels: _Labels, positions: dict[str, int]):
    """A function: stored row (a tuple, see Ledger.iter_rows) -> the cell's value."""
    if col.type == "ref_name":
        names = labels(col.ref)
        at = positions[col.ref_field]
        return lambda r: names.get(r[at])
    at = positions[col.field]
    if col.type in ("cents", "signed_cents"):
        return lambda r: None if (c := r[at]) is None else _money_value(c)
    if col.type == "date":
        return lambda r: None if (d := r[at]) is None else dt.date.fromisoformat(d)
    if col.type == "aliases":
        return lambda r: "; ".join(json.loads(r[at] or "[]")) or None
    if col.type in ("text", "choice"):
        return lambda r: r[at] or None
    return lambda r: r[at]


def _money_value(cents: int):
    """Currency units as a number: an int when whole (exact at any size), else a float (exact below
    10**13 units, far beyond aid figures; the parser rounds it back to the same cents)."""
    if cents % 100 == 0:
        return cents // 100
    return cents / 100


def _column_writer(ws, col: layout.Column, money: str):
    if col.type in ("cents", "signed_cents"):
        return ColumnCell(ws, money)
    if col.type == "date":
        return ColumnCell(ws, layout.DATE_FORMAT)
    if col.type in ("int", "id", "ref"):
        return ColumnCell(ws, layout.INT_FORMAT if col.type == "int" else "0")
    return ColumnCell(ws, text=True)


def _text_len(value) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n"))
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 5
    return len(f"{value:,}") + 1


def _widths(cols, sample, getters) -> list[float]:
    out = []
    for col, get in zip(cols, getters):
        longest = max([len(col.header)] + [_text_len(get(r)) + (5 if col.type in ("cents", "signed_cents") else 0) for r in sample])
        out.append(min(max(longest + 2, 6), 60))
    return out


def _header(ws, cols, widths) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}1048576"
    ws.append([_bold(ws, c.header) for c in cols])


def _bold(ws, text):
    return ColumnCell(ws, bold=True)(text)


def _about_sheet(wb: Workbook, ledger: Ledger, path: Path) -> None:
    ws = wb.create_sheet(layout.ABOUT_SHEET)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 70
    now = dt.datetime.now().replace(microsecond=0)
    rows = [
        ("Application", f"{APP_NAME} {__version__}"),
        ("Ledger", Path(ledger.where).stem if ledger.where != ":memory:" else "(in memory)"),
        ("Ledger id", ledger_identity(ledger)),
        ("Currency", ledger.currency),
        ("Default deadline", dt.date.fromisoformat(ledger.default_deadline) if ledger.default_deadline else ""),
        ("Exported at", now),
        ("Layout version", layout.LAYOUT_VERSION),
        ("", None),
        ("Layout", "One sheet per kind of record; the ID column holds the record's stable id, used to match rows when the workbook is imported again."),
        ("References", "A column ending in 'ID' holds the id of the record referred to; the column after it shows its name and is for reading only."),
        ("Amounts", f"Numbers in {ledger.currency} (not cents), with a currency format. Dates are real dates."),
        ("Summary", "Balances of every record (any date) by authority and by system type; Unallocated holds value no line splits."),
        ("Balance over time", "Totals after every day something changed."),
    ]
    known = accepted.stored(ledger.conn)
    if known:  # read back by an import, which accepts these again without asking
        rows.insert(rows.index(("", None)), (layout.ACCEPTED_WARNINGS, accepted.as_text(known)))
    bold = ColumnCell(ws, bold=True)
    stamp = ColumnCell(ws, "yyyy-mm-dd hh:mm:ss")
    day = ColumnCell(ws, layout.DATE_FORMAT)
    text = ColumnCell(ws, text=True)
    for key, value in rows:
        ws.append([bold(key), stamp(value) if isinstance(value, dt.datetime) else day(value) if isinstance(value, dt.date) else text(value) if isinstance(value, str) else value])


FIGURE_HEADERS = ("Authorized", "Adjustments", "Committed", "Disbursed", "Remaining authority", "Undelivered", "Authorized - disbursed")


def _figures(f) -> list[int | float]:
    return [
        _money_value(c)
        for c in (
            f.authorized_cents,
            f.adjustments_cents,
            f.committed_cents,
            f.disbursed_cents,
            f.remaining_authority_cents,
            f.undelivered_cents,
            f.authorized_minus_disbursed_cents,
        )
    ]


def _summary_sheet(wb: Workbook, ledger: Ledger, money: str) -> None:
    ws = wb.create_sheet(layout.SUMMARY_SHEET)
    ws.column_dimensions["A"].width = 34
    for i in range(2, 2 + len(FIGURE_HEADERS)):
        ws.column_dimensions[get_column_letter(i)].width = 22
    ws.freeze_panes = "B1"
    bold = ColumnCell(ws, bold=True)
    text = ColumnCell(ws, text=True)
    cells = [ColumnCell(ws, money) for _ in FIGURE_HEADERS]
    # As of the last possible date: every record counts, so the sheet depends on the ledger only.
    for by, title in (("authority", "By authority"), ("system_type", "By system type")):
        s = ledger.summary(as_of=MAX_DATE.isoformat(), by=by)
        ws.append([bold(title), *[_bold(ws, h) for h in FIGURE_HEADERS]])
        for g in s.groups:
            ws.append([text(g.name), *[c(v) for c, v in zip(cells, _figures(g.figures))]])
        ws.append([bold("Total"), *[ColumnCell(ws, money, bold=True)(v) for v in _figures(s.totals)]])
        ws.append([])


def _series_sheet(wb: Workbook, ledger: Ledger, money: str) -> None:
    ws = wb.create_sheet(layout.SERIES_SHEET)
    ws.column_dimensions["A"].width = 12
    for i in range(2, 2 + len(FIGURE_HEADERS)):
        ws.column_dimensions[get_column_letter(i)].width = 22
    ws.freeze_panes = "A2"
    ws.append([_bold(ws, "Date"), *[_bold(ws, h) for h in FIGURE_HEADERS]])
    day = ColumnCell(ws, layout.DATE_FORMAT)
    cells = [ColumnCell(ws, money) for _ in FIGURE_HEADERS]
    for iso, fig in total_series(ledger.series("authority")):
        ws.append([day(dt.date.fromisoformat(iso)), *[c(v) for c, v in zip(cells, _figures(fig))]])
