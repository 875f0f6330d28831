"""First contact on the command line: `new`, headers by meaning with their confidence, problems said
once, item mappings remembered, one backup per import."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ledger import items
from ledger.excel import apply_import, preview_import, read_import
from ledger.excel.header_match import match
from ledger.excel.headers import normalise
from ledger.excel.problems import rows_rejected, summarise
from ledger.model import Authority, Package
from ledger.service import Ledger

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("header, field", [
    ("Announcement", "announced_on"), ("Date announced", "announced_on"), ("Announced on", "announced_on"),
    ("Items included", "items"), ("Equipment provided", "items"), ("PDA no.", "number"), ("Package #", "number"),
    ("Tranche", "number"), ("Value of package (USD millions)", "value_cents"), ("Amount, $bn", "value_cents"),
    ("Program / authority", "authority_id"), ("Fiscal year", "fiscal_year"), ("Programme", "program"),
    ("Dates announced", "announced_on"), ("Value, package", "value_cents"), ("Colour", None),
])
def test_the_issues_headers_map_by_meaning(header, field):
    assert match("package", normalise(header)).field == field


def test_a_header_that_fits_two_fields_equally_is_asked_not_picked(tmp_path):
    m = match("observation", normalise("Balance"))  # the figure, or which balance it compares with?
    assert m.field is None and set(m.tie) == {"value_cents", "balance"}
    path = tmp_path / "o.csv"
    path.write_text("As of,Metric,Balance\n2024-12-02,Remaining PDA,3.9B\n", encoding="utf-8")
    proc = run("import", path, "--ledger", tmp_path / "l.aidledger", "--kind", "observations", "--dry-run")
    assert "'Balance' could be Value or Compares with: not used; say which with --map 'Balance=FIELD'" in proc.stdout
    proc = run("import", path, "--ledger", tmp_path / "l.aidledger", "--kind", "observations", "--dry-run", "--map", "Balance=value")
    assert proc.returncode == 0 and "'Balance' -> Value (100%)" in proc.stdout, proc.stdout + proc.stderr


def test_new_makes_an_empty_ledger_and_add_on_a_missing_path_points_to_it(tmp_path):
    path = tmp_path / "mine.aidledger"
    proc = run("new", path, "--currency", "eur", "--name", "Tracker")
    assert proc.returncode == 0, proc.stderr
    with Ledger.open(path, create=False) as led:
        assert led.currency == "EUR" and led.meta("name") == "Tracker" and led.count("package") == 0
    assert run("new", path).returncode == 2  # never over an existing file
    proc = run("add", "package", "number=X", "--ledger", tmp_path / "nope.aidledger")
    assert proc.returncode == 2 and f"create it with python main.py new {tmp_path / 'nope.aidledger'}" in proc.stderr
    assert not (tmp_path / "nope.aidledger").exists()


def test_dry_run_shows_each_columns_confidence_and_flags_weak_ones(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Date announced,Pkg value (USD m),PDA no.\n2024-05-10,400,PDA 57\n", encoding="utf-8")
    proc = run("import", path, "--ledger", tmp_path / "l.aidledger", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "'Date announced' -> Announced (100%)" in proc.stdout
    assert "'PDA no.' -> Number (100%)" in proc.stdout
    assert "'Pkg value (USD m)' -> Value (82%, weak)" in proc.stdout
    assert "weak matches, check them: 'Pkg value (USD m)'" in proc.stdout


def test_a_field_missing_from_every_row_is_one_message(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Package,Announced\n" + "".join(f"PDA {i},2024-05-{i:02d}\n" for i in range(1, 21)), encoding="utf-8")
    proc = run("import", path, "--ledger", tmp_path / "l.aidledger", "--kind", "packages", "--dry-run")
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.startswith("Rejected:")]
    assert len(lines) == 1, proc.stderr
    assert "no Value column or value: 20 rows" in lines[0] and "--set value=VALUE" in lines[0] and "Columns tab" in lines[0]
    assert "value_cents" not in proc.stderr and "Error: 20 rows rejected" in proc.stderr


def test_the_same_problem_in_many_rows_is_one_line_and_rows_count_once(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Package,Announced,Value ($M)\nPDA 1,2024-05-01,lots\nPDA 2,sometime,lots\nPDA 3,2024-05-03,4\n", encoding="utf-8")
    plan = read_import(path, kind="packages")
    assert rows_rejected(plan.rejected) == 2 and len(plan.rejected) == 3
    texts = [m.text for m in summarise(plan.rejected, plan.sheet_rows())]
    assert texts[0].startswith("sheet 'p', column 'Value ($M)' ('lots'): 'lots' is not an amount") and texts[0].endswith(": 2 rows (2, 3)")
    assert len(texts) == 2


def test_an_item_mapped_once_is_remembered(tmp_path):
    path = tmp_path / "led.aidledger"
    sheet = tmp_path / "items.csv"
    sheet.write_text("Package,Announced,Value ($M),Items\nNO-1,2024-03-14,10,20 field kitchens; 4 Stinger missiles\n", encoding="utf-8")
    proc = run("import", sheet, "--ledger", path, "--yes", "--map-type", "field kitchens=Sustainment and services")
    assert proc.returncode == 0, proc.stderr
    again = tmp_path / "again.csv"
    again.write_text("Package,Announced,Value ($M),Items\nNO-2,2024-04-14,5,field kitchens\n", encoding="utf-8")
    with Ledger.open(path) as led:
        preview = preview_import(led, read_import(again))
        assert not preview.plan.inferred[0].unknown_items
        assert apply_import(led, preview)
        kitchens = led.records("line", "description = 'field kitchens'")
        assert len(kitchens) == 2
        assert {led.get("system_type", line.system_type_id).name for line in kitchens} == {"Sustainment and services"}


def test_one_backup_per_import_even_when_rounds_drop_rows(tmp_path):
    path = tmp_path / "led.aidledger"
    with Ledger.open(path) as led:
        auth = led.add(Authority("PDA", "PDA FY2024", 10_000_00, dt.date(2024, 1, 1)))
        led.add(Package("PDA 1", dt.date(2024, 2, 1), auth.id, 1_00))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Package", "Quantity", "Value"])
    ws.append([dt.date(2024, 3, 1), "PDA 1", 2, None])
    ws.append([dt.date(2024, 3, 2), "PDA 1", None, None])  # neither: refused by the ledger's rules on writing
    src = tmp_path / "d.xlsx"
    wb.save(src)
    proc = run("import", src, "--ledger", path, "--yes", "--skip-invalid", "--kind", "disbursements")
    assert proc.returncode == 0 and "1 added" in proc.stdout, proc.stdout + proc.stderr
    with Ledger.open(path) as led:
        taken = [b for b in led.backups() if "import" in b.reason]
        assert len(taken) == 1, [b.reason for b in led.backups()]
        assert led.count("disbursement") == 1


def test_the_sample_and_the_importer_share_one_item_parser():
    from ledger import sample

    assert sample.parse_item is items.parse_item
    parsed = items.parse_list("Stinger missiles; 155mm artillery rounds; up to 2,000 Javelin anti-armor systems")
    assert [(i.description, i.quantity, i.qualifier, i.unit) for i in parsed] == [
        ("Stinger missiles", None, None, None),
        ("155mm artillery rounds", None, None, "rounds"),
        ("Javelin anti-armor systems", 2000, "up to", "systems"),
    ]


def test_a_sheet_whose_columns_say_nothing_gets_one_message(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Donor,Colour,Flavour\nNorway,blue,salt\n", encoding="utf-8")
    proc = run("import", path, "--ledger", tmp_path / "l.aidledger", "--dry-run")
    assert proc.returncode == 2
    assert proc.stderr.count("Error:") == 1
    assert "found sheet 'odd' row 1: 'Donor', 'Colour', 'Flavour'" in proc.stderr
    assert "Packages need Announced and Value" in proc.stderr and "--map 'HEADER=FIELD'" in proc.stderr
