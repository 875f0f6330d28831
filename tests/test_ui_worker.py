"""Long work without a nested event loop (pytest-qt, offscreen): the caller returns at once, the
outcome comes back on the GUI thread, and a timer that fires while the work runs finds no ledger work
in progress on the GUI thread and cannot start more."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402
from ui_helpers import finished  # noqa: E402

from ledger import desktop  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui.import_wizard import ImportWizard  # noqa: E402
from ui.worker import start_work  # noqa: E402


@pytest.fixture
def empty(tmp_path):
    with Ledger.open(tmp_path / "new.aidledger") as led:
        yield led


def test_a_timer_during_an_import_finds_it_returned_and_cannot_start_a_preview(qtbot, empty, tmp_path, monkeypatch):
    path = tmp_path / "packages.csv"
    path.write_text("Package,Date,Value ($M)\nPDA 901,2024-06-01,10\nPDA 902,2024-06-15,12.5\n", encoding="utf-8")
    wizard = ImportWizard(empty, None, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.kind.setCurrentIndex(wizard.kind.findData("packages"))
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()

    gate = threading.Event()  # the import waits here until the timer has looked
    real = desktop.apply_import

    def slow(*args, **kwargs):
        assert gate.wait(30), "the timer never fired"
        return real(*args, **kwargs)

    monkeypatch.setattr(desktop, "apply_import", slow)
    state = {"returned": False}
    seen = {}

    def mid_import() -> None:
        seen["returned"] = state["returned"]  # a nested loop would run this inside apply()
        seen["busy"] = wizard.busy
        seen["buttons"] = [b.isEnabled() for b in (wizard.preview_button, wizard.apply_button, wizard.browse_button)]
        gate.set()
        seen["preview"] = wizard.run_preview()  # ledger work the timer tries to start mid-import

    QTimer.singleShot(200, mid_import)
    assert wizard.apply()
    state["returned"] = True
    assert finished(qtbot, wizard, True), wizard.summary.text()
    assert seen == {"returned": True, "busy": True, "buttons": [False, False, False], "preview": False}
    assert empty.count("package") == 2 and wizard.summary.text().startswith("Imported: 2 added")
    assert wizard.preview_button.isEnabled() and not wizard.apply_button.isEnabled()  # given back; nothing left to import


def test_the_outcome_comes_back_on_the_gui_thread_after_the_caller_returned(qtbot):
    gate = threading.Event()
    outcomes = []
    where = []

    def work(progress, cancelled):
        progress(1, 1000)  # a first step reported, then a long one
        assert gate.wait(30)
        return threading.current_thread().name

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    job = start_work(window, "Working", work, lambda o: (outcomes.append(o), where.append(threading.current_thread())))
    assert job.running and outcomes == []  # returned before the work ended
    qtbot.waitUntil(job.dialog.isVisible, timeout=2_000)  # long work shows its progress and Cancel soon (after 400 ms)
    gate.set()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert outcomes[0].ok and outcomes[0].result == "aid-ledger-worker"  # ran on the worker thread
    assert where == [threading.main_thread()]  # the outcome was handed over on the GUI thread


def test_closing_the_wizard_while_it_imports_cancels_and_keeps_it_open(qtbot, empty, tmp_path, monkeypatch):
    path = tmp_path / "packages.csv"
    path.write_text("Package,Date,Value ($M)\nPDA 901,2024-06-01,10\n", encoding="utf-8")
    wizard = ImportWizard(empty, None, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.kind.setCurrentIndex(wizard.kind.findData("packages"))
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    gate = threading.Event()
    real = desktop.apply_import

    def slow(own, preview, cancelled, **kwargs):
        assert gate.wait(30)
        return real(own, preview, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(desktop, "apply_import", slow)
    assert wizard.apply()
    wizard.reject()  # Close, Escape or the window's X
    assert wizard.isVisible() and wizard.job.worker.is_cancelled()
    gate.set()
    assert not finished(qtbot, wizard, True)
    assert wizard.summary.text().startswith("Cancelled") and empty.count("package") == 0
