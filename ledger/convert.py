"""Text (or a workbook cell) -> a field's value: the one converter for the command line, the app and
workbooks, so `725M`, `$1.25 billion`, `(1,000)`, `2/12/2024` or `Preservation` mean the same
wherever they are typed.

Blank gives None (an empty tuple for aliases); whether a field may be blank is the rules' business.
A value that cannot be converted raises ConvertError, whose message says why without naming the
field: each caller names it the way its reader sees it (a column, a form label, a field=value).
References by name are resolved by `reference` against a ledger; workbooks resolve them a column at
a time (ledger.excel.cells_in wraps names in `Ref`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from .dates import MAX_DATE, MIN_DATE, DateError, parse_date
from .model import Field
from .money import AmountError, parse_amount

EXCEL_1900 = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's phantom 1900-02-29 is before any ledger date)
EXCEL_1904 = dt.date(1904, 1, 1)

Converter = Callable[[Any], Any]


class ConvertError(ValueError):
    """The text or cell cannot become the field's value; the message says why."""


MAX_ID = 2**63 - 1  # SQLite's largest INTEGER: a larger id names no record


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_value(f: Field, value: Any, day_first: bool | None = None, unit: int = 1) -> Any:
    """One value for field `f` (a reference gives an id only when `value` is one: see `reference`)."""
    if is_blank(value):
        return () if f.type == "aliases" else None
    return converter(f, unit, day_first)(value)


def reference(ledger: Any, f: Field, text: str) -> int:
    """The id of the record a person names (its label, a system type's alias), or its id typed as a
    number when no record has that label. `ledger` answers `find` and `exists` (ledger.service.Ledger)."""
    text = text.strip()
    found = ledger.find(f.ref, text)
    if found is not None:
        return found.id
    if text.isdigit() and int(text) <= MAX_ID and ledger.exists(f.ref, int(text)):
        return int(text)
    raise ConvertError(f"no {f.ref.replace('_', ' ')} named {text!r}")


def converter(f: Field, unit: int = 1, day_first: bool | None = None, date1904: bool = False) -> Converter:
    """A function non-blank value -> field value, raising ConvertError; built once per column.
    `unit` scales amounts (a "Value ($M)" column); `date1904` is a workbook's date system."""
    t = f.type
    if t in ("cents", "signed_cents"):
        signed = t == "signed_cents"

        def amount(v):
            try:
                cents = parse_amount(v, unit)
            except AmountError as exc:
                raise ConvertError(str(exc)) from None
            if cents < 0 and not signed:
                raise ConvertError("is negative; only revaluations and reported figures may be")
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
                    raise ConvertError(f"{v!r} is a number, not a date")
                v = epoch + dt.timedelta(days=int(v))
            try:
                return parse_date(v, day_first)
            except DateError as exc:
                raise ConvertError(str(exc)) from None

        return date
    if t == "int":
        return whole_number
    if t == "ref":
        return record_id
    if t == "choice":
        choices = {c.casefold(): c for c in f.choices}

        def choice(v):
            key = text_of(v).strip().casefold().replace(" ", "_")
            if key not in choices:
                raise ConvertError(f"{text_of(v)!r} is not one of {', '.join(f.choices)}")
            return choices[key]

        return choice
    if t == "aliases":
        return lambda v: tuple(a.strip() for a in text_of(v).split(";") if a.strip())
    return text_of


def whole_number(v: Any) -> int:
    """A count (quantities): 1,000 and 1 000 are a thousand; never negative."""
    if v.__class__ is float and v.is_integer() and 0 <= v < 1e15:
        return int(v)
    if isinstance(v, float):
        if not (math.isfinite(v) and v.is_integer()):
            raise ConvertError(f"{v!r} is not a whole number")
        v = int(v)
    elif isinstance(v, str):
        text = v.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
        if not text.lstrip("-").isdigit():
            raise ConvertError(f"{v.strip()!r} is not a whole number")
        v = int(text)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ConvertError(f"{v!r} is not a whole number")
    if v < 0:
        raise ConvertError("is negative")
    return v


def text_of(v: Any) -> str:
    """A cell as text: a package number typed as 71 comes back from a workbook as 71.0."""
    if isinstance(v, float) and abs(v) < 1e15 and v == int(v):  # abs first: int(inf) raises
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v) if not isinstance(v, str) else v


def record_id(v: Any) -> int:
    """A record's id as typed or read from a cell (71, 71.0, " 71 ")."""
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)
    elif isinstance(v, str) and v.strip().isdigit():
        v = int(v.strip())
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_ID:
        return v
    raise ConvertError(f"{v!r} is not an id (a whole number)")
