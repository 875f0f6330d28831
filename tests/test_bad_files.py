"""Files that cannot be used as they are: each gets a clear one-line message, and nothing is lost.

A ledger from a newer version, a damaged file, a file that is not SQLite, a read-only file or folder,
a full disk. Read-only places and a full disk are real mounts (tmpfs) when the tests run as root, and
file permissions otherwise; a full disk is also simulated with SQLite's max_page_count.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from cli_helpers import damage_page, run_cli  # noqa: E402

from ledger import backups, schema
from ledger.errors import LedgerError, LedgerVersionError, NotALedgerError, ReadOnlyError
from ledger.model import Disbursement, SystemType
from ledger.service import Ledger

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def digest(path: Path) -> bytes:
    return path.read_bytes()


def mount(*args: str) -> None:
    if subprocess.run(["mount", *args], capture_output=True).returncode != 0:
        pytest.skip(f"cannot mount {args} here")


@contextlib.contextmanager
def tmpfs(size: str):
    if not ROOT or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    where = Path(tempfile.mkdtemp(prefix="aidledger-fs-"))
    mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        where.rmdir()


# -- newer version, not a ledger, damaged ----------------------------------------------------------


def test_a_ledger_from_a_newer_version_is_refused_untouched(sample_copy):
    conn = sqlite3.connect(sample_copy)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(sample_copy)
    for readonly in (False, True):
        with pytest.raises(LedgerVersionError, match="newer version of Aid Ledger .* update the app"):
            Ledger.open(sample_copy, readonly=readonly)
    code, _, err = run_cli("edit", "package", "1", "notes=x", "--ledger", sample_copy)
    assert code == 2 and "newer version" in err
    assert digest(sample_copy) == before
    assert backups.list_backups(sample_copy) == []


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n" * 10, b"PK\x03\x04" + bytes(300)],
                         ids=["empty-but-named", "text", "zip"])
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path, content):
    path = tmp_path / "notes.aidledger"
    path.write_bytes(content)
    if not content:  # an empty file is where a new ledger may be created, but there is nothing to read
        with pytest.raises(NotALedgerError, match="empty, not a ledger"):
            Ledger.open(path, readonly=True)
        return
    for args in (("summary",), ("add", "system-type", "name=X")):
        code, _, err = run_cli(*args, "--ledger", path)
        assert code == 2 and "is not a ledger: it is not an SQLite database" in err
    assert path.read_bytes() == content


def test_an_sqlite_database_of_another_program_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    code, _, err = run_cli("add", "system-type", "name=X", "--ledger", path)
    assert code == 2 and "an SQLite database but not an Aid Ledger ledger" in err
    assert digest(path) == before


def damage(path: Path, page: int) -> None:
    damage_page(path, page)


def age_backups(path: Path, hours: int) -> None:
    """Make the ledger's backups look `hours` older (the daily backup becomes due)."""
    for b in backups.list_backups(path):
        old = b.taken_at - dt.timedelta(hours=hours)
        b.path.rename(b.path.with_name(f"{old.strftime('%Y%m%dT%H%M%S.%fZ')}-{b.reason}.aidledger"))


@pytest.mark.parametrize("page", [3, 40, 80])
@pytest.mark.parametrize("found", ["daily", "after-a-crash"])
def test_a_damaged_ledger_opens_read_only_and_says_to_restore_a_backup(sample_copy, page, found):
    with Ledger.open(sample_copy) as led:
        led.backup("manual")
    damage(sample_copy, page)
    if found == "daily":
        age_backups(sample_copy, 25)
    else:
        sample_copy.with_name(sample_copy.name + "-wal").write_bytes(b"frames" * 100)  # what a crash leaves
    before = digest(sample_copy)
    with Ledger.open(sample_copy) as led:
        assert led.damaged and led.readonly and "restore a backup" in led.note
        with pytest.raises(ReadOnlyError, match="is damaged"):
            led.add(SystemType("X"))
    for args in (("summary", "--by", "system-type"), ("series",), ("list", "line"), ("edit", "package", "1", "notes=x")):
        code, _, err = run_cli(*args, "--ledger", sample_copy)
        assert code in (0, 1, 2), args  # reading may still work; every failure is a message
    assert digest(sample_copy) == before  # nothing was written into it
    code, out, _ = run_cli("restore", "1", "--ledger", sample_copy)
    assert code == 0 and "damaged file was kept" in out
    with Ledger.open(sample_copy) as led:
        assert not led.damaged and led.count("package") == 97
    assert not sample_copy.with_name(sample_copy.name + ".damaged").exists()  # sound again: no more checks


# -- read-only file or folder ------------------------------------------------------------------------


