"""The change history: every write the service makes is recorded here in the same transaction.

An action groups the changes of one user operation. Undo applies an action's old values in reverse
order, redo its new values in order; a new action abandons what was undone (as editors do). Replaying
every `done` action from an empty ledger gives the current state: that is what makes this an audit log.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import store


@dataclass(frozen=True)
class Action:
    id: int
    at: str
    label: str
    state: str
    changes: int


@dataclass(frozen=True)
class Change:
    table: str
    record_id: int
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    @property
    def op(self) -> str:
        return "insert" if self.old is None else "delete" if self.new is None else "update"


# One encoder for every row (json.dumps with options builds a new one per call: a bulk import's cost).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _dump(row: dict[str, Any] | None) -> str | None:
    return None if row is None else _ENCODER.encode(row)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


def begin_action(conn: sqlite3.Connection, label: str) -> int:
    conn.execute("UPDATE history_actions SET state = 'abandoned' WHERE state = 'undone'")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return conn.execute(
        "INSERT INTO history_actions (at, label, state) VALUES (?, ?, 'done')", (now, label)
    ).lastrowid


def record(conn: sqlite3.Connection, action_id: int, table: str, record_id: int, old, new) -> None:
    conn.execute(
        "INSERT INTO history_changes (action_id, table_name, record_id, old, new) VALUES (?, ?, ?, ?, ?)",
        (action_id, table, record_id, _dump(old), _dump(new)),
    )


def record_updates(conn: sqlite3.Connection, action_id: int, table: str, stage: str) -> None:
    """`record` of the stored rows a staged table (`store.staged`) is about to rewrite (called before
    they are written): SQLite writes every entry, the old row from the table and the new from the
    stage, in one statement, in the stage's order."""
    names = sorted(store.columns(store.KIND_BY_TABLE[table]))
    old = ", ".join(f"'{c}', t.{c}" for c in names)
    new = ", ".join(f"'{c}', s.{c}" for c in names)
    conn.execute(
        "INSERT INTO history_changes (action_id, table_name, record_id, old, new) "
        f"SELECT ?, ?, t.id, json_object({old}), json_object({new}) FROM {stage} s JOIN {table} t ON t.id = s.id ORDER BY s.rowid",
        (action_id, table),
    )


def record_inserts(conn: sqlite3.Connection, action_id: int, table: str, rows: list[dict]) -> None:
    """History entries for rows just inserted (they must be stored already)."""
    runs = id_runs([row["id"] for row in rows])
    if len(runs) * 8 <= len(rows) + 8:
        record_inserted_runs(conn, action_id, table, runs)
        return
    conn.executemany(
        "INSERT INTO history_changes (action_id, table_name, record_id, old, new) VALUES (?, ?, ?, NULL, ?)",
        ((action_id, table, row["id"], _dump(row)) for row in rows),
    )


BLOCK_ROWS = 20_000  # rows per history block: reading one record's history parses at most this many


def record_inserted_runs(conn: sqlite3.Connection, action_id: int, table: str, runs: list[tuple[int, int]],
                         null_columns: Iterable[str] = ()) -> None:
    """History entries for the stored rows whose ids are in these (first, last) runs: a run of more
    than one row is written as blocks, each holding its rows (column names once, then each row's
    values), built by SQLite from the stored rows. A block leaves out `null_columns` (NULL in every
    row of the runs); reading it gives them back."""
    kind = store.KIND_BY_TABLE[table]
    names = sorted(store.columns(kind))
    kept = [c for c in names if c not in set(null_columns)]
    pairs = ", ".join(f"'{c}', {c}" for c in names)
    one = f"INSERT INTO history_changes (action_id, table_name, record_id, old, new) SELECT ?, ?, id, NULL, json_object({pairs}) FROM {table} WHERE id = ?"
    # Each row's array goes straight into the group (a subquery's column would hand it on as text, to be
    # parsed again by json()); the range is read in id order, and a reader goes by each row's id anyway.
    block = (
        "INSERT INTO history_changes (action_id, table_name, record_id, last_id, old, new) "
        "SELECT ?, ?, min(id), max(id), NULL, "
        f"json_object('columns', json(?), 'rows', json_group_array(json_array({', '.join(kept)}))) "
        f"FROM {table} WHERE id BETWEEN ? AND ?"
    )
    header = json.dumps(kept)
    for first, last in runs:
        if first == last:
            conn.execute(one, (action_id, table, first))
            continue
        for start in range(first, last + 1, BLOCK_ROWS):
            end = min(start + BLOCK_ROWS - 1, last)
            if start == end:
                conn.execute(one, (action_id, table, start))
            else:
                conn.execute(block, (action_id, table, header, start, end))


