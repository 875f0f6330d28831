"""Golden workbooks: one small file per quirk, compared as cell values and number formats (never bytes).

`UPDATE_GOLDEN=1 pytest tests/test_excel_golden.py` rewrites the expected dumps;
`python tests/golden/make_golden.py` rewrites the files too.
"""

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

import make_golden as golden  # noqa: E402

from ledger.excel import export_workbook  # noqa: E402

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _expected(name: str, actual: dict) -> dict:
    if UPDATE:
        golden.write_expected(name, actual)
    return json.loads((golden.EXPECTED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _normal(data) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False, sort_keys=True))


@pytest.mark.parametrize("name", sorted({q[0].__name__ for q in golden.QUIRKS.values()}))
def test_committed_quirk_file_is_what_the_script_makes(name, tmp_path):
    builder = next(q[0] for q in golden.QUIRKS.values() if q[0].__name__ == name)
    fresh = builder(tmp_path)
    committed = golden.QUIRKS_DIR / fresh.name
    assert golden.cells(fresh) == golden.cells(committed)


@pytest.mark.parametrize("name", sorted(golden.QUIRKS))
def test_quirk_imports_as_expected(name):
    builder, read_options, preview_options = golden.QUIRKS[name]
    path = next(golden.QUIRKS_DIR.glob(f"{_file_stem(builder)}.*"))
    actual = _normal(golden.dump(path, read_options, preview_options))
    assert actual == _expected(name, actual)


def _file_stem(builder) -> str:
    return {"disbursements_csv": "deliveries"}.get(builder.__name__, builder.__name__)


def test_export_matches_golden_cells_and_formats(tmp_path):
    path = tmp_path / "export.xlsx"
    export_workbook(golden.export_ledger(), path)
    actual = _normal(golden.export_cells(path))
    assert actual == _expected("export", actual)


def test_second_export_of_unchanged_ledger_differs_only_in_export_time(tmp_path):
    led = golden.export_ledger()
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export_workbook(led, a)
    export_workbook(led, b)
    ca, cb = golden.cells(a), golden.cells(b)
    stamp = [c for c in ca["About"] if c[0] == "B6"]
    assert [c for c in ca["About"] if c[0] == "A6"][0][1] == "Exported at" and stamp
    ca["About"] = [c for c in ca["About"] if c[0] != "B6"]
    cb["About"] = [c for c in cb["About"] if c[0] != "B6"]
    assert ca == cb


def test_export_sheet_conventions(tmp_path):
    import openpyxl

    path = tmp_path / "e.xlsx"
    export_workbook(golden.export_ledger(), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["About", "Sources", "Authorities", "System types", "Packages", "Package lines",
                             "Disbursements", "Adjustments", "Observations", "Summary", "Balance over time"]
    ws = wb["Package lines"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in ws[1])
    assert ws.column_dimensions["F"].width >= len("155mm artillery rounds")
    qty = ws["G2"]
    assert ws["G1"].value == "Quantity" and qty.value == 20_000 and isinstance(qty.value, int) and qty.number_format == "#,##0"
    value = ws["J2"]
    assert ws["J1"].value == "Value" and value.value == 12345678.91 and value.data_type == "n" and "USD" in value.number_format
    assert ws["K2"].value == "#N/A" and ws["K2"].data_type == "s"  # text, not an error cell
    assert all(c.data_type != "f" for sheet in wb.worksheets for row in sheet.iter_rows() for c in row)
