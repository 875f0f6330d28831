import datetime as dt

import pytest

from ledger.dates import DateError, parse_date
from ledger.money import MAX_CENTS, AmountError, format_cents, parse_amount


@pytest.mark.parametrize(
    "text, unit, cents",
    [
        ("$725 million", 1, 72_500_000_000),
        ("725M", 1, 72_500_000_000),
        ("$1.25 billion", 1, 125_000_000_000),
        ("1,234.56", 1, 123_456),
        ("(1,000)", 1, -100_000),
        ("USD 5.55 bn", 1, 555_000_000_000),
        ("-12", 1, -1_200),
        ("725", 10**6, 72_500_000_000),
        ("2.275", 10**9, 227_500_000_000),
        (0.29, 1, 29),
        (99.99, 1, 9_999),
        (725, 10**6, 72_500_000_000),
        ("€ 3 k", 1, 300_000),
        (" 12 345 ", 1, 1_234_500),
    ],
)
def test_parse_amount(text, unit, cents):
    assert parse_amount(text, unit) == cents


@pytest.mark.parametrize("bad", ["", "abc", "12 apples", "(12", "1.2.3", None, float("nan"), True, "1e400"])
def test_parse_amount_rejects(bad):
    with pytest.raises(AmountError):
        parse_amount(bad)


def test_parse_amount_range():
    with pytest.raises(AmountError, match="larger than"):
        parse_amount(MAX_CENTS // 100 + 1)


@pytest.mark.parametrize(
    "cents, text",
    [
        (710_000_000_000, "USD 7.1 B"),
        (72_500_000_000, "USD 725 M"),
        (3_408_500_000_000, "USD 34.09 B"),
        (1_250_000, "USD 12,500"),
        (-100_050, "-USD 1,000.50"),
        (0, "USD 0"),
        (99_999_500_000, "USD 1 B"),  # rounded up into the next scale
        (99_994_000_000, "USD 999.9 M"),
        (99_999_500_000_000, "USD 1 T"),
    ],
)
def test_format_cents(cents, text):
    assert format_cents(cents) == text


@pytest.mark.parametrize(
    "text, day_first, expected",
    [
        ("2024-12-02", None, dt.date(2024, 12, 2)),
        ("Dec. 2, 2024", None, dt.date(2024, 12, 2)),
        ("2 December 2024", None, dt.date(2024, 12, 2)),
        ("12/2/2024", False, dt.date(2024, 12, 2)),
        ("2/12/2024", True, dt.date(2024, 12, 2)),
        ("25/12/2024", None, dt.date(2024, 12, 25)),
        (dt.datetime(2024, 12, 2), None, dt.date(2024, 12, 2)),
        ("2024-12-02 00:00:00", None, dt.date(2024, 12, 2)),
    ],
)
def test_parse_date(text, day_first, expected):
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(
    "text, why",
    [
        ("12/2/2024", "choose the date order"),
        ("2024-02-30", "not a valid date"),
        ("1850-01-01", "out of range"),
        ("yesterday", "not a date"),
        ("Smarch 3, 2024", "unknown month"),
        (dt.datetime(2024, 1, 1, 13, 5), "time of day"),
    ],
)
def test_parse_date_rejects(text, why):
    with pytest.raises(DateError, match=why):
        parse_date(text)
