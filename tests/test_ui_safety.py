"""The window's data safety: a ledger another program writes, read-only use, backups, the daily backup."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from cli_helpers import damage_page  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from ledger import backups  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui import app as ui_app  # noqa: E402
from ui.backups_dialog import COL_REASON  # noqa: E402
from ui.daily_backup import CHECK_EVERY_MS  # noqa: E402

CHILD = Path(__file__).resolve().parent / "crash_child.py"
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def answers(monkeypatch):
    """Every question box is recorded and answered from `answers.queue` (No when it runs out)."""

    class Answers:
        queue: list = []
        asked: list = []

    def question(parent, title, text, *args, **kwargs):
        Answers.asked.append((title, text))
        return Answers.queue.pop(0) if Answers.queue else NO

    monkeypatch.setattr(QMessageBox, "question", question)
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, **k: Answers.asked.append((title, text)))
    Answers.queue, Answers.asked = [], []
    return Answers


@pytest.fixture
def window(qtbot):
    ui_app.make_app()
    w = ui_app.build_window(None)  # the welcome view: each test opens its ledger
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_a_ledger_in_use_is_declined_or_opened_read_only(window, sample_copy, holder, answers):
    answers.queue = [NO]
    assert not window.open_ledger(sample_copy)
    title, text = answers.asked[-1]
    assert title == "Ledger in use" and f"process {holder.pid}" in text and "crash_child.py" in text
    assert window.ledger is None and window.stack.currentWidget() is window.welcome

    answers.queue = [YES]
    assert window.open_ledger(sample_copy)
    led = window.ledger
    assert led.readonly and led.count("package") == 97
    assert "(read-only)" in window.windowTitle()
    reason = window.readonly_reason
    assert "read-only" in reason and f"process {holder.pid}" in reason
    assert window.note_label.text() == reason  # said in the status bar while the ledger is open
    for act in (window.act_undo, window.act_redo, window.act_import):
        assert not act.isEnabled() and act.statusTip() == reason
    view = window.show_table("package")
    assert not view.add_button.isEnabled() and view.add_button.toolTip() == reason
    assert not view.delete_button.isEnabled()
    assert not view.model.flags(view.model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    assert window.act_export.isEnabled() and window.act_backups.isEnabled()  # reading still works
    assert window.daily_backup.timer.isActive() is False  # nothing to back up from here


def test_a_writable_ledger_says_nothing_and_is_checked_hourly(window, sample_copy, answers):
    assert window.open_ledger(sample_copy)
    assert not window.ledger.readonly and window.readonly_reason is None
    assert window.note_label.text() == "" and "(read-only)" not in window.windowTitle()
    assert window.act_undo.statusTip() == ""
    assert window.daily_backup.timer.isActive() and window.daily_backup.timer.interval() == CHECK_EVERY_MS
    assert answers.asked == []
    window.close_ledger()
    assert not window.daily_backup.timer.isActive()


def daily_done(qtbot, window) -> None:
    """The window opens a ledger without the daily routine and runs it on a worker a moment later."""
    qtbot.waitUntil(lambda: window.daily_backup.running, timeout=10_000)
    qtbot.waitUntil(lambda: not window.daily_backup.running, timeout=10_000)


def test_opening_leaves_the_daily_routine_to_a_worker_after_the_first_view(qtbot, window, sample_copy, answers, monkeypatch):
    from ledger import opening

    checked = []
    real = opening.check_sound
    monkeypatch.setattr(opening, "check_sound", lambda led: (checked.append(threading.current_thread()), real(led)))
    assert backups.list_backups(sample_copy) == [] and backups.due(sample_copy)
    assert window.open_ledger(sample_copy)
    assert checked == [] and backups.list_backups(sample_copy) == []  # the dashboard shows first
    daily_done(qtbot, window)
    assert checked and checked[0] is not threading.main_thread()  # the quick_check, on the worker
    assert [b.reason for b in backups.list_backups(sample_copy)] == ["daily"]  # then the backup
    assert window.statusBar().currentMessage().startswith("Daily backup taken")


def test_the_daily_backup_runs_off_the_gui_thread_when_due(qtbot, window, sample_copy, answers):
    assert window.open_ledger(sample_copy)
    led = window.ledger
    daily_done(qtbot, window)
    assert not window.backup_if_due()  # the first check took today's backup: not due
    shutil.rmtree(led.backups_folder)  # nothing younger than a day: due
    assert window.backup_if_due()
    assert window.daily_backup.running
    qtbot.waitUntil(lambda: not window.daily_backup.running, timeout=10_000)
    taken = led.backups()
    assert [b.reason for b in taken] == ["daily"]
    # In words a user reads (its file name is in File > Backups).
    message = window.statusBar().currentMessage()
    assert message == f"Daily backup taken at {taken[0].taken_at.astimezone():%H:%M}; File > Backups lists every backup"
    assert taken[0].name not in message
    with Ledger.open(taken[0].path, readonly=True) as copy:
        assert copy.count("package") == 97
    assert not window.backup_if_due()
    led.edit(
        "package", led.find("package", "PDA 71").id, notes="still writable", accept_warnings=True
    )  # the lock is still ours


def test_a_failed_daily_backup_is_said_in_the_status_bar(qtbot, window, sample_copy, answers):
    assert window.open_ledger(sample_copy)
    daily_done(qtbot, window)
    folder = window.ledger.backups_folder
    shutil.rmtree(folder)
    folder.write_text("a file where the backups folder belongs")
    assert window.backup_if_due()
    qtbot.waitUntil(lambda: not window.daily_backup.running, timeout=10_000)
    assert window.note_label.text().startswith("the daily backup failed")
    assert not window.ledger.readonly  # the ledger itself is fine


def test_file_backups_lists_takes_and_restores_into_the_open_ledger(qtbot, window, sample_copy, answers):
    assert window.open_ledger(sample_copy)
    led = window.ledger
    daily_done(qtbot, window)
    pda71 = led.find("package", "PDA 71").id
    led.delete("package", pda71)
    window.act_backups.trigger()
    dialog = window.backups_dialog
    assert dialog.isVisible() and dialog.ledger is led
    assert dialog.table.item(0, COL_REASON).text() == "daily"  # taken after opening, before the delete
    dialog.table.selectRow(0)
    answers.queue = [YES]
    dialog.restore_button.click()
    assert not window.act_import.isEnabled()  # nothing else writes while the restore runs on its worker
    with qtbot.waitSignal(dialog.restore_job.finished, timeout=20_000):
        pass
    assert window.ledger is led and led.find("package", "PDA 71") is not None
    assert window.statusBar().currentMessage() == "Restore backup"  # every view was told to reload
    assert [b.reason for b in led.backups()][:2] == ["before-restore", "daily"]


def test_a_read_only_window_restores_once_the_other_program_is_gone(qtbot, window, sample_copy, holder, answers):
    assert backups.list_backups(sample_copy)  # the other program took the daily backup on opening
    answers.queue = [YES]
    assert window.open_ledger(sample_copy) and window.ledger.readonly
    dialog = window.show_backups()
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()  # through the window: it closes, restores and reopens

    answers.queue = [YES, YES]  # restore? and, reopening: open read-only?
    dialog.restore_button.click()
    assert "is open for writing in" in dialog.message.text()  # refused while the other program writes
    assert window.ledger is not None and window.ledger.readonly and dialog.ledger is window.ledger
    assert window.ledger.count("package") == 97  # the window keeps working

    holder.kill()
    holder.wait()
    dialog.table.selectRow(0)
    answers.queue = [YES]
    dialog.restore_button.click()
    assert not dialog.isVisible()
    led = window.ledger
    assert led is not None and not led.readonly and led.count("package") == 97
    assert "(read-only)" not in window.windowTitle() and window.readonly_reason is None
    assert (kept := list(sample_copy.parent.glob("sample.aidledger.damaged-*")))  # the old file is kept beside it
    message = window.statusBar().currentMessage()
    assert message.startswith("Restored the daily backup taken at ")  # the other program's, in words
    kept_name = min(p.name for p in kept)  # the file itself, not its -wal beside it
    assert message.endswith(f"the file it replaced is kept beside it as {kept_name}")  # not "damaged": it was not


def test_a_damaged_ledger_opens_read_only_and_offers_its_backups(qtbot, window, sample_copy, answers):
    with Ledger.open(sample_copy) as led:
        led.backup("manual")
    _damage(sample_copy)
    answers.queue = [YES]  # show the backups
    assert window.open_ledger(sample_copy)  # the daily check on its worker finds the damage, then it reopens
    qtbot.waitUntil(lambda: window.ledger is not None and window.ledger.damaged, timeout=10_000)
    assert window.ledger.damaged and window.ledger.readonly
    title, text = answers.asked[-1]
    assert title == "Damaged ledger" and "restore a backup" in text
    assert "restore a backup" in window.note_label.text()
    dialog = window.backups_dialog
    assert dialog is not None and dialog.isVisible()
    manual = [i for i, b in enumerate(dialog.backups) if b.reason == "manual"][0]
    dialog.table.selectRow(manual)
    answers.queue = [YES]
    dialog.restore_button.click()
    assert not window.ledger.damaged and not window.ledger.readonly
    assert window.ledger.count("package") == 97 and window.note_label.text() == ""


def _damage(path: Path) -> None:
    """Overwrite a page in the middle and make the daily check due, so opening runs quick_check."""
    damage_page(path, 40)
    for b in backups.list_backups(path):
        old = b.taken_at - dt.timedelta(hours=25)
        b.path.rename(b.path.with_name(f"{old.strftime('%Y%m%dT%H%M%S.%fZ')}-{b.reason}.aidledger"))
