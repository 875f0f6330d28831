"""Automatic backups: consistent copies of a ledger in a folder beside it, the last N kept.

A copy is taken with SQLite's backup API (a snapshot of committed data, never a file copy of a live
database), written under a temporary name, flushed to disk and only then given its final name, so a
crash while backing up leaves no half-written backup. Copies are single files (no -wal beside them)
that open as ledgers in their own right.

Backups live in `<ledger file>.backups/`, named `YYYYMMDDTHHMMSS.ffffffZ-<reason>.aidledger` (UTC).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .errors import LedgerError, LedgerVersionError, NotALedgerError, NotFoundError

DEFAULT_KEEP = 20
KEEP_KEY = "backups_keep"  # ledger meta: how many backups to keep
DAILY = dt.timedelta(hours=24)
SUFFIX = ".aidledger"
_NAME = re.compile(r"^(\d{8}T\d{6}\.\d{6}Z)-([a-z0-9-]+)\.aidledger$")
_STAMP = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: dt.datetime  # aware, UTC
    reason: str  # e.g. "before-import", "daily"
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def why(self) -> str:
        """The reason in words: 'daily', 'manual', 'before restore', 'before import sheet xlsx'."""
        return self.reason.replace("-", " ")

    def words(self, today: dt.date | None = None) -> str:
        """The backup as a message names it, never by its file name: 'daily backup taken at 16:40'
        (local time, today), 'backup before restore taken on 2026-11-30 at 09:12'. The one wording of
        the app's messages; the Backups dialog lists the files and opens their folder."""
        local = self.taken_at.astimezone()
        what = {"daily": "daily backup", "manual": "backup"}.get(self.reason, f"backup {self.why}")
        day = "" if local.date() == (today or dt.date.today()) else f"on {local:%Y-%m-%d} "
        return f"{what} taken {day}at {local:%H:%M}"

    def describe(self) -> str:
        local = self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return f"{local}  {self.reason:<20} {self.size / 1e6:8.2f} MB  {self.name}"


def folder_for(ledger_path: str | os.PathLike) -> Path:
    p = Path(ledger_path)
    return p.with_name(p.name + ".backups")


def slug(reason: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", reason.casefold()).strip("-")
    return s[:40].rstrip("-") or "manual"


def list_backups(ledger_path: str | os.PathLike) -> list[Backup]:
    """The ledger's backups, newest first. Files that do not follow the naming are left alone."""
    folder = folder_for(ledger_path)
    out = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for p in entries:
        m = _NAME.match(p.name)
        if not m:
            continue
        try:
            size = p.stat().st_size
        except OSError:
            continue
        taken = dt.datetime.fromisoformat(m.group(1)).replace(tzinfo=dt.UTC)  # _STAMP is ISO 8601 (basic)
        out.append(Backup(p, taken, m.group(2), size))
    out.sort(key=lambda b: b.taken_at, reverse=True)
    return out


def due(ledger_path: str | os.PathLike, now: dt.datetime | None = None) -> bool:
    """True when no backup is younger than a day (the daily backup)."""
    now = now or dt.datetime.now(dt.UTC)
    newest = next(iter(list_backups(ledger_path)), None)
    return newest is None or now - newest.taken_at >= DAILY or newest.taken_at > now


def take(conn: sqlite3.Connection, ledger_path: str | os.PathLike, reason: str) -> Backup:
    """Copy the committed state of `conn` into the backups folder. Raises LedgerError if it cannot."""
    if conn.in_transaction:
        raise LedgerError("a backup cannot be taken in the middle of a change")
    folder = folder_for(ledger_path)
    now = dt.datetime.now(dt.UTC)
    target = folder / f"{now.strftime(_STAMP)}-{slug(reason)}{SUFFIX}"
    while target.exists():  # two backups within one microsecond
        now += dt.timedelta(microseconds=1)
        target = folder / f"{now.strftime(_STAMP)}-{slug(reason)}{SUFFIX}"
    part = target.with_name(target.name + ".part")
    try:
        folder.mkdir(exist_ok=True)
        dest = sqlite3.connect(part, isolation_level=None)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dest.close()
        _fsync(part)
        os.replace(part, target)
        _fsync(folder)
    except (OSError, sqlite3.Error) as exc:
        _remove(part)
        why = getattr(exc, "strerror", None) or str(exc)
        raise LedgerError(f"could not back up {ledger_path} into {folder} ({why}): nothing was changed") from None
    return Backup(target, now, slug(reason), target.stat().st_size)


def prune(ledger_path: str | os.PathLike, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what went."""
    gone = []
    for b in list_backups(ledger_path)[max(keep, 1):]:
        if _remove(b.path):
            gone.append(b.path)
    for part in folder_for(ledger_path).glob(f"*{SUFFIX}.part"):  # left by a crash while backing up
        if _remove(part):
            gone.append(part)
    return gone


def resolve(ledger_path: str | os.PathLike, name: str) -> Path:
    """A backup named by its number in the list (1 = newest), its file name, or a path."""
    found = list_backups(ledger_path)
    if name.isdigit() and 1 <= int(name) <= len(found):
        return found[int(name) - 1].path
    for b in found:
        if b.name == name:
            return b.path
    p = Path(name)
    if p.is_file():
        return p
    raise NotFoundError(f"no backup {name!r} of {ledger_path} (python main.py backups --ledger PATH lists them)")


def check(path: Path) -> int:
    """Open a backup read-only, make sure it is a sound ledger; returns its schema version."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise NotALedgerError(f"{path} is not a ledger backup: it is not an SQLite database")
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except OSError as exc:
        raise LedgerError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        version = schema.check_identity(conn, str(path))
        if version == 0:
            raise NotALedgerError(f"{path} is empty, not a ledger backup")
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise LedgerError(f"{path} is damaged ({verdict}): choose another backup")
        return version
    except LedgerVersionError:
        raise
    except sqlite3.Error as exc:
        raise LedgerError(f"{path} cannot be used as a backup: {exc}") from None
    finally:
        conn.close()


def copy_into(backup: Path, conn: sqlite3.Connection) -> None:
    """Replace the whole content of `conn`'s database with the backup (one step of the backup API)."""
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.backup(conn)
    finally:
        src.close()


def restore_over(ledger_path: str | os.PathLike, backup: Path) -> Path | None:
    """Put a backup where a ledger that cannot be opened (missing, damaged, not a ledger) was.

    The file found there is renamed, never deleted; returns its new name (None if there was none).
    """
    from .lock import WriterLock

    target = Path(ledger_path)
    check(backup)
    lock = WriterLock(target).acquire(str(target))
    try:
        kept = None
        if target.exists():
            stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
            kept = target.with_name(f"{target.name}.damaged-{stamp}")
            os.replace(target, kept)
            for extra in ("-wal", "-shm"):  # they belong to the old file, not to the backup
                side = target.with_name(target.name + extra)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + extra))
        part = target.with_name(target.name + ".part")
        try:
            src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
            dest = sqlite3.connect(part)
            try:
                src.backup(dest)
            finally:
                dest.close()
                src.close()
            _fsync(part)
            os.replace(part, target)
            _fsync(target.parent)
        except (OSError, sqlite3.Error) as exc:
            _remove(part)
            why = getattr(exc, "strerror", None) or str(exc)
            raise LedgerError(f"could not restore {backup.name} to {target} ({why})") from None
        return kept
    finally:
        lock.release()


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # folders cannot be opened on some systems
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError:
        return False
