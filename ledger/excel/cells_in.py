"""Turning one cell read from a file into a typed field value (or a reason it cannot be one)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from ..dates import MAX_DATE, MIN_DATE, DateError, parse_date
from ..model import Field
from ..money import AmountError, parse_amount
from .plan import Ref

EXCEL_1900 = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's phantom 1900-02-29 is before any ledger date)
EXCEL_1904 = dt.date(1904, 1, 1)


class CellError(ValueError):
    """The cell's value cannot become the field's value; the message says why."""


Converter = Callable[[Any], Any]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def converter(f: Field, unit: int = 1, day_first: bool | None = None, date1904: bool = False, by_name: bool = False) -> Converter:
    """A function cell value -> field value; raises CellError. Blank cells give None."""
    t = f.type
    if t in ("cents", "signed_cents"):
        signed = t == "signed_cents"

        def amount(v):
            try:
                cents = parse_amount(v, unit)
            except AmountError as exc:
                raise CellError(str(exc)) from None
            if cents < 0 and not signed:
                raise CellError("is negative; only revaluations and reported figures may be")
            return cents

        return amount
    if t == "date":
        epoch = EXCEL_1904 if date1904 else EXCEL_1900

        def date(v):
            if v.__class__ is dt.date and MIN_DATE <= v <= MAX_DATE:
                return v
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                # A date column holding a plain number: an Excel serial date without a date format.
                if not 1 <= v <= 200_000 or v != int(v):
                    raise CellError(f"{v!r} is a number, not a date")
                v = epoch + dt.timedelta(days=int(v))
            try:
                return parse_date(v, day_first)
            except DateError as exc:
                raise CellError(str(exc)) from None

        return date
    if t == "int":

        def whole(v):
            if v.__class__ is float and v.is_integer() and 0 <= v < 1e15:
                return int(v)
            if isinstance(v, float):
                if not (math.isfinite(v) and v.is_integer()):
                    raise CellError(f"{v!r} is not a whole number")
                v = int(v)
            elif isinstance(v, str):
                text = v.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
                if not text.lstrip("-").isdigit():
                    raise CellError(f"{v.strip()!r} is not a whole number")
                v = int(text)
            if isinstance(v, bool) or not isinstance(v, int):
                raise CellError(f"{v!r} is not a whole number")
            if v < 0:
                raise CellError("is negative")
            return v

        return whole
    if t == "ref":
        if by_name:
            refs: dict[Any, Ref] = {}  # one Ref per distinct name: a column repeats a few names

            def by_name_ref(v):
                ref = refs.get(v)
                if ref is None:
                    ref = refs[v] = Ref(_text(v))
                return ref

            return by_name_ref
        return _ref_id
    if t == "choice":
        choices = {c.casefold(): c for c in f.choices}

        def choice(v):
            key = _text(v).casefold().replace(" ", "_")
            if key not in choices:
                raise CellError(f"{_text(v)!r} is not one of {', '.join(f.choices)}")
            return choices[key]

        return choice
    if t == "aliases":
        return lambda v: tuple(a.strip() for a in _text(v).split(";") if a.strip())
    return _text


def _text(v: Any) -> str:
    if isinstance(v, float) and abs(v) < 1e15 and v == int(v):  # abs first: int(inf) raises
        return str(int(v))  # a package number typed as 71 comes back as 71.0
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v) if not isinstance(v, str) else v


def _ref_id(v: Any) -> int:
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    raise CellError(f"{v!r} is not an id (a whole number)")


def id_cell(v: Any) -> int:
    try:
        n = _ref_id(v)
    except CellError:
        raise CellError(f"{v!r} is not an id (a whole number)") from None
    if n <= 0:
        raise CellError(f"{n} is not an id (ids start at 1)")
    return n
