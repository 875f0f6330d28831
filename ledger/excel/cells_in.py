"""Cells read from a file -> field values, a column at a time; one cell follows `ledger.convert`."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Callable
from typing import Any

from .. import convert, dates
from ..convert import ConvertError as CellError
from ..convert import is_blank
from ..model import Field
from ..money import FAST_FLOAT_LIMIT
from .plan import Ref

__all__ = ["CellError", "FigureCells", "column_converter", "converter", "id_cell", "id_column", "is_blank", "text_column"]

Converter = convert.Converter


def converter(f: Field, unit: int = 1, day_first: bool | None = None, date1904: bool = False, by_name: bool = False) -> Converter:
    """A function cell value -> field value (ledger.convert's rules); raises CellError. `by_name`: a
    reference column holds names, each given as a `Ref` the preview resolves."""
    if f.type == "ref" and by_name:
        refs: dict[Any, Ref] = {}  # one Ref per distinct name: a column repeats a few names

        def by_name_ref(v):
            ref = refs.get(v)
            if ref is None:
                ref = refs[v] = Ref(convert.text_of(v))
            return ref

        return by_name_ref
    return convert.converter(f, unit, day_first, date1904)


def id_cell(v: Any) -> int:
    try:
        n = convert.record_id(v)
    except CellError:
        raise CellError(f"{v!r} is not an id (a whole number)") from None
    if n <= 0:
        raise CellError(f"{n} is not an id (ids start at 1)")
    return n


# What publishers print where a figure is not known or not given: no value (a required field then says
# so once for all such rows), never "not an amount" row by row.
NOT_GIVEN = frozenset({"n/a", "n.a.", "n.a", "na", "-", "--", "\u2014", "\u2013", "..", "...", "\u2026", "tbd", "tba",
                       "not available", "not known", "unknown", "?"})
# A footnote mark after a figure ("1,250.5*", "500\u2020", "725\u00b9", "400[a]"): the figure stands, the mark points to a note.
_FOOTNOTE = re.compile(r"(?<=[0-9a-zA-Z).])\s*(?:[*\u2020\u2021\u00a7\u00b6]+|[\u00b9\u00b2\u00b3\u2070-\u2079]+|\[[0-9a-z]{1,2}\])$")


_DIGITS = re.compile(r"\d[\d.,\s]*")


def _decimal_mark(text: str) -> str | None:
    """The decimal mark an amount's text shows: ',' for "1.250,5" or "500,5", '.' for "2.5" or
    "1,250.5"; None when either reads it ("1,500", "1.500", "725")."""
    m = _DIGITS.search(text)
    digits = m[0].rstrip(" .,") if m else ""
    last = max(digits.rfind(","), digits.rfind("."))
    if last < 0:
        return None
    mark, other = digits[last], "." if digits[last] == "," else ","
    if other in digits[:last] or digits.count(mark) == 1 and len(digits) - last - 1 != 3:
        return mark
    return None if digits.count(mark) == 1 else other  # "1.250.000": dots group thousands, so the comma is decimal


class FigureCells:
    """A foreign sheet's figure column (amounts, dates, counts) as publishers print it: a footnote mark
    after a figure is dropped and "n/a" or a dash is no value; both are counted for the plan's notes
    (`marked`, `not_given`: text -> cells), never dropped unsaid."""

    def __init__(self, convert: ColumnConverter, decimal_comma: bool = False, dates: bool = False):
        self.convert = convert
        self.decimal_comma = decimal_comma  # amounts as "1.250.000,50" (a CSV separated by semicolons)
        # A date column without a date order given: the order its unambiguous dates show ("16.02.2024"
        # is day first) reads its ambiguous ones ("11.06.2024"); dates showing both orders read none.
        self.dates = dates
        self.orders: dict[bool, str] = {}  # day first? -> a date of the column that shows it
        self.ordered: dict[str, int] = {}  # ambiguous dates read in the column's order
        self.marked: dict[str, int] = {}
        self.not_given: dict[str, int] = {}
        self.commas = 0  # amounts read with a decimal comma
        self.comma_marks: set[str] = set()  # the decimal marks the column's amounts show

    def __call__(self, cells: list) -> tuple[list, list[tuple[int, str]]]:
        if str in set(map(type, cells)):  # a column of numbers or dates is handed on untouched
            cells = [self._clean(v) if v.__class__ is str else v for v in cells]
            if self.dates:
                cells = self._in_order(cells)
            if self.decimal_comma:
                cells = self._commas(cells)
        return self.convert(cells)

    def _in_order(self, cells: list) -> list:
        parts = {v: p for v in dict.fromkeys(cells) if v.__class__ is str and (p := dates.numeric_parts(v))}
        texts = list(parts)
        for t in texts:
            order = dates.numeric_order(t)
            if order is not None and order not in self.orders:
                self.orders[order] = t  # the first date showing it, for the note when both orders are shown
        if len(self.orders) != 1:
            return cells
        day_first = next(iter(self.orders))
        found = {}
        for t in texts:
            a, b = parts[t]
            if a != b and a <= 12 and b <= 12:
                try:
                    found[t] = dates.parse_date(t, day_first)
                except dates.DateError:
                    continue
                self.ordered[t] = self.ordered.get(t, 0) + cells.count(t)
        return [found.get(v, v) if v.__class__ is str else v for v in cells] if found else cells

    def _clean(self, v: str):
        text = v.strip()
        if text.casefold() in NOT_GIVEN:
            self.not_given[text] = self.not_given.get(text, 0) + 1
            return None
        m = _FOOTNOTE.search(text)
        if m and m.start() > 0:
            self.marked[text] = self.marked.get(text, 0) + 1
            text = v = text[: m.start()]
        return v

    def _commas(self, cells: list) -> list:
        """Amounts of a column written with a decimal comma ("1.250,5", "500,5"): read so only where the
        column shows it and no amount of it shows a decimal point ("2.5"); "1,500" alone stays 1500."""
        texts = [v for v in dict.fromkeys(cells) if v.__class__ is str and ("," in v or "." in v)]
        self.comma_marks.update(m for m in map(_decimal_mark, texts) if m)
        if self.comma_marks != {","}:
            return cells
        found = {t: t.replace(".", "").replace(",", ".") for t in texts}
        self.commas += sum(1 for v in cells if v in found)
        return [found.get(v, v) if v.__class__ is str else v for v in cells]


# -- a column at a time ------------------------------------------------------------------------------

ColumnConverter = Callable[[list], tuple[list, list[tuple[int, str]]]]


class _Bad:
    __slots__ = ("why",)

    def __init__(self, why: str):
        self.why = why


def column_converter(f: Field, unit: int = 1, day_first: bool | None = None, date1904: bool = False,
                     by_name: bool = False) -> ColumnConverter:
    """A function cells -> (field values, [(index, why)] of cells that cannot be converted). Blank
    cells give None. The same results as `converter` cell by cell, in a fraction of the time: a column
    of plain numbers is converted in one go, and text and dates (a column repeats a few package
    numbers and days) once per distinct value."""
    conv = converter(f, unit, day_first, date1904, by_name)
    fast = None
    if f.type in ("cents", "signed_cents") and unit == 1:
        signed = f.type == "signed_cents"

        def fast(cells):
            return _float_cents(cells, signed)
    elif f.type == "int":
        fast = _whole_numbers
    elif f.type == "ref" and not by_name:
        fast = _record_ids
    elif f.type == "text":
        fast = _texts

    def convert(cells: list) -> tuple[list, list[tuple[int, str]]]:
        if fast is not None and cells:
            done = fast(cells)
            if done is not None:
                return done, []
        return _cell_by_cell(conv, cells)

    return convert


def _cell_by_cell(conv: Converter, cells: list) -> tuple[list, list[tuple[int, str]]]:
    types = set(map(type, cells))
    if types <= {str, type(None)} or types <= {dt.date, dt.datetime, type(None)}:
        # Text or dates only (package numbers, days): convert each distinct value once, then look them up.
        found = {v: _one(conv, v) for v in dict.fromkeys(cells)}
        if not any(r.__class__ is _Bad for r in found.values()):
            return list(map(found.__getitem__, cells)), []
    out: list = []
    bad: list[tuple[int, str]] = []
    cache: dict[Any, Any] = {}  # text and dates only: 1 == 1.0 == True would share a number's entry
    append = out.append
    date_cls, datetime_cls = dt.date, dt.datetime
    for i, v in enumerate(cells):
        cls = v.__class__
        if cls is str or cls is date_cls or cls is datetime_cls:
            r = cache.get(v, _MISSING)
            if r is _MISSING:
                r = cache[v] = _one(conv, v)
        else:
            r = _one(conv, v)
        if r.__class__ is _Bad:
            bad.append((i, r.why))
            r = None
        append(r)
    return out, bad


def _one(conv: Converter, v: Any) -> Any:
    """The cell's value, None when blank, or a _Bad saying why it cannot be converted."""
    if v is None or (v.__class__ is str and not v.strip()):
        return None
    try:
        return conv(v)
    except CellError as exc:
        return _Bad(str(exc))


_MISSING = object()


def _float_cents(cells: list, signed: bool) -> list[int] | None:
    """Cents of a column holding only floats, as parse_amount's own fast path gives them; None when
    any cell needs the careful path (another type, beyond its range, more than cents, negative)."""
    if not _only(cells, float):
        return None
    # v * 100 rounded, and back (c / 100) equal to the cell: the check a map of C functions (operator's:
    # a bound method such as (100).__rtruediv__ costs a wrapper call per cell).
    try:
        cents = [round(v * 100.0) for v in cells]
    except (ValueError, OverflowError):  # NaN, infinity
        return None
    if not (-FAST_FLOAT_LIMIT < min(cells) and max(cells) < FAST_FLOAT_LIMIT):
        return None
    if not all(map(operator.eq, map(operator.truediv, cents, itertools.repeat(100)), cells)):
        return None
    if not signed and min(cents) < 0:
        return None
    return cents


def _only(cells, cls: type) -> bool:
    """Every cell is of exactly this type (a bool is no int here): one pass in C."""
    return set(map(type, cells)) == {cls}


def _texts(cells: list) -> list | None:
    """A text column as `converter` gives it (blank: None; text as written) when every cell is text."""
    if not _only(cells, str):
        return None
    return [v if v.strip() else None for v in cells]


def _record_ids(cells: list) -> list[int] | None:
    """Ids (our exports' reference columns) when every cell is a whole float or int record_id takes."""
    if _only(cells, float):
        if all(map(float.is_integer, cells)) and 0 <= min(cells) and max(cells) < 1e15:
            return list(map(int, cells))
        return None
    if _only(cells, int) and 0 <= min(cells) and max(cells) <= convert.MAX_ID:
        return list(cells)
    return None


def id_column(cells: list) -> tuple[list, list[tuple[int, str]]]:
    """Our exports' ID column: each cell's id (`id_cell`), None when blank, and the cells that are not ids."""
    if cells and _only(cells, float) and all(map(float.is_integer, cells)) and 1 <= min(cells) and max(cells) < 1e15:
        return list(map(int, cells)), []
    out: list = []
    bad: list[tuple[int, str]] = []
    for i, v in enumerate(cells):
        if is_blank(v):
            out.append(None)
            continue
        try:
            out.append(id_cell(v))
        except CellError as exc:
            bad.append((i, str(exc)))
            out.append(None)
    return out, bad


def text_column(cells: list) -> tuple[list, list[tuple[int, str]]]:
    """Our exports' text: kept as written, whitespace and all; only an empty cell is blank."""
    text_of = convert.text_of
    return [v if v.__class__ is str and v else None if v is None or v == "" else text_of(v) for v in cells], []


def _whole_numbers(cells: list) -> list[int] | None:
    if _only(cells, float):
        if all(map(float.is_integer, cells)) and 0 <= min(cells) and max(cells) < 1e15:
            return list(map(int, cells))
        return None
    if _only(cells, int) and min(cells) >= 0:
        return list(cells)
    return None
