"""Opening a ledger of an older version in the window: the backup and the upgrade run on a worker behind
a dialog naming the file and the step, the window keeps painting, and the ledger opens when it is done."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QPushButton  # noqa: E402

from ledger import backups, schema  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui import app as ui_app  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def older(tmp_path) -> Path:
    """A copy of the fixture ledger one schema version before this one."""
    path = tmp_path / "older.aidledger"
    shutil.copy(FIXTURES / f"schema_v{schema.SCHEMA_VERSION - 1}.aidledger", path)
    return path


@pytest.fixture
def window(qtbot, message_boxes):
    ui_app.make_app()
    w = ui_app.build_window(None)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_an_older_ledger_is_upgraded_on_a_worker_behind_a_dialog_that_says_so(qtbot, window, older, monkeypatch):
    assert Ledger.needs_upgrade(older)
    gate = threading.Event()
    real = schema.migrate
    threads = []

    def slow_migrate(conn, version):  # a million entries' indexes: held until the GUI thread has run
        threads.append(threading.current_thread())
        gate.wait(10)
        real(conn, version)

    monkeypatch.setattr(schema, "migrate", slow_migrate)
    ticks = []
    timer = QTimer(interval=10, timeout=lambda: (ticks.append(1), len(ticks) > 5 and gate.set()))
    timer.start()
    assert window.open_ledger(older)  # returns at once: the upgrade has started
    job = window.upgrade_job
    assert window.ledger is None and job.running
    assert job.dialog.labelText() == "Upgrading older.aidledger to this version's format; a backup is taken first…"
    assert "Cancel" not in [b.text() for b in job.dialog.findChildren(QPushButton)]  # one transaction: no stopping half-way
    assert not window.act_open.isEnabled() and not window.act_new.isEnabled()  # nothing else opens meanwhile
    with qtbot.waitSignal(job.finished, timeout=20_000):
        pass
    timer.stop()
    assert job.outcome.ok, job.outcome.message
    assert len(ticks) > 5 and threads and threads[0] is not threading.main_thread()
    assert window.ledger is not None and not window.ledger.readonly and window.ledger.where == str(older)
    assert schema.file_version(window.ledger.conn) == schema.SCHEMA_VERSION
    assert [b.reason for b in backups.list_backups(older)] == ["before-migration"]
    assert window.act_open.isEnabled() and not Ledger.needs_upgrade(older)


def test_an_upgrade_that_fails_says_why_and_opens_nothing(qtbot, window, older, message_boxes, monkeypatch):
    def broken(conn, version):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "migrate", broken)
    assert window.open_ledger(older)
    with qtbot.waitSignal(window.upgrade_job.finished, timeout=20_000):
        pass
    assert window.ledger is None and window.stack.currentWidget() is window.welcome
    kind, title, text = message_boxes[-1]
    assert title == "Cannot upgrade the ledger" and "older.aidledger" in text and "Traceback" not in text
    conn = sqlite3.connect(f"{older.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert schema.file_version(conn) == schema.SCHEMA_VERSION - 1  # the failed upgrade changed nothing
    finally:
        conn.close()
    assert Ledger.needs_upgrade(older)
