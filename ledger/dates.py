"""Calendar dates: parsing what people and workbooks write, and the range a ledger accepts."""

from __future__ import annotations

import datetime as dt
import re

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_SLASH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.I)
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.I)


class DateError(ValueError):
    """Text that is not a date, or a date outside the range; the message says why."""


def check_range(d: dt.date) -> dt.date:
    if not MIN_DATE <= d <= MAX_DATE:
        raise DateError(f"{d.isoformat()} is out of range ({MIN_DATE.year} to {MAX_DATE.year})")
    return d


def parse_date(value: object, day_first: bool | None = None) -> dt.date:
    """Return a date for a date, a midnight datetime, or text.

    Text may be ISO (2024-12-02), "Dec. 2, 2024", "2 December 2024" or "12/2/2024". Numeric
    day/month order is never guessed: `day_first` must say it, unless the text is unambiguous
    (a part above 12).
    """
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise DateError(f"{value.isoformat(sep=' ')} has a time of day; a date was expected")
        return check_range(value.date())
    if isinstance(value, dt.date):
        return check_range(value)
    if value is None or not str(value).strip():
        raise DateError("is empty")
    text = " ".join(str(value).split())
    try:
        if m := _ISO.match(text):
            return check_range(dt.date(int(m[1]), int(m[2]), int(m[3])))
        if m := _MONTH_FIRST.match(text):
            return check_range(dt.date(int(m[3]), _month(m[1], text), int(m[2])))
        if m := _DAY_FIRST.match(text):
            return check_range(dt.date(int(m[3]), _month(m[2], text), int(m[1])))
        if m := _SLASH.match(text):
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            if day_first is None:
                if a > 12 >= b:
                    day_first = True
                elif b > 12 >= a:
                    day_first = False
                elif a == b:
                    day_first = True
                else:
                    raise DateError(
                        f"{text!r} could be day/month or month/day: choose the date order"
                    )
            day, month = (a, b) if day_first else (b, a)
            return check_range(dt.date(year, month, day))
    except DateError:
        raise
    except ValueError as exc:
        raise DateError(f"{text!r} is not a valid date ({exc})") from None
    raise DateError(f"{text!r} is not a date (expected e.g. 2024-12-02, Dec. 2, 2024, 2 December 2024)")


def numeric_parts(text: str) -> tuple[int, int] | None:
    """The two numbers before the year of a numeric date ("16.02.2024", "2/13/2024"); None for other text."""
    m = _SLASH.match(" ".join(text.split()))
    return (int(m[1]), int(m[2])) if m else None


def numeric_order(text: str) -> bool | None:
    """Whether a numeric date can only be day first (True) or only month first (False); None when it
    is no such date or either order reads it."""
    parts = numeric_parts(text)
    if parts is None:
        return None
    a, b = parts
    if a > 12 >= b:
        return True
    if b > 12 >= a:
        return False
    return None


def _month(name: str, text: str) -> int:
    try:
        return MONTHS[name.lower().rstrip(".")]
    except KeyError:
        raise DateError(f"{text!r}: unknown month {name!r}") from None
