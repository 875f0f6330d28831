"""Records <-> SQLite rows. Only the service layer calls this module."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .model import KINDS, Kind


def to_row(kind: Kind, record: object) -> dict[str, Any]:
    """The row a record is stored as: dates as ISO text, aliases as a JSON array."""
    dates, aliases = _stored_form(kind)
    names = _names(kind)
    state = getattr(record, "__dict__", None)
    # A record's __dict__ holds exactly its fields and id (frozen dataclasses): one copy instead of a getattr per field.
    row = dict(state) if state is not None and len(state) == len(names) else {name: getattr(record, name) for name in names}
    for name in dates:
        value = row[name]
        if value is not None:
            row[name] = value.isoformat()
    for name in aliases:
        row[name] = json.dumps(list(row[name]), ensure_ascii=False)
    return row


_NAMES: dict[str, tuple[str, ...]] = {}
_STORED_FORM: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _names(kind: Kind) -> tuple[str, ...]:
    """The record's fields, then id: a row's keys in order (built once per kind; imports call to_row per row)."""
    names = _NAMES.get(kind.name)
    if names is None:
        names = _NAMES[kind.name] = (*(f.name for f in kind.fields), "id")
    return names


def _stored_form(kind: Kind) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(date fields, aliases fields): the fields stored in another form than the record holds them."""
    form = _STORED_FORM.get(kind.name)
    if form is None:
        form = _STORED_FORM[kind.name] = (tuple(f.name for f in kind.fields if f.type == "date"),
                                          tuple(f.name for f in kind.fields if f.type == "aliases"))
    return form


def from_row(kind: Kind, row: dict[str, Any] | sqlite3.Row) -> Any:
    values: dict[str, Any] = {"id": row["id"]}
    for f in kind.fields:
        value = row[f.name]
        if f.type == "date" and value is not None:
            value = dt.date.fromisoformat(value)
        elif f.type == "aliases":
            value = tuple(json.loads(value or "[]"))
        values[f.name] = value
    return kind.cls(**values)


def columns(kind: Kind) -> list[str]:
    return ["id", *(f.name for f in kind.fields)]


def select_sql(kind: Kind) -> str:
    return f"SELECT {', '.join(columns(kind))} FROM {kind.table}"


