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


# Each key is stored with the history action that accepted it ({key: action id}; None for keys kept
# before they were, a plain list): the keys of an action undone do not count, and come back with its
# redo, so undo and redo need to know nothing of them.
def _tagged(conn: sqlite3.Connection) -> dict[str, int | None]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except (ValueError, TypeError):
        return {}
    if isinstance(value, dict):
        return {str(k): a if isinstance(a, int) else None for k, a in value.items()}
    return dict.fromkeys(map(str, value)) if isinstance(value, list) else {}


def _states(conn: sqlite3.Connection, tagged: dict[str, int | None]) -> dict[int, str]:
    ids = sorted({a for a in tagged.values() if a is not None})
    if not ids:
        return {}
    return dict(conn.execute("SELECT id, state FROM history_actions WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)))


def stored(conn: sqlite3.Connection) -> list[str]:
    """The warnings accepted by the changes the ledger holds (not by those undone)."""
    tagged = _tagged(conn)
    states = _states(conn, tagged)
    return [k for k, a in tagged.items() if a is None or states.get(a) == "done"]


def remember(conn: sqlite3.Connection, problems: Iterable[Problem] | Iterable[str], action_id: int | None = None) -> None:
    """Add warnings (or their keys) to the ledger's list, as accepted by `action_id`; the caller
    holds the transaction. Keys of actions gone for good (undone, then abandoned) are dropped."""
    tagged = _tagged(conn)
    states = _states(conn, tagged)
    keys = {k: a for k, a in tagged.items() if a is None or states.get(a) in ("done", "undone")}
    for k in (p if isinstance(p, str) else key(p) for p in problems):
        if k not in keys or (keys[k] is not None and states.get(keys[k]) != "done"):
            keys[k] = action_id  # new, or accepted again after its own action was undone
    if keys != tagged:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (META_KEY, json.dumps(keys, ensure_ascii=False)))


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
