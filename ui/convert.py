"""Text typed into a cell or a form -> a field's value, with a one-line reason when it is not one."""

from __future__ import annotations

from typing import Any

from ledger.dates import DateError, parse_date
from ledger.model import Field
from ledger.money import AmountError, cents_to_decimal_text, parse_amount
from ledger.service import Ledger


class InputProblem(ValueError):
    """The text is not a value of the field; the message says why."""


def to_value(ledger: Ledger, f: Field, text: str, day_first: bool | None) -> Any:
    text = (text or "").strip()
    if text == "":
        if f.required:
            raise InputProblem(f"{f.label} is required")
        return () if f.type == "aliases" else None
    try:
        if f.type in ("cents", "signed_cents"):
            cents = parse_amount(text)
            if f.type == "cents" and cents < 0:
                raise InputProblem(f"{f.label} cannot be negative")
            return cents
        if f.type == "int":
            return int(text.replace(",", "").replace(" ", ""))
        if f.type == "date":
            return parse_date(text, day_first)
        if f.type == "aliases":
            return tuple(a.strip() for a in text.split(";") if a.strip())
        if f.type == "choice":
            if text not in f.choices:
                raise InputProblem(f"{f.label}: {text!r} is not one of {', '.join(f.choices)}")
            return text
        if f.type == "ref":
            found = ledger.find(f.ref, text)
            if found is None and text.isdigit() and ledger.exists(f.ref, int(text)):
                return int(text)
            if found is None:
                raise InputProblem(f"{f.label}: no {f.ref.replace('_', ' ')} named {text!r}")
            return found.id
    except (AmountError, DateError) as exc:
        raise InputProblem(f"{f.label}: {exc}") from None
    except ValueError as exc:
        if isinstance(exc, InputProblem):
            raise
        raise InputProblem(f"{f.label}: {text!r} is not a whole number") from None
    return text


def to_text(f: Field, value: Any, ref_label: str | None = None) -> str:
    """The text a cell editor starts with: exact amounts, ISO dates, names of referred records."""
    if value is None:
        return ""
    if f.type in ("cents", "signed_cents"):
        return cents_to_decimal_text(value)
    if f.type == "date":
        return value.isoformat()
    if f.type == "aliases":
        return "; ".join(value)
    if f.type == "ref":
        return ref_label if ref_label is not None else str(value)
    return str(value)
