"""The import wizard's Columns tab: choosing what a column holds, a value for every row, and saving
the choices as a profile that the next file of the same shape is read with (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QComboBox, QInputDialog, QLineEdit, QMessageBox  # noqa: E402
from ui_helpers import finished  # noqa: E402

from ledger.excel import list_profiles, load_profile  # noqa: E402
from ledger.paths import data_dir  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui import import_wizard  # noqa: E402
from ui.import_wizard import ImportWizard  # noqa: E402

HEADERS = ["When", "Tranche", "Item", "Kit", "Count", "Cost ($M)"]


@pytest.fixture(autouse=True)
def boxes(message_boxes, monkeypatch):
    """Message boxes are recorded and answered No (conftest); an unexpected-error dialog (a
    traceback) fails the test."""

    def unexpected(parent, exc, details=None):
        raise AssertionError(f"unexpected error shown: {exc}\n{details}")

    monkeypatch.setattr(import_wizard, "show_unexpected", unexpected)
    return message_boxes


@pytest.fixture
def led(sample_copy):
    with Ledger.open(sample_copy) as ledger:
        yield ledger


def deliveries(path, rows):
    """A foreign sheet the header matching gets wrong: no date column it knows ("When"), the free
    text "Item" taken for the system type, and the system type under "Kit"."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliveries"
    ws.append(["Deliveries to date (analyst's copy)"])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


FIRST = [
    (dt.date(2024, 3, 1), "PDA 1", "NASAMS launchers", "Air defense", 2, 1.5),
    (dt.date(2024, 3, 2), "PDA 2", "155mm rounds", "Fires", 3, 2.25),
]
SECOND = [(dt.date(2024, 4, 5), "PDA 3", "Javelin", "Anti-armor", 40, 7)]


def open_wizard(qtbot, led, path, kind=None) -> ImportWizard:
    wizard = ImportWizard(led, None, str(path))
    qtbot.addWidget(wizard)
    if kind:
        wizard.kind.setCurrentIndex(wizard.kind.findData(kind))
    wizard.show()
    return wizard


def choose(wizard: ImportWizard, sheet: str, header: str, field: str) -> None:
    box = wizard.columns.sheets[sheet].boxes[header]
    at = box.findData(field)
    assert at >= 0, (header, field)
    box.setCurrentIndex(at)


def choices(wizard: ImportWizard, sheet: str) -> dict[str, str]:
    return {h: b.currentData() for h, b in wizard.columns.sheets[sheet].boxes.items()}


def remap(wizard: ImportWizard) -> None:
    choose(wizard, "Deliveries", "When", "disbursed_on")
    choose(wizard, "Deliveries", "Kit", "system_type_id")  # takes it from "Item", which is left out
    choose(wizard, "Deliveries", "Item", "notes")


