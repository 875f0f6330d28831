"""Money as integer cents: parsing text people type, formatting for display.

Decimal is used only while parsing; everything else handles int cents.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# Largest amount one record may carry: USD 1 quadrillion. Far beyond any aid figure, and
# keeps SQLite's 64-bit SUM() of many records from overflowing.
MAX_CENTS = 10**17
FAST_FLOAT_LIMIT = 1e13

SCALES = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "thousands": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mm": 10**6,
    "mil": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "billions": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}

_CURRENCY = r"(?:usd|us\$|\$|eur|€|gbp|£|uah|₴)"
_AMOUNT_RE = re.compile(
    rf"""^\s*(?P<neg1>-)?\s*(?P<open>\()?\s*(?P<neg2>-)?\s*(?:{_CURRENCY}\s*)?(?P<neg3>-)?\s*
    (?P<num>\d[\d,\s]*(?:\.\d*)?|\.\d+)\s*
    (?P<scale>[a-z]*)\.?\s*(?:{_CURRENCY})?\s*(?P<close>\))?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


class AmountError(ValueError):
    """Text that is not an amount; the message says why."""


def parse_amount(value: object, unit: int = 1) -> int:
    """Return cents for a number or text such as "$725 million", "1,234.56", "(1,000)".

    `unit` multiplies plain numbers (a column headed "Value ($M)" passes 10**6). A scale word in
    the text ("bn", "million") replaces the unit. Parentheses mean negative, as in accounts.
    """
    if value.__class__ is float and unit == 1 and -FAST_FLOAT_LIMIT < value < FAST_FLOAT_LIMIT:
        # Cells give floats. Below 10**13 doubles are closer together than half a cent, so a float
        # that equals its cents / 100 stands for exactly those cents: the Decimal path would agree.
        cents = round(value * 100)
        if cents / 100 == value:
            return cents
    if isinstance(value, bool) or value is None:
        raise AmountError("is empty" if value is None else "is not an amount")
    if isinstance(value, int):
        dec = Decimal(value)
        scale = unit
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError("is not a finite number")
        # repr() gives the shortest text that round-trips: 0.29 stays 0.29, not 0.28999...
        dec = Decimal(repr(value))
        scale = unit
    elif isinstance(value, Decimal):
        dec, scale = value, unit
    else:
        text = str(value).strip().replace("\u00a0", " ").replace("\u2212", "-")
        if not text:
            raise AmountError("is empty")
        m = _AMOUNT_RE.match(text)
        if not m:
            raise AmountError(f"{text!r} is not an amount (expected e.g. 725M, $1.25 billion, 1,234.56)")
        if bool(m["open"]) != bool(m["close"]):
            raise AmountError(f"{text!r} has an unmatched parenthesis")
        word = m["scale"].lower()
        if word not in SCALES:
            raise AmountError(f"{text!r}: unknown scale {m['scale']!r} (use k, M, bn or million, billion)")
        digits = m["num"].replace(",", "").replace(" ", "")
        try:
            dec = Decimal(digits)
        except InvalidOperation:
            raise AmountError(f"{text!r} is not an amount") from None
        if m["neg1"] or m["neg2"] or m["neg3"] or m["open"]:
            dec = -dec
        scale = SCALES[word] if word else unit
    if not dec.is_finite():
        raise AmountError("is not a finite number")
    raw = dec * scale * 100
    # Checked before quantize: beyond 28 digits quantize raises InvalidOperation instead of rounding.
    if abs(raw) > MAX_CENTS:
        raise AmountError(f"is larger than {format_cents(MAX_CENTS, 'USD', short=False)}: check the figure")
    return int(raw.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def format_cents(cents: int | None, currency: str = "USD", short: bool = True) -> str:
    """'USD 7.1 B', 'USD 725 M', 'USD 12,500' (short) or 'USD 725,000,000.00' (full)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    if not short:
        return f"{sign}{currency} {c // 100:,}.{c % 100:02d}"
    units = c / 100
    scales = ((10**12, "T"), (10**9, "B"), (10**6, "M"))
    for n, (limit, suffix) in enumerate(scales):
        if units >= limit:
            figure = units / limit
            text = f"{figure:,.2f}".rstrip("0").rstrip(".") if figure < 100 else f"{figure:,.1f}".rstrip("0").rstrip(".")
            if text == "1,000" and n:  # rounded up to the next scale: 'USD 1 B', not 'USD 1,000 M'
                text, suffix = "1", scales[n - 1][1]
            return f"{sign}{currency} {text} {suffix}"
    if c % 100:
        return f"{sign}{currency} {c // 100:,}.{c % 100:02d}"
    return f"{sign}{currency} {c // 100:,}"


def cents_to_decimal_text(cents: int) -> str:
    """Exact decimal text of an amount in currency units, e.g. 72500000000 -> '725000000.00'."""
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return f"{sign}{c // 100}.{c % 100:02d}"
