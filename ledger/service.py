"""The one way into a ledger: opening files, reading records, every change, undo/redo and balances.

The command line, the desktop app and the tests all go through `Ledger`. Every change runs inside one
SQLite transaction together with its history entry, so a ledger is never left half-changed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import __version__, backups, balances, browse, bulk_check, history, queries, schema, store, validate
from .balances import Figures, Movement, Pace
from .bulk_facts import BulkFacts
from .errors import (
    LedgerError,
    LedgerLockedError,
    NotALedgerError,
    NotFoundError,
    Problem,
    ReadOnlyError,
    ValidationError,
    WarningsNotAccepted,
)
from .lock import WriterLock
from .model import KINDS, Kind, kind_of
from .movements import GROUPINGS

SQLITE_HEADER = b"SQLite format 3\x00"
BULK_CHANGES = 1000  # undoing or redoing at least this many changes takes a backup first


@dataclass(frozen=True)
class Group:
    name: str
    figures: Figures
    pace: Pace


@dataclass(frozen=True)
class Summary:
    as_of: str
    currency: str
    by: str
    totals: Figures
    pace: Pace
    groups: tuple[Group, ...]


class Ledger:
    """An open ledger file. Not thread-safe: use it on the thread that opened it."""

    def __init__(self, conn: sqlite3.Connection, where: str, readonly: bool):
        self.conn = conn
        self.where = where
        self.readonly = readonly
        self._listeners: list[Callable[[str], None]] = []
        # The last daily movements read, per grouping: a dashboard and a chart ask for the same ones.
        self._movements_cache: dict[str, tuple[tuple[int, int], list[Movement]]] = {}
        self._writes = 0
        self.path: Path | None = None  # the file; None in memory
        self.note: str | None = None  # why a ledger opened read-only, or a backup that failed
        self._lock: WriterLock | None = None
        self.damaged = False  # quick_check failed on opening: read-only until a backup is restored

    @property
    def db(self):
        """sqlite-utils over this connection, imported on first use: importing it (and the pandas it
        pulls in when installed) is most of the app's startup otherwise."""
        from sqlite_utils import Database

        return Database(self.conn)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike, *, create: bool = True, readonly: bool = False, currency: str = "USD"
    ) -> Ledger:
        """Open (or create) a ledger file. Raises LedgerError subclasses with a readable message."""
        path = Path(path)
        where = str(path)
        note = None
        if path.is_dir():
            raise NotALedgerError(f"{where} is a folder, not a ledger file")
        if path.exists():
            try:
                with open(path, "rb") as fh:
                    header = fh.read(16)
            except OSError as exc:
                raise LedgerError(f"{where} cannot be read: {exc.strerror}") from None
            if header and header != SQLITE_HEADER:
                raise NotALedgerError(f"{where} is not a ledger: it is not an SQLite database")
            if not readonly and not os.access(path, os.W_OK):
                readonly, note = True, f"{where} is a read-only file: it was opened read-only"
            elif not readonly and not os.access(path.parent, os.W_OK):
                # SQLite writes its journal beside the ledger: a read-only folder means a read-only ledger.
                readonly, note = True, f"the folder of {where} cannot be written: the ledger was opened read-only"
        else:
            if not create or readonly:
                raise LedgerError(f"{where} does not exist")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ReadOnlyError(f"cannot create the folder for {where}: {exc.strerror}") from None
            if not os.access(path.parent, os.W_OK):
                raise ReadOnlyError(f"cannot create {where}: its folder cannot be written")
        # A -wal file with frames in it before we open means a crash (or another program writing right
        # now): check the file then. Read-only connections leave an empty one behind: that is no sign.
        wal = path.with_name(path.name + "-wal")
        unclean = (wal.exists() and wal.stat().st_size > 0) or _damage_mark(path).exists()
        lock = None
        if not readonly:
            try:
                lock = WriterLock(path).acquire(where)  # LedgerInUseError names who holds it
            except OSError as exc:
                readonly, note = True, f"{where} could not be locked for writing ({exc.strerror}): it was opened read-only"
        uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
        if readonly and not os.access(path.parent, os.W_OK):
            uri += "&immutable=1"  # nobody can write here, and SQLite could not create its -shm file
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            if lock:
                lock.release()
            raise _translate(exc, where) from None
        ledger = cls(conn, where, readonly)
        ledger.path, ledger.note, ledger._lock = path, note, lock
        try:
            ledger._prepare(currency)
            if not readonly and (unclean or backups.due(path)):
                ledger._check_sound()
            if not ledger.readonly:
                ledger._daily_backup()
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def memory(cls, currency: str = "USD") -> Ledger:
        """A ledger that lives in memory (tests, replay checks)."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        ledger = cls(conn, ":memory:", False)
        ledger._prepare(currency)
        return ledger

    def _prepare(self, currency: str) -> None:
        try:
            self.conn.execute("PRAGMA busy_timeout = 3000")
            self.conn.execute("PRAGMA foreign_keys = ON")
            version = schema.check_identity(self.conn, self.where)
            if version == 0 and self.readonly:
                raise NotALedgerError(f"{self.where} is empty, not a ledger")
            if not self.readonly:
                if self.where != ":memory:":
                    self.conn.execute("PRAGMA journal_mode = WAL")
                # FULL: a committed change survives power loss, not only a crash of the app.
                self.conn.execute("PRAGMA synchronous = FULL")
            if 0 < version < schema.SCHEMA_VERSION:
                if self.readonly:
                    self._upgrade_in_memory()
                else:
                    self.backup("before migration")
            if version < schema.SCHEMA_VERSION:
                self._migrate(version, currency)
        except sqlite3.Error as exc:
            raise _translate(exc, self.where) from None

    def _migrate(self, version: int, currency: str) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            schema.migrate(self.conn, version)
            if version == 0:
                now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
                # uid: tells this ledger from others, e.g. when an exported workbook comes back to it.
                ident = uuid.uuid4().hex
                for key, value in (("currency", currency), ("created_at", now), ("created_by", __version__), ("uid", ident)):
                    self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def _check_sound(self) -> None:
        """Make sure the file is not damaged before writing into it (quick_check: 0.7 s for 100 MB).

        Done after a crash and before the daily backup, so a damaged ledger never pushes good backups out.
        """
        try:
            verdict = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            verdict = str(exc)
        mark = _damage_mark(self.path)
        if verdict == "ok":
            mark.unlink(missing_ok=True)  # e.g. a backup was put in its place
            return
        with suppress(OSError):  # checked again on every open until it is sound
            mark.write_text(verdict + "\n", encoding="utf-8")
        self.damaged, self.readonly = True, True
        self.note = (f"{self.where} is damaged ({verdict.splitlines()[0]}): it was opened read-only; "
                     "restore a backup (python main.py backups --ledger PATH lists them)")
        if self._lock:
            self._lock.release()
            self._lock = None

    @staticmethod
    def restore_file(path: str | os.PathLike, backup: str | os.PathLike) -> Path | None:
        """Put a backup in place of a ledger that cannot be opened or is damaged; the file found there is
        kept under a `.damaged-<time>` name, returned (None if there was no file)."""
        return backups.restore_over(path, backups.resolve(path, str(backup)))

    def _upgrade_in_memory(self) -> None:
        """A read-only ledger of an older schema: read a migrated copy in memory, leave the file as it is."""
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self.conn.backup(mem)
        self.conn.close()
        self.conn = mem
        mem.execute("PRAGMA foreign_keys = ON")
        self.note = (self.note + "; " if self.note else "") + "it uses an older format, upgraded in memory only"

    def close(self) -> None:
        self.conn.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- settings stored in the ledger ----------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        with self._write():
            if value is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def currency(self) -> str:
        return self.meta("currency", "USD")

    @property
    def default_deadline(self) -> str | None:
        return self.meta("default_deadline")

    # -- reading -------------------------------------------------------------------------------

    def get(self, kind: str, record_id: int) -> Any:
        row = self.get_row(kind, record_id)
        if row is None:
            raise NotFoundError(f"no {kind.replace('_', ' ')} with id {record_id}")
        return store.from_row(KINDS[kind], row)

    def get_row(self, kind: str, record_id: int) -> dict[str, Any] | None:
        return store.fetch_row(self.conn, KINDS[kind], record_id)

    def exists(self, kind: str, record_id: int) -> bool:
        return self.conn.execute(f"SELECT 1 FROM {KINDS[kind].table} WHERE id = ?", (record_id,)).fetchone() is not None

    def records(
        self,
        kind: str,
        where: str | None = None,
        params: Iterable[Any] = (),
        order_by: str = "id",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Any]:
        return list(self.iter_records(kind, where, params, order_by, limit, offset))

    def iter_records(self, kind: str, where=None, params=(), order_by="id", limit=None, offset=0) -> Iterator[Any]:
        k = KINDS[kind]
        sql = store.select_sql(k)
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        cols = store.columns(k)
        for row in self.conn.execute(sql, list(params)):
            yield store.from_row(k, dict(zip(cols, row)))

    def iter_rows(self, kind: str) -> Iterator[tuple]:
        """Stored rows by id, as tuples: id, then the kind's fields in order (dates as ISO text, aliases
        as JSON). For bulk reads (exports) where building a record per row costs more than the work."""
        return iter(self.conn.execute(f"{store.select_sql(KINDS[kind])} ORDER BY id"))

    def count(self, kind: str, where: str | None = None, params: Iterable[Any] = ()) -> int:
        sql = f"SELECT count(*) FROM {KINDS[kind].table}" + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql, list(params)).fetchone()[0]

    # Table views: sorted, searched, filtered pages (ledger/browse.py).

    def page(self, kind: str, text: str | None = None, sort: str = "id", descending: bool = False, after: Any = None,
             limit: int | None = 200, filters: dict[str, Any] | None = None, from_end: bool = False) -> list[Any]:
        return browse.page(self.conn, kind, text, sort, descending, after, limit, filters, from_end)

    def search(self, kind: str, text: str | None = None, sort: str = "id", descending: bool = False, limit: int | None = None) -> list[Any]:
        return browse.page(self.conn, kind, text, sort, descending, limit=limit)

    def search_count(self, kind: str, text: str | None = None, filters: dict[str, Any] | None = None) -> int:
        return browse.count(self.conn, kind, text, filters)

    def labels(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        """How a person names each record (package number, system type name...), by id."""
        k = KINDS[kind]
        wanted = sorted({i for i in ids if i is not None})
        out: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"SELECT id, {k.label_field} FROM {k.table} WHERE id IN ({', '.join('?' * len(chunk))})"
            out.update((rid, str(label)) for rid, label in self.conn.execute(sql, chunk))
        return out

    def quantities_by_system_type(self) -> dict[str, tuple[int, int]]:
        """Per system type: quantity in package lines and quantity delivered (units as recorded)."""
        out: dict[str, list[int]] = {}
        for name, q in self.conn.execute(
            "SELECT t.name, SUM(l.quantity) FROM package_lines l JOIN system_types t ON t.id = l.system_type_id "
            "WHERE l.quantity IS NOT NULL GROUP BY t.id"
        ):
            out.setdefault(name, [0, 0])[0] = q
        for name, q in self.conn.execute(
            "SELECT t.name, SUM(d.quantity) FROM disbursements d JOIN system_types t ON t.id = d.system_type_id "
            "WHERE d.quantity IS NOT NULL GROUP BY t.id"
        ):
            out.setdefault(name, [0, 0])[1] = q
        return {name: (a, b) for name, (a, b) in out.items()}

    def find(self, kind: str, label: str) -> Any | None:
        """The record a person names by its label (case-insensitive); system types also by alias."""
        k = KINDS[kind]
        row = self.conn.execute(
            f"SELECT id FROM {k.table} WHERE {k.label_field} = ? COLLATE NOCASE ORDER BY id LIMIT 1", (label.strip(),)
        ).fetchone()
        if row is None and kind == "system_type":
            owner = self.system_type_owner(label)
            row = (owner,) if owner is not None else None
        return self.get(kind, row[0]) if row else None

    def system_type_owner(self, name_or_alias: str) -> int | None:
        key = name_or_alias.strip().casefold()
        for tid, name, aliases in self.conn.execute("SELECT id, name, aliases FROM system_types"):
            if name.casefold() == key or any(a.casefold() == key for a in _json_list(aliases)):
                return tid
        return None

    def label_taken(self, kind: Kind, field: str, value: str, exclude_id: int | None) -> bool:
        row = self.conn.execute(
            f"SELECT id FROM {kind.table} WHERE {field} = ? COLLATE NOCASE AND id IS NOT ?", (value.strip(), exclude_id)
        ).fetchone()
        return row is not None

    # Figures the validation rules need.

    def effective_deadline(self, authority_id: int, as_of: str | None = None) -> str | None:
        """The authority's expiry, moved by the latest preservation dated on or before `as_of`."""
        row = self.conn.execute(
            """SELECT new_deadline FROM adjustments WHERE authority_id = ? AND kind = 'preservation'
               AND new_deadline IS NOT NULL AND (? IS NULL OR adjusted_on <= ?) ORDER BY adjusted_on DESC, id DESC LIMIT 1""",
            (authority_id, as_of, as_of),
        ).fetchone()
        if row:
            return row[0]
        row = self.conn.execute("SELECT expires_on FROM authorities WHERE id = ?", (authority_id,)).fetchone()
        return row[0] if row else None

    def authority_left(self, authority_id: int, exclude_package: int | None = None) -> int:
        amount = self.conn.execute("SELECT amount_cents FROM authorities WHERE id = ?", (authority_id,)).fetchone()[0]
        effect = self.conn.execute(
            f"SELECT COALESCE(SUM({queries.EFFECT_SQL}), 0) FROM adjustments WHERE authority_id = ?", (authority_id,)
        ).fetchone()[0]
        committed = self.conn.execute(
            "SELECT COALESCE(SUM(value_cents), 0) FROM packages WHERE authority_id = ? AND id IS NOT ?",
            (authority_id, exclude_package),
        ).fetchone()[0]
        return amount + effect - committed

    def line_value_sum(self, package_id: int, exclude_line: int | None = None) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(value_cents), 0) FROM package_lines WHERE package_id = ? AND id IS NOT ?",
            (package_id, exclude_line),
        ).fetchone()[0]

    def disbursed_value(self, package_id: int, exclude: int | None = None) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(value_cents), 0) FROM disbursements WHERE package_id = ? AND id IS NOT ?",
            (package_id, exclude),
        ).fetchone()[0]

    def disbursed_quantity(self, line_id: int, exclude: int | None = None) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM disbursements WHERE line_id = ? AND id IS NOT ?",
            (line_id, exclude),
        ).fetchone()[0]

    # -- changing --------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call `listener(label)` after every committed change, undo and redo."""
        self._listeners.append(listener)

    @contextmanager
    def _write(self) -> Iterator[None]:
        if self.readonly:
            why = f" ({self.note})" if self.note else ""
            raise ReadOnlyError(f"{self.where} is open read-only{why}: nothing was changed")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _translate(exc, self.where) from None
        try:
            yield
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise _translate(exc, self.where) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._writes += 1

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    @contextmanager
    def action(self, label: str, accept_warnings: bool = False, backup: bool = False) -> Iterator[Action]:
        """Group changes into one transaction and one undoable history entry.

        backup=True (imports, bulk changes) first copies the ledger into its backups folder; if that
        copy cannot be made, nothing is changed.
        """
        act = Action(self, label, accept_warnings)
        if backup and not self.readonly:
            self.backup(f"before {label}")
        with self._write():
            yield act
        if act.action_id is not None:
            self._notify(label)

    def _notify(self, label: str) -> None:
        for listener in list(self._listeners):
            listener(label)

    def add(self, record: Any, accept_warnings: bool = False) -> Any:
        k = kind_of(record)
        with self.action(f"Add {k.name.replace('_', ' ')}", accept_warnings) as act:
            return act.add(record)

    def update(self, record: Any, accept_warnings: bool = False) -> Any:
        k = kind_of(record)
        with self.action(f"Edit {k.name.replace('_', ' ')}", accept_warnings) as act:
            return act.update(record)

    def edit(self, kind: str, record_id: int, accept_warnings: bool = False, **changes: Any) -> Any:
        return self.update(replace(self.get(kind, record_id), **changes), accept_warnings)

    def delete(self, kind: str, record_id: int) -> int:
        """Delete a record (a package with its lines and disbursements); returns how many went."""
        with self.action(f"Delete {kind.replace('_', ' ')}") as act:
            return act.delete(kind, record_id)

    def merge_system_types(self, source_id: int, target_id: int) -> None:
        """Move everything of one system type to another; its name becomes an alias there."""
        with self.action("Merge system types", backup=True) as act:
            act.merge_system_types(source_id, target_id)

    # -- undo / redo / history ---------------------------------------------------------------------

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
            for change in changes if forward else reversed(changes):
                history.apply(self.conn, change, forward)
            history.set_state(self.conn, action_id, "done" if forward else "undone")
        self._notify(("Redo " if forward else "Undo ") + label)
        return label

    def history(self, limit: int = 200) -> list[history.Action]:
        return history.actions(self.conn, limit)

    # -- backups (see docs/data-safety.md) ---------------------------------------------------------

    def backup(self, reason: str = "manual") -> backups.Backup | None:
        """Copy the committed ledger into `<ledger>.backups/` and keep the newest `backups_keep`.

        Returns None for a ledger in memory. Raises LedgerError if the copy cannot be made.
        """
        if self.path is None:
            return None
        taken = backups.take(self.conn, self.path, reason)
        backups.prune(self.path, self.backups_keep)
        return taken

    def backups(self) -> list[backups.Backup]:
        """This ledger's backups, newest first."""
        return backups.list_backups(self.path) if self.path else []

    @property
    def backups_folder(self) -> Path | None:
        return backups.folder_for(self.path) if self.path else None

    @property
    def backups_keep(self) -> int:
        try:
            return max(1, int(self.meta(backups.KEEP_KEY, str(backups.DEFAULT_KEEP))))
        except ValueError:
            return backups.DEFAULT_KEEP

    def set_backups_keep(self, keep: int) -> None:
        if not isinstance(keep, int) or keep < 1:
            raise LedgerError(f"the number of backups to keep must be a whole number of at least 1, not {keep!r}")
        self.set_meta(backups.KEEP_KEY, str(keep))
        if self.path:
            backups.prune(self.path, keep)

    @property
    def backup_due(self) -> bool:
        """The daily backup is due (looks at the backups folder only: cheap enough for a timer)."""
        return self.path is not None and not self.readonly and backups.due(self.path)

    def backup_if_due(self) -> backups.Backup | None:
        """The daily backup: taken when the newest backup is a day old (call it now and then while open)."""
        if not self.backup_due:
            return None
        if self.conn.execute("SELECT 1 FROM history_actions LIMIT 1").fetchone() is None:
            return None  # nothing written yet: nothing to lose
        return self.backup("daily")

    def _daily_backup(self) -> None:
        try:
            self.backup_if_due()
        except LedgerError as exc:  # opening must not fail for it; say so instead
            self.note = f"the daily backup failed: {exc}"

    def restore(self, backup: str | os.PathLike) -> backups.Backup:
        """Bring back a backup (a path, a file name or its number in `backups()`, 1 = newest).

        The current state is backed up first; returns that backup. The restored ledger's history is the
        backup's: undo does not reach across a restore, the backup taken first does.
        """
        if self.path is None or self.readonly:
            raise ReadOnlyError(f"{self.where} is open read-only: nothing was restored")
        source = backups.resolve(self.path, str(backup))
        backups.check(source)
        current = self.backup("before restore")
        try:
            backups.copy_into(source, self.conn)
            version = schema.check_identity(self.conn, self.where)
            if version < schema.SCHEMA_VERSION:
                self._migrate(version, self.currency)
        except sqlite3.Error as exc:
            raise _translate(exc, self.where) from None
        self._notify("Restore backup")
        return current

    def record_history(self, kind: str, record_id: int) -> list[tuple[history.Action, history.Change]]:
        return history.record_history(self.conn, KINDS[kind].table, record_id)

    # -- workbooks (ledger.excel; see docs/excel.md) ---------------------------------------------

    def export_workbook(self, path, progress=None, cancelled=None):
        """Write the whole ledger as an .xlsx workbook; returns an ExportResult (rows per kind)."""
        from .excel import export_workbook

        return export_workbook(self, path, progress, cancelled)

    def read_import(self, path, **options):
        """Read a workbook or CSV file into an ImportPlan (nothing written); options as ledger.excel.read_import."""
        from .excel import read_import

        return read_import(path, **options)

    def preview_import(self, plan, type_map=None, create_types=False, progress=None):
        """What importing `plan` would add, change, leave unchanged, miss and reject (nothing written)."""
        from .excel import preview_import

        return preview_import(self, plan, type_map, create_types, progress)

    def apply_import(self, preview, skip_invalid=False, accept_warnings=False, progress=None, cancelled=None):
        """Write a preview in one undoable action; all or nothing unless `skip_invalid`."""
        from .excel import apply_import

        return apply_import(self, preview, skip_invalid, accept_warnings, progress, cancelled)

    # -- balances --------------------------------------------------------------------------------

    def forget_cache(self) -> None:
        """Drop the cached movements, so the next balances are read afresh (benchmarks measure this)."""
        self._movements_cache.clear()

    def movements(self, by: str) -> list[Movement]:
        """Daily movements per group; read again only after a write (here or, per data_version, elsewhere)."""
        try:
            version = (self._writes, self.conn.execute("PRAGMA data_version").fetchone()[0])
            cached = self._movements_cache.get(by)
            if cached and cached[0] == version:
                return list(cached[1])
            moves = queries.daily_movements(self.conn, by)
        except sqlite3.Error as exc:
            raise _translate(exc, self.where) from None
        self._movements_cache[by] = (version, moves)
        return list(moves)

    def summary(self, as_of: str | None = None, by: str = "authority", deadline: str | None = None) -> Summary:
        """Balances as of a date (default: today), per group and in total, with pace figures."""
        if by not in GROUPINGS:
            raise LedgerError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
        as_of = as_of or dt.date.today().isoformat()
        moves = self.movements(by)
        per_group = balances.figures_as_of(moves, as_of)
        totals = balances.total(per_group)
        deadline = deadline or self.default_deadline
        deadlines = self._group_deadlines(by, as_of)
        groups = []
        for name in sorted(per_group, key=_group_sort_key):
            own = [m for m in moves if m.group == name]
            sums = balances.window_sums(own, as_of)
            groups.append(Group(name, per_group[name], balances.pace(per_group[name], sums, as_of, deadlines.get(name, deadline))))
        total_pace = balances.pace(totals, balances.window_sums(moves, as_of), as_of, deadline)
        return Summary(as_of, self.currency, by, totals, total_pace, tuple(groups))

    def _group_deadlines(self, by: str, as_of: str) -> dict[str, str | None]:
        if by == "system_type":
            return {}
        out: dict[str, list[str | None]] = {}
        for aid, name, program in self.conn.execute("SELECT id, name, program FROM authorities"):
            out.setdefault(name if by == "authority" else program, []).append(self.effective_deadline(aid, as_of))
        # A program's deadline is its authorities' latest, if every one of them has one.
        return {g: (None if None in ds else max(ds)) for g, ds in out.items()}

    def series(self, by: str = "authority") -> dict[str, list[tuple[str, Figures]]]:
        """Per group, balances after every day something changed (balances.total_series sums them)."""
        if by not in GROUPINGS:
            raise LedgerError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
        return balances.series(self.movements(by))

    def deadlines(self, as_of: str | None = None) -> dict[str, str]:
        """Each authority's effective deadline (for chart markers)."""
        out = {}
        for aid, name in self.conn.execute("SELECT id, name FROM authorities ORDER BY available_from, id"):
            d = self.effective_deadline(aid, as_of)
            if d:
                out[name] = d
        return out


