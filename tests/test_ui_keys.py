"""The keyboard as a user meets it: undo and redo from the As-of field, a table and the chart, a whole
date typed into the As-of field, Tab moving between controls rather than cells."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


@pytest.fixture(autouse=True)
def no_modal_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def window(qtbot, sample_window):
    sample_window.activateWindow()  # keys go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is sample_window)
    return sample_window


def change_a_package(window) -> tuple[int, int]:
    pkg = window.ledger.find("package", "PDA 71")
    window.ledger.update(replace(pkg, notes="changed for the undo test"), accept_warnings=True)
    return pkg.id, pkg.notes


def focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (widget, *widget.findChildren(type(QApplication.focusWidget()))))
    return QApplication.focusWidget()


def where(window, name):
    if name == "as-of":
        window.show_view(0)
        return window.dashboard.as_of
    if name == "table":
        return window.show_table("package").table
    window.show_view(1)
    return window.chart.plot


@pytest.mark.parametrize("place", ["as-of", "table", "chart"])
def test_undo_and_redo_from_anywhere(window, qtbot, place):
    from PySide6.QtTest import QTest

    widget = where(window, place)
    pid, before = change_a_package(window)
    target = focus(qtbot, widget)
    qtbot.waitUntil(lambda: "Edit package" in window.act_undo.text())
    QTest.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.ledger.get("package", pid).notes == before
    qtbot.waitUntil(window.act_redo.isEnabled)
    QTest.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.ledger.get("package", pid).notes == "changed for the undo test"


def test_a_text_editor_being_edited_keeps_its_own_undo(window, qtbot):
    from PySide6.QtTest import QTest

    view = window.show_table("package")
    pid, _before = change_a_package(window)
    target = focus(qtbot, view.search)
    QTest.keyClicks(target, "Javelin")
    QTest.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.search.text() == ""  # the typing was undone
    assert window.ledger.get("package", pid).notes == "changed for the undo test"  # the ledger was not


def test_a_whole_date_typed_over_the_as_of_field_is_taken(window, qtbot):
    from PySide6.QtTest import QTest

    field = window.dashboard.as_of
    target = focus(qtbot, field)
    field.selectAll()
    QTest.keyClicks(target, "2024-06-30")
    assert window.dashboard.as_of_text() == "2024-06-30"
    QTest.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(target, "2023-01-1")
    QTest.keyClick(target, Qt.Key.Key_Return)
    assert field.date().toPython() == dt.date(2023, 1, 1)
    field.selectAll()
    QTest.keyClicks(target, "2023-02-3")
    QTest.keyClick(target, Qt.Key.Key_Escape)
    assert window.dashboard.as_of_text() == "2023-01-01"


def test_tab_leaves_the_dashboard_table_and_reaches_the_cards(window, qtbot):
    from PySide6.QtTest import QTest

    d = window.dashboard
    focus(qtbot, d.as_of)
    seen = []
    for _ in range(20):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen[0] is not d.as_of  # Tab leaves the As-of field, not only its year section
    cards = list(d.cards.values())
    assert all(card in seen for card in cards)
    assert d.table in seen
    after_table = seen[seen.index(d.table) + 1]
    assert after_table is not d.table  # one Tab leaves the table, not the next cell
    assert not d.table.tabKeyNavigation()
