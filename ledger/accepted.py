"""Warnings a ledger has accepted, remembered so they travel with its exports.

A warning is known by its record and field as people read them ("package PDA 55: Value"), not by
its text: the figures in a message depend on the order rows are written in. An export lists the
ledger's accepted warnings on its About sheet; importing it accepts those again without asking,
while any other warning is still asked.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable

from .errors import Problem, labels

META_KEY = "accepted_warnings"
_ID = re.compile(r" \(id \d+\)$")


def key(p: Problem) -> str:
    """'package PDA 55: Value': the record as named (without its id, which another ledger changes)."""
    return f"{_ID.sub('', p.record)}: {labels(p.kind).get(p.field, p.field)}"


def stored(conn: sqlite3.Connection) -> list[str]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    try:
        return list(json.loads(row[0])) if row else []
    except (ValueError, TypeError):
        return []


def remember(conn: sqlite3.Connection, problems: Iterable[Problem] | Iterable[str]) -> None:
    """Add warnings (or their keys) to the ledger's list; the caller holds the transaction."""
    keys = dict.fromkeys(stored(conn))
    before = len(keys)
    keys.update(dict.fromkeys(p if isinstance(p, str) else key(p) for p in problems))
    if len(keys) != before:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (META_KEY, json.dumps(list(keys), ensure_ascii=False)))


def as_text(keys: list[str]) -> str:
    """One key per line, for the About sheet (a cell holds at most 32,767 characters: the rest are asked again)."""
    out, size = [], 0
    for k in keys:
        size += len(k) + 1
        if size > 32_000:
            break
        out.append(k)
    return "\n".join(out)


def from_text(text: object) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]
