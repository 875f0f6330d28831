"""Golden files for the Excel tests: one small workbook (or CSV) per quirk, and the expected dumps.

    .venv/bin/python tests/golden/make_golden.py      # rewrite the files and the expected dumps

The tests rebuild every file with the same code and compare cells (values and number formats, never
bytes) with the committed one, then import it and compare the dump with expected/<name>.json.
`UPDATE_GOLDEN=1 pytest tests/test_excel_golden.py` rewrites the dumps only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import openpyxl  # noqa: E402
from openpyxl.utils.datetime import CALENDAR_MAC_1904  # noqa: E402

from ledger.excel import export_workbook, preview_import  # noqa: E402
from ledger.model import (  # noqa: E402
    Adjustment,
    Authority,
    Disbursement,
    Observation,
    Package,
    PackageLine,
    ReportedFigure,
    ScopeDisbursement,
    Source,
)
from ledger.sample import load_system_types  # noqa: E402
from ledger.service import Ledger  # noqa: E402

QUIRKS_DIR = HERE / "quirks"
EXPECTED_DIR = HERE / "expected"


def base_ledger() -> Ledger:
    """The ledger quirk files are previewed against: the default system types, one authority, two packages."""
    led = Ledger.memory()
    with led.action("golden base", accept_warnings=True) as act:
        load_system_types(act)
        a = act.add(Authority("PDA", "PDA FY2024", 7_800_000_000_00, dt.date(2024, 4, 24), dt.date(2024, 9, 30)))
        act.add(Package("PDA 70", dt.date(2024, 11, 15), a.id, 275_000_000_00))
        act.add(Package("PDA 71", dt.date(2024, 12, 2), a.id, 725_000_000_00))
    return led


def export_ledger() -> Ledger:
    """A small ledger with one record of every kind, texts that look like formulas, and cents."""
    led = base_ledger()
    with led.action("golden export", accept_warnings=True) as act:
        src = act.add(Source("=HYPERLINK(\"http://x\")", "https://www.defense.gov/", dt.date(2024, 12, 2), "+1 (notes)"))
        act.add(Package("PDA 72", dt.date(2024, 12, 12), 1, 500_000_000_00, src.id, "-5 looks negative\n@mention\tand a tab"))
        line = act.add(PackageLine(2, 2, "155mm artillery rounds", 20_000, "up to", "rounds", 12_345_678_91, "#N/A"))
        act.add(PackageLine(3, 1, "Stinger missiles"))
        act.add(Disbursement(dt.date(2025, 1, 5), 2, line.id, None, 5_000, 1_000_000_01, src.id))
        act.add(Adjustment(dt.date(2024, 9, 26), "PDA", "preservation", 0, "kept alive", 1, dt.date(2025, 1, 20)))
        act.add(Adjustment(dt.date(2023, 6, 20), "PDA", "revaluation", -6_200_000_000_00, "overvaluation"))
        act.add(Observation(dt.date(2024, 12, 2), "remaining PDA", 7_000_000_000_00, "PDA", None, "remaining_authority",
                            reported_by="DoD", date_precision="approx"))
        act.add(ReportedFigure(dt.date(2024, 10, 15), "delivered share", "PDA", percent=83, system_type_id=2,
                               scope="=critical munitions", date_precision="month", reported_by="Ryder",
                               confidence="seen in source text", source_id=src.id))
        act.add(ScopeDisbursement(dt.date(2024, 10, 15), "PDA", 3_700_000_000_01, dt.date(2024, 4, 24), 1, "month",
                                  "Ryder", src.id, "from stocks"))
    led.set_meta("default_deadline", "2025-01-20")
    return led


VOLATILE_ABOUT = ("Exported at", "Ledger id")  # differ between any two exports / ledgers


def export_cells(path: Path) -> dict[str, list]:
    """Cells of an export, without the About rows that change from export to export."""
    out = cells(path)
    about = out.get("About", [])
    skip = {c[0].replace("A", "B") for c in about if c[0].startswith("A") and c[1] in VOLATILE_ABOUT}
    out["About"] = [c for c in about if c[0] not in skip]
    return out


def _save(wb, name: str, out: Path) -> Path:
    path = out / name
    wb.save(path)
    return path


def title_rows(out: Path) -> Path:
    """Title rows above the header, a blank row, "Value ($M)", a Total row and an unlabelled sums row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Drawdowns"
    ws["A1"] = "US drawdown packages for Ukraine"
    ws["A2"] = "Compiled from DoD announcements"
    ws.append([])
    ws.append(["Package", "Announcement date", "Value ($M)", "Notes"])
    ws.append(["PDA 72", dt.date(2024, 12, 12), 500, "Stinger, HIMARS ammunition"])
    ws.append([])
    ws.append(["PDA 73", dt.date(2024, 12, 30), 2500, None])
    ws.append(["Total", None, 3000, None])
    ws.append([None, None, 3000, None])
    for row in ws.iter_rows(min_row=5, max_col=2):
        row[1].number_format = "d mmm yyyy"
    return _save(wb, "title_rows.xlsx", out)