def test_columns_can_be_remapped_then_previewed_and_imported(qtbot, led, tmp_path):
    wizard = open_wizard(qtbot, led, deliveries(tmp_path / "deliveries.xlsx", FIRST), kind="disbursements")
    before = led.count("disbursement")
    assert not wizard.columns.save_button.isEnabled()  # nothing to save before a preview
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()

    # What the headers gave: no date, the description taken for the system type.
    assert choices(wizard, "Deliveries") == {
        "When": "",
        "Tranche": "package_id",
        "Item": "system_type_id",
        "Kit": "",
        "Count": "quantity",
        "Cost ($M)": "value_cents",
    }
    assert wizard.tabs.currentWidget() is wizard.columns  # a required field has no column: shown first
    assert "No column holds Date" in wizard.summary.text()
    label, edit = wizard.columns.sheets["Deliveries"].missing["disbursed_on"]
    assert label.isVisible() and edit.isVisible() and "Date" in label.text()
    assert wizard.columns.save_button.isEnabled()
    assert len(wizard.preview.added) == 0 and wizard.preview.rejected

    remap(wizard)
    assert choices(wizard, "Deliveries")["Item"] == "notes" and choices(wizard, "Deliveries")["Kit"] == "system_type_id"
    assert not label.isVisible()  # the date has a column now
    status = wizard.columns.sheets["Deliveries"].status
    assert status["When"].text().startswith("changed") and status["Count"].text() == "match 100%"
    assert not wizard.apply_button.isEnabled()

    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    assert not wizard.preview.rejected, [str(r) for r in wizard.preview.rejected]
    added = [a.record for a in wizard.preview.added]
    assert [a.kind for a in wizard.preview.added] == ["disbursement", "disbursement"]
    assert [a.row for a in wizard.preview.added] == [3, 4]
    assert [r.disbursed_on for r in added] == [dt.date(2024, 3, 1), dt.date(2024, 3, 2)]
    assert [r.package_id for r in added] == [led.find("package", "PDA 1").id, led.find("package", "PDA 2").id]
    assert [r.system_type_id for r in added] == [
        led.find("system_type", "Air defense").id,
        led.find("system_type", "Fires").id,
    ]
    assert [r.quantity for r in added] == [2, 3]
    assert [r.value_cents for r in added] == [150_000_000, 225_000_000]
    assert [r.notes for r in added] == ["NASAMS launchers", "155mm rounds"]
    assert choices(wizard, "Deliveries")["When"] == "disbursed_on"  # the new preview shows what it read
    assert wizard.columns.sheets["Deliveries"].status["When"].text() == "match 100%"  # chosen by the person: sure

    wizard.confirm = lambda parent, problems: True
    assert finished(qtbot, wizard, wizard.apply()), wizard.summary.text()
    assert led.count("disbursement") == before + 2
    stored = [d for d in led.records("disbursement") if d.notes in ("NASAMS launchers", "155mm rounds")]
    assert sorted((d.disbursed_on, d.quantity, d.value_cents) for d in stored) == [
        (dt.date(2024, 3, 1), 2, 150_000_000),
        (dt.date(2024, 3, 2), 3, 225_000_000),
    ]


def test_saved_profile_reads_the_next_file_of_that_shape(qtbot, led, tmp_path, monkeypatch):
    wizard = open_wizard(qtbot, led, deliveries(tmp_path / "march.xlsx", FIRST), kind="disbursements")
    wizard.day_first.setCurrentIndex(wizard.day_first.findData(True))
    assert finished(qtbot, wizard, wizard.run_preview())
    remap(wizard)
    asked = []

    def get_text(parent, title, label, *args, **kwargs):
        asked.append(label)
        return "my shape", True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    qtbot.mouseClick(wizard.columns.save_button, Qt.MouseButton.LeftButton)
    assert asked and "Deliveries" in asked[0]
    assert list_profiles() == ["my shape"]
    saved = load_profile("my shape")
    assert saved["kind"] == "disbursement" and saved["shape"] == HEADERS and saved["day_first"] is True
    assert saved["mapping"] == {
        "When": "disbursed_on",
        "Tranche": "package_id",
        "Item": "notes",
        "Kit": "system_type_id",
        "Count": "quantity",
        "Cost ($M)": "value_cents",
    }
    assert wizard.profile.currentData() == "my shape"  # listed and chosen
    assert finished(qtbot, wizard, wizard.run_preview()) and len(wizard.preview.added) == 2 and not wizard.preview.rejected
    wizard.close()

    # Another file, same headers: nothing chosen, neither kind nor profile nor columns.
    second = open_wizard(qtbot, led, deliveries(tmp_path / "april.xlsx", SECOND))
    assert second.profile.findData("my shape") > 0 and second.profile.currentData() is None
    assert finished(qtbot, second, second.run_preview()), second.summary.text()
    assert any("mapped by the saved profile 'my shape'" in n for n in second.plan.notes), second.plan.notes
    assert not second.preview.rejected, [str(r) for r in second.preview.rejected]
    (added,) = list(second.preview.added)
    rec = added.record
    assert (
        added.kind,
        rec.disbursed_on,
        rec.package_id,
        rec.system_type_id,
        rec.quantity,
        rec.value_cents,
        rec.notes,
    ) == (
        "disbursement",
        dt.date(2024, 4, 5),
        led.find("package", "PDA 3").id,
        led.find("system_type", "Anti-armor").id,
        40,
        700_000_000,
        "Javelin",
    )
    assert choices(second, "Deliveries")["Kit"] == "system_type_id"  # the Columns tab shows the profile's choices
    assert second.columns.mapping() is None  # nothing overridden by hand


