"""Text typed into a cell or a form -> a field's value (ledger.convert), with a one-line reason when it is
not one; and a value -> the text its editor starts with."""

from __future__ import annotations

from typing import Any

from ledger import convert
from ledger.model import Field
from ledger.money import cents_to_decimal_text
from ledger.service import Ledger


class InputProblem(ValueError):
    """The text is not a value of the field; the message says why."""


def to_value(ledger: Ledger, f: Field, text: str, day_first: bool | None) -> Any:
    """ledger.convert's rules, said with the field's label; a blank required field is refused here."""
    text = (text or "").strip()
    if text == "" and f.required:
        raise InputProblem(f"{f.label} is required")
    try:
        if f.type == "ref" and text:
            return convert.reference(ledger, f, text)
        return convert.to_value(f, text, day_first)
    except convert.ConvertError as exc:
        raise InputProblem(f"{f.label}: {exc}") from None


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
