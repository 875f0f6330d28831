"""The import wizard on an empty ledger (pytest-qt, offscreen): a sheet that names no authority, the
authority created from the preview, the import, the balances; the Added tab shows values as stored;
the file and the column choices come back when the wizard is opened again; rows rejected counted once."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402
from ui_helpers import finished  # noqa: E402
from usai_sheet import usai_sheet  # noqa: E402

from ledger.model import NO_AUTHORITY  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui import import_wizard  # noqa: E402
from ui.import_wizard import ImportWizard  # noqa: E402
from ui.settings import Settings  # noqa: E402


@pytest.fixture(autouse=True)
def no_unexpected(message_boxes, monkeypatch):
    def unexpected(parent, exc, details=None):
        raise AssertionError(f"unexpected error shown: {exc}\n{details}")

    monkeypatch.setattr(import_wizard, "show_unexpected", unexpected)


@pytest.fixture
def empty(tmp_path):
    with Ledger.open(tmp_path / "new.aidledger") as led:
        yield led


def open_wizard(qtbot, led, path=None, settings=None) -> ImportWizard:
    wizard = ImportWizard(led, settings, str(path) if path else None)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_on_an_empty_ledger_the_authority_is_created_from_the_preview(qtbot, empty, tmp_path, monkeypatch):
    wizard = open_wizard(qtbot, empty, usai_sheet(tmp_path / "usai.xlsx"))
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    p = wizard.preview
    assert not p.rejected, [str(r) for r in p.rejected]
    packages = [a.record for a in p.added if a.kind == "package"]
    assert [(r.number, r.authority_id, r.value_cents) for r in packages] == [
        ("USAI 2024-05-10", None, 400_000_000_00), ("USAI 2024-06-07", None, 225_000_000_00), ("USAI 2024-06-07 (2)", None, 150_000_000_00)]
    assert "3 packages (USD 775 M) will be stored without an authority" in wizard.summary.text()
    assert wizard.create_authority_button.isVisible()
    # The Added tab shows what will be stored: date, number, the scaled value.
    added = [wizard.lists["added"].item(i).text() for i in range(wizard.lists["added"].count())]
    assert "package from sheet 'Tranches' row 4: 2024-05-10, USAI 2024-05-10, USD 400,000,000.00, no authority" in added

    seen = {}

    def answer(dialog):
        seen["program"], seen["name"] = dialog.program.text(), dialog.name.text()
        seen["from"], seen["amount"] = dialog.available_from.text(), dialog.amount.text()
        dialog.name.setText("USAI FY2024")
        dialog.amount.setText("13.77B")
        dialog.available_from.setText("2024-04-24")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(wizard, "open_authority_dialog", answer)
    qtbot.mouseClick(wizard.create_authority_button, Qt.MouseButton.LeftButton)
    assert finished(qtbot, wizard, wizard.busy), wizard.summary.text()  # previewing again
    assert seen == {"program": "USAI", "name": "USAI FY2024", "from": "2024-05-10", "amount": "775,000,000.00"}
    auth = empty.find("authority", "USAI FY2024")
    assert auth is not None and auth.amount_cents == 13_770_000_000_00
    # Previewed again: the packages find the new authority by program and date.
    packages = [a.record for a in wizard.preview.added if a.kind == "package"]
    assert {r.authority_id for r in packages} == {auth.id}
    assert not wizard.create_authority_button.isVisible()
    qtbot.mouseClick(wizard.apply_button, Qt.MouseButton.LeftButton)
    assert finished(qtbot, wizard, wizard.busy), wizard.summary.text()
    assert wizard.result is not None, wizard.summary.text()
    s = empty.summary("2024-12-31")
    assert s.totals.committed_cents == 775_000_000_00
    assert {g.name: g.figures.committed_cents for g in s.groups} == {"USAI FY2024": 775_000_000_00}
    assert empty.count("line") == 3  # the item lists: two lines, one line, none
    javelin = empty.records("line", "description LIKE 'Javelin%'")[0]
    assert (javelin.quantity, javelin.qualifier, javelin.unit) == (2000, "up to", "systems")
    assert empty.get("system_type", javelin.system_type_id).name == "Anti-armor"


def test_imported_without_an_authority_the_packages_wait_in_their_group(qtbot, empty, tmp_path):
    wizard = open_wizard(qtbot, empty, usai_sheet(tmp_path / "usai.xlsx"))
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    assert finished(qtbot, wizard, wizard.apply()), wizard.summary.text()
    groups = {g.name: g.figures.committed_cents for g in empty.summary("2024-12-31").groups}
    assert groups == {NO_AUTHORITY: 775_000_000_00}


def test_the_file_and_the_column_choices_come_back_when_the_wizard_is_opened_again(qtbot, empty, tmp_path):
    settings = Settings(str(tmp_path / "settings.ini"))
    path = usai_sheet(tmp_path / "usai.xlsx")
    wizard = open_wizard(qtbot, empty, path, settings)
    assert finished(qtbot, wizard, wizard.run_preview())
    box = wizard.columns.sheets["Tranches"].boxes["Equipment provided"]
    box.setCurrentIndex(box.findData("notes"))  # the items kept as notes instead of lines
    edit = wizard.columns.sheets["Tranches"].missing["authority_id"][1]
    edit.setText("USAI FY2024")
    wizard.columns._value("authority_id", "USAI FY2024")
    wizard.close()

    again = open_wizard(qtbot, empty, None, settings)
    assert again.path.text() == str(path)
    assert finished(qtbot, again, again.run_preview()), again.summary.text()
    assert again.columns.sheets["Tranches"].boxes["Equipment provided"].currentData() == "notes"
    assert again.columns.sheets["Tranches"].missing["authority_id"][1].text() == "USAI FY2024"
    assert not [a for a in again.preview.added if a.kind == "line"]
    # The value is passed on: no such authority in this ledger, so each row says so.
    assert again.columns.defaults() == {"authority_id": "USAI FY2024"}


def test_rows_rejected_are_counted_once(qtbot, empty, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bad"
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 1", "not a date", "lots"])  # two problems, one row
    ws.append(["PDA 2", dt.date(2024, 1, 2), "much"])
    ws.append(["PDA 3", dt.date(2024, 1, 3), 5])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    wizard = open_wizard(qtbot, empty, path)
    wizard.kind.setCurrentIndex(wizard.kind.findData("packages"))
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    assert len(wizard.preview.rejected) == 3
    assert "2 rows rejected" in wizard.summary.text()
    assert wizard.tabs.currentWidget() is wizard.lists["rejected"]


def test_a_cancelled_authority_changes_nothing(qtbot, empty, tmp_path, monkeypatch):
    wizard = open_wizard(qtbot, empty, usai_sheet(tmp_path / "usai.xlsx"))
    assert finished(qtbot, wizard, wizard.run_preview())
    monkeypatch.setattr(wizard, "open_authority_dialog", lambda dialog: QDialog.DialogCode.Rejected)
    assert not wizard.create_authority()
    assert empty.count("authority") == 0


def test_assign_authority_gives_selected_packages_one_in_one_undoable_action(qtbot, empty, monkeypatch):
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QInputDialog

    from ledger.model import Authority, Package
    from ui.fmt import Display
    from ui.tables import RecordsView

    auth = empty.add(Authority("USAI", "USAI FY2024", 13_770_000_000_00, dt.date(2024, 4, 24)))
    for i, day in enumerate((dt.date(2024, 5, 10), dt.date(2024, 6, 7), dt.date(2024, 7, 1))):
        empty.add(Package(f"USAI {day}", day, None, (i + 1) * 100_000_000_00))
    view = RecordsView(empty, "package", Display())
    qtbot.addWidget(view)
    view.show()
    picked = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (picked.append(a[3]) or a[3][0], True))
    sel = view.table.selectionModel()
    for row in (0, 1):
        sel.select(view.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.mouseClick(view.assign_button, Qt.MouseButton.LeftButton)
    assert picked == [["USAI FY2024 (USAI, from 2024-04-24)"]]
    assert [p.authority_id for p in empty.records("package", order_by="id")] == [auth.id, auth.id, None]
    groups = {g.name: g.figures.committed_cents for g in empty.summary("2024-12-31").groups}
    assert groups == {"USAI FY2024": 300_000_000_00, NO_AUTHORITY: 300_000_000_00}
    assert view.message.text() == ""  # done: the status bar says so; the red line under the table is for problems
    empty.undo()
    assert [p.authority_id for p in empty.records("package")] == [None, None, None]


def test_the_authority_value_offers_the_ledgers_authorities(qtbot, empty, tmp_path):
    from ledger.model import Authority

    empty.add(Authority("USAI", "USAI FY2024", 13_770_000_000_00, dt.date(2024, 4, 24)))
    empty.add(Authority("USAI", "USAI FY2022-FY2023", 18_000_000_000_00, dt.date(2022, 3, 15)))
    wizard = open_wizard(qtbot, empty, usai_sheet(tmp_path / "usai.xlsx"))
    assert finished(qtbot, wizard, wizard.run_preview())
    edit = wizard.columns.sheets["Tranches"].missing["authority_id"][1]
    completer = edit.completer()
    assert completer is not None
    assert completer.model().stringList() == ["USAI FY2022-FY2023", "USAI FY2024"]
    # Found by program and date without it: the newest of the two open that day, and said.
    assert {a.record.authority_id for a in wizard.preview.added if a.kind == "package"} == {empty.find("authority", "USAI FY2024").id}
    assert any("newest of several" in n for n in wizard.plan.notes)


def test_the_columns_tab_shows_confidence_and_asks_about_ties(qtbot, empty, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("As of,Metric,Balance,Reported by\n2024-12-02,Remaining PDA,3.9B,DoD\n", encoding="utf-8")
    wizard = open_wizard(qtbot, empty, path)
    wizard.kind.setCurrentIndex(wizard.kind.findData("observations"))
    finished(qtbot, wizard, wizard.run_preview())
    wizard.tabs.setCurrentWidget(wizard.columns)
    status = wizard.columns.sheets["o"].status
    assert status["Balance"].text() == "could be Value or Compares with: choose"
    assert status["Metric"].text() == "match 100%"
    assert wizard.columns.sheets["o"].boxes["Balance"].currentData() == ""  # not picked silently


def test_items_no_type_matched_are_mapped_in_the_wizard_and_remembered(qtbot, empty, tmp_path, monkeypatch):
    path = tmp_path / "norway.csv"
    path.write_text("Package,Date,Value ($M),Equipment provided\nNO-1,2024-03-14,10,20 field kitchens; 4 Stinger missiles\n",
                    encoding="utf-8")
    wizard = open_wizard(qtbot, empty, path)
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    assert "1 item matched no system type" in wizard.summary.text()
    assert wizard.map_items_button.isVisible()

    def answer(dialog):
        box = dialog.boxes["field kitchens"]
        box.setCurrentIndex(box.findData("Sustainment and services"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(wizard, "open_authority_dialog", answer)
    qtbot.mouseClick(wizard.map_items_button, Qt.MouseButton.LeftButton)
    assert finished(qtbot, wizard, wizard.busy), wizard.summary.text()  # previewing again
    assert "matched no system type" not in wizard.summary.text()
    assert finished(qtbot, wizard, wizard.apply()), wizard.summary.text()
    kitchens = empty.records("line", "description = 'field kitchens'")[0]
    assert (kitchens.quantity, empty.get("system_type", kitchens.system_type_id).name) == (20, "Sustainment and services")
    # Remembered: the next list with the same item needs no mapping.
    again = tmp_path / "again.csv"
    again.write_text("Package,Date,Value ($M),Items\nNO-2,2024-05-14,5,Field kitchens\n", encoding="utf-8")
    later = open_wizard(qtbot, empty, again)
    assert finished(qtbot, later, later.run_preview()), later.summary.text()
    assert not later.map_items_button.isVisible()
    line = next(a.record for a in later.preview.added if a.kind == "line")
    assert empty.get("system_type", line.system_type_id).name == "Sustainment and services"


def test_a_file_that_cannot_be_read_leaves_nothing_of_the_last_preview(qtbot, empty, tmp_path):
    """A wide tracker after a sheet that previewed: the tabs held the first file's packages and Create
    authority stayed, ready to add the authority those packages needed."""
    wizard = open_wizard(qtbot, empty, usai_sheet(tmp_path / "usai.xlsx"))
    qtbot.mouseClick(wizard.preview_button, Qt.MouseButton.LeftButton)
    assert finished(qtbot, wizard, True), wizard.summary.text()
    assert wizard.lists["added"].count() and wizard.create_authority_button.isVisible()
    wb = openpyxl.Workbook()
    wb.active.append(["Program", "Jan 2024", "Feb 2024", "Mar 2024"])
    wb.active.append(["PDA", 300, 1000, 675])
    wb.save(tmp_path / "monthly.xlsx")
    wizard.path.setText(str(tmp_path / "monthly.xlsx"))
    qtbot.mouseClick(wizard.preview_button, Qt.MouseButton.LeftButton)
    assert not finished(qtbot, wizard, True)
    assert "has a column per period" in wizard.summary.text()
    assert wizard.preview is None and not wizard.apply_button.isEnabled()
    assert not wizard.create_authority_button.isVisible()
    for key, lst in wizard.lists.items():
        assert lst.count() == 0, key
        assert wizard.tabs.tabText(wizard.tabs.indexOf(lst)) == f"{key.capitalize()} (0)"


def test_a_summary_sheet_beside_the_packages_points_to_the_sheet_to_import(qtbot, empty, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Packages"
    wb.active.append(["Package", "Date", "Value ($M)"])
    wb.active.append(["PDA 66", dt.date(2024, 9, 25), 375])
    by_year = wb.create_sheet("By fiscal year")
    by_year.append(["Fiscal year", "Total value ($M)"])
    by_year.append(["FY2024", 800])
    by_year.append(["FY2025", 0])
    wb.save(tmp_path / "two_tables.xlsx")
    wizard = open_wizard(qtbot, empty, tmp_path / "two_tables.xlsx")
    qtbot.mouseClick(wizard.preview_button, Qt.MouseButton.LeftButton)
    assert finished(qtbot, wizard, True)
    assert "or import only the sheet 'Packages' (choose it under Sheet)." in wizard.summary.text()
    assert not wizard.apply_button.isEnabled()
    wizard.sheet.setCurrentIndex(wizard.sheet.findData("Packages"))
    qtbot.mouseClick(wizard.preview_button, Qt.MouseButton.LeftButton)
    assert finished(qtbot, wizard, True)
    assert "choose it under Sheet" not in wizard.summary.text() and wizard.apply_button.isEnabled()
