"""Kill the process (SIGKILL) at random moments while it writes, then check nothing is half-written.

Half of the import kills fall at a uniformly random moment of the child's run; the other half are aimed
at the write phase (once the WAL starts to grow: inserts, history, commit, checkpoint), where a torn
write would show. After every kill: PRAGMA integrity_check, the import is all there or not at all, every
edit is there with its history entry or absent, the crashed writer's lock is recognised as stale, and
every backup in the backups folder is a sound ledger.

AID_LEDGER_CRASH_KILLS (default 20) and AID_LEDGER_CRASH_ROWS (default 50,000) scale the test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger import backups
from ledger.model import Authority, Package, SystemType
from ledger.service import Ledger

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD = Path(__file__).resolve().parent / "crash_child.py"
KILLS = int(os.environ.get("AID_LEDGER_CRASH_KILLS", "20"))
ROWS = int(os.environ.get("AID_LEDGER_CRASH_ROWS", "50000"))
IMPORT_LABEL, EDIT_LABEL = "Import deliveries", "Edit package"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "base.aidledger"
    with Ledger.open(path) as led:
        with led.action("Set up") as act:
            auth = act.add(Authority("PDA", "PDA FY2024", 10**15, dt.date(2024, 1, 1)))
            act.add(SystemType("Fires"))
            act.add(Package("P1", dt.date(2024, 2, 1), auth.id, 10**14, notes="edit 0"))
    shutil.rmtree(backups.folder_for(path), ignore_errors=True)
    return path


def fresh(base: Path, folder: Path) -> Path:
    folder.mkdir()
    target = folder / "ledger.aidledger"
    shutil.copy(base, target)
    return target


def start(*args) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(CHILD), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def kill(proc: subprocess.Popen) -> bool:
    """SIGKILL the child; True if it was still running (a real interruption)."""
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return alive


def wait_for_writes(wal: Path, timeout: float) -> bool:
    """Wait until the WAL holds more than the lock-time pages: the import has begun writing."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if wal.stat().st_size > 256 * 1024:
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    return False


def reopen_checked(path: Path) -> Ledger:
    """Open after a crash: the stale lock must be recognised, the file must be sound."""
    holder_left = path.with_name(path.name + ".lock").exists()
    led = Ledger.open(path, create=False)
    if holder_left:
        assert led._lock.cleared_stale is not None, "a crashed writer's lock was not recognised as stale"
    assert led.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert led.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return led


def check_backups(path: Path) -> None:
    for b in backups.list_backups(path):
        assert backups.check(b.path) >= 1


def import_outcome(path: Path) -> str:
    with reopen_checked(path) as led:
        n = led.count("disbursement")
        actions = [a for a in led.history() if a.label == IMPORT_LABEL]
        assert n in (0, ROWS), f"half an import: {n} of {ROWS} rows"
        if n == 0:
            assert actions == []
            return "none"
        assert len(actions) == 1 and actions[0].changes == ROWS and actions[0].state == "done"
        total = led.conn.execute("SELECT sum(value_cents) FROM disbursements").fetchone()[0]
        assert total == sum(100 + i for i in range(ROWS))
        return "all"


def test_kill_during_a_large_import(base, tmp_path):
    rng = random.Random(int(os.environ.get("AID_LEDGER_CRASH_SEED", time.time_ns())))
    # One run to the end: how long an import takes here, and that it completes.
    path = fresh(base, tmp_path / "full")
    t0 = time.monotonic()
    proc = start("import", path, ROWS)
    assert wait_for_writes(path.with_name(path.name + "-wal"), 120)
    t1 = time.monotonic()
    assert proc.stdout.readline().strip() == "done"
    duration, writing = time.monotonic() - t0, time.monotonic() - t1
    kill(proc)
    assert import_outcome(path) == "all"

    outcomes, interrupted = [], 0
    for i in range(KILLS):
        path = fresh(base, tmp_path / f"k{i}")
        proc = start("import", path, ROWS)
        if i % 2:
            if wait_for_writes(path.with_name(path.name + "-wal"), duration * 2):
                time.sleep(rng.uniform(0, writing * 1.2))
        else:
            time.sleep(rng.uniform(0, duration * 1.1))
        interrupted += kill(proc)
        outcomes.append(import_outcome(path))
        check_backups(path)
    summary = {"kills": KILLS, "interrupted": interrupted, "rows": ROWS,
               "none": outcomes.count("none"), "all": outcomes.count("all")}
    print("import kills:", json.dumps(summary))
    assert interrupted >= KILLS // 2  # most kills really interrupted the import


def test_kill_during_a_burst_of_edits(base, tmp_path):
    rng = random.Random(int(os.environ.get("AID_LEDGER_CRASH_SEED", time.time_ns())))
    path = fresh(base, tmp_path / "edits")
    done_total = 0
    for _ in range(KILLS):
        proc = start("edits", path)
        time.sleep(rng.uniform(0.02, 0.4))
        assert kill(proc), proc.stderr.read() if proc.stderr and not proc.stderr.closed else "the edit loop ended"
        with reopen_checked(path) as led:
            edits = [a for a in reversed(led.history(limit=100000)) if a.label == EDIT_LABEL]
            package = led.find("package", "P1")
            # Each edit is whole: one change, linking the previous state to the next, and the record
            # holds exactly what the last recorded edit wrote.
            previous = "edit 0"
            for a in edits:
                assert a.changes == 1 and a.state == "done"
            for action, change in led.record_history("package", package.id):
                if action.label != EDIT_LABEL:
                    continue
                assert change.old["notes"] == previous
                previous = change.new["notes"]
            assert package.notes == previous
            n = int(previous.split()[1])
            assert package.value_cents == (1000 + n if n else 10**14)
            assert n == len(edits)
            done_total = n
    print("edit kills:", json.dumps({"kills": KILLS, "edits_committed": done_total}))
    assert done_total > KILLS  # the bursts did write
