"""Records <-> SQLite rows. Only the service layer calls this module."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from .model import KINDS, Kind


def to_row(kind: Kind, record: object) -> dict[str, Any]:
    """The row a record is stored as: dates as ISO text, aliases as a JSON array."""
    row: dict[str, Any] = {}
    for f in kind.fields:
        value = getattr(record, f.name)
        if f.type == "date" and value is not None:
            value = value.isoformat()
        elif f.type == "aliases":
            value = json.dumps(list(value), ensure_ascii=False)
        row[f.name] = value
    row["id"] = getattr(record, "id")
    return row


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


def update_row(conn: sqlite3.Connection, kind: Kind, row: dict[str, Any]) -> None:
    cols = [c for c in columns(kind) if c != "id"]
    conn.execute(
        f"UPDATE {kind.table} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
        [row[c] for c in cols] + [row["id"]],
    )


def delete_row(conn: sqlite3.Connection, kind: Kind, record_id: int) -> None:
    conn.execute(f"DELETE FROM {kind.table} WHERE id = ?", (record_id,))


KIND_BY_TABLE = {k.table: k for k in KINDS.values()}
