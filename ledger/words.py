"""Small helpers for messages in plain English."""

from __future__ import annotations


def article(word: str) -> str:
    """'an authority', 'a package'."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
