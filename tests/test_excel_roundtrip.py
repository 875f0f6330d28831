"""Export then import gives back the same ledger; re-importing an edited export updates, never duplicates."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import build_ledger, ledger_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.excel import ImportRejected, apply_import, export_workbook, preview_import, read_import
from ledger.excel.cells import ILLEGAL_CHARS
from ledger.model import KIND_ORDER, Authority
from ledger.sample import build
from ledger.service import Ledger

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
from make_golden import export_cells  # noqa: E402

FAR = "2199-12-31"


def same_ledger(a: Ledger, b: Ledger) -> None:
    for kind in KIND_ORDER:
        assert a.records(kind) == b.records(kind), kind
    for by in ("authority", "program", "system_type"):
        assert a.summary(FAR, by) == b.summary(FAR, by)
    assert a.default_deadline == b.default_deadline


def copy_through_workbook(src: Ledger, path: Path) -> Ledger:
    export_workbook(src, path)
    dst = Ledger.memory()
    preview = preview_import(dst, read_import(path))
    assert preview.mode == "copy" and preview.ok, preview.rejected[:3]
    apply_import(dst, preview, accept_warnings=True)
    return dst


@pytest.fixture(scope="module")
def sample_ledger():
    led = Ledger.memory()
    build(led)
    return led


def test_sample_round_trip_gives_the_same_ledger_and_the_same_cells(sample_ledger, tmp_path):
    dst = copy_through_workbook(sample_ledger, tmp_path / "a.xlsx")
    same_ledger(sample_ledger, dst)
    export_workbook(dst, tmp_path / "b.xlsx")
    assert export_cells(tmp_path / "a.xlsx") == export_cells(tmp_path / "b.xlsx")
    assert dst.history(5)[0].label == "Import a.xlsx"


def test_reimporting_an_unchanged_export_changes_nothing(sample_ledger, tmp_path):
    path = tmp_path / "s.xlsx"
    export_workbook(sample_ledger, path)
    preview = preview_import(sample_ledger, read_import(path))
    assert preview.mode == "by id"
    assert not preview.has_changes and not preview.missing and not preview.rejected
    assert sum(preview.unchanged.values()) == sum(sample_ledger.count(k) for k in KIND_ORDER)


def test_edited_export_updates_matching_rows_and_lists_missing_ones(sample_copy, tmp_path):
    path, edited = tmp_path / "s.xlsx", tmp_path / "edited.xlsx"
    with Ledger.open(sample_copy) as led:
        export_workbook(led, path)
        before = led.count("package")
        wb = openpyxl.load_workbook(path)
        ws = wb["Packages"]
        assert ws["B3"].value == "PDA 2" and ws["F1"].value == "Value"
        ws["F3"] = 12.5  # PDA 2's value, in dollars
        ws["I3"] = "=not a formula"
        ws["I3"].data_type = "s"  # typed as text (openpyxl would make it a formula)
        ws.delete_rows(5)  # a row the ledger has and the sheet no longer does
        # A new package typed by hand: no ID, the authority named instead of its id.
        ws.append([None, "PDA 200", dt.date(2024, 12, 20), None, "PDA FY2024", 1_000_000])
        wb.save(edited)
        preview = preview_import(led, read_import(edited))
        assert preview.mode == "by id"
        (changed,) = preview.changed
        assert changed.old.number == "PDA 2" and {d[0] for d in changed.diffs} == {"value_cents", "notes"}
        assert changed.new.value_cents == 1250 and changed.new.notes == "=not a formula"
        (added,) = preview.added
        assert added.record.number == "PDA 200" and added.record.authority_id == led.find("authority", "PDA FY2024").id
        assert [m.label for m in preview.missing] == ["PDA 4"]
        apply_import(led, preview, accept_warnings=True)
        assert led.count("package") == before + 1
        assert led.find("package", "PDA 4") is not None  # missing rows are never deleted
        assert led.find("package", "PDA 2").value_cents == 1250
        assert led.undo() == "Import edited.xlsx"
        assert led.find("package", "PDA 2").value_cents != 1250 and led.find("package", "PDA 200") is None


def test_rejected_rows_write_nothing_unless_skip_invalid(ledger, tmp_path):
    src = Ledger.memory()
    build(src)
    path, bad = tmp_path / "s.xlsx", tmp_path / "bad.xlsx"
    export_workbook(src, path)
    wb = openpyxl.load_workbook(path)
    wb["Packages"]["F2"] = "lots"
    wb["Packages"]["C3"] = "not a date"
    wb.save(bad)
    plan = read_import(bad)
    preview = preview_import(ledger, plan)
    assert [(r.sheet, r.row, r.column) for r in preview.rejected] == [("Packages", 2, "Value"), ("Packages", 3, "Announced")]
    assert "'lots' is not an amount" in str(preview.rejected[0])
    with pytest.raises(ImportRejected):
        apply_import(ledger, preview, accept_warnings=True)
    assert all(ledger.count(k) == 0 for k in KIND_ORDER)
    result = apply_import(ledger, preview, skip_invalid=True, accept_warnings=True)
    # The two packages' lines refer to rejected rows: they are left out too, and reported.
    lines_of_rejected = sum(1 for ln in src.records("line") if ln.package_id in (1, 2))
    assert ledger.count("package") == src.count("package") - 2
    assert ledger.count("line") == src.count("line") - lines_of_rejected
    assert len(result.rejected) >= 2 + lines_of_rejected


XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"), min_size=1, max_size=30
).filter(lambda s: not ILLEGAL_CHARS.search(s))
FORMULA_LIKE = st.sampled_from(["=1+1", "+1", "-1", "@SUM(A1)", "\t=2", "\r=3", "=HYPERLINK(\"x\")", "#N/A", " padded ", "a\nb"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=ledger_specs(max_packages=6), notes=st.lists(st.one_of(XML_TEXT, FORMULA_LIKE), max_size=6))
def test_random_ledgers_round_trip(spec, notes, tmp_path_factory):
    src = build_ledger(Ledger.memory(), spec)
    for package, note in zip(src.records("package"), notes):
        src.edit("package", package.id, accept_warnings=True, notes=note)
    path = tmp_path_factory.mktemp("rt") / "r.xlsx"
    dst = copy_through_workbook(src, path)
    same_ledger(src, dst)


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_command_line_round_trip(sample_file, tmp_path):
    xlsx, copy = tmp_path / "s.xlsx", tmp_path / "copy.aidledger"
    proc = run("export", xlsx, "--ledger", sample_file)
    assert proc.returncode == 0 and "Exported 462 records" in proc.stdout, proc.stderr
    proc = run("import", xlsx, "--ledger", copy, "--dry-run")
    assert proc.returncode == 0 and "Dry run" in proc.stdout and "packages" in proc.stdout
    if copy.exists():
        with Ledger.open(copy, readonly=True) as led:
            assert led.count("package") == 0
    # The warnings the sample accepted travel with its export: not asked again.
    proc = run("import", xlsx, "--ledger", copy, "--yes")
    assert proc.returncode == 0 and "462 added" in proc.stdout, proc.stderr
    proc = run("import", xlsx, "--ledger", copy, "--yes")
    assert proc.returncode == 0 and "Nothing to import" in proc.stdout
    for cmd in (("summary", "--by", "program", "--as-of", "2024-12-02", "--format", "json"),):
        assert run(*cmd, "--ledger", copy).stdout == run(*cmd, "--ledger", sample_file).stdout


def test_command_line_rejects_and_reports_rows(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("Package,Announced,Value ($M)\nPDA 1,2024-01-02,lots\n", encoding="utf-8")
    proc = run("import", csv, "--ledger", tmp_path / "l.aidledger", "--kind", "packages", "--set", "authority=X")
    assert proc.returncode == 1
    assert "Rejected: sheet 'p', row 2, column 'Value ($M)' ('lots'): 'lots' is not an amount" in proc.stderr
    assert "nothing was imported" in proc.stderr and "Traceback" not in proc.stderr


def test_profiles_are_saved_and_found_for_the_next_file_of_that_shape(tmp_path):
    from ledger.excel import list_profiles

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("Tranche no,When,Money (USD k)\nPDA 1,2024-01-02,5\n", encoding="utf-8")
    b.write_text("Tranche no,When,Money (USD k)\nPDA 2,2024-01-03,7\n", encoding="utf-8")
    led = tmp_path / "l.aidledger"
    with Ledger.open(led) as ledger:
        ledger.add(Authority("PDA", "PDA FY2024", 7_800_000_000_00, dt.date(2024, 1, 1)))
    proc = run("import", a, "--ledger", led, "--kind", "packages", "--map", "Tranche no=number", "--map", "When=announced",
               "--map", "Money (USD k)=value", "--set", "authority=PDA FY2024", "--save-profile", "tranches", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "profile 'tranches'" in proc.stdout
    proc = run("import", b, "--ledger", led, "--set", "authority=PDA FY2024", "--yes")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "saved profile 'tranches'" in proc.stdout
    with Ledger.open(led) as ledger:
        assert ledger.find("package", "PDA 2").value_cents == 7_000_00
    assert "tranches" in list_profiles()  # the subprocesses share this test's AID_LEDGER_HOME


def test_rows_the_ledger_rules_reject_are_reported_by_sheet_and_row(ledger, sample_ledger, tmp_path):
    path, bad = tmp_path / "s.xlsx", tmp_path / "bad.xlsx"
    export_workbook(sample_ledger, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Adjustments"]
    program_col = next(c.column_letter for c in ws[1] if c.value == "Program")
    authority_col = next(c.column_letter for c in ws[1] if c.value == "Authority ID")
    row = next(r for r in range(2, ws.max_row + 1) if ws[f"{authority_col}{r}"].value is not None)
    ws[f"{program_col}{row}"] = "USAI"  # differs from its authority's program: only the ledger's rules know
    wb.save(bad)
    preview = preview_import(ledger, read_import(bad))
    assert preview.ok
    with pytest.raises(ImportRejected) as exc:
        apply_import(ledger, preview, accept_warnings=True)
    (r,) = exc.value.rejected
    assert (r.sheet, r.row, r.column) == ("Adjustments", row, "Program") and "differs from" in r.why
    assert all(ledger.count(k) == 0 for k in KIND_ORDER)
    result = apply_import(ledger, preview, skip_invalid=True, accept_warnings=True)
    assert [(x.sheet, x.row) for x in result.rejected] == [("Adjustments", row)]
    assert ledger.count("adjustment") == sample_ledger.count("adjustment") - 1
    assert ledger.count("package") == sample_ledger.count("package")


def test_a_foreign_sheet_of_deliveries_or_lines_imported_twice_adds_nothing_the_second_time(sample_copy, tmp_path):
    path = tmp_path / "deliveries.csv"
    path.write_text(
        "Date,Package,System,Qty,Value ($M),Notes\n"
        "2024-07-01,PDA 71,Air defense,4,,by sea\n"
        "2024-07-01,PDA 71,Air defense,4,,by sea\n"  # the same delivery twice: two records, both kept
        "2024-07-02,PDA 70,Artillery,,1.5,\n",
        encoding="utf-8",
    )
    lines = tmp_path / "lines.csv"
    lines.write_text("Package,System,Description,Quantity\nPDA 71,Air defense,NASAMS munitions,12\n", encoding="utf-8")
    with Ledger.open(sample_copy) as led:
        for file, kind, n in ((path, "disbursements", 3), (lines, "lines", 1)):
            first = preview_import(led, read_import(file, kind=kind), create_types=True)
            assert first.ok, first.rejected
            assert len(first.added) == n
            apply_import(led, first, accept_warnings=True)
            again = preview_import(led, read_import(file, kind=kind), create_types=True)
            assert not again.added and again.unchanged == {KIND_SINGULAR[kind]: n}
            assert not again.has_changes
        # One more copy of a delivery in the sheet than in the ledger: that one is added.
        path.write_text(path.read_text(encoding="utf-8") + "2024-07-01,PDA 71,Air defense,4,,by sea\n", encoding="utf-8")
        third = preview_import(led, read_import(path, kind="disbursements"), create_types=True)
        assert len(third.added) == 1 and third.unchanged == {"disbursement": 3}


KIND_SINGULAR = {"disbursements": "disbursement", "lines": "line"}


def test_another_ledgers_export_imported_twice_adds_nothing_the_second_time(sample_ledger, tmp_path):
    path = tmp_path / "other.xlsx"
    export_workbook(sample_ledger, path)
    led = Ledger.memory()
    led.add(Authority("PDA", "An authority of this ledger", 10**12, dt.date(2020, 1, 1)))  # not empty: matched by label
    first = preview_import(led, read_import(path))
    assert first.mode == "by label" and first.ok
    apply_import(led, first, accept_warnings=True)
    again = preview_import(led, read_import(path))
    assert not again.added and not again.changed
    assert again.unchanged["source"] == sample_ledger.count("source")  # sources without a date included
    assert any(s.published_on is None for s in sample_ledger.records("source"))


def test_an_export_edited_by_hand_is_read_a_column_at_a_time_as_written(sample_ledger, tmp_path):
    """Our own sheets are read a column at a time: a reference whose id column was deleted is read from
    its name column, bad ids are rejected before the row's other cells, and a row of spaces is blank."""
    path, edited = tmp_path / "s.xlsx", tmp_path / "edited.xlsx"
    export_workbook(sample_ledger, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Packages"]
    assert ws["D1"].value == "Authority ID" and ws["E1"].value == "Authority"
    ws.delete_cols(4)  # the authority's id column: its name column names it
    ws["A3"] = "three"
    ws["E3"] = "lots"
    ws["A4"] = 0
    ws.insert_rows(6)
    for col in range(1, 9):
        ws.cell(6, col, "   ")
    wb.save(edited)
    plan = read_import(edited)
    assert [(r.row, r.column, r.why[:24]) for r in plan.rejected if r.sheet == "Packages"] == [
        (3, "ID", "'three' is not an id (a "), (3, "Value", "'lots' is not an amount "), (4, "ID", "0 is not an id (ids star")]
    (batch,) = [b for b in plan.batches if b.kind == "package"]
    assert 6 not in batch.numbers and len(batch) == sample_ledger.count("package") - 2
    authority = dict(zip(batch.fields, batch.data))["authority_id"]
    first = sample_ledger.get("package", batch.wids[0])
    assert authority[0].name == sample_ledger.get("authority", first.authority_id).name
