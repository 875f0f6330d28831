"""The one way into a ledger: `Ledger` opens a file, runs every change in a transaction and tells
listeners what changed. It is a composition root; the work lives in modules named for their jobs:

- `opening`: is the file a ledger, may it be written, who holds it, crash checks, migration;
- `reads` (over `lookups`): records, pages, search, labels; `lookups`: the figures the rules ask;
- `changes.UnitOfWork`: the changes of one action, checked by the rules and recorded in `history`;
- `backup_policy`: when backups are taken, how many are kept, restoring one;
- `summary`: balances, pace and series, with the movements they are read from kept between writes;
- `execution_reads`: reported execution figures beside the derived ones (the arithmetic in `execution`);
- `sqlite_errors`: SQLite's errors in words a person can act on.

The command line, the desktop app and the tests all go through `Ledger`. Every change runs inside one
SQLite transaction together with its history entry, so a ledger is never left half-changed.
See docs/architecture.md.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import accepted, backups, history, movement_cache, opening, store
from .backup_policy import BackupPolicy
from .backups import Backup
from .changed import Changed, Touched
from .changes import UnitOfWork
from .errors import ReadOnlyError
from .execution_reads import ExecutionReads
from .lock import WriterLock
from .model import kind_of
from .reads import Reads
from .sqlite_errors import translate
from .summary import Group, Summary, SummaryCache

__all__ = ["BULK_CHANGES", "Backup", "Changed", "Group", "Ledger", "Summary", "UnitOfWork"]

BULK_CHANGES = 1000  # undoing or redoing at least this many changes takes a backup first


class Ledger(Reads, BackupPolicy, SummaryCache, ExecutionReads):
    """An open ledger file. Not thread-safe: use it on the thread that opened it."""

    def __init__(self, conn: sqlite3.Connection, where: str, readonly: bool):
        SummaryCache.__init__(self)
        self.conn = conn
        self.where = where
        self.readonly = readonly
        self._listeners: list[Callable[[Changed], None]] = []
        self.path: Path | None = None  # the file; None in memory
        self.note: str | None = None  # why a ledger opened read-only, or a backup that failed
        self._lock: WriterLock | None = None
        self.damaged = False  # quick_check failed on opening: read-only until a backup is restored

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike, *, create: bool = True, readonly: bool = False, currency: str = "USD",
        daily: bool = True,
    ) -> Ledger:
        """Open (or create) a ledger file. Raises LedgerError subclasses with a readable message.

        daily=False leaves the daily routine (the soundness check, then the backup, when one is due) to
        the caller: the app runs it on a worker once the window shows the ledger (a second or more for
        a large file). After a crash the file is checked here all the same."""
        path = Path(path)
        where = str(path)
        readonly, note = opening.check_file(path, where, create, readonly)
        unclean = opening.unclean(path)
        conn, readonly, note, lock = opening.connect(path, where, readonly, note)
        ledger = cls(conn, where, readonly)
        ledger.path, ledger.note, ledger._lock = path, note, lock
        try:
            opening.prepare(ledger, currency)
            if not readonly and (unclean or (daily and backups.due(path))):
                opening.check_sound(ledger)
            if daily and not ledger.readonly:
                ledger._daily_backup()
        except BaseException:
            ledger.close()
            raise
        return ledger

    @staticmethod
    def needs_upgrade(path: str | os.PathLike) -> bool:
        """Opening `path` for writing would first back it up and migrate it to this version's schema
        (seconds for a large ledger: the app does it on a worker and says so)."""
        return opening.needs_upgrade(Path(path))

    @classmethod
    def memory(cls, currency: str = "USD") -> Ledger:
        """A ledger that lives in memory (tests, replay checks)."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        ledger = cls(conn, ":memory:", False)
        opening.prepare(ledger, currency)
        return ledger

    def release_lock(self) -> None:
        if self._lock:
            self._lock.release()
            self._lock = None

    def close(self) -> None:
        self.conn.close()
        self.release_lock()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- settings stored in the ledger (read through Lookups.meta) --------------------------------

    def set_meta(self, key: str, value: str | None) -> None:
        with self._write(records=False):
            if value is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- transactions and listeners ----------------------------------------------------------------

    def subscribe(self, listener: Callable[[Changed], None]) -> None:
        """Call `listener(changed)` after every committed change, undo, redo and restore: `changed`
        says which kinds and records were written (ledger.changed.Changed)."""
        self._listeners.append(listener)

    @contextmanager
    def _write(self, records: bool = True) -> Iterator[None]:
        """One transaction. records=False: it writes settings only, so the movements summed from the
        records and kept in the file still count (ledger/movement_cache.py)."""
        if self.readonly:
            why = f" ({self.note})" if self.note else ""
            raise ReadOnlyError(f"{self.where} is open read-only{why}: nothing was changed")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc, self.where) from None
        try:
            yield
            if records:
                movement_cache.bump(self.conn)  # the balances cached in the file no longer count
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise translate(exc, self.where) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._writes += 1

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextmanager
    def action(self, label: str, accept_warnings: bool = False, backup: bool = False) -> Iterator[UnitOfWork]:
        """Group changes into one transaction and one undoable history entry.

        backup=True (imports, bulk changes) first copies the ledger into its backups folder; if that
        copy cannot be made, nothing is changed.
        """
        work = UnitOfWork(self, label, accept_warnings)
        if backup and not self.readonly:
            self.backup(f"before {label}")
        with self._write():
            yield work
            if work.warnings:
                accepted.remember(self.conn, work.warnings, work.action_id)  # they travel with exports; undone with the action
        if work.action_id is not None:
            self._notify(work.touched.changed(label))

    def written_elsewhere(self, label: str) -> None:
        """Another connection rewrote the file (a restore on a worker thread): listeners reload everything."""
        self._writes += 1
        self._notify(Changed.of_everything(label))

    def _notify(self, changed: Changed) -> None:
        for listener in list(self._listeners):
            listener(changed)

    # -- one change, one action ----------------------------------------------------------------------

    def add(self, record: Any, accept_warnings: bool = False) -> Any:
        k = kind_of(record)
        with self.action(f"Add {k.name.replace('_', ' ')}", accept_warnings) as work:
            return work.add(record)

    def update(self, record: Any, accept_warnings: bool = False) -> Any:
        k = kind_of(record)
        with self.action(f"Edit {k.name.replace('_', ' ')}", accept_warnings) as work:
            return work.update(record)

    def edit(self, kind: str, record_id: int, accept_warnings: bool = False, **changes: Any) -> Any:
        return self.update(replace(self.get(kind, record_id), **changes), accept_warnings)

    def delete(self, kind: str, record_id: int) -> int:
        """Delete a record (a package with its lines and disbursements); returns how many went."""
        with self.action(f"Delete {kind.replace('_', ' ')}") as work:
            return work.delete(kind, record_id)

    def merge_system_types(self, source_id: int, target_id: int) -> None:
        """Move everything of one system type to another; its name becomes an alias there."""
        with self.action("Merge system types", backup=True) as work:
            work.merge_system_types(source_id, target_id)

    # -- undo / redo ---------------------------------------------------------------------------------

    def undo_label(self) -> str | None:
        row = history.last_done(self.conn)
        return row[1] if row else None

    def redo_label(self) -> str | None:
        row = history.first_undone(self.conn)
        return row[1] if row else None

    def undo(self) -> str | None:
        return self._step(history.last_done, forward=False)

    def redo(self) -> str | None:
        return self._step(history.first_undone, forward=True)

    def _step(self, pick, forward: bool) -> str | None:
        row = pick(self.conn)
        if row and not self.readonly and history.change_count(self.conn, row[0]) >= BULK_CHANGES:
            self.backup(f"before {'redo' if forward else 'undo'} of {row[1]}")  # e.g. undoing an import
        with self._write():
            row = pick(self.conn)
            if row is None:
                return None
            action_id, label = row
            changes = history.changes(self.conn, action_id)
            touched = Touched()
            for change in changes if forward else reversed(changes):
                history.apply(self.conn, change, forward)
                touched.add(store.KIND_BY_TABLE[change.table].name, change.record_id)
            history.set_state(self.conn, action_id, "done" if forward else "undone")
        self._notify(touched.changed(("Redo " if forward else "Undo ") + label))
        return label
