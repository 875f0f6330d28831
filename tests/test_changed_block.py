"""A colleague's updated sheet: the rows that change stored records are one block of columns in the
preview (a Changed is built only when asked) and are written from those columns, with their undo
history written by SQLite from a staged table; the outcome is what one update per record gives."""

from __future__ import annotations

import datetime as dt

import openpyxl

from ledger import history
from ledger.excel.apply import apply_import
from ledger.excel.preview import ChangedBlock, preview_import
from ledger.excel.read import read_import
from ledger.model import Authority, Package
from ledger.service import Ledger

N = 40


def _ledger() -> Ledger:
    led = Ledger.memory()
    a = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1)))
    with led.action("packages") as act:
        act.add_many([Package(f"PDA {i}", dt.date(2024, 1, 1) + dt.timedelta(days=i), a.id, (i + 1) * 10**8, notes=f"note {i}")
                      for i in range(N)])
    return led


def _sheet(path, rows) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Authority", "Package", "Date", "Value", "Notes"])
    for row in rows:
        ws.append(row)
    wb.save(path)


def _updated(i: int) -> list:
    """Row i of the updated sheet: every third value and every fifth note changed, the rest as stored."""
    value = (i + 1) * 10**6 + (7 if i % 3 == 0 else 0)  # in currency units (the ledger holds cents)
    note = f"note {i} (revised)" if i % 5 == 0 else f"note {i}"
    return ["PDA FY2024", f"PDA {i}", dt.date(2024, 1, 1) + dt.timedelta(days=i), value, note]


def test_changed_rows_are_one_block_and_each_says_what_it_changes(tmp_path):
    led = _ledger()
    path = tmp_path / "updated.xlsx"
    _sheet(path, [_updated(i) for i in range(N)])
    preview = preview_import(led, read_import(path))
    blocks = [p for p in preview.changed.parts if isinstance(p, ChangedBlock)]
    assert len(blocks) == 1 and blocks[0].kind == "package"
    expected = [i for i in range(N) if i % 3 == 0 or i % 5 == 0]
    assert len(preview.changed) == len(expected) and preview.counts()["package"]["changed"] == len(expected)
    assert preview.counts()["package"]["unchanged"] == N - len(expected)
    for change, i in zip(preview.changed, expected):
        assert change.row == i + 2 and change.new.number == f"PDA {i}"
        fields = {name for name, _old, _new in change.diffs}
        assert fields == {n for n, hit in (("value_cents", i % 3 == 0), ("notes", i % 5 == 0)) if hit}
        assert change.old == led.get("package", change.new.id)  # the stored record, built from the diffs
    assert preview.changed[-1] == list(preview.changed)[-1] and preview.changed[:2] == list(preview.changed)[:2]


def test_a_changed_block_writes_what_one_update_per_record_writes_and_undo_restores_it(tmp_path):
    led, by_record = _ledger(), _ledger()
    before = led.records("package", order_by="id")
    path = tmp_path / "updated.xlsx"
    _sheet(path, [_updated(i) for i in range(N)])
    preview = preview_import(led, read_import(path))
    changes = list(preview.changed)
    result = apply_import(led, preview, accept_warnings=True)
    assert result.changed == {"package": len(changes)}
    with by_record.action("by record") as act:
        for change in changes:
            act.update(change.new)
    assert led.records("package", order_by="id") == by_record.records("package", order_by="id")
    # The history holds each record's old and new row, in the sheet's order, as one update per record writes them.
    entries = history.changes(led.conn, history.actions(led.conn, 1)[0].id)
    expected = history.changes(by_record.conn, history.actions(by_record.conn, 1)[0].id)
    assert [(e.table, e.record_id, e.old, e.new) for e in entries] == [(e.table, e.record_id, e.old, e.new) for e in expected]
    assert [e.record_id for e in entries] == [c.new.id for c in changes]
    led.undo()
    assert led.records("package", order_by="id") == before
    led.redo()
    assert led.records("package", order_by="id") == by_record.records("package", order_by="id")
