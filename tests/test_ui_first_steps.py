"""A new user's first steps in an empty ledger: adding records with the forms, what the tables and
their buttons say before and after, undo from the menu."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox  # noqa: E402

from ui import app as ui_app  # noqa: E402
from ui import tables  # noqa: E402
from ui.record_dialog import RecordDialog  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path, message_boxes):
    ui_app.make_app()
    w = ui_app.build_window(None)
    qtbot.addWidget(w)
    w.show()
    assert w.create_ledger(tmp_path / "new.aidledger")
    yield w
    w.close()


def fill_and_accept(fields: dict[str, str]):
    """RecordDialog.exec as a user does it: type into the form, press OK (once more after an error)."""

    def exec_(dialog) -> int:
        for name, text in fields.items():
            dialog.edits[name].setText(text)
        dialog.try_accept()
        return QDialog.DialogCode.Accepted if dialog.record is not None else QDialog.DialogCode.Rejected

    return exec_


AUTHORITY = {"program": "PDA", "name": "PDA FY2025", "amount_cents": "1B", "available_from": "2025-01-01"}
PDA1 = {"number": "PDA 1", "announced_on": "2025-02-01", "authority_id": "PDA FY2025", "value_cents": "5M"}


def add(qtbot, view, monkeypatch, fields: dict[str, str]) -> None:
    monkeypatch.setattr(tables.RecordDialog, "exec", fill_and_accept(fields))
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)


def test_a_record_just_added_is_the_current_row_with_its_details(qtbot, window, monkeypatch):
    view = window.show_table("authority")
    add(qtbot, view, monkeypatch, AUTHORITY)
    record = view.current_record()
    assert record is not None and record.name == "PDA FY2025"
    assert "PDA FY2025" in view.detail.toPlainText()
    assert view.delete_button.isEnabled()  # it can be deleted at once


def test_assign_authority_waits_for_selected_packages_as_delete_does(qtbot, window, monkeypatch):
    view = window.show_table("package")
    for button in (view.assign_button, view.delete_button):
        assert not button.isEnabled() and button.toolTip().startswith("Select the")
    add(qtbot, window.show_table("authority"), monkeypatch, AUTHORITY)
    view = window.show_table("package")
    add(qtbot, view, monkeypatch, PDA1)
    assert view.assign_button.isEnabled() and view.assign_button.toolTip() == ""


def test_an_empty_table_says_how_to_add_rows_again_after_undo(qtbot, window, monkeypatch):
    add(qtbot, window.show_table("authority"), monkeypatch, AUTHORITY)
    view = window.show_table("package")
    assert "No packages yet" in view.detail.toPlainText()
    add(qtbot, view, monkeypatch, PDA1)
    assert "PDA 1" in view.detail.toPlainText()
    window.act_undo.trigger()  # Edit > Undo Add package
    window.refresh_all()
    assert view.model.total == 0
    assert "No packages yet" in view.detail.toPlainText() and "Add one with Add" in view.detail.toPlainText()


@pytest.mark.parametrize(
    ("typed", "field", "said"),
    [
        ({**PDA1, "announced_on": "2025-13-01"}, "announced_on", "Announced"),  # not a date
        ({**PDA1, "authority_id": "PDA F"}, "authority_id", "no authority named"),  # no such authority
        ({**PDA1, "value_cents": ""}, "value_cents", "Value is required"),
    ],
)
def test_a_refused_form_puts_the_cursor_on_the_field_it_is_about(qtbot, window, monkeypatch, typed, field, said):
    add(qtbot, window.show_table("authority"), monkeypatch, AUTHORITY)
    window.show_table("package")
    dialog = RecordDialog(window.ledger, "package", None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    for name, text in typed.items():
        dialog.edits[name].setText(text)
    dialog.edits["notes"].setFocus()  # where the user was when pressing OK
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.record is None and said in dialog.message.text()
    assert dialog.focusWidget() is dialog.edits[field]
    assert dialog.edits[field].selectedText() == typed[field]


def test_a_search_that_finds_rows_again_takes_its_no_match_note_away(qtbot, window, monkeypatch):
    add(qtbot, window.show_table("authority"), monkeypatch, AUTHORITY)
    view = window.show_table("package")
    add(qtbot, view, monkeypatch, PDA1)
    view.table.clearSelection()
    view.table.setCurrentIndex(view.model.index(-1, -1))
    for text in ("javelin", "PDA 1"):
        qtbot.keyClicks(view.search, text)
        qtbot.waitUntil(lambda t=text: view.model.search_text == t)
        if text == "javelin":
            assert "No packages match “javelin”" in view.detail.toPlainText()
            view.search.clear()
    assert view.model.total == 1
    assert "javelin" not in view.detail.toPlainText()


def test_a_right_click_offers_the_tables_buttons_and_ctrl_c_copies_rows(qtbot, sample_window):
    view = sample_window.show_table("package")
    view.select_id(sample_window.ledger.find("package", "PDA 71").id)
    row = view.table.currentIndex().row()
    rect = view.table.visualRect(view.model.index(row, 1))
    view.table.customContextMenuRequested.emit(rect.center())
    menu = view.context_menu
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == ["Add…", "Delete", "Assign authority…", "Copy rows", "Copy cell"]
    assert all(a.isEnabled() for a in actions.values())
    menu.close()
    actions["Copy cell"].trigger()
    assert QApplication.clipboard().text() == "PDA 71"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    cells = QApplication.clipboard().text().split("\t")
    assert cells[:4] == [str(view.current_record().id), "PDA 71", "2024-12-02", "PDA FY2024"]


def test_the_context_menu_of_an_empty_table_offers_add_only(qtbot, window):
    view = window.show_table("package")
    view.table.customContextMenuRequested.emit(view.table.viewport().rect().center())
    enabled = [a.text() for a in view.context_menu.actions() if a.text() and a.isEnabled()]
    view.context_menu.close()
    assert enabled == ["Add…"]


def test_delete_names_the_package_as_the_table_shows_it(qtbot, sample_window, message_boxes):
    view = sample_window.show_table("package")
    pda4 = sample_window.ledger.find("package", "PDA 4")
    view.select_id(pda4.id)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)  # asked, and answered No
    assert message_boxes[-1][2] == "Delete package PDA 4 with its lines and disbursements? Undo brings it back."
    assert view.delete_selected(confirm=False)
    assert sample_window.ledger.undo_label() == "Delete package PDA 4"  # Edit > Undo Delete package PDA 4


def test_a_new_ledger_not_yet_named_is_headed_by_its_file_name(window):
    assert window.dashboard.heading.text() == "new"  # new.aidledger, as the title bar says
    window.ledger.set_meta("name", "Aid to Ukraine, my copy")
    window.dashboard.refresh()
    assert window.dashboard.heading.text() == "Aid to Ukraine, my copy"