def fetch_row(conn: sqlite3.Connection, kind: Kind, record_id: int) -> dict[str, Any] | None:
    cur = conn.execute(f"{select_sql(kind)} WHERE id = ?", (record_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip(columns(kind), row))


def insert_row(conn: sqlite3.Connection, kind: Kind, row: dict[str, Any]) -> int:
    cols = columns(kind)
    cur = conn.execute(
        f"INSERT INTO {kind.table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row.get(c) for c in cols],
    )
    return cur.lastrowid


def insert_rows(conn: sqlite3.Connection, kind: Kind, rows: list[dict[str, Any]]) -> None:
    """Insert many rows that already carry their ids (one executemany: the fast path)."""
    cols = columns(kind)
    conn.executemany(
        f"INSERT INTO {kind.table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        ([row[c] for c in cols] for row in rows),
    )


BULK_ROWS = 1_000  # below this, keeping indexes current row by row costs too little to matter (4,000 lines
# into an empty table: 100 ms with its indexes and trigram index kept current, 20 ms with them built after)
SORT_CACHE_KB = 64 * 1024  # the page cache while indexes are built after a bulk insert


@contextmanager
def indexes_deferred(conn: sqlite3.Connection, table: str, adding: int) -> Iterator[None]:
    """Inside a transaction: drop `table`'s plain (non-unique) indexes while `adding` rows go in, and
    build them again after, when that at least doubles the table (building an index once is about
    twice as fast as keeping it current per row). Unique indexes stay: they check as rows go in.
    The full-text index is filled once after the rows too (see text_index_deferred).
    On an error the caller's rollback brings the indexes back with everything else."""
    size = conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").fetchone()[0]  # ids only grow: an upper bound
    plain = []
    if adding >= BULK_ROWS and adding >= size:
        plain = [(name, sql) for name, sql, unique in conn.execute(
            "SELECT m.name, m.sql, l.\"unique\" FROM sqlite_master m JOIN pragma_index_list(?) l ON l.name = m.name "
            "WHERE m.type = 'index' AND m.sql IS NOT NULL", (table,)) if not unique]
    for name, _ in plain:
        conn.execute(f'DROP INDEX "{name}"')
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    if plain:
        # The new rows' pages stay in memory for the index builds that read them back; each index is
        # built by sorting the table's keys, in memory up to the page cache's size, on disk beyond it
        # (the default 2 MB spills at a few tens of thousands of rows).
        conn.execute(f"PRAGMA cache_size = {-SORT_CACHE_KB}")
    try:
        with text_index_deferred(conn, table, adding):
            yield
        for _, sql in plain:
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")


@contextmanager
def text_index_deferred(conn: sqlite3.Connection, table: str, adding: int) -> Iterator[None]:
    """Inside a transaction: while `adding` (BULK_ROWS or more) rows go into `table`, its full-text
    insert trigger is set aside and the new rows' text goes into the full-text index in one statement
    after. Through the trigger, row by row, the index cost ten times the insert itself (schema 5)."""
    fts = f"{table}_fts"
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{fts}_insert",)).fetchone()
    if adding < BULK_ROWS or trigger is None:
        yield
        return
    conn.execute(f'DROP TRIGGER "{fts}_insert"')
    yield
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info({fts})")]
    names = ", ".join(cols)
    # Rows already indexed have a size entry: only the others, with some text, go in.
    conn.execute(f"INSERT INTO {fts} (rowid, {names}) SELECT id, {names} FROM {table} "
                 f"WHERE coalesce({names}, NULL) IS NOT NULL AND id NOT IN (SELECT id FROM {fts}_docsize)")
    conn.execute(trigger[0])


def update_row(conn: sqlite3.Connection, kind: Kind, row: dict[str, Any]) -> None:
    cols = [c for c in columns(kind) if c != "id"]
    conn.execute(
        f"UPDATE {kind.table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
        [row[c] for c in cols] + [row["id"]],
    )


@contextmanager
def staged(conn: sqlite3.Connection, kind: Kind, rows: list[dict[str, Any]]) -> Iterator[str]:
    """Inside a transaction: `rows` (stored form, every column) in a temporary table, in their order
    (its rowid), named by what this yields. A statement joining it reaches every row at once: one
    UPDATE ... FROM costs a third of an UPDATE per row, bound and stepped from Python."""
    cols = columns(kind)
    name = f"staged_{kind.table}"
    conn.execute(f"CREATE TEMP TABLE {name} ({', '.join(cols)})")
    try:
        conn.executemany(f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         ([row[c] for c in cols] for row in rows))
        yield name
    finally:
        conn.execute(f"DROP TABLE temp.{name}")


def update_staged(conn: sqlite3.Connection, kind: Kind, stage: str, changed: Iterable[str] | None = None) -> None:
    """Rewrite the stored rows a staged table holds (`staged`); only the `changed` columns are set
    (the indexes of the others are left alone), all of them when not said."""
    cols = [c for c in columns(kind) if c != "id" and (changed is None or c in changed)]
    if not cols:
        return
    conn.execute(f"UPDATE {kind.table} SET {', '.join(f'{c} = s.{c}' for c in cols)} FROM {stage} s WHERE {kind.table}.id = s.id")


def fetch_rows(conn: sqlite3.Connection, kind: Kind, ids: list[int]) -> dict[int, dict[str, Any]]:
    """`fetch_row` of many ids, in chunks SQLite can bind: id -> row (ids not stored are absent)."""
    names = columns(kind)
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(f"{select_sql(kind)} WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
            out[row[names.index("id")]] = dict(zip(names, row))
    return out


def delete_row(conn: sqlite3.Connection, kind: Kind, record_id: int) -> None:
    conn.execute(f"DELETE FROM {kind.table} WHERE id = ?", (record_id,))


KIND_BY_TABLE = {k.table: k for k in KINDS.values()}