def text_amounts(out: Path) -> Path:
    """Amounts and dates typed as text, in every form analysts write them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Tranche", "Announced", "Amount"])
    rows = [
        ("PDA 80", "Dec. 2, 2024", "$725 million"),
        ("PDA 81", "2 December 2024", "725M"),
        ("PDA 82", "2024-12-02", "$1.25 billion"),
        ("PDA 83", "12/20/2024", "1,234.56"),
        ("PDA 84", "20/12/2024", "USD 5.55 bn"),
        ("PDA 85", "12/2/2024", "$100M"),  # day/month order unknown: rejected unless given
        ("PDA 86", "2024-12-05", "(1,000)"),  # negative: a package cannot be
        ("PDA 87", "soon", "lots"),
    ]
    for r in rows:
        ws.append(list(r))
    return _save(wb, "text_amounts.xlsx", out)


def merged_cells(out: Path) -> Path:
    """Package lines with the package number merged down over its lines and a merged title."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Items"
    ws["A1"] = "Items by package"
    ws.merge_cells("A1:D1")
    ws.append(["PDA", "System", "Item description", "Qty"])
    ws.append(["PDA 71", "Air defense", "Stinger missiles", None])
    ws.append([None, "Fires", "155mm artillery rounds", 20000])
    ws.append([None, "Anti-armor", "Javelin missiles", 150])
    ws.merge_cells("A3:A5")
    ws.append(["PDA 70", "Fires", "HIMARS ammunition", None])
    return _save(wb, "merged_cells.xlsx", out)


def hidden_columns(out: Path) -> Path:
    """A hidden helper column that would otherwise be read as the value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Value (USD)", "Package", "Date", "Value, in millions"])
    ws.append([999, "PDA 90", dt.date(2024, 10, 1), 125])
    ws.append([999, "PDA 91", dt.date(2024, 10, 2), 150.5])
    ws.column_dimensions["A"].hidden = True
    return _save(wb, "hidden_columns.xlsx", out)


def date1904(out: Path) -> Path:
    """A workbook in the 1904 date system: real dates, and a serial number without a date format."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Package", "Date", "Value"])
    ws.append(["PDA 95", dt.date(2024, 12, 2), 725_000_000])
    ws.append(["PDA 96", 44166, 1_000_000])  # 1904 serial of 2024-12-02
    ws["B2"].number_format = "yyyy-mm-dd"
    return _save(wb, "date1904.xlsx", out)


def several_sheets(out: Path) -> Path:
    """Packages and their lines on two sheets, an empty sheet and a hidden one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Package number", "Date announced", "Value (USD millions)"])
    ws.append(["PDA 100", dt.date(2024, 12, 2), 100])
    lines = wb.create_sheet("Lines")
    lines.append(["Package", "Capability", "Description", "Quantity"])
    lines.append(["PDA 100", "UAS", "Switchblade drones", 10])
    lines.append(["PDA 100", "Loitering munitions", "Unknown drones", 5])
    wb.create_sheet("Empty")
    hidden = wb.create_sheet("Scratch")
    hidden.append(["Package", "Date", "Value"])
    hidden.append(["PDA 999", dt.date(2024, 1, 1), 1])
    hidden.sheet_state = "hidden"
    return _save(wb, "several_sheets.xlsx", out)


def formulas(out: Path) -> Path:
    """Formulas written by a program that does not calculate: no stored values."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 110", dt.date(2024, 12, 2), "=100+25"])
    ws.append(["PDA 111", dt.date(2024, 12, 3), 50])
    return _save(wb, "formulas.xlsx", out)


