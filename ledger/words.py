"""Small helpers for messages in plain English."""

from __future__ import annotations


def article(word: str) -> str:
    """'an authority', 'a package'."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def capital(text: str) -> str:
    """`text` opening a sentence: its first letter upper-case, the rest as it is ('PDA' stays)."""
    return text[:1].upper() + text[1:]


def first_few(items, shown: int, total: int | None = None) -> tuple[list, int]:
    """(the items to give whole, how many more to count): the first `shown`, or all of them where one
    is left over, never "and 1 more", which takes about as much room as the one it stands for.
    `total`: how many there are in all, when `items` holds only the first of them (`shown` + 1 at least)."""
    total = len(items) if total is None else total
    if total <= shown + 1:
        return list(items[:total]), 0
    return list(items[:shown]), total - shown