class Action:
    """The changes of one user operation. Each is validated, written and recorded in history."""

    def __init__(self, ledger: Ledger, label: str, accept_warnings: bool):
        self.ledger = ledger
        self.conn = ledger.conn
        self.label = label
        self.accept_warnings = accept_warnings
        self.action_id: int | None = None
        self.warnings: list[Problem] = []

    def _history_id(self) -> int:
        if self.action_id is None:
            self.action_id = history.begin_action(self.conn, self.label)
        return self.action_id

    def _normalise(self, kind: Kind, row: dict[str, Any], facts: Any = None) -> dict[str, Any]:
        for name in _trimmed_fields(kind):
            if isinstance(row.get(name), str):
                row[name] = row[name].strip()
        get = (facts or self.ledger).get_row
        if kind.name in ("adjustment", "observation") and row.get("authority_id") is not None and not row.get("program"):
            auth = get("authority", row["authority_id"]) if isinstance(row["authority_id"], int) else None
            if auth:
                row["program"] = auth["program"]
        if kind.name == "disbursement" and row.get("line_id") is not None and row.get("system_type_id") is None:
            line = get("line", row["line_id"]) if isinstance(row["line_id"], int) else None
            if line:
                row["system_type_id"] = line["system_type_id"]
        return row

    def _checked(self, kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
        row = self._normalise(kind, row)
        self._settle(validate.check(self.ledger, kind, row))
        return row

    def _settle(self, problems: list[Problem]) -> None:
        """Raise what blocks a change (errors; warnings not accepted), or keep the accepted warnings."""
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise ValidationError(errors)
        if problems and not self.accept_warnings:
            raise WarningsNotAccepted(problems)
        self.warnings.extend(problems)

    def add(self, record: Any) -> Any:
        k = kind_of(record)
        row = self._checked(k, store.to_row(k, record))
        row["id"] = store.insert_row(self.conn, k, row)
        history.record(self.conn, self._history_id(), k.table, row["id"], None, row)
        return replace(record, id=row["id"], **_record_values(k, row))

    def add_many(self, records: list[Any], keep_ids: bool = False, step: Callable[[int], None] | None = None) -> list[int]:
        """Add records of one kind with one executemany per chunk (imports). Returns their ids.

        `keep_ids` writes the ids the records carry (an import that keeps a workbook's ids); otherwise
        ids follow the highest in use. Every record is checked and all problems are raised together,
        each with the id of its record. `step(rows written so far)` is called after every BULK_CHUNK
        rows (0 once a problem means nothing more is written): an exception raised there (a cancel)
        stops the add, and the action writes nothing.
        """
        if not records:
            return []
        k = kind_of(records[0])
        next_id = self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {k.table}").fetchone()[0]
        problems: list[Problem] = []
        errors = False
        facts = BulkFacts(self.ledger)  # the rules' lookups, read once, then kept current row by row
        to_row, normalise, check, joined = store.to_row, self._normalise, validate.check, facts.added
        ids: list[int] = []
        # Chunk by chunk: checked, then written while nothing blocks (the rules read what earlier chunks
        # added from the figures kept in `facts`, not from the table). Only a chunk's rows are held at a
        # time. A problem is raised after every row was checked; the action's rollback takes back the
        # chunks already written.
        with store.indexes_deferred(self.conn, k.table, len(records)), \
                store.indexes_deferred(self.conn, "history_changes", len(records)):
            for start in range(0, len(records), BULK_CHUNK):
                if step and start:
                    step(len(ids) if not problems else 0)
                rows = []
                keep = rows.append
                for i, record in enumerate(records[start : start + BULK_CHUNK], start):
                    row = normalise(k, to_row(k, record), facts)
                    row["id"] = record.id if keep_ids else next_id + i
                    found = check(facts, k, row)
                    if found:
                        problems.extend(replace(p, record_id=row["id"]) for p in found)
                        if any(p.level == "error" for p in found):
                            errors = True
                            continue
                    joined(k, row)
                    keep(row)
                if errors or (problems and not self.accept_warnings):
                    continue  # this import will not be written: check the rest, write nothing more
                store.insert_rows(self.conn, k, rows)
                history.record_inserts(self.conn, self._history_id(), k.table, rows)
                ids.extend(row["id"] for row in rows)
        self._settle(problems)
        if step:
            step(len(ids))
        return ids

    def add_columns(self, kind: str, columns: dict[str, list], constants: dict[str, Any], ids: range,
                    step: Callable[[int], None] | None = None) -> None:
        """Add rows of one kind given column by column, in record form (dates, tuples), with the ids
        they will have (`ids`, consecutive and unused): a big import. The same checks, problems and
        history as `add_many` of the same records; the columns are converted, normalised and checked a
        column at a time, and only rows that may have a problem are checked one by one."""
        k = KINDS[kind]
        n = len(ids)
        if not n:
            return
        facts = BulkFacts(self.ledger)
        cols = _stored_columns(k, columns, constants, n, facts)
        self._settle(bulk_check.check_columns(facts, k, cols, ids))
        # Columns no row fills are left to their default (NULL): fewer values to bind per row.
        names = [name for name in store.columns(k) if not (name in constants and constants[name] is None)]
        cols["id"] = ids
        rows = zip(*(cols[name] for name in names))
        sql = f"INSERT INTO {k.table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        with store.indexes_deferred(self.conn, k.table, n), store.indexes_deferred(self.conn, "history_changes", n):
            for start in range(0, n, BULK_CHUNK):
                if step and start:
                    step(start)
                self.conn.executemany(sql, itertools.islice(rows, BULK_CHUNK))
            history.record_inserted_runs(self.conn, self._history_id(), k.table, [(ids[0], ids[-1])],
                                         null_columns=[n for n, v in constants.items() if v is None])
        if step:
            step(n)

    def update(self, record: Any) -> Any:
        k = kind_of(record)
        old = store.fetch_row(self.conn, k, record.id)
        if old is None:
            raise NotFoundError(f"no {k.name.replace('_', ' ')} with id {record.id}")
        row = self._checked(k, store.to_row(k, record))
        if row == old:
            return record
        store.update_row(self.conn, k, row)
        history.record(self.conn, self._history_id(), k.table, record.id, old, row)
        if k.name == "line" and old["system_type_id"] != row["system_type_id"]:
            # Deliveries against the line follow its system type.
            for d in self.ledger.records("disbursement", "line_id = ?", (record.id,)):
                self._raw_update("disbursement", replace(d, system_type_id=row["system_type_id"]))
        return replace(record, **_record_values(k, row))

    def _raw_update(self, kind: str, record: Any) -> None:
        """Write a consequence of a validated change (no checks of its own), recorded in history."""
        k = KINDS[kind]
        old = store.fetch_row(self.conn, k, record.id)
        row = store.to_row(k, record)
        store.update_row(self.conn, k, row)
        history.record(self.conn, self._history_id(), k.table, record.id, old, row)

    def _raw_delete(self, kind: str, record_id: int) -> None:
        k = KINDS[kind]
        old = store.fetch_row(self.conn, k, record_id)
        store.delete_row(self.conn, k, record_id)
        history.record(self.conn, self._history_id(), k.table, record_id, old, None)

    def delete(self, kind: str, record_id: int) -> int:
        k = KINDS[kind]
        row = store.fetch_row(self.conn, k, record_id)
        if row is None:
            raise NotFoundError(f"no {kind.replace('_', ' ')} with id {record_id}")
        who = validate.describe(k, row)
        blockers = _blocking_references(self.ledger, kind, record_id)
        if blockers:
            raise ValidationError([Problem("error", kind, who, "id", f"is still used by {blockers}: change or delete those first")])
        removed = 1
        if kind == "package":
            for (did,) in self.conn.execute("SELECT id FROM disbursements WHERE package_id = ? ORDER BY id", (record_id,)).fetchall():
                self._raw_delete("disbursement", did)
                removed += 1
            for (lid,) in self.conn.execute("SELECT id FROM package_lines WHERE package_id = ? ORDER BY id", (record_id,)).fetchall():
                self._raw_delete("line", lid)
                removed += 1
        if kind == "line":
            for d in self.ledger.records("disbursement", "line_id = ?", (record_id,)):
                self._raw_update("disbursement", replace(d, line_id=None))
        self._raw_delete(kind, record_id)
        return removed

    def merge_system_types(self, source_id: int, target_id: int) -> None:
        if source_id == target_id:
            raise LedgerError("a system type cannot be merged into itself")
        src = self.ledger.get("system_type", source_id)
        dst = self.ledger.get("system_type", target_id)
        for line in self.ledger.records("line", "system_type_id = ?", (source_id,)):
            self._raw_update("line", replace(line, system_type_id=target_id))
        for d in self.ledger.records("disbursement", "system_type_id = ?", (source_id,)):
            self._raw_update("disbursement", replace(d, system_type_id=target_id))
        self._raw_delete("system_type", source_id)
        aliases = tuple(dict.fromkeys((*dst.aliases, src.name, *src.aliases)))
        self._raw_update("system_type", replace(dst, aliases=aliases))


def _blocking_references(ledger: Ledger, kind: str, record_id: int) -> str:
    """What still refers to a record whose deletion would leave others dangling."""
    refs = {
        "authority": [("package", "authority_id"), ("adjustment", "authority_id"), ("observation", "authority_id")],
        "system_type": [("line", "system_type_id"), ("disbursement", "system_type_id")],
        "source": [(k, "source_id") for k in ("authority", "package", "disbursement", "adjustment", "observation")],
    }.get(kind, [])
    parts = []
    for other, column in refs:
        n = ledger.count(other, f"{column} = ?", (record_id,))
        if n:
            parts.append(f"{n} {KINDS[other].plural if n > 1 else other.replace('_', ' ')}")
    return ", ".join(parts)


BULK_CHUNK = 20_000  # add_many reports progress (and can be cancelled) this often
_TRIMMED: dict[str, tuple[str, ...]] = {}


def _stored_columns(kind: Kind, columns: dict[str, list], constants: dict[str, Any], n: int, facts: BulkFacts) -> dict[str, list]:
    """Record-form columns in stored form, normalised as `Action._normalise` does a row: dates as ISO
    text, aliases as JSON, labels trimmed, a program from its authority, a system type from its line."""
    dates, aliases = store._stored_form(kind)
    out: dict[str, list] = {}
    for f in kind.fields:
        name = f.name
        col = columns[name] if name in columns else [constants.get(name)] * n
        if name in dates:
            iso = {d: d.isoformat() for d in set(col) if d is not None}
            col = [iso.get(d) for d in col]
        elif name in aliases:
            col = [json.dumps(list(v), ensure_ascii=False) for v in col]
        elif name in _trimmed_fields(kind):
            col = [v.strip() if v.__class__ is str else v for v in col]
        out[name] = col
    if kind.name in ("adjustment", "observation"):
        programs = {}
        for i, (aid, program) in enumerate(zip(out["authority_id"], out["program"])):
            if aid is not None and not program and isinstance(aid, int):
                if aid not in programs:
                    auth = facts.get_row("authority", aid)
                    programs[aid] = auth["program"] if auth else None
                if programs[aid]:
                    out["program"][i] = programs[aid]  # a list of its own: trimmed above
    if kind.name == "disbursement":
        types = out["system_type_id"]
        for i, (line, type_id) in enumerate(zip(out["line_id"], types)):
            if line is not None and type_id is None and isinstance(line, int):
                row = facts.get_row("line", line)
                if row:
                    if types is columns.get("system_type_id"):
                        types = out["system_type_id"] = list(types)
                    types[i] = row["system_type_id"]
    return out


def _trimmed_fields(kind: Kind) -> tuple[str, ...]:
    """Fields stored without surrounding spaces (labels and programs are compared as typed), once per kind."""
    names = _TRIMMED.get(kind.name)
    if names is None:
        names = _TRIMMED[kind.name] = tuple(f.name for f in kind.fields if f.unique or f.name == "program")
    return names


def _record_values(kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in vars(store.from_row(kind, row)).items() if k != "id"}


def _json_list(text: str) -> list[str]:
    return json.loads(text or "[]")


def _group_sort_key(name: str) -> tuple[int, str]:
    from .model import UNALLOCATED

    return (1 if name == UNALLOCATED or name.endswith("(no authority)") else 0, name.casefold())


def _damage_mark(path: Path) -> Path:
    """Beside a ledger found damaged: its presence makes every open check the file again."""
    return path.with_name(path.name + ".damaged")


def _translate(exc: sqlite3.Error, where: str) -> LedgerError:
    """Turn an SQLite error into a message a person can act on."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return LedgerLockedError(f"{where} is locked by another program: close it there or try again")
    if "readonly" in low or "read-only" in low:
        return ReadOnlyError(f"{where} cannot be written (read-only file or folder): nothing was changed")
    if "not a database" in low or "file is encrypted" in low:
        return NotALedgerError(f"{where} is not a ledger: it is not an SQLite database")
    if "malformed" in low or "corrupt" in low:
        return LedgerError(f"{where} is damaged ({text}): restore a backup")
    if "unable to open" in low:
        return LedgerError(f"{where} cannot be opened: check the path and its folder's permissions")
    if "disk is full" in low or "database or disk is full" in low:
        return LedgerError(f"{where}: the disk is full, nothing was changed")
    if "integer overflow" in low:
        return LedgerError(f"{where}: amounts add up beyond what can be counted; check for a mistyped figure")
    if "constraint" in low:
        return LedgerError(f"{where}: the change breaks a rule of the ledger ({text}); nothing was changed")
    return LedgerError(f"{where}: {text}")
