"""The export's writer (rust_xlsxwriter through rustpy-xlsxwriter): what its cells hold, read back by openpyxl."""

import datetime as dt

import openpyxl

from ledger.excel import apply_import, export_workbook, preview_import, read_import
from ledger.model import Authority, Package, Source
from ledger.service import Ledger


def _ledger() -> Ledger:
    led = Ledger.memory()
    with led.action("setup", accept_warnings=True) as act:
        src = act.add(Source("Bad\x01title\x0b", url="https://example.org/pda?x=1"))
        auth = act.add(Authority("PDA", "PDA FY1900", 10**14, dt.date(1900, 1, 1), expires_on=dt.date(1900, 2, 28), source_id=src.id))
        for i, (day, note) in enumerate([(dt.date(1900, 3, 1), "=SUM(A1:A3)"), (dt.date(2199, 12, 31), "#DIV/0!"),
                                         (dt.date(2024, 2, 29), "@cmd|' /C calc'!A0"), (dt.date(2024, 1, 1), "tab\x02bed")]):
            act.add(Package(f"P{i}", day, auth.id, 12_345_678_901 + i, source_id=src.id, notes=note))
    return led


def test_cells_are_typed_text_stays_text_and_dates_survive_excels_1900_quirk(tmp_path):
    led = _ledger()
    path = tmp_path / "w.xlsx"
    result = export_workbook(led, path)
    wb = openpyxl.load_workbook(path)
    auth = wb["Authorities"]
    header = [c.value for c in auth[1]]
    row = {h: c for h, c in zip(header, auth[2])}
    assert row["Available from"].value == dt.datetime(1900, 1, 1) and row["Expires"].value == dt.datetime(1900, 2, 28)
    assert row["Available from"].number_format == "yyyy-mm-dd"
    assert row["Amount"].value == 10**12 and "USD" in row["Amount"].number_format
    pk = wb["Packages"]
    header = [c.value for c in pk[1]]
    rows = [{h: c for h, c in zip(header, r)} for r in pk.iter_rows(min_row=2)]
    assert [r["Announced"].value.date() for r in rows] == [dt.date(1900, 3, 1), dt.date(2199, 12, 31), dt.date(2024, 2, 29), dt.date(2024, 1, 1)]
    assert [r["Value"].value for r in rows] == [123456789.01, 123456789.02, 123456789.03, 123456789.04]
    assert [r["Notes"].value for r in rows] == ["=SUM(A1:A3)", "#DIV/0!", "@cmd|' /C calc'!A0", "tab\ufffdbed"]
    assert all(r["Notes"].data_type == "s" for r in rows)
    assert [r["Source"].value for r in rows] == ["Bad\ufffdtitle\ufffd"] * 4  # a referenced name is cleaned too
    src = wb["Sources"]
    assert src["C2"].value == "https://example.org/pda?x=1" and src["C2"].hyperlink is None
    # Cells changed: the source's title (on its sheet, as the authority's and 4 packages' source) and one note.
    assert result.replaced_characters == 7
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)


def test_export_reads_back_into_an_equal_ledger(tmp_path):
    led = _ledger()
    path = tmp_path / "w.xlsx"
    export_workbook(led, path)
    copy = Ledger.memory()
    apply_import(copy, preview_import(copy, read_import(path)), accept_warnings=True)
    assert [p.announced_on for p in copy.records("package")] == [p.announced_on for p in led.records("package")]
    assert [p.value_cents for p in copy.records("package")] == [p.value_cents for p in led.records("package")]
    assert [p.notes for p in copy.records("package")][:3] == [p.notes for p in led.records("package")][:3]

