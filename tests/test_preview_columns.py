"""A foreign sheet of authorities or packages whose labels are all new is previewed a column at a time
(one block, no record per row), with the same outcome as matching row by row: later sheets refer to
its rows by name, the stored records are listed as missing, and a sheet that names a stored record
is still matched row by row."""

from __future__ import annotations

import datetime as dt

import openpyxl

from ledger.excel.apply import apply_import
from ledger.excel.export import export_workbook
from ledger.excel.preview import AddedBlock, preview_import
from ledger.excel.read import read_import
from ledger.model import Authority, Package, SystemType
from ledger.service import Ledger


def _book(path, packages):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Authority", "Package", "Date", "Value"])
    for row in packages:
        ws.append(row)
    lines = wb.create_sheet("Lines")
    lines.append(["Package", "System type", "Description", "Quantity", "Value"])
    lines.append(["pda 11", "Fires", "rounds", 5, 1000])
    wb.save(path)
    return path


def _ledger():
    led = Ledger.memory()
    a = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1)))
    led.add(Package("PDA 1", dt.date(2024, 1, 10), a.id, 10**9))
    led.add(SystemType("Fires"))
    return led


def test_new_packages_are_one_block_and_later_sheets_refer_to_them_by_number(tmp_path):
    led = _ledger()
    path = _book(tmp_path / "p.xlsx", [["PDA FY2024", "PDA 11", dt.date(2024, 2, 1), 100], ["PDA FY2024", "PDA 12", dt.date(2024, 3, 1), 200]])
    preview = preview_import(led, read_import(path))
    assert any(isinstance(p, AddedBlock) and p.kind == "package" for p in preview.added.parts)
    assert [(m.kind, m.label) for m in preview.missing] == [("package", "PDA 1")]
    apply_import(led, preview, accept_warnings=True)
    (p11,) = led.records("package", "number = ?", ("PDA 11",))
    (line,) = led.records("line")
    assert line.package_id == p11.id and p11.value_cents == 100_00
    assert [p.number for p in led.records("package", order_by="id")] == ["PDA 1", "PDA 11", "PDA 12"]


def test_a_sheet_naming_a_stored_package_or_one_number_twice_is_matched_row_by_row(tmp_path):
    led = _ledger()
    path = _book(tmp_path / "p.xlsx", [["PDA FY2024", "pda 1", dt.date(2024, 1, 10), 20], ["PDA FY2024", "PDA 11", dt.date(2024, 2, 1), 100]])
    preview = preview_import(led, read_import(path))
    assert not any(isinstance(p, AddedBlock) and p.kind == "package" for p in preview.added.parts)
    assert [(c.kind, c.new.id, c.new.number) for c in preview.changed] == [("package", 1, "pda 1")]  # matched ignoring case
    twice = _book(tmp_path / "t.xlsx", [["PDA FY2024", "PDA 11", dt.date(2024, 2, 1), 100], ["PDA FY2024", "pda 11", dt.date(2024, 3, 1), 200]])
    preview = preview_import(led, read_import(twice))
    assert [r.why for r in preview.rejected] == ["appears twice in the file (first in row 2)"]


def _copied(tmp_path, led):
    tmp_path.mkdir()
    path = tmp_path / "export.xlsx"
    export_workbook(led, path)
    dst = Ledger.open(tmp_path / "copy.aidledger")
    preview = preview_import(dst, read_import(path))
    assert preview.mode == "copy"
    apply_import(dst, preview, accept_warnings=True)
    return preview, dst


def test_an_export_into_an_empty_ledger_keeps_its_ids_as_blocks_when_they_run_on_and_row_by_row_when_not(tmp_path):
    led = _ledger()
    a = led.get("authority", 1)
    for j in range(2, 5):
        led.add(Package(f"PDA {j}", dt.date(2024, 2, j), a.id, 10**6))
    preview, dst = _copied(tmp_path / "a", led)
    assert any(isinstance(p, AddedBlock) and p.kind == "package" for p in preview.added.parts)
    assert [(p.id, p.number) for p in dst.records("package", order_by="id")] == [(1, "PDA 1"), (2, "PDA 2"), (3, "PDA 3"), (4, "PDA 4")]
    dst.close()
    led.delete("package", 2)  # ids 1, 3, 4: kept as they are, row by row
    preview, dst = _copied(tmp_path / "b", led)
    assert not any(isinstance(p, AddedBlock) and p.kind == "package" for p in preview.added.parts)
    assert [p.id for p in dst.records("package", order_by="id")] == [1, 3, 4]
    dst.close()