def id_runs(ids: list[int]) -> list[tuple[int, int]]:
    """Consecutive increasing ids as (first, last) runs, in order."""
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def changes(conn: sqlite3.Connection, action_id: int) -> list[Change]:
    """The action's changes in order, one per record (a block of inserted rows gives one per row)."""
    cur = conn.execute(
        "SELECT table_name, record_id, last_id, old, new FROM history_changes WHERE action_id = ? ORDER BY id",
        (action_id,),
    )
    out: list[Change] = []
    for t, rid, last, o, n in cur:
        if last is None:
            out.append(Change(t, rid, _load(o), _load(n)))
        else:
            out.extend(Change(t, row["id"], None, row) for row in _block_rows(t, n))
    return out


def _block_rows(table: str, text: str) -> list[dict[str, Any]]:
    """The rows of a block, each with its id (a row's place in the block is not relied on) and every
    column of the table (those the block leaves out are NULL)."""
    block = json.loads(text)
    names = block["columns"]
    empty = dict.fromkeys(sorted(store.columns(store.KIND_BY_TABLE[table])))
    return [{**empty, **dict(zip(names, values))} for values in block["rows"]]


# An action's changes: its entries, plus the rows of its blocks beyond the first (both read from indexes).
_COUNT = """(SELECT count(*) FROM history_changes c WHERE c.action_id = {a})
            + (SELECT COALESCE(SUM(c.last_id - c.record_id), 0) FROM history_changes c
               WHERE c.action_id = {a} AND c.last_id IS NOT NULL)"""


def change_count(conn: sqlite3.Connection, action_id: int) -> int:
    return conn.execute(f"SELECT {_COUNT.format(a='?')}", (action_id, action_id)).fetchone()[0]


def actions(conn: sqlite3.Connection, limit: int = 200) -> list[Action]:
    cur = conn.execute(
        f"""SELECT a.id, a.at, a.label, a.state, {_COUNT.format(a='a.id')}
           FROM history_actions a ORDER BY a.id DESC LIMIT ?""",
        (limit,),
    )
    return [Action(*row) for row in cur]


def record_history(conn: sqlite3.Connection, table: str, record_id: int) -> list[tuple[Action, Change]]:
    """Every recorded change of one record, oldest first: the detail pane's 'history'."""
    cur = conn.execute(
        """SELECT c.id, c.last_id, c.old, c.new, a.id, a.at, a.label, a.state, 0 FROM history_changes c
           JOIN history_actions a ON a.id = c.action_id
           WHERE c.table_name = ? AND c.record_id = ? AND c.last_id IS NULL
           UNION ALL
           SELECT c.id, c.last_id, c.old, c.new, a.id, a.at, a.label, a.state, 0
           FROM history_changes c INDEXED BY history_changes_block  -- the blocks alone: a few per import
           JOIN history_actions a ON a.id = c.action_id
           WHERE c.last_id IS NOT NULL AND c.table_name = ? AND c.last_id >= ? AND c.record_id <= ?
           ORDER BY 1""",
        (table, record_id, table, record_id, record_id),
    )
    out = []
    for _cid, last, old, new, *action in cur:
        if last is None:
            out.append((Action(*action), Change(table, record_id, _load(old), _load(new))))
        else:
            row = next((r for r in _block_rows(table, new) if r["id"] == record_id), None)
            if row is not None:
                out.append((Action(*action), Change(table, record_id, None, row)))
    return out


def last_done(conn: sqlite3.Connection) -> tuple[int, str] | None:
    return conn.execute(
        "SELECT id, label FROM history_actions WHERE state = 'done' ORDER BY id DESC LIMIT 1"
    ).fetchone()


def first_undone(conn: sqlite3.Connection) -> tuple[int, str] | None:
    return conn.execute(
        "SELECT id, label FROM history_actions WHERE state = 'undone' ORDER BY id LIMIT 1"
    ).fetchone()


def apply(conn: sqlite3.Connection, change: Change, forward: bool) -> None:
    """Make the record look as it did after (forward) or before (not forward) the change."""
    kind = store.KIND_BY_TABLE[change.table]
    target = change.new if forward else change.old
    if target is None:
        store.delete_row(conn, kind, change.record_id)
    elif conn.execute(f"SELECT 1 FROM {kind.table} WHERE id = ?", (change.record_id,)).fetchone():
        store.update_row(conn, kind, target)
    else:
        store.insert_row(conn, kind, target)


def set_state(conn: sqlite3.Connection, action_id: int, state: str) -> None:
    conn.execute("UPDATE history_actions SET state = ? WHERE id = ?", (state, action_id))


def replay(source: sqlite3.Connection, target: sqlite3.Connection) -> int:
    """Apply every done action of `source`, in order, to the empty ledger `target`."""
    count = 0
    ids = [r[0] for r in source.execute("SELECT id FROM history_actions WHERE state = 'done' ORDER BY id")]
    for action_id in ids:
        for change in changes(source, action_id):
            apply(target, change, forward=True)
            count += 1
    return count