def disbursements_csv(out: Path) -> Path:
    """Deliveries as a semicolon CSV with a BOM, amounts in thousands, day-first dates."""
    path = out / "deliveries.csv"
    text = (
        "Delivery date;Package;System;Qty;Amount (USD thousands)\n"
        "02/12/2024;PDA 71;Stinger;10;1,500\n"
        "15/12/2024;PDA 71;155 mm;2000;\n"
        "16/12/2024;PDA 72;Fires;1;2.5\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


# name -> (builder, read_import options, preview options)
QUIRKS = {
    "title_rows": (title_rows, {"defaults": {"authority": "PDA FY2024"}}, {}),
    "text_amounts": (text_amounts, {"kind": "packages", "defaults": {"authority": "PDA FY2024"}}, {}),
    "text_amounts_month_first": (text_amounts, {"kind": "packages", "day_first": False, "defaults": {"authority": "PDA FY2024"}}, {}),
    "merged_cells": (merged_cells, {"kind": "lines"}, {}),
    "hidden_columns": (hidden_columns, {"kind": "packages", "defaults": {"authority": "PDA FY2024"}}, {}),
    "date1904": (date1904, {"kind": "packages", "defaults": {"authority": "PDA FY2024"}}, {}),
    "several_sheets": (several_sheets, {"defaults": {"authority": "PDA FY2024"}}, {"create_types": True}),
    "several_sheets_unmapped": (several_sheets, {"defaults": {"authority": "PDA FY2024"}}, {}),
    "formulas": (formulas, {"kind": "packages", "defaults": {"authority": "PDA FY2024"}}, {}),
    "deliveries_csv": (disbursements_csv, {"kind": "disbursements", "day_first": True}, {}),
}


def build(name: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return QUIRKS[name][0](out)


def cells(path: Path) -> dict[str, list]:
    """Every non-empty cell as [coordinate, value, number format], per sheet (CSV: its text lines)."""
    if path.suffix == ".csv":
        return {"csv": path.read_bytes().decode("utf-8-sig").splitlines()}
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = [
            [c.coordinate, _jsonable(c.value), c.number_format]
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        ]
    return out


def _jsonable(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)  # Excel holds every number as a double: 20000 and 20000.0 are one cell value
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if v.__class__.__name__ == "Ref":
        return {"ref": v.name}
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    return v


def dump(path: Path, read_options: dict, preview_options: dict) -> dict:
    """What importing `path` into the base ledger reads and would do."""
    from ledger.excel import read_import

    plan = read_import(path, **read_options)
    led = base_ledger()
    preview = preview_import(led, plan, **preview_options)
    return {
        "format": plan.format,
        "notes": plan.notes,
        "mappings": plan.mappings,
        "rows": {
            f"{b.sheet}/{b.kind}": [[row, dict(zip(b.fields, (_jsonable(v) for v in values)))] for row, values in zip(b.numbers, zip(*b.data))]
            for b in plan.batches
        },
        "rejected": [str(r) for r in preview.rejected],
        "counts": preview.counts(),
        "unknown_system_types": preview.unknown_system_types,
        "added": [[a.kind, a.sheet, a.row, {k: _jsonable(v) for k, v in vars(a.record).items()}] for a in preview.added],
    }


def write_expected(name: str, data: dict) -> None:
    EXPECTED_DIR.mkdir(parents=True, exist_ok=True)
    (EXPECTED_DIR / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        export_workbook(export_ledger(), path)
        write_expected("export", export_cells(path))
        print("wrote expected/export.json")
    for name, (_, read_options, preview_options) in QUIRKS.items():
        path = build(name, QUIRKS_DIR)
        write_expected(name, dump(path, read_options, preview_options))
        print(f"wrote {path.relative_to(HERE)} and expected/{name}.json")


if __name__ == "__main__":
    main()
