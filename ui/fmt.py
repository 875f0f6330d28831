"""Display text for money, dates and pace: one place, so every view says "USD 7.1 B" the same way."""

from __future__ import annotations

import datetime as dt

from ledger.money import format_cents


class Display:
    """Formatting choices of the user (short or full amounts) and the ledger's currency."""

    def __init__(self, currency: str = "USD", short: bool = True):
        self.currency = currency
        self.short = short

    def money(self, cents: int | None) -> str:
        return format_cents(cents, self.currency, short=self.short)

    def full(self, cents: int | None) -> str:
        return format_cents(cents, self.currency, short=False)

    def per_day(self, cents: int | None) -> str:
        if cents is None:
            return ""
        return f"{format_cents(cents, self.currency, short=True)}/day"


def date_text(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return "passed"
    return f"{days:,} d"
