"""Export the whole ledger as a documented workbook, streamed (rust_xlsxwriter, through rustpy-xlsxwriter).

Memory stays flat whatever the ledger's size: the writer runs in constant-memory mode and takes each
sheet's rows from a generator fed by one SQL query per kind, which also converts the stored values to
cell values (amounts in currency units, dates as Excel day numbers, names of referenced records), so
no Python code runs per cell. Data sheets hold values only, never formulas: the writer stores every
str as text (never a formula, an error or a link). See docs/excel.md for the layout.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import rustpy_xlsxwriter as xlsx

from .. import APP_NAME, __version__, accepted
from ..balances import total_series
from ..dates import MAX_DATE
from ..model import KINDS
from . import layout
from .cells import ILLEGAL_GLOB, clean_text
from .errors import Cancelled, ExcelError
from .preview import ledger_identity

if TYPE_CHECKING:
    from ..service import Ledger

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

WIDTH_SAMPLE = 1000  # rows looked at to size columns (the sheet is streamed, so widths come first)
PROGRESS_EVERY = 2000  # rows fetched (and progress told, cancel checked) at a time
CLEAN_FUNCTION = "aid_ledger_clean_text"


@dataclass
class ExportResult:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)  # kind -> rows written
    replaced_characters: int = 0  # text cells whose control characters XML cannot hold were replaced

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class _Book:
    """The sheets and their per-sheet options, in the shape rustpy_xlsxwriter.write_worksheets takes."""

    def __init__(self):
        self.sheets: list[tuple[str, Iterator[dict]]] = []
        self.options: dict[str, dict] = {k: {} for k in ("freeze_panes", "column_widths", "column_formats",
                                                          "header_format", "autofilter", "row_formats")}

    def add(self, name: str, rows: Iterator[dict], widths: list[float], formats: list, header_bold: bool = True,
            freeze: tuple[int, int] | None = (1, 0), autofilter: bool = False, row_formats: dict | None = None) -> None:
        self.sheets.append((name, rows))
        o = self.options
        o["column_widths"][name] = widths
        o["column_formats"][name] = formats
        o["header_format"][name] = _fmt(bold=True) if header_bold else _fmt()
        if freeze:
            o["freeze_panes"][name] = {"row": freeze[0], "col": freeze[1]}
        if autofilter:
            o["autofilter"][name] = True
        if row_formats:
            o["row_formats"][name] = row_formats

    def save(self, path: Path) -> None:
        xlsx.write_worksheets(self.sheets, str(path), **{k: v for k, v in self.options.items() if v})


def _fmt(number_format: str | None = None, bold: bool = False):
    f = xlsx.Format()
    if number_format:
        f.set_num_format(number_format)
    if bold:
        f.set_bold()
    return f


def export_workbook(
    ledger: Ledger, path: str | os.PathLike, progress: Progress | None = None, cancelled: IsCancelled | None = None
) -> ExportResult:
    """Write the ledger to `path` (.xlsx). The file appears only when complete (written beside, then renamed)."""
    path = Path(path)
    result = ExportResult(path)
    total = sum(ledger.count(k) for k in layout.DATA_KINDS)
    money = layout.money_format(ledger.currency)
    conn = ledger.conn
    book = _Book()
    _about_sheet(book, ledger, path)
    done = [0]

    def told(kind: str, rows: Iterator[tuple], keys: tuple[str, ...]) -> Iterator[dict]:
        # Rows go to the writer in blocks: progress and cancel are seen between blocks, never per row.
        n = 0
        while block := list(islice(rows, PROGRESS_EVERY)):
            if cancelled and cancelled():
                raise Cancelled("export cancelled: no file was written")
            yield from map(dict, map(zip, repeat(keys), block))
            n += len(block)
            done[0] += len(block)
            if progress:
                progress(done[0], total)
        result.counts[kind] = n
        if n == 0:
            yield dict.fromkeys(keys)  # an empty sheet still has its header row (an all-empty row is not written)

    cleaner = _Cleaner(result)
    conn.create_function(CLEAN_FUNCTION, 1, cleaner, deterministic=True)
    for kind in layout.DATA_KINDS:
        cols = layout.columns(kind)
        sql = _select(conn, kind, cols)
        cleaner.counting = False  # the width sample reads rows the sheet reads again
        sample = conn.execute(f"{sql} LIMIT {WIDTH_SAMPLE}").fetchall()
        cleaner.counting = True
        keys = tuple(c.header for c in cols)
        book.add(layout.SHEET_NAMES[kind], told(kind, iter(conn.execute(sql)), keys), _widths(cols, sample),
                 [_column_format(c, money) for c in cols], autofilter=True)
    _summary_sheet(book, ledger, money)
    _series_sheet(book, ledger, money)
    tmp = path.with_name(f".{path.name}.part")
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExcelError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress:
        progress(total, total)
    return result


class _Cleaner:
    """The SQL function that replaces characters XML cannot hold, counting the cells it changed.
    Only columns where SQLite found such a character are passed through it."""

    def __init__(self, result: ExportResult):
        self.result = result
        self.counting = True

    def __call__(self, text):
        if text.__class__ is not str:
            return text
        text, replaced = clean_text(text)
        if self.counting:
            self.result.replaced_characters += replaced
        return text


def _select(conn: sqlite3.Connection, kind: str, cols: tuple[layout.Column, ...]) -> str:
    """One query giving a kind's sheet rows, cell values in column order, by id."""
    table = KINDS[kind].table
    exprs, joins = [], []
    for i, col in enumerate(cols):
        if col.type == "ref_name":
            ref = KINDS[col.ref]
            joins.append(f"LEFT JOIN {ref.table} j{i} ON j{i}.id = t.{col.ref_field}")
            expr = _text(conn, ref.table, ref.label_field, f"j{i}.{ref.label_field}")
        elif col.type in ("cents", "signed_cents"):
            expr = f"t.{col.field} / 100.0"
        elif col.type == "date":
            # Excel's day number; before March 1900 Excel counts a 29 February 1900 that never was.
            expr = (f"CASE WHEN t.{col.field} IS NULL THEN NULL WHEN t.{col.field} < '1900-03-01'"
                    f" THEN julianday(t.{col.field}) - 2415019.5 ELSE julianday(t.{col.field}) - 2415018.5 END")
        elif col.type == "aliases":
            joined = f"(SELECT group_concat(value, '; ') FROM json_each(t.{col.field}))"
            expr = _text(conn, table, col.field, f"NULLIF({joined}, '')")
        elif col.type in ("text", "choice"):
            expr = _text(conn, table, col.field, f"NULLIF(t.{col.field}, '')")
        else:
            expr = f"t.{col.field}"
        exprs.append(expr)
    return f"SELECT {', '.join(exprs)} FROM {table} t {' '.join(joins)} ORDER BY t.id"


