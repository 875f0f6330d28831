"""Every push button and menu action does what it says: each is connected, and triggered on the sample
it changes something a user can see (a file written, a dialog or box opened, the ledger changed, a tab
switched, a figure or message updated). A control built and never wired fails here.

Modal dialogs and file choosers are stood in for (they would wait for a click forever offscreen); what
they were asked is recorded, and an export chooser answers with a path in the test's folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import SIGNAL, Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
)

from ui import app as ui_app  # noqa: E402

AS_OF = dt.date(2024, 12, 2)


class Observer:
    """Stands in for modal dialogs and choosers, and takes snapshots of what a user can see."""

    def __init__(self, tmp_path: Path, monkeypatch, boxes: list):
        self.out = tmp_path / "out"
        self.out.mkdir()
        self.calls: list[str] = []
        self.boxes = boxes

        def save(parent, caption, start="", filters="", *a, **k):
            self.calls.append(f"save: {caption}")
            for ext in ("png", "svg", "xlsx", "pdf", "html"):
                if f"*.{ext}" in filters.split(";;")[0]:
                    return str(self.out / f"{len(self.calls)}.{ext}"), ""
            return "", ""  # a new ledger: asked, then cancelled (the window keeps the sample)

        def open_file(parent, caption, *a, **k):
            self.calls.append(f"open: {caption}")
            return "", ""

        def modal(dialog, *a, **k):
            self.calls.append(f"exec: {type(dialog).__name__}")
            return 0

        monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", open_file)
        monkeypatch.setattr(QDialog, "exec", modal)
        from PySide6.QtPrintSupport import QPrintDialog

        monkeypatch.setattr(QPrintDialog, "exec", modal)  # its own exec: QDialog's stand-in misses it
        for ask in ("getText", "getItem", "getInt", "getDouble"):
            monkeypatch.setattr(QInputDialog, ask, lambda *a, ask=ask, **k: (self.calls.append(ask), ("", False))[1])
        from PySide6.QtGui import QDesktopServices

        monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: self.calls.append(f"url: {url.toString()}"))

    def state(self, window, root=None) -> tuple:
        led = window.ledger
        tops = sorted(
            (type(w).__name__, w.windowTitle())
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w is not window
        )
        roots = [window, *(w for w in QApplication.topLevelWidgets() if w.isVisible())]
        if root is not None:
            roots.append(root)
        labels = tuple(lab.text() for r in roots for lab in r.findChildren(QLabel))
        # Where a table stands: its current row and how far it is scrolled (First page, Last page).
        tables = tuple((v.currentIndex().row(), v.verticalScrollBar().value())
                       for r in roots for v in r.findChildren(QTableView) if v.isVisible())
        return (
            tuple(self.calls),
            len(self.boxes),
            tuple(sorted((p.name, p.stat().st_size) for p in self.out.rglob("*"))),
            (led.undo_label(), led.redo_label(), len(led.backups())) if led else None,
            (window.tabs.currentIndex(), window.tables.currentIndex()),
            tuple(tops),
            labels,
            tables,
            window.dashboard.as_of_text(),
            window.history_dock.isVisible(),
            window.isVisible(),
            root.isVisible() if root is not None else None,
            # A click focuses the button clicked: only a text box taking focus (Find) counts.
            id(QApplication.focusWidget()) if isinstance(QApplication.focusWidget(), QLineEdit) else None,
            QApplication.clipboard().text(),  # what a paste would bring (Copy rows)
        )


def connected(control) -> bool:
    if isinstance(control, QAction):
        sigs = ("triggered()", "triggered(bool)", "toggled(bool)")
    else:
        sigs = ("clicked()", "clicked(bool)", "pressed()", "released()", "toggled(bool)")
    return sum(control.receivers(SIGNAL(s)) for s in sigs) > 0


def bring_into_view(window, widget) -> None:
    """Switch every tab on the way to `widget` so it is on screen, as a user would."""
    chain = []
    w = widget
    while w is not None:
        chain.append(w)
        w = w.parentWidget()
    for tabs in reversed([t for t in chain if isinstance(t, QTabWidget)]):
        for i in range(tabs.count()):
            if tabs.widget(i) in chain:
                tabs.setCurrentIndex(i)


def close_others(window) -> None:
    for w in QApplication.topLevelWidgets():
        if w.isVisible() and w is not window and isinstance(w, QDialog):
            w.close()


@pytest.fixture
def observer(tmp_path, monkeypatch, message_boxes):
    return Observer(tmp_path, monkeypatch, message_boxes)


@pytest.fixture
def window(qtbot, sample_copy, observer):
    ui_app.make_app()
    w = ui_app.build_window(str(sample_copy))
    qtbot.addWidget(w)
    w.resize(1440, 900)
    w.show()
    w.activateWindow()
    w.dashboard.set_as_of(AS_OF)
    # Something to undo and to redo, so both are enabled.
    pkg = w.ledger.find("package", "PDA 71")
    w.ledger.update(replace(pkg, notes="one"), accept_warnings=True)
    w.ledger.update(replace(pkg, notes="two"), accept_warnings=True)
    w.ledger.undo()
    w.refresh_all()
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
    for i in range(w.tables.count()):
        w.tables.setCurrentIndex(i)
    w.tabs.setCurrentIndex(0)
    yield w
    w.close()


def prepare(window, control) -> None:
    """Put the window where the control has something to do, as a user would before using it."""
    text = control.text().replace("&", "")
    if isinstance(control, QAction):
        views = ("Dashboard", "Chart", "By system type", "Records")
        window.tabs.setCurrentIndex(3 if text != "Records" else 0)
        if text in views:
            window.tabs.setCurrentIndex((views.index(text) + 1) % 4)
        if text.startswith("Find"):
            window.activateWindow()
            window.show_table("package").table.setFocus()
        if text == "Copy rows":  # a table's Ctrl+C: a row to copy, as for Delete
            view = next(v for v in window.records.values() if v.copy_action is control)
            window.show_table(view.kind)
            view.table.selectRow(0)
            if view.model.rowCount() == 0:
                assert not control.isEnabled() and control.toolTip()
        return
    bring_into_view(window, control)
    if text == "Delete":
        view = next(v for v in window.records.values() if v.delete_button is control)
        view.table.selectRow(0)
        if view.model.rowCount() == 0:  # nothing to delete (the sample has no deliveries): says why
            assert not control.isEnabled() and control.toolTip()
            return
    if text == "Today":
        window.dashboard.set_as_of(AS_OF)


def settled(qtbot, observer, window, root) -> tuple:
    """The state once the window has finished what earlier controls started (refreshes, timers)."""
    state = observer.state(window, root)
    for _ in range(40):
        qtbot.wait(50)
        again = observer.state(window, root)
        if again == state:
            return state
        state = again
    return state


def trigger(qtbot, control) -> None:
    if isinstance(control, QAction):
        control.trigger()
    elif control.isVisible():
        qtbot.mouseClick(control, Qt.MouseButton.LeftButton)
    else:
        control.click()


def check_control(qtbot, observer, window, control, root=None) -> None:
    name = f"{type(control).__name__} {control.text()!r}"
    assert connected(control), f"{name} is connected to nothing"
    prepare(window, control) if root is None else None
    before = settled(qtbot, observer, window, root)
    trigger(qtbot, control)
    try:
        qtbot.waitUntil(lambda: observer.state(window, root) != before, timeout=10000)
    except (AssertionError, TimeoutError, qtbot.TimeoutError):
        raise AssertionError(f"{name} changed nothing a user could see") from None
    close_others(window)


def main_window_controls(window) -> tuple[list, list]:
    buttons = [b for b in window.findChildren(QPushButton) if b.menu() is None and not window.welcome.isAncestorOf(b)]
    actions = [
        a
        for a in window.findChildren(QAction)
        if not a.isSeparator() and a.menu() is None and a.text() and a.associatedObjects()
    ]
    return buttons, actions


def test_every_button_and_action_of_the_main_window_does_something(window, qtbot, observer):
    buttons, actions = main_window_controls(window)
    assert len(buttons) >= 2 + 2 * 8 and len(actions) >= 14
    skipped = []
    quit_action = next(a for a in actions if a.text().replace("&", "") == "Quit")
    for control in [*buttons, *[a for a in actions if a is not quit_action]]:
        prepare(window, control)
        if not control.isEnabled() and control.toolTip():
            continue  # disabled with the reason given (Delete with no rows)
        if not control.isEnabled():
            skipped.append(control.text())
            continue
        check_control(qtbot, observer, window, control)
    assert not skipped, f"disabled on the sample, so not tried: {skipped}"
    check_control(qtbot, observer, window, quit_action)
    assert not window.isVisible()
    exports = {p.suffix for p in observer.out.iterdir()}
    assert {".png", ".svg", ".xlsx"} <= exports  # Export PNG/SVG buttons and File > Export wrote files


def test_every_button_of_the_welcome_view_does_something(qtbot, observer):
    ui_app.make_app()
    probe = ui_app.build_window(None)
    texts = [b.text() for b in probe.welcome.findChildren(QPushButton)]
    probe.close()
    assert len(texts) >= 4
    for text in texts:
        w = ui_app.build_window(None)
        qtbot.addWidget(w)
        w.show()
        button = next(b for b in w.welcome.findChildren(QPushButton) if b.text() == text)
        assert connected(button), text
        before = (observer.state(w), w.stack.currentWidget())
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda w=w, before=before: (observer.state(w), w.stack.currentWidget()) != before, timeout=10000)
        w.close()


def dialog_makers(window, exported: Path):
    from PySide6.QtTest import QTest

    from ui.backups_dialog import BackupsDialog
    from ui.import_wizard import ImportWizard
    from ui.preferences import PreferencesDialog
    from ui.tables import RecordDialog

    def backups():
        window.ledger.backup("manual")  # one to select, so Restore has something to do
        d = BackupsDialog(window.ledger, window)
        d.table.selectRow(0)
        return d

    def wizard():
        d = ImportWizard(window.ledger, window.settings, str(exported), window)
        d.run_preview()  # Import is enabled by a preview, on a worker: wait for it
        while d.busy:
            QTest.qWait(20)
        return d

    return {
        "preferences": lambda: PreferencesDialog(window.settings, window.ledger, window),
        "backups": backups,
        "import wizard": wizard,
        **{
            f"new {kind}": (lambda kind=kind: RecordDialog(window.ledger, kind, None, window))
            for kind in ("package", "disbursement", "authority")
        },
    }


def test_every_button_of_each_dialog_does_something(window, qtbot, observer, tmp_path):
    exported = tmp_path / "colleague.csv"  # a sheet worded the way a colleague would: a mapping to save
    exported.write_text(
        "Package,Announced,Authority,Value (USD)\nPDA 95,2024-12-20,PDA FY2024,5000000\nPDA 96,2024-12-21,PDA FY2024,6000000\n"
    )
    for name, make in dialog_makers(window, exported).items():
        first = make()
        first.show()
        qtbot.wait(5)
        # The buttons a user can see (a button shown only in some states, e.g. Create authority for
        # packages without one, is tried by the tests of that state).
        texts = [
            b.text() for b in first.findChildren(QAbstractButton) if isinstance(b, QPushButton) and b.isVisibleTo(first)
        ]
        first.close()
        assert texts, name
        for text in texts:
            dialog = make()
            dialog.show()
            qtbot.wait(5)  # widgets a preview replaced are deleted first
            button = next(b for b in dialog.findChildren(QPushButton) if b.text() == text)
            if not button.isEnabled():
                raise AssertionError(f"{name}: {text!r} is disabled where a user would use it")
            check_control(qtbot, observer, window, button, root=dialog)
            dialog.close()