def test_a_required_field_missing_is_given_for_every_row(qtbot, led, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "New packages"
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 901", dt.date(2024, 6, 1), 10])
    ws.append(["PDA 902", dt.date(2024, 6, 15), 12.5])
    path = tmp_path / "packages.xlsx"
    wb.save(path)
    wizard = open_wizard(qtbot, led, path, kind="packages")
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    label, edit = wizard.columns.sheets["New packages"].missing["authority_id"]
    wizard.tabs.setCurrentWidget(wizard.columns)
    assert label.isVisible() and edit.isVisible()
    assert "Authority</b> is not in the file: give one for every row, or leave it empty" in label.text()
    # The authority is optional: found from the program ("PDA 901") and the date where it can be.
    assert wizard.columns.missing_required() == []
    authority = led.find("authority", "PDA FY2024").id
    assert [a.record.authority_id for a in wizard.preview.added] == [authority, authority]

    edit.setFocus()
    qtbot.keyClicks(edit, "PDA FY2024")
    assert wizard.columns.defaults() == {"authority_id": "PDA FY2024"}
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    assert not wizard.preview.rejected, [str(r) for r in wizard.preview.rejected]
    authority = led.find("authority", "PDA FY2024").id
    assert [(a.record.number, a.record.authority_id, a.record.value_cents) for a in wizard.preview.added] == [
        ("PDA 901", authority, 1_000_000_000),
        ("PDA 902", authority, 1_250_000_000),
    ]
    assert wizard.columns.missing_required() == []  # a value is given: nothing lacks
    shown = wizard.columns.sheets["New packages"].missing["authority_id"][1]  # the new preview's page
    assert shown.text() == "PDA FY2024"  # kept across the preview

    wizard.confirm = lambda parent, problems: True
    assert finished(qtbot, wizard, wizard.apply()), wizard.summary.text()
    assert led.find("package", "PDA 901").authority_id == authority
    assert led.find("package", "PDA 902").value_cents == 1_250_000_000


def test_an_authority_typed_for_every_row_that_the_ledger_lacks_is_refused_not_replaced(qtbot, led, tmp_path):
    """'PDA FY2099' names the PDA program: inference would put the PDA authority open that day in its place."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "New packages"
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 901", dt.date(2024, 6, 1), 10])
    path = tmp_path / "packages.xlsx"
    wb.save(path)
    wizard = open_wizard(qtbot, led, path, kind="packages")
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    _label, edit = wizard.columns.sheets["New packages"].missing["authority_id"]
    wizard.tabs.setCurrentWidget(wizard.columns)
    edit.setFocus()
    qtbot.keyClicks(edit, "PDA FY2099")
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    assert not wizard.preview.added
    (rejected,) = wizard.preview.rejected
    assert rejected.why.startswith("no authority named 'PDA FY2099' in the ledger or the file (the ledger's authorities: ")
    assert "PDA FY2024" in rejected.why


def test_bad_profile_name_or_save_error_shows_a_message(qtbot, led, tmp_path, monkeypatch, boxes):
    wizard = open_wizard(qtbot, led, deliveries(tmp_path / "deliveries.xlsx", FIRST), kind="disbursements")
    assert finished(qtbot, wizard, wizard.run_preview())
    answers = iter([("   ", True), ("kept", False), ("ok", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: next(answers))
    profiles_before = wizard.profile.count()

    assert not wizard.save_profile()  # a blank name
    assert boxes[-1][0] == "warning" and "needs a name" in boxes[-1][2]
    assert "Traceback" not in boxes[-1][2]
    assert not wizard.save_profile()  # cancelled: nothing said, nothing saved
    assert len(boxes) == 1 and list_profiles() == []

    (data_dir() / "import_profiles.json").write_text("{ not json", encoding="utf-8")
    assert not wizard.save_profile()
    kind, title, text = boxes[-1]
    assert kind == "warning" and "cannot be read" in text and "Traceback" not in text
    assert wizard.profile.count() == profiles_before and wizard.profile.currentData() is None


def test_replacing_a_profile_asks_first(qtbot, led, tmp_path, monkeypatch, boxes):
    from ledger.excel import save_profile

    save_profile("deliveries", "line", {"Kit": "system_type_id"}, ["Kit"], None)
    wizard = open_wizard(qtbot, led, deliveries(tmp_path / "deliveries.xlsx", FIRST), kind="disbursements")
    assert finished(qtbot, wizard, wizard.run_preview())
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("deliveries", True))
    assert not wizard.save_profile()  # the question is answered No
    assert boxes[-1][0] == "question" and "Replace" in boxes[-1][2]
    assert load_profile("deliveries")["kind"] == "line"
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    assert wizard.save_profile()
    assert load_profile("deliveries")["kind"] == "disbursement"


def test_several_sheets_save_the_one_shown_and_read_again(qtbot, led, tmp_path, monkeypatch):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Package", "Date", "Authority", "Value ($M)", "Remarks"])
    ws.append(["PDA 901", dt.date(2024, 6, 1), "PDA FY2024", 10, "first"])
    ws = wb.create_sheet("Deliveries")
    ws.append(["Delivery date", "Package", "System", "Qty", "Remarks"])
    ws.append([dt.date(2024, 7, 1), "PDA 1", "Fires", 4, "by sea"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    wizard = open_wizard(qtbot, led, path)
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    cols = wizard.columns
    assert not cols.sheet.isHidden() and [cols.sheet.itemData(i) for i in range(cols.sheet.count())] == [
        "Packages",
        "Deliveries",
    ]

    # "Package" is the number on one sheet and a reference on the other: left to each sheet's matching.
    cols.sheet.setCurrentIndex(1)
    assert cols.current_sheet() == "Deliveries" and cols.stack.currentIndex() == 1
    assert cols.warning.isHidden()  # nothing changed by hand yet
    # One mapping applies to every sheet: "Remarks" cannot be ignored on one and kept on the other.
    choose(wizard, "Deliveries", "Remarks", "")
    assert not cols.warning.isHidden() and "'Remarks'" in cols.warning.text() and "'Package'" not in cols.warning.text()
    assert "Package" not in cols.mapping() and "Remarks" not in cols.mapping()
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    by_kind = {a.kind: a.record for a in wizard.preview.added}
    assert by_kind["package"].number == "PDA 901" and by_kind["package"].notes == "first"
    assert (
        by_kind["disbursement"].package_id == led.find("package", "PDA 1").id
        and by_kind["disbursement"].notes == "by sea"
    )
    assert cols.current_sheet() == "Deliveries"  # still the sheet shown
    assert cols.warning.text().startswith("Not applied at the last preview") and "'Remarks'" in cols.warning.text()

    # As the message says: read that sheet alone, and the choice applies.
    wizard.sheet.setCurrentIndex(wizard.sheet.findData("Deliveries"))
    choose(wizard, "Deliveries", "Remarks", "")
    assert cols.warning.isHidden()
    assert finished(qtbot, wizard, wizard.run_preview()), wizard.summary.text()
    (added,) = list(wizard.preview.added)
    assert added.kind == "disbursement" and added.record.notes is None and added.record.quantity == 4

    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("deliveries sheet", True))
    assert wizard.save_profile()
    saved = load_profile("deliveries sheet")
    assert saved["kind"] == "disbursement" and saved["shape"] == [
        "Delivery date",
        "Package",
        "System",
        "Qty",
        "Remarks",
    ]
    assert saved["mapping"]["Remarks"] == "" and saved["mapping"]["Package"] == "package_id"


def test_columns_are_named_and_reached_with_tab(qtbot, led, tmp_path):
    wizard = open_wizard(qtbot, led, deliveries(tmp_path / "deliveries.xlsx", FIRST), kind="disbursements")
    assert finished(qtbot, wizard, wizard.run_preview())
    wizard.tabs.setCurrentWidget(wizard.columns)
    unnamed = [
        type(w).__name__
        for cls in (QAbstractButton, QComboBox, QLineEdit)
        for w in wizard.columns.findChildren(cls)
        if not isinstance(w.parent(), (QComboBox, QLineEdit))  # their own parts (a line edit's clear button)
        and not (w.accessibleName() or (isinstance(w, QAbstractButton) and w.text()))
    ]
    assert not unnamed, unnamed
    # Tab walks from the Save button through every column's box to the value box, then to Preview.
    order, w = [], wizard.columns.save_button
    for _ in range(len(HEADERS) + 3):
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisible() or not w.isEnabled():
            w = w.nextInFocusChain()
        order.append(w.accessibleName() or w.text())
    assert order == [f"Field of column {h}" for h in HEADERS] + ["Date of every row", "&Preview", "Close"]
