"""Cell values to field values: the exact float path of parse_amount, header units, cell converters."""

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.excel.cells_in import CellError, converter
from ledger.excel.header_match import match_field
from ledger.excel.headers import normalise
from ledger.model import KINDS
from ledger.money import parse_amount


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e14, max_value=1e14))
def test_float_amounts_agree_with_the_decimal_path(x):
    exact = int((Decimal(repr(x)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    assert parse_amount(x) == exact


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_cents_written_as_float_units_come_back_exact(cents):
    assert parse_amount(cents / 100) == cents


@pytest.mark.parametrize(
    "header, base, unit",
    [
        ("Value ($M)", "value", 10**6),
        ("USD millions", "", 10**6),
        ("Amount, in millions", "amount", 10**6),
        ("Value ($ thousands)", "value", 10**3),
        ("Amount ($bn)", "amount", 10**9),
        ("Total (USD billions)", "total", 10**9),
        ("Announcement Date", "announcement date", 1),
        ("Qty", "qty", 1),
    ],
)
def test_header_units(header, base, unit):
    h = normalise(header)
    assert (h.base, h.unit) == (base, unit)


@pytest.mark.parametrize(
    "kind, header, field",
    [
        ("package", "Announcement date", "announced_on"),
        ("package", "USD millions", "value_cents"),
        ("package", "Tranche", "number"),
        ("package", "PDA", "number"),
        ("line", "Capability", "system_type_id"),
        ("line", "Item", "system_type_id"),
        ("line", "Qty", "quantity"),
        ("disbursement", "Delivery date", "disbursed_on"),
        ("package", "Colour", None),
    ],
)
def test_synonyms(kind, header, field):
    assert match_field(kind, normalise(header)) == field


def test_converters():
    amount = converter(KINDS["package"].field("value_cents"), unit=10**6)
    assert amount(725.0) == 725_000_000_00 and amount("$1.25 billion") == 1_250_000_000_00
    with pytest.raises(CellError, match="negative"):
        amount("(1,000)")
    date = converter(KINDS["package"].field("announced_on"), date1904=True)
    assert date(dt.date(2024, 12, 2)) == dt.date(2024, 12, 2)
    assert date(44166.0) == dt.date(2024, 12, 2)  # a 1904 serial
    assert converter(KINDS["package"].field("announced_on"))(45628) == dt.date(2024, 12, 2)  # a 1900 serial
    with pytest.raises(CellError, match="choose the date order"):
        date("12/2/2024")
    qty = converter(KINDS["line"].field("quantity"))
    assert qty(20000.0) == 20000 and qty("1,500") == 1500
    with pytest.raises(CellError):
        qty(2.5)
