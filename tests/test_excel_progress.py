"""Long work reports progress and can be cancelled; unknown system types can be mapped."""

import datetime as dt

import pytest

from ledger.excel import Cancelled, apply_import, export_workbook, preview_import, read_import
from ledger.model import KIND_ORDER, Authority, Package, SystemType
from ledger.service import Ledger


@pytest.fixture
def big(tmp_path):
    led = Ledger.memory()
    with led.action("base", accept_warnings=True) as act:
        a = act.add(Authority("PDA", "A", 10**15, dt.date(2020, 1, 1)))
        act.add_many([Package(f"P{i}", dt.date(2021, 1, 1), a.id, 10**9) for i in range(12_000)])
    return led


def test_export_and_import_report_progress(big, tmp_path):
    seen = []
    path = tmp_path / "big.xlsx"
    result = export_workbook(big, path, progress=lambda done, total: seen.append((done, total)))
    assert result.counts["package"] == 12_000
    assert seen[-1] == (12_001, 12_001) and len(seen) > 3 and all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    reads, writes = [], []
    plan = read_import(path, progress=lambda d, t: reads.append(d))
    assert reads and reads[-1] >= 10_000
    dst = Ledger.memory()
    apply_import(dst, preview_import(dst, plan), progress=lambda d, t: writes.append((d, t)))
    assert writes[-1] == (12_001, 12_001)


def test_cancelled_export_writes_no_file_and_cancelled_import_writes_nothing(big, tmp_path):
    path = tmp_path / "big.xlsx"
    with pytest.raises(Cancelled):
        export_workbook(big, path, cancelled=lambda: True)
    assert not path.exists() and not list(tmp_path.iterdir())
    export_workbook(big, path)
    with pytest.raises(Cancelled):
        read_import(path, cancelled=lambda: True)
    dst = Ledger.memory()
    preview = preview_import(dst, read_import(path))
    with pytest.raises(Cancelled):
        apply_import(dst, preview, cancelled=lambda: True)
    assert all(dst.count(k) == 0 for k in KIND_ORDER) and dst.history(5) == []


def test_unknown_system_types_can_be_mapped_to_existing_ones(tmp_path):
    led = Ledger.memory()
    with led.action("base") as act:
        a = act.add(Authority("PDA", "A", 10**12, dt.date(2020, 1, 1)))
        act.add(Package("PDA 1", dt.date(2021, 1, 1), a.id, 10**9))
        fires = act.add(SystemType("Fires", ("HIMARS",)))
    path = tmp_path / "lines.csv"
    path.write_text("Package,System,Description,Qty\nPDA 1,GMLRS pods,rockets,4\nPDA 1,himars,launchers,2\n", encoding="utf-8")
    plan = read_import(path, kind="lines")
    preview = preview_import(led, plan)
    assert preview.unknown_system_types == ["GMLRS pods"] and len(preview.rejected) == 1
    preview = preview_import(led, plan, type_map={"GMLRS pods": "Fires"})
    assert preview.ok and {a.record.system_type_id for a in preview.added} == {fires.id}
    apply_import(led, preview)
    assert led.count("line") == 2
