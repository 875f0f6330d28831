"""Backups (taken, kept, listed, restored) and the one-writer lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli  # noqa: E402

from ledger import backups, schema
from ledger.errors import LedgerError, LedgerLockedError, ReadOnlyError
from ledger.lock import LedgerInUseError, lock_path
from ledger.model import SystemType
from ledger.service import Ledger

CHILD = Path(__file__).resolve().parent / "crash_child.py"


def packages(path: Path) -> int:
    with Ledger.open(path, readonly=True) as led:
        return led.count("package")


# -- backups ---------------------------------------------------------------------------------------


def test_a_bulk_action_backs_up_the_state_before_it(sample_copy):
    with Ledger.open(sample_copy) as led:
        n = led.count("system_type")
        with led.action("Import system types", backup=True) as act:
            act.add_many([SystemType(f"Imported {i}") for i in range(50)])
        taken = [b for b in led.backups() if b.reason == "before-import-system-types"]
        assert len(taken) == 1
    with Ledger.open(taken[0].path, readonly=True) as copy:
        assert copy.count("system_type") == n
    assert not Path(str(taken[0].path) + "-wal").exists()  # a single self-contained file
    assert backups.check(taken[0].path) == schema.SCHEMA_VERSION


def test_a_backup_that_cannot_be_made_stops_the_bulk_action(sample_copy):
    backups.folder_for(sample_copy).write_text("a file where the backups folder belongs")
    with Ledger.open(sample_copy) as led:
        assert "daily backup failed" in led.note  # opening still works, and says so
        with pytest.raises(LedgerError, match="could not back up .* nothing was changed"):
            with led.action("Import system types", backup=True) as act:
                act.add(SystemType("Never written"))
        assert led.find("system_type", "Never written") is None


def test_the_daily_backup_is_taken_once_a_day(sample_copy):
    with Ledger.open(sample_copy):
        pass
    daily = [b for b in backups.list_backups(sample_copy) if b.reason == "daily"]
    assert len(daily) == 1
    with Ledger.open(sample_copy) as led:
        assert led.backup_if_due() is None
    assert len(backups.list_backups(sample_copy)) == 1
    # A day later (the newest backup named as if taken 25 hours ago) the next open takes one.
    old = daily[0].taken_at - dt.timedelta(hours=25)
    daily[0].path.rename(daily[0].path.with_name(f"{old.strftime('%Y%m%dT%H%M%S.%fZ')}-daily.aidledger"))
    with Ledger.open(sample_copy):
        pass
    assert [b.reason for b in backups.list_backups(sample_copy)] == ["daily", "daily"]


def test_only_the_newest_n_are_kept(sample_copy):
    with Ledger.open(sample_copy) as led:
        led.set_backups_keep(3)
        made = [led.backup(f"manual {i}") for i in range(6)]
        assert [b.path for b in led.backups()] == [b.path for b in reversed(made[-3:])]
        assert led.backups_keep == 3
        with pytest.raises(LedgerError, match="at least 1"):
            led.set_backups_keep(0)
    with Ledger.open(sample_copy, readonly=True) as led:
        assert led.backups_keep == 3  # the setting lives in the ledger


def test_restore_brings_a_backup_back_and_backs_up_the_current_state_first(sample_copy):
    with Ledger.open(sample_copy) as led:
        first = led.backup("manual")
        led.delete("package", led.find("package", "PDA 71").id)
        seen = []
        led.subscribe(seen.append)
        before = led.restore(first.name)
        assert led.find("package", "PDA 71") is not None and [c.label for c in seen] == ["Restore backup"]
        assert seen[0].everything
        assert before.reason == "before-restore"
    with Ledger.open(before.path, readonly=True) as copy:
        assert copy.find("package", "PDA 71") is None  # the deletion is kept in the pre-restore backup


def test_command_line_lists_and_restores(sample_copy):
    code, out, _ = run_cli("backups", "--ledger", sample_copy)
    assert code == 0 and "No backups" in out
    assert run_cli("backup", "--ledger", sample_copy)[0] == 0
    assert run_cli("delete", "package", "1", "--ledger", sample_copy)[0] == 0
    code, out, _ = run_cli("backups", "--ledger", sample_copy)
    assert code == 0 and "manual" in out and "daily" in out
    code, out, _ = run_cli("restore", "1", "--ledger", sample_copy)  # 1 = newest: the manual one
    assert code == 0 and "backed up as" in out
    assert packages(sample_copy) == 97
    code, _, err = run_cli("restore", "no-such-backup", "--ledger", sample_copy)
    assert code == 1 and "no backup 'no-such-backup'" in err
    code, out, _ = run_cli("backups", "--keep", "2", "--ledger", sample_copy)
    assert code == 0 and len(backups.list_backups(sample_copy)) == 2


def test_restore_over_a_damaged_ledger_keeps_the_damaged_file(sample_copy):
    with Ledger.open(sample_copy) as led:
        led.backup("manual")
    sample_copy.write_bytes(b"this was a ledger once" * 100)
    code, _, err = run_cli("summary", "--ledger", sample_copy)
    assert code == 2 and "not a ledger" in err
    code, out, _ = run_cli("restore", "1", "--ledger", sample_copy)
    assert code == 0 and "kept as" in out
    assert packages(sample_copy) == 97
    kept = list(sample_copy.parent.glob("sample.aidledger.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this was a ledger once")


def test_a_damaged_backup_is_refused(sample_copy):
    with Ledger.open(sample_copy) as led:
        b = led.backup("manual")
        data = bytearray(b.path.read_bytes())
        data[8192:8192 + 4096] = os.urandom(4096)
        b.path.write_bytes(bytes(data))
        with pytest.raises(LedgerError):
            led.restore(b.name)
        assert led.count("package") == 97


# -- one writer ------------------------------------------------------------------------------------


def test_a_second_writer_is_told_who_holds_the_ledger(sample_copy, holder):
    with pytest.raises(LedgerInUseError) as caught:
        Ledger.open(sample_copy)
    h = caught.value.holder
    assert h.pid == holder.pid and h.host == socket.gethostname() and "crash_child.py" in h.program
    assert f"process {holder.pid}" in str(caught.value) and "open the ledger read-only" in str(caught.value)
    with Ledger.open(sample_copy, readonly=True) as led:  # reading needs no lock
        assert led.count("package") == 97
        with pytest.raises(ReadOnlyError):
            led.add(SystemType("Nope"))
    for args in (("summary",), ("series",), ("list", "package"), ("history",), ("backups",)):
        assert run_cli(*args, "--ledger", sample_copy)[0] == 0, args
    code, _, err = run_cli("edit", "package", "1", "notes=x", "--ledger", sample_copy)
    assert code == 1 and "is open for writing in" in err and str(holder.pid) in err


def test_a_crashed_writers_lock_is_cleared(sample_copy, holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert lock_path(sample_copy).exists()  # left behind by the crash
    with Ledger.open(sample_copy) as led:
        assert led._lock.cleared_stale.pid == holder.pid
        led.add(SystemType("After the crash"))
    assert not lock_path(sample_copy).exists()  # released on close


def test_a_lock_file_naming_a_dead_process_without_a_system_lock_is_stale(sample_copy):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    info = {"user": "someone", "host": socket.gethostname(), "pid": int(dead.stdout), "program": "Aid Ledger",
            "since": "2026-01-01T00:00:00+00:00"}
    lock_path(sample_copy).write_text(json.dumps(info))
    with Ledger.open(sample_copy) as led:
        assert led._lock.cleared_stale.pid == int(dead.stdout)


def test_one_process_may_open_a_ledger_twice_and_the_lock_goes_with_the_last(sample_copy):
    a = Ledger.open(sample_copy)
    b = Ledger.open(sample_copy)
    a.close()
    assert lock_path(sample_copy).exists()
    b.add(SystemType("Still writable"))
    b.close()
    assert not lock_path(sample_copy).exists()


def test_the_lock_error_is_a_locked_error_for_callers_that_do_not_know_it(sample_copy, holder):
    with pytest.raises(LedgerLockedError):
        Ledger.open(sample_copy)


def test_sqlite_busy_is_still_reported_as_locked(sample_copy):
    conn = sqlite3.connect(sample_copy, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        with Ledger.open(sample_copy) as led:
            led.conn.execute("PRAGMA busy_timeout = 50")
            with pytest.raises(LedgerLockedError):
                led.add(SystemType("Blocked"))
    except LedgerLockedError:
        pass  # the open itself may already find it locked
    finally:
        conn.execute("ROLLBACK")
        conn.close()
