"""Round-trips against a spreadsheet application no one here wrote: LibreOffice, headless.

Two conversions in all (CI time): the export re-saved as xlsx, and the export as CSV of every sheet.
Each soffice gets its own user profile, and the output's existence is checked (a failed conversion
can still exit 0).
"""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from ledger.excel import apply_import, export_workbook, preview_import, read_import
from ledger.model import KIND_ORDER
from ledger.service import Ledger

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")]

FORMULA_TEXTS = ["=1+1", "+1+1", "-1+1", "@SUM(1,1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://example.com")', "=cmd|' /C calc'!A0"]


def soffice(tmp_path: Path, src: Path, target: str, name: str) -> Path:
    out = tmp_path / f"out_{name}"
    profile = (tmp_path / f"lo_{name}").as_uri()
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample_file):
    """The sample plus records whose texts look like formulas, exported once."""
    tmp = tmp_path_factory.mktemp("lo")
    led = Ledger.memory()
    from ledger.sample import build

    build(led)
    for package, text in zip(led.records("package"), FORMULA_TEXTS):
        led.edit("package", package.id, accept_warnings=True, notes=text)
    path = tmp / "export.xlsx"
    export_workbook(led, path)
    return led, path, tmp


def test_libreoffice_resaved_export_imports_as_the_same_ledger(exported):
    led, path, tmp = exported
    out = soffice(tmp, path, "xlsx", "xlsx") / "export.xlsx"
    assert out.exists(), "LibreOffice wrote nothing"
    dst = Ledger.memory()
    preview = preview_import(dst, read_import(out))
    assert preview.mode == "copy" and preview.ok, preview.rejected[:3]
    apply_import(dst, preview, accept_warnings=True)
    for kind in KIND_ORDER:
        assert dst.records(kind) == led.records(kind), kind
    assert dst.summary("2199-12-31", "system_type") == led.summary("2199-12-31", "system_type")
    # Back into the ledger it came from: nothing to change.
    again = preview_import(led, read_import(out))
    assert again.mode == "by id" and not again.has_changes and not again.missing
    # openpyxl reads the formula-like texts back as text cells, never formulas.
    wb = openpyxl.load_workbook(out)
    notes = {c.value: c.data_type for row in wb["Packages"].iter_rows(min_row=2) for c in row[8:9] if c.value}
    for text in FORMULA_TEXTS:
        assert notes.get(text) == "s", (text, notes.get(text))
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_libreoffice_reads_formula_like_text_as_text(exported):
    led, path, tmp = exported
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    out = soffice(tmp, path, target, "csv")
    packages = out / "export-Packages.csv"
    assert packages.exists(), sorted(p.name for p in out.iterdir())
    with open(packages, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][8] == "Notes"
    notes = [r[8] for r in rows[1:]]
    for text in FORMULA_TEXTS:
        assert text in notes, text  # shown as typed, not computed ("2") and not an error
    assert "2" not in notes
