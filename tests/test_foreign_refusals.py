"""Files a new user has that should not import as they are: each is refused with one message in the
words of the sheet (its labels, never field names) that says what to do, and the ledger is left as
it was. Also a colleague's edit of our own export, and a sheet re-saved by LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from cli_helpers import run_cli
from foreign_corpus import think_tank_monitor

from ledger.excel import export_workbook, preview_import, read_import
from ledger.excel.errors import ExcelError
from ledger.excel.problems import summarise
from ledger.sample import build
from ledger.service import Ledger

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _new(tmp_path):
    path = tmp_path / "new.aidledger"
    Ledger.open(path).close()
    return path


def _book(title):
    wb = openpyxl.Workbook()
    wb.active.title = title
    return wb, wb.active


def test_not_available_amounts_are_one_message_and_nothing_is_written(tmp_path):
    wb, ws = _book("USAI")
    ws.append(["USAI announcements (contracting, not stocks)"])
    ws.append(["Date", "Package", "Amount"])
    ws.append(["Aug. 24, 2022", "USAI (Aug 2022)", "$2.98bn"])
    ws.append(["Sept. 28, 2022", "USAI (Sep 2022)", "$1.105bn"])
    ws.append(["Dec. 21, 2022", "USAI (Dec 2022)", "n/a"])
    ws.append(["Jan. 25, 2023", "USAI (Jan 2023)", "\u2014"])
    path = tmp_path / "usai.xlsx"
    wb.save(path)
    ledger = _new(tmp_path)
    code, out, err = run_cli("import", path, "--ledger", ledger, "--yes")
    assert code == 1
    rejected = [line for line in (out + err).splitlines() if line.startswith("Rejected")]
    # One line for both rows, in the column's words; not "'n/a' is not an amount" row by row.
    assert rejected == ["Rejected: sheet 'USAI', column 'Amount': value is required: 2 rows (5, 6)"], rejected
    assert "column 'Amount': 2 cells say no figure ('n/a', '\u2014'): read as empty" in out
    with Ledger.open(ledger) as led:
        assert led.count("package") == 0
    code, out, _ = run_cli("import", path, "--ledger", ledger, "--yes", "--skip-invalid")
    assert code == 0, out
    with Ledger.open(ledger) as led:
        assert [p.value_cents for p in led.records("package")] == [298_000_000_000, 110_500_000_000]


def test_a_header_naming_a_currency_is_an_amount_never_a_date(tmp_path):
    """'Announced value ($M)' once went to Announced: 400 became 3 February 1901."""
    wb, ws = _book("Quarterly")
    ws.append(["Period", "Program", "Announced value ($M)"])
    ws.append(["FY2023 Q2", "USAI", 400])
    ws.append(["FY2023 Q3", "USAI", 2100])
    path = tmp_path / "quarters.xlsx"
    wb.save(path)
    plan = read_import(path, kind="packages")
    assert plan.mappings["Quarterly"] == {"Program": "program", "Announced value ($M)": "value_cents"}
    assert plan.confidence["Quarterly"]["Announced value ($M)"] < 90  # flagged weak: the person checks it
    led = Ledger.memory()
    messages = [m.text for m in summarise(preview_import(led, plan).rejected, plan.sheet_rows())]
    assert any("no Number or Announced column or value: 2 rows" in m for m in messages), messages
    assert not any("1901" in n for n in plan.notes), plan.notes


def test_a_summary_table_beside_the_packages_is_one_message_naming_the_sheet_to_import(tmp_path):
    wb, ws = _book("Packages")
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 66", dt.date(2024, 9, 25), 375])
    ws.append(["PDA 67", dt.date(2024, 10, 15), 425])
    by_year = wb.create_sheet("By fiscal year")
    by_year.append(["Fiscal year", "Total value ($M)"])
    by_year.append(["FY2024", 800])
    by_year.append(["FY2025", 0])
    path = tmp_path / "two_tables.xlsx"
    wb.save(path)
    ledger = _new(tmp_path)
    code, out, err = run_cli("import", path, "--ledger", ledger, "--yes")
    assert code == 1
    rejected = [line for line in (out + err).splitlines() if line.startswith("Rejected")]
    assert len(rejected) == 1, rejected  # both fields the summary lacks, and the way out, in one message
    assert rejected[0].startswith("Rejected: sheet 'By fiscal year': no Number or Announced column or value: 2 rows.")
    assert rejected[0].endswith("or import only the sheet 'Packages' (--sheet 'Packages'; in the app: choose it under Sheet)")
    with Ledger.open(ledger) as led:
        assert led.count("package") == 0
    code, out, _ = run_cli("import", path, "--ledger", ledger, "--yes", "--sheet", "Packages")
    assert code == 0, out
    with Ledger.open(ledger) as led:
        assert led.count("package") == 2


def test_a_tracker_with_a_column_per_month_is_told_to_be_turned(tmp_path):
    wb, ws = _book("Monthly")
    ws.append(["Drawdown value announced per month (USD millions)"])
    ws.append(["Program", "Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024", "May 2024"])
    ws.append(["PDA", None, None, 300, 1000, 675])
    ws.append(["USAI", None, None, None, 6000, None])
    path = tmp_path / "monthly.xlsx"
    wb.save(path)
    with pytest.raises(ExcelError) as exc:
        read_import(path)
    text = str(exc.value)
    assert "has a column per period (Jan 2024, Feb 2024, Mar 2024, ...)" in text
    assert "one row per package, with its date and value" in text and "Unpivot Columns" in text
    ledger = _new(tmp_path)
    code, _, err = run_cli("import", path, "--ledger", ledger, "--yes")
    assert code == 2 and err.count("\n") == 1 and "column per period" in err


def test_an_ods_file_says_how_to_save_it(tmp_path):
    wb, ws = _book("Packages")
    ws.append(["Package", "Date", "Value ($M)"])
    ws.append(["PDA 42", dt.date(2023, 7, 7), 800])
    src = tmp_path / "sheet.xlsx"
    wb.save(src)
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    profile = (tmp_path / "lo").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "ods", "--outdir",
                    str(tmp_path / "ods"), str(src)], capture_output=True, timeout=180, check=True)
    ledger = _new(tmp_path)
    code, _, err = run_cli("import", tmp_path / "ods" / "sheet.ods", "--ledger", ledger)
    assert code == 2
    assert "is an OpenDocument spreadsheet (.ods), which the ledger does not read" in err
    assert "save it as Excel 2007-365 (.xlsx)" in err and "zip file" not in err


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_sheet_saved_by_libreoffice_imports(tmp_path):
    src = think_tank_monitor(tmp_path)
    profile = (tmp_path / "lo").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "lo_out"), str(src)], capture_output=True, timeout=180, check=True)
    ledger = _new(tmp_path)
    code, out, _ = run_cli("import", tmp_path / "lo_out" / src.name, "--ledger", ledger, "--yes")
    assert code == 0, out
    with Ledger.open(ledger) as led:
        assert sorted((p.number, p.announced_on.isoformat(), p.value_cents) for p in led.records("package")) == [
            ("PDA 71", "2024-12-02", 72_500_000_000), ("PDA 72", "2024-12-12", 50_000_000_000),
            ("PDA 73", "2024-12-30", 125_000_000_000), ("PDA 74", "2025-01-09", 50_000_000_000)]


@pytest.fixture(scope="module")
def colleague_edit(tmp_path_factory):
    """Our export as a colleague sends it back: the Packages sheet renamed, ten packages deleted, Value
    moved before Announced, a column of their own added."""
    folder = tmp_path_factory.mktemp("edit")
    led = Ledger.memory()
    build(led)
    path = folder / "ledger.xlsx"
    export_workbook(led, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Packages"]
    ws.title = "Packages (MK edits)"
    ws.delete_rows(5, 10)
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    value, announced = rows[0].index("Value"), rows[0].index("Announced")
    ws.delete_rows(1, ws.max_row)
    for n, r in enumerate(rows):
        r.insert(announced, r.pop(value))
        ws.append([*r, "Checked by" if n == 0 else "yes"])
    wb.save(path)
    return path, led


def test_a_colleagues_edit_finds_its_renamed_sheet_and_says_the_lost_lines_once(colleague_edit, tmp_path, monkeypatch):
    path, _ = colleague_edit
    from ledger.excel import sources

    opened = []
    real = sources._xlsx

    def counted(p):
        book = real(p)
        inner = book.open_sheet
        book.open_sheet = lambda name, **kw: opened.append(name) or inner(name, **kw)
        return book

    monkeypatch.setattr(sources, "_xlsx", counted)
    plan = read_import(path)
    assert opened.count("Packages (MK edits)") == 1  # its header told its kind; its rows are read from that one opening
    assert "sheet 'Packages (MK edits)' read as the Packages sheet (its columns are that sheet's)" in plan.notes
    assert "sheet 'Packages (MK edits)': columns not part of the layout were ignored: Checked by" in plan.notes
    ledger = _new(tmp_path)
    code, out, err = run_cli("import", path, "--ledger", ledger, "--yes")
    assert code == 1
    rejected = [line for line in (out + err).splitlines() if line.startswith("Rejected")]
    # The lines of the deleted packages: one message naming their ids, not one per package.
    assert rejected == ["Rejected: sheet 'Package lines', column 'Package ID': no package with ids 5, 7, 8, 11 in the file "
                        "(or their rows were rejected): 25 rows (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 13 more)"], rejected
    with Ledger.open(ledger) as led:
        assert led.count("package") == 0 and led.count("source") == 0


def test_a_colleagues_edit_changes_nothing_in_the_ledger_it_came_from(colleague_edit):
    path, led = colleague_edit
    preview = preview_import(led, read_import(path))
    assert not preview.rejected and not preview.changed, [str(r) for r in preview.rejected]
    assert [m.kind for m in preview.missing] == ["package"] * 10  # listed, never deleted


def test_dates_either_order_reads_are_one_message_with_the_way_to_say_the_order(tmp_path):
    path = tmp_path / "us_dates.csv"
    path.write_text("Package,Announced,Value ($M)\nPDA 71,12/02/2024,725\nPDA 69,11/01/2024,425\nPDA 67,10/11/2024,425\n")
    ledger = _new(tmp_path)
    code, out, err = run_cli("import", path, "--ledger", ledger, "--yes")
    assert code == 1
    rejected = [line for line in (out + err).splitlines() if line.startswith("Rejected")]
    assert rejected == ["Rejected: sheet 'us_dates', column 'Announced' ('12/02/2024', ...): could be day/month or month/day: "
                        "say the order with --day-first or --month-first (in the app: Dates like 1/2/2024): 3 rows (2, 3, 4)"]
    with Ledger.open(ledger) as led:
        assert led.count("package") == 0
    code, out, _ = run_cli("import", path, "--ledger", ledger, "--yes", "--month-first")
    assert code == 0, out
    with Ledger.open(ledger) as led:
        assert sorted(p.announced_on.isoformat() for p in led.records("package")) == ["2024-10-11", "2024-11-01", "2024-12-02"]


def test_a_column_of_dates_in_both_orders_is_said(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Package,Announced,Value ($M)\nPDA 71,13/02/2024,725\nPDA 69,11/21/2024,425\n")
    plan = read_import(path)
    assert ("sheet 'mixed', column 'Announced': dates written in both day/month orders ('13/02/2024' is day first, "
            "'11/21/2024' month first): each is read as its numbers allow; check them") in plan.notes
