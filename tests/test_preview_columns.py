"""The preview matches a batch a column at a time, in every mode: the rows it adds are one block of
columns (no record per row), whether the sheet is all new, names stored records, repeats a label, or
is our own export whose ids have gaps; later sheets refer to its rows by name or id, stored records no
row names are listed as missing, and rejections come in row order."""

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


def _blocks(preview, kind):
    return [p for p in preview.added.parts if isinstance(p, AddedBlock) and p.kind == kind]


def test_a_sheet_naming_a_stored_package_changes_it_and_adds_the_rest_as_one_block(tmp_path):
    led = _ledger()
    path = _book(tmp_path / "p.xlsx", [["PDA FY2024", "pda 1", dt.date(2024, 1, 10), 20], ["PDA FY2024", "PDA 11", dt.date(2024, 2, 1), 100]])
    preview = preview_import(led, read_import(path))
    assert [(c.kind, c.new.id, c.new.number) for c in preview.changed] == [("package", 1, "pda 1")]  # matched ignoring case
    (block,) = _blocks(preview, "package")
    assert list(block.ids) == [2] and block.numbers == [3]
    assert not preview.missing
    apply_import(led, preview, accept_warnings=True)
    (line,) = led.records("line")
    assert led.get("package", line.package_id).number == "PDA 11"
    assert led.get("package", 1).value_cents == 20_00


def test_a_number_twice_rejects_the_second_row_and_rejections_come_in_row_order(tmp_path):
    led = _ledger()
    twice = _book(tmp_path / "t.xlsx", [
        ["PDA FY2024", "PDA 11", dt.date(2024, 2, 1), 100],
        ["No such authority", "Tranche 13", dt.date(2024, 2, 2), 100],
        ["PDA FY2024", "pda 11", dt.date(2024, 3, 1), 200],
        ["PDA FY2024", None, None, 300],
    ])
    preview = preview_import(led, read_import(twice))
    assert [(r.row, r.why) for r in preview.rejected] == [
        (3, "no authority named 'No such authority' in the ledger or the file (the ledger's authorities: PDA FY2024)"),
        (4, "appears twice in the file (first in row 2)"),
        (5, "number is required"),
    ]
    assert [b.numbers for b in _blocks(preview, "package")] == [[2]]


def _copied(tmp_path, led):
    tmp_path.mkdir()
    path = tmp_path / "export.xlsx"
    export_workbook(led, path)
    dst = Ledger.open(tmp_path / "copy.aidledger")
    preview = preview_import(dst, read_import(path))
    assert preview.mode == "copy"
    apply_import(dst, preview, accept_warnings=True)
    return preview, dst


def test_an_export_into_an_empty_ledger_keeps_its_ids_as_one_block_whether_they_run_on_or_not(tmp_path):
    led = _ledger()
    a = led.get("authority", 1)
    for j in range(2, 5):
        led.add(Package(f"PDA {j}", dt.date(2024, 2, j), a.id, 10**6))
    preview, dst = _copied(tmp_path / "a", led)
    assert any(isinstance(p, AddedBlock) and p.kind == "package" for p in preview.added.parts)
    assert [(p.id, p.number) for p in dst.records("package", order_by="id")] == [(1, "PDA 1"), (2, "PDA 2"), (3, "PDA 3"), (4, "PDA 4")]
    dst.close()
    led.delete("package", 2)  # ids 1, 3, 4: kept as they are
    preview, dst = _copied(tmp_path / "b", led)
    (block,) = _blocks(preview, "package")
    assert list(block.ids) == [1, 3, 4]
    assert [p.id for p in dst.records("package", order_by="id")] == [1, 3, 4]
    dst.undo()  # the history of a block with gaps takes back every row
    assert dst.count("package") == 0
    dst.close()


def test_an_export_back_into_its_ledger_matches_by_id_and_adds_new_rows_with_their_ids(tmp_path):
    led = Ledger.open(tmp_path / "l.aidledger")
    a = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1)))
    for j in range(1, 5):
        led.add(Package(f"PDA {j}", dt.date(2024, 2, j), a.id, 10**6))
    path = tmp_path / "export.xlsx"
    export_workbook(led, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Packages"]
    head = [c.value for c in ws[1]]
    number, value = head.index("Number"), head.index("Value")
    ws.cell(3, value + 1).value = 7  # PDA 2 changed
    ws.append([9] + [c.value for c in ws[2]][1:])  # a new row with a free id
    ws.cell(ws.max_row, number + 1).value = "PDA 9"
    ws.append([12] + [c.value for c in ws[2]][1:])  # and one whose number the ledger gives package 4
    ws.cell(ws.max_row, number + 1).value = "pda 4"
    ws.delete_rows(5)  # PDA 4 left out: missing, never deleted
    wb.save(path)
    preview = preview_import(led, read_import(path))
    assert preview.mode == "by id"
    assert [(c.new.id, c.diffs[0][0]) for c in preview.changed] == [(2, "value_cents")]
    assert [(m.id, m.label) for m in preview.missing] == [(4, "PDA 4")]
    (block,) = _blocks(preview, "package")
    assert list(block.ids) == [9]
    assert [(r.row, r.column, r.why) for r in preview.rejected] == [(6, "Number", "is already used by package id 4")]
    apply_import(led, preview, skip_invalid=True, accept_warnings=True)
    assert [p.id for p in led.records("package", order_by="id")] == [1, 2, 3, 4, 9]
    led.close()


def test_a_foreign_sheet_imported_again_adds_only_the_rows_the_ledger_lacks_even_when_opened_read_only(tmp_path):
    from ledger.model import Disbursement

    led = Ledger.open(tmp_path / "l.aidledger")
    a = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1)))
    p = led.add(Package("PDA 1", dt.date(2024, 1, 10), a.id, 10**9))
    with led.action("stored", accept_warnings=True) as act:
        act.add_many([Disbursement(dt.date(2024, 2, 1), p.id, value_cents=5_00, notes="first  "),
                      Disbursement(dt.date(2024, 2, 2), p.id, value_cents=7_00)])
    led.close()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliveries"
    ws.append(["Date", "Package", "Value", "Notes"])
    ws.append([dt.date(2024, 2, 1), "PDA 1", 5, " first"])  # stored (its note with other spaces)
    ws.append([dt.date(2024, 2, 1), "PDA 1", 5, "first"])  # the same row twice: one is stored, one is new
    ws.append([dt.date(2024, 2, 2), "PDA 1", 7, ""])  # stored, its empty note as none
    ws.append([dt.date(2024, 2, 3), "PDA 1", 7, None])  # new
    path = tmp_path / "d.xlsx"
    wb.save(path)
    with Ledger.open(tmp_path / "l.aidledger", readonly=True) as ro:
        preview = preview_import(ro, read_import(path, kind="disbursements"))
    assert preview.unchanged == {"disbursement": 2}
    (block,) = _blocks(preview, "disbursement")
    assert block.numbers == [3, 5]