def _text(conn: sqlite3.Connection, table: str, column: str, expr: str) -> str:
    """A text column's expression, cleaned only when SQLite finds a character XML cannot hold in it."""
    bad = conn.execute(f"SELECT 1 FROM {table} WHERE {column} GLOB ? OR instr({column}, char(0)) LIMIT 1",
                       (ILLEGAL_GLOB,)).fetchone()
    return f"{CLEAN_FUNCTION}({expr})" if bad else expr


def _column_format(col: layout.Column, money: str):
    if col.type in ("cents", "signed_cents"):
        return _fmt(money)
    if col.type == "date":
        return _fmt(layout.DATE_FORMAT)
    if col.type in ("int", "id", "ref"):
        return _fmt(layout.INT_FORMAT if col.type == "int" else "0")
    return _fmt()


def _text_len(col: layout.Column, value) -> int:
    if value is None:
        return 0
    if col.type == "date":
        return 10
    if col.type in ("cents", "signed_cents"):
        return len(f"{value:,.2f}") + 10
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n"))
    return len(f"{value:,}") + 1


def _widths(cols, sample) -> list[float]:
    return [min(max(max([len(col.header)] + [_text_len(col, r[i]) for r in sample]) + 2, 6), 60)
            for i, col in enumerate(cols)]


