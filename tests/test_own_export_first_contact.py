"""Our own export comes back as it was: imported into an empty ledger it gives the same ledger, with no
flags (the warnings the sample accepted travel with the workbook), also after a LibreOffice re-save;
checks judge the ledger after the whole import; a new warning is still asked."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ledger import accepted
from ledger.errors import WarningsNotAccepted
from ledger.excel import apply_import, export_workbook, preview_import, read_import
from ledger.model import KIND_ORDER
from ledger.sample import build
from ledger.service import Ledger

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample_export(tmp_path_factory):
    led = Ledger.memory()
    build(led)
    path = tmp_path_factory.mktemp("own") / "sample.xlsx"
    export_workbook(led, path)
    return led, path


def _same(src: Ledger, dst: Ledger) -> None:
    for kind in KIND_ORDER:
        assert dst.records(kind) == src.records(kind), kind
    for by in ("authority", "program", "system_type"):
        assert dst.summary("2025-06-30", by) == src.summary("2025-06-30", by), by


def test_the_sample_remembers_the_warnings_it_accepted_and_its_export_carries_them(sample_export):
    led, path = sample_export
    known = accepted.stored(led.conn)
    assert "package PDA 22: Announced" in known  # after PDA FY2022's deadline: real data does this
    # The preservation of 2024-09-26 moved PDA FY2024's deadline: PDA 67-74 are not late.
    assert not any(k.startswith(("package PDA 67:", "package PDA 71:")) and k.endswith("Announced") for k in known)
    about = {r[0].value: r[1].value for r in openpyxl.load_workbook(path)["About"].iter_rows() if r[0].value}
    assert accepted.from_text(about["Accepted warnings"]) == known


def test_export_into_an_empty_ledger_needs_no_flags_and_gives_the_same_ledger(sample_export, tmp_path):
    led, path = sample_export
    with Ledger.open(tmp_path / "copy.aidledger") as dst:
        preview = preview_import(dst, read_import(path))
        assert preview.mode == "copy" and preview.ok
        result = apply_import(dst, preview)  # no accept_warnings, no skip_invalid
        assert not any("deadline (2024-09-30)" in p.message for p in result.warnings)
        _same(led, dst)
        assert len(dst.backups()) == 1


def test_a_new_warning_is_still_asked(sample_export, tmp_path):
    led, path = sample_export
    wb = openpyxl.load_workbook(path)
    ws = wb["Packages"]
    header = [c.value for c in ws[1]]
    number, value = header.index("Number"), header.index("Value")
    for row in ws.iter_rows(min_row=2):
        if row[number].value == "PDA 57":
            row[value].value = 99_000_000_000  # far beyond what PDA FY2024 holds: a warning the source never had
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    with Ledger.open(tmp_path / "copy.aidledger") as dst:
        preview = preview_import(dst, read_import(edited))
        with pytest.raises(WarningsNotAccepted) as caught:
            apply_import(dst, preview)
        asked = caught.value.problems
        assert asked[0].record == "package PDA 57 (id 57)" and asked[0].field == "value_cents"
        # Only warnings the source never accepted are asked (what PDA 57 now takes leaves the later packages short).
        assert not {accepted.key(p) for p in asked} & set(accepted.stored(led.conn))
        assert dst.count("package") == 0  # nothing half-written


def test_the_command_line_imports_the_export_without_flags(sample_export, tmp_path):
    _, path = sample_export
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(path), "--ledger", str(tmp_path / "c.aidledger"), "--yes"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "462 added" in proc.stdout and "after PDA FY2024's deadline" not in proc.stderr


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_after_a_libreoffice_resave_too(sample_export, tmp_path):
    led, path = sample_export
    profile = (tmp_path / "lo_profile").as_uri()
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                           "--outdir", str(tmp_path / "out"), str(path)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    resaved = tmp_path / "out" / path.name
    assert resaved.exists(), "LibreOffice wrote nothing"
    with Ledger.open(tmp_path / "copy.aidledger") as dst:
        preview = preview_import(dst, read_import(resaved))
        assert preview.mode == "copy" and preview.ok, preview.rejected[:3]
        apply_import(dst, preview)
        _same(led, dst)


def _about_keys(path) -> list[str]:
    about = {r[0].value: r[1].value for r in openpyxl.load_workbook(path)["About"].iter_rows() if r[0].value}
    return accepted.from_text(about.get("Accepted warnings"))


def test_an_undone_import_takes_the_warnings_it_accepted_with_it_and_its_redo_brings_them_back(tmp_path):
    import datetime as dt

    from cli_helpers import run_cli

    from ledger.model import Authority, Package

    path = tmp_path / "l.aidledger"
    with Ledger.open(path) as led:
        a = led.add(Authority("PDA", "PDA FY2024", 1_000_00, dt.date(2024, 4, 24)))
        led.add(Package("PDA 56", dt.date(2024, 5, 1), a.id, 500_00))
    csv = tmp_path / "deliveries.csv"
    csv.write_text("Date,Package,Value\n2024-05-01,PDA 56,300\n2024-05-02,PDA 56,300\n")
    code, _, err = run_cli("import", csv, "--ledger", path, "--yes", "--kind", "disbursements", "--accept-warnings")
    assert code == 0, err
    keys = ["disbursement 2024-05-02: Value"]
    book = tmp_path / "out.xlsx"

    def accepted_now() -> list[str]:
        with Ledger.open(path, readonly=True) as led:
            export_workbook(led, book)
            return accepted.stored(led.conn)

    assert accepted_now() == keys and _about_keys(book) == keys
    assert run_cli("undo", "--ledger", path)[0] == 0
    assert accepted_now() == [] and _about_keys(book) == []
    assert run_cli("redo", "--ledger", path)[0] == 0
    assert accepted_now() == keys and _about_keys(book) == keys
    assert run_cli("undo", "--ledger", path)[0] == 0
    assert run_cli("add", "source", "--ledger", path, "title=a release")[0] == 0  # the undone import is gone for good
    assert accepted_now() == []


def test_warnings_accepted_before_they_were_kept_by_action_still_count():
    led = Ledger.memory()
    with led._write(records=False):
        led.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (accepted.META_KEY, '["package PDA 1: Value"]'))
    assert accepted.stored(led.conn) == ["package PDA 1: Value"]
    with led._write(records=False):
        accepted.remember(led.conn, ["package PDA 2: Value"], None)
    assert accepted.stored(led.conn) == ["package PDA 1: Value", "package PDA 2: Value"]