@contextlib.contextmanager
def read_only_file(path: Path):
    if ROOT:
        mount("--bind", str(path), str(path))
        try:
            mount("-o", "remount,ro,bind", str(path))
            yield
        finally:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


@contextlib.contextmanager
def read_only_folder(path: Path):
    folder = path.parent
    if ROOT:
        with tmpfs("8m") as where:
            shutil.copy(path, where / path.name)
            mount("-o", "remount,ro", str(where))
            yield where / path.name
    else:
        folder.chmod(0o555)
        try:
            yield path
        finally:
            folder.chmod(0o755)


@pytest.mark.parametrize("place", ["file", "folder"])
def test_a_read_only_ledger_opens_read_only_with_a_note(sample_copy, place):
    with Ledger.open(sample_copy):
        pass  # leaves no -wal or -shm behind
    context = read_only_file(sample_copy) if place == "file" else read_only_folder(sample_copy)
    with context as maybe_moved:
        path = maybe_moved or sample_copy
        before = digest(path)
        with Ledger.open(path) as led:
            assert led.readonly and "read-only" in led.note
            assert led.count("package") == 97
            with pytest.raises(ReadOnlyError, match="nothing was changed"):
                led.add(SystemType("X"))
        code, out, _ = run_cli("summary", "--ledger", path, "--format", "json")
        assert code == 0 and "committed_cents" in out
        code, _, err = run_cli("add", "system-type", "name=X", "--ledger", path)
        assert code == 1 and "read-only" in err and "nothing was changed" in err
        assert digest(path) == before


def test_a_new_ledger_in_a_read_only_folder_is_refused_clearly(tmp_path):
    def attempt(folder: Path) -> None:
        with pytest.raises(ReadOnlyError, match="cannot create .*new.aidledger: its folder cannot be written"):
            Ledger.open(folder / "new.aidledger")
        assert not (folder / "new.aidledger").exists()

    if ROOT:
        with tmpfs("1m") as where:
            mount("-o", "remount,ro", str(where))
            attempt(where)
    else:
        tmp_path.chmod(0o555)
        try:
            attempt(tmp_path)
        finally:
            tmp_path.chmod(0o755)


# -- a full disk ---------------------------------------------------------------------------------------


def deliveries(led: Ledger, n: int) -> list[Disbursement]:
    pkg = led.find("package", "PDA 71")
    other = led.find("system_type", "Other")
    return [Disbursement(pkg.announced_on, pkg.id, None, other.id, None, 100 + i, notes="x" * 200) for i in range(n)]


def test_a_full_disk_simulated_with_max_page_count_changes_nothing(sample_copy):
    with Ledger.open(sample_copy) as led:
        before = led.summary("2025-01-20", "program")
        history = len(led.history(10**6))
        held = led.count("disbursement")  # the sample's own
        pages = led.conn.execute("PRAGMA page_count").fetchone()[0]
        led.conn.execute(f"PRAGMA max_page_count = {pages + 5}")
        records = deliveries(led, 5000)
        with pytest.raises(LedgerError, match="the disk is full, nothing was changed"):
            with led.action("Import deliveries", accept_warnings=True) as act:
                act.add_many(records)
        assert led.summary("2025-01-20", "program") == before
        assert len(led.history(10**6)) == history and led.count("disbursement") == held
        led.conn.execute(f"PRAGMA max_page_count = {2**30}")
        with led.action("Import deliveries", accept_warnings=True) as act:  # space again: it works
            act.add_many(records)
        assert led.count("disbursement") == held + 5000


def test_a_real_full_disk_changes_nothing_and_says_so(sample_copy):
    size = sample_copy.stat().st_size
    with tmpfs(f"{(size * 3) // 1024 + 64}k") as where:
        path = where / "ledger.aidledger"
        shutil.copy(sample_copy, path)
        with Ledger.open(path) as led:  # the daily backup still fits
            before = led.summary("2025-01-20", "program")
            held = led.count("disbursement")
            records = deliveries(led, 20000)
            # The backup before the import no longer fits: refused before anything is written.
            with pytest.raises(LedgerError, match="could not back up .*nothing was changed"):
                with led.action("Import deliveries", accept_warnings=True, backup=True) as act:
                    act.add_many(records)
            # Without a backup the import itself fills the disk: rolled back.
            with pytest.raises(LedgerError, match="disk is full, nothing was changed"):
                with led.action("Import deliveries", accept_warnings=True) as act:
                    act.add_many(records)
            assert led.summary("2025-01-20", "program") == before and led.count("disbursement") == held
        assert not list(backups.folder_for(path).glob("*.part"))
        code, out, _ = run_cli("summary", "--ledger", path)
        assert code == 0
        with Ledger.open(path) as led:
            assert led.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert led.count("package") == 97
