"""The backups dialog: lists the ledger's backups, takes one, restores one (confirmed), sets how many are kept."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from ledger.service import Ledger  # noqa: E402
from ui.backups_dialog import COL_REASON, BackupsDialog  # noqa: E402


@pytest.fixture
def opened(sample_copy):
    led = Ledger.open(sample_copy)
    yield led
    led.close()


def test_lists_takes_and_restores(qtbot, opened, monkeypatch):
    dialog = BackupsDialog(opened)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1  # the daily backup taken on opening
    assert dialog.table.item(0, COL_REASON).text() == "daily"
    assert not dialog.restore_button.isEnabled()  # nothing selected

    dialog.backup_button.click()
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, COL_REASON).text() == "manual"
    taken = opened.backups()[0]
    # Said in words, by the time it was taken; the file name is the File column's.
    assert re.fullmatch(r"Backup taken at \d\d:\d\d\.", dialog.message.text())
    assert taken.name not in dialog.message.text()

    opened.delete("package", opened.find("package", "PDA 71").id)
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.restore_button.click()
    assert opened.find("package", "PDA 71") is None  # declined: nothing happened
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    heard = []
    opened.subscribe(heard.append)
    dialog.restore_button.click()
    job = dialog.restore_job  # on a worker: the click returns at once, the dialog's buttons wait for it
    assert job is not None and not dialog.restore_button.isEnabled() and not dialog.backup_button.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=20_000):
        pass
    assert job.outcome.ok, job.outcome.message
    assert opened.find("package", "PDA 71") is not None  # this connection reads the restored file
    assert dialog.table.item(0, COL_REASON).text() == "before restore"
    assert dialog.message.text().startswith("Restored the backup taken at ") and dialog.backup_button.isEnabled()
    assert taken.name not in dialog.message.text()
    assert [c.label for c in heard] == ["Restore backup"] and heard[0].everything  # listeners reload everything


def test_a_restore_runs_off_the_gui_thread(qtbot, opened, monkeypatch):
    """While the backup is copied in, the GUI thread keeps running (a timer fires) and the dialog says so."""
    import threading
    import time

    from PySide6.QtCore import QTimer

    from ledger import backups

    backup = opened.backup("manual")
    dialog = BackupsDialog(opened)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    gate = threading.Event()
    real = backups.copy_into
    threads = []

    def slow_copy(source, conn):  # a big ledger's copy, held until the GUI thread has run
        threads.append(threading.current_thread())
        gate.wait(10)
        real(source, conn)

    monkeypatch.setattr(backups, "copy_into", slow_copy)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    ticks = []
    timer = QTimer(interval=10, timeout=lambda: (ticks.append(time.monotonic()), len(ticks) > 5 and gate.set()))
    timer.start()
    dialog.restore_button.click()
    with qtbot.waitSignal(dialog.restore_job.finished, timeout=20_000):
        pass
    timer.stop()
    assert len(ticks) > 5 and threads and threads[0] is not threading.main_thread()
    assert dialog.restore_job.dialog is None  # the progress dialog is gone with the work
    assert dialog.restore_job.outcome.ok and f"Restored the {backup.words()}" in dialog.message.text()


def test_keep_setting_prunes(qtbot, opened):
    for i in range(4):
        opened.backup(f"manual {i}")
    dialog = BackupsDialog(opened)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 5
    dialog.keep.setValue(2)
    dialog.set_keep()
    assert opened.backups_keep == 2 and dialog.table.rowCount() == 2


def test_a_read_only_ledger_restores_through_the_window(qtbot, sample_copy, monkeypatch):
    with Ledger.open(sample_copy) as led:
        led.backup("manual")
    ro = Ledger.open(sample_copy, readonly=True)
    try:
        dialog = BackupsDialog(ro)
        qtbot.addWidget(dialog)
        dialog.table.selectRow(0)
        assert not dialog.restore_button.isEnabled() and not dialog.keep.isEnabled()
        asked = []
        dialog = BackupsDialog(ro, restore_file=asked.append)
        qtbot.addWidget(dialog)
        dialog.table.selectRow(0)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        dialog.restore_button.click()
        assert asked == [dialog.backups[0]]
    finally:
        ro.close()


@pytest.mark.parametrize(
    ("reason", "taken", "today", "said"),
    [
        ("daily", (2026, 12, 2, 16, 40), (2026, 12, 2), "daily backup taken at 16:40"),
        ("manual", (2026, 12, 2, 9, 5), (2026, 12, 3), "backup taken on 2026-12-02 at 09:05"),
        ("before-restore", (2026, 11, 30, 23, 59), (2026, 12, 2), "backup before restore taken on 2026-11-30 at 23:59"),
        ("before-import-sheet-xlsx", (2026, 12, 2, 8, 0), (2026, 12, 2),
         "backup before import sheet xlsx taken at 08:00"),
    ],
)
def test_a_backup_is_said_by_what_and_when_never_by_its_file_name(reason, taken, today, said):
    from ledger.service import Backup

    local = dt.datetime(*taken).astimezone()  # the wall clock of this machine
    b = Backup(Path(f"x.aidledger.backups/20261202T164000.000000Z-{reason}.aidledger"), local.astimezone(dt.UTC),
               reason, 1)
    assert b.words(dt.date(*today)) == said


def test_the_selection_stays_on_its_backup_when_newer_ones_come_in_above(qtbot, opened, monkeypatch):
    dialog = BackupsDialog(opened)
    qtbot.addWidget(dialog)
    daily = dialog.backups[0]
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)  # a manual backup, now row 0
    assert dialog.selected() == daily
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.restore_button.click()  # the backup before the restore comes in above as well
    with qtbot.waitSignal(dialog.restore_job.finished, timeout=20_000):
        pass
    assert [b.reason for b in dialog.backups] == ["before-restore", "manual", "daily"]
    assert dialog.selected() == daily  # a second Restore… would bring back the same one, not another
