"""A second connection that reads what the first one reads, so a long read can use a second core.

Summing a million deliveries is SQLite's work (sorting each group's deliveries by day), done with
Python's lock released: two connections summing half the groups each take about two thirds of the
time of one. Each connection reads its own snapshot, so the second one's part counts only if it sees
the same `write_count` as the first (every write of records bumps it: ledger/movement_cache.py);
otherwise, or if it cannot be opened, the first connection reads that part itself.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
Part = Callable[[sqlite3.Connection], T]


def file_of(conn: sqlite3.Connection) -> Path | None:
    """The file `conn` reads (None in memory)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def read_in_step(path: Path, count: int, part: Part) -> T | None:
    """`part` read by a connection of its own, if its snapshot holds `count` writes; else None."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")
        if conn.execute("SELECT n FROM write_count").fetchone()[0] != count:
            return None  # a write landed between the two snapshots
        return part(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


class Beside:
    """`part` read on another thread while the caller reads its own; `result()` waits for it."""

    def __init__(self, path: Path, count: int, part: Part):
        self._out: list = []
        self._thread = threading.Thread(target=lambda: self._out.append(read_in_step(path, count, part)),
                                        name="second reader", daemon=True)
        self._thread.start()

    def result(self) -> T | None:
        self._thread.join()
        return self._out[0] if self._out else None
