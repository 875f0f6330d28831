"""Opening a ledger file: is it one, may it be written, who holds it, did the last session crash, is
its schema current. `ledger.service.Ledger.open` runs these in order; each raises a LedgerError
subclass whose message says what to do."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import Any

from . import __version__, schema
from .errors import LedgerError, NotALedgerError, ReadOnlyError
from .lock import WriterLock
from .sqlite_errors import translate

SQLITE_HEADER = b"SQLite format 3\x00"


def check_file(path: Path, where: str, create: bool, readonly: bool) -> tuple[bool, str | None]:
    """Whether the file must be opened read-only (and why), creating its folder for a new ledger."""
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
    return readonly, note


def unclean(path: Path) -> bool:
    """A -wal file with frames in it before we open means a crash (or another program writing right
    now): check the file then. Read-only connections leave an empty one behind: that is no sign."""
    wal = path.with_name(path.name + "-wal")
    return (wal.exists() and wal.stat().st_size > 0) or damage_mark(path).exists()


def connect(path: Path, where: str, readonly: bool, note: str | None
            ) -> tuple[sqlite3.Connection, bool, str | None, WriterLock | None]:
    """The connection, whether it is read-only (and why) and the writer lock held (None read-only)."""
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
        raise translate(exc, where) from None
    return conn, readonly, note, lock


def prepare(ledger: Any, currency: str) -> None:
    """Settings every connection needs, then the schema brought up to date (a backup first)."""
    conn = ledger.conn
    try:
        conn.execute("PRAGMA busy_timeout = 3000")
        conn.execute("PRAGMA foreign_keys = ON")
        version = schema.check_identity(conn, ledger.where)
        if version == 0 and ledger.readonly:
            raise NotALedgerError(f"{ledger.where} is empty, not a ledger")
        if not ledger.readonly:
            if ledger.where != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed change survives power loss, not only a crash of the app.
            conn.execute("PRAGMA synchronous = FULL")
        if 0 < version < schema.SCHEMA_VERSION:
            if ledger.readonly:
                upgrade_in_memory(ledger)
            else:
                ledger.backup("before migration")
        if version < schema.SCHEMA_VERSION:
            migrate(ledger.conn, version, currency)
    except sqlite3.Error as exc:
        raise translate(exc, ledger.where) from None


def migrate(conn: sqlite3.Connection, version: int, currency: str) -> None:
    """Bring the schema from `version` to the current one in one transaction (0: a new ledger)."""
    # Off while tables are rebuilt (SQLite's own procedure for a change ALTER TABLE cannot make);
    # the references are checked before the migration commits. Upgrades that only add (indexes,
    # tables) keep them on, so no reference can break and none needs checking.
    rebuilds = schema.rebuilds_tables(version)
    if rebuilds:
        conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        schema.migrate(conn, version)
        if rebuilds and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise LedgerError("the upgrade to the current format found broken references; nothing was changed")
        if version == 0:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            # uid: tells this ledger from others, e.g. when an exported workbook comes back to it.
            import uuid  # here: only a new ledger needs one (loading it costs every opening milliseconds)

            ident = uuid.uuid4().hex
            for key, value in (("currency", currency), ("created_at", now), ("created_by", __version__), ("uid", ident)):
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def check_sound(ledger: Any) -> None:
    """Make sure the file is not damaged before writing into it (quick_check: 0.7 s for 100 MB).

    Done after a crash and before the daily backup, so a damaged ledger never pushes good backups out.
    A damaged ledger becomes read-only and says so in `ledger.note`.
    """
    try:
        verdict = ledger.conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    mark = damage_mark(ledger.path)
    if verdict == "ok":
        mark.unlink(missing_ok=True)  # e.g. a backup was put in its place
        return
    with suppress(OSError):  # checked again on every open until it is sound
        mark.write_text(verdict + "\n", encoding="utf-8")
    ledger.damaged, ledger.readonly = True, True
    ledger.note = (f"{ledger.where} is damaged ({verdict.splitlines()[0]}): it was opened read-only; "
                   "restore a backup (python main.py backups --ledger PATH lists them)")
    ledger.release_lock()


def needs_upgrade(path: Path) -> bool:
    """Would opening this file for writing upgrade its schema first (a backup, then the migration)?
    False for anything that is not a writable ledger of an older schema: opening it says why."""
    if not path.is_file() or not os.access(path, os.W_OK):
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        return app_id == schema.APPLICATION_ID and 0 < schema.file_version(conn) < schema.SCHEMA_VERSION
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def upgrade_in_memory(ledger: Any) -> None:
    """A read-only ledger of an older schema: read a migrated copy in memory, leave the file as it is."""
    mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    ledger.conn.backup(mem)
    ledger.conn.close()
    ledger.conn = mem
    mem.execute("PRAGMA foreign_keys = ON")
    ledger.note = (ledger.note + "; " if ledger.note else "") + "it uses an older format, upgraded in memory only"


def damage_mark(path: Path) -> Path:
    """Beside a ledger found damaged: its presence makes every open check the file again."""
    return path.with_name(path.name + ".damaged")