def _about_sheet(book: _Book, ledger: Ledger, path: Path) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    rows = [
        ("Application", f"{APP_NAME} {__version__}"),
        ("Ledger", Path(ledger.where).stem if ledger.where != ":memory:" else "(in memory)"),
        ("Ledger id", ledger_identity(ledger)),
        ("Currency", ledger.currency),
        ("Default deadline", dt.date.fromisoformat(ledger.default_deadline) if ledger.default_deadline else None),
        ("Exported at", now),
        ("Layout version", layout.LAYOUT_VERSION),
        (None, None),
        ("Layout", "One sheet per kind of record; the ID column holds the record's stable id, used to match rows when the workbook is imported again."),
        ("References", "A column ending in 'ID' holds the id of the record referred to; the column after it shows its name and is for reading only."),
        ("Amounts", f"Numbers in {ledger.currency} (not cents), with a currency format. Dates are real dates."),
        ("Summary", "Balances of every record (any date) by authority and by system type; Unallocated holds value no line splits."),
        ("Balance over time", "Totals after every day something changed."),
    ]
    known = accepted.stored(ledger.conn)
    if known:  # read back by an import, which accepts these again without asking
        rows.insert(rows.index((None, None)), (layout.ACCEPTED_WARNINGS, accepted.as_text(known)))
    # The first row is the writer's header row (its keys); the key column is bold, the two dates formatted.
    keys = rows[0]
    book.add(layout.ABOUT_SHEET, (dict(zip(keys, r)) for r in rows[1:]), [22, 70], [_fmt(bold=True), _fmt()],
             header_bold=False, freeze=None,
             row_formats={4: _fmt(layout.DATE_FORMAT), 5: _fmt("yyyy-mm-dd hh:mm:ss")})


FIGURE_HEADERS = ("Authorized", "Adjustments", "Committed", "Disbursed", "Remaining authority", "Undelivered", "Authorized - disbursed")


def _figures(f) -> list[float]:
    return [
        c / 100
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


def _summary_sheet(book: _Book, ledger: Ledger, money: str) -> None:
    bold = _fmt(bold=True)
    rows: list[list] = []
    row_formats = {}
    # As of the last possible date: every record counts, so the sheet depends on the ledger only.
    for by, title in (("authority", "By authority"), ("system_type", "By system type")):
        s = ledger.summary(as_of=MAX_DATE.isoformat(), by=by)
        if rows:
            row_formats[len(rows)] = bold
        rows.append([title, *FIGURE_HEADERS])
        rows.extend([g.name, *_figures(g.figures)] for g in s.groups)
        row_formats[len(rows)] = bold
        rows.append(["Total", *_figures(s.totals)])
        rows.append([None] * (1 + len(FIGURE_HEADERS)))
    # A plain last row: the writer repeats a formatted last row (a file Excel would have to repair).
    rows.append(["Every record counts, whatever its date.", *[None] * len(FIGURE_HEADERS)])
    keys = rows[0]
    book.add(layout.SUMMARY_SHEET, (dict(zip(keys, r)) for r in rows[1:]), [34, *[22] * len(FIGURE_HEADERS)],
             [_fmt(), *[_fmt(money) for _ in FIGURE_HEADERS]], freeze=(0, 1), row_formats=row_formats)


def _series_sheet(book: _Book, ledger: Ledger, money: str) -> None:
    keys = ("Date", *FIGURE_HEADERS)
    rows = [dict(zip(keys, (dt.date.fromisoformat(iso), *_figures(fig)))) for iso, fig in total_series(ledger.series("authority"))]
    book.add(layout.SERIES_SHEET, iter(rows or [dict.fromkeys(keys)]), [12, *[22] * len(FIGURE_HEADERS)],
             [_fmt(layout.DATE_FORMAT), *[_fmt(money) for _ in FIGURE_HEADERS]])
