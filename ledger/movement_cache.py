"""The daily movements of each grouping, kept in the ledger file between sessions (schema 6).

Summing a million deliveries into daily movements takes most of a second; reading the sums back takes
milliseconds, so a ledger opens to its dashboard and chart at once. The cache can never be read stale:

- every committed write of records bumps `write_count` in the same transaction (`bump`, called by
  `Ledger._write` only: every change, undo, redo and import goes through it). A write of settings
  alone (`Ledger.set_meta`: a name, a default deadline, how many backups to keep) leaves it: no
  movement is read from a setting, so the stored ones still count;
- a grouping's movements are stored with the count they were summed at, and count only while it is
  still the current one. The count and the sums are read in one read transaction (one snapshot): a
  write another connection commits meanwhile has a later count, so sums stored after it never count;
- a restore brings the backup's file, then moves the count past both the replaced file's and the
  backup's (`move_past`): sums begun before the restore, at a count the backup may have reached too,
  never count after it (the restored ledger's sums are read again once); a ledger migrated to schema 6
  starts with none.

Storing is a courtesy: a ledger open read-only, or another connection writing right now, just means
the sums are read again next time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from . import second_reader
from .balances import Movement


def bump(conn: sqlite3.Connection) -> None:
    """Inside a write transaction of records: whatever was cached no longer counts once this commits."""
    conn.execute("UPDATE write_count SET n = n + 1")


def write_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT n FROM write_count").fetchone()[0]


def move_past(conn: sqlite3.Connection, count: int) -> None:
    """After a restore: the count goes beyond both the replaced file's and the backup's, so sums a
    reader began before the restore (at a count the backup may also have reached) never count."""
    conn.execute("UPDATE write_count SET n = max(n, ?) + 1", (count,))


def has_cache(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'cached_movements'").fetchone() is not None


def movements(conn: sqlite3.Connection, by: str, compute: Callable[..., list[Movement]], store: bool) -> list[Movement]:
    """The cached movements of `by` if they are current, else `compute(beside)` (stored when `store`).

    `beside(part)` reads a part of the sums on a second connection of the same file, counted only if
    its snapshot holds the same count (ledger/second_reader.py); None where there is no such file."""
    if conn.in_transaction or not has_cache(conn):
        return compute(None)  # inside a write, or an older file read in place: nothing to trust or keep
    conn.execute("BEGIN")  # one snapshot for the count and the sums
    try:
        count = write_count(conn)
        row = conn.execute("SELECT at_write FROM cached_groupings WHERE grouping = ?", (by,)).fetchone()
        if row is not None and row[0] == count:
            new = Movement._make
            return [new(r) for r in conn.execute(
                "SELECT day, grp, stage, cents FROM cached_movements WHERE grouping = ? ORDER BY rowid", (by,))]
        path = second_reader.file_of(conn)
        moves = compute(None if path is None else lambda part: second_reader.Beside(path, count, part))
    finally:
        conn.execute("COMMIT")
    if store:
        _store(conn, by, count, moves)
    return moves


def _store(conn: sqlite3.Connection, by: str, count: int, moves: list[Movement]) -> None:
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")  # never wait for another writer: the sums can be stored next time
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        return
    try:
        conn.execute("DELETE FROM cached_movements WHERE grouping = ?", (by,))
        conn.execute("INSERT OR REPLACE INTO cached_groupings (grouping, at_write) VALUES (?, ?)", (by, count))
        conn.executemany("INSERT INTO cached_movements (grouping, day, grp, stage, cents) VALUES (?, ?, ?, ?, ?)",
                         ((by, *m) for m in moves))
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
