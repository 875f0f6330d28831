"""A sheet whose tags carry a namespace prefix (<x:worksheet>, <x:c>, <x:f>, as the .NET Open XML SDK
writes them) is read as the same sheet without one: its hidden column is left out with a note, and a
formula without a stored value is rejected as such (not as a missing value)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pytest

from ledger.excel.read import read_import

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Packages"
    ws.append(["Package", "Date", "Value", "Internal"])
    ws.append(["PDA 1", dt.date(2024, 1, 5), 100.0, "x"])
    ws.append(["PDA 2", dt.date(2024, 2, 5), "=C2*2", "y"])  # openpyxl stores no value for a formula
    ws.column_dimensions["D"].hidden = True
    wb.save(path)
    return path


def _prefixed(src, dst):
    """The same workbook with the sheet's tags written with the prefix x:."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode().replace(MAIN, MAIN.replace("xmlns=", "xmlns:x="))
                text = re.sub(r"<(/?)([A-Za-z]+)(?=[\s>/])", r"<\1x:\2", text)
                assert "<x:worksheet" in text and "<x:row " in text
                data = text.encode()
            zout.writestr(info, data)
    return dst


@pytest.mark.parametrize("prefixed", [False, True])
def test_a_prefixed_sheet_reads_as_the_plain_one(tmp_path, prefixed):
    path = _sheet(tmp_path / "plain.xlsx")
    if prefixed:
        path = _prefixed(path, tmp_path / "prefixed.xlsx")
        with zipfile.ZipFile(path) as z:
            assert b"<x:f>" in z.read("xl/worksheets/sheet1.xml")
    plan = read_import(path, kind="packages")
    assert any("hidden column 'Internal' ignored" in n for n in plan.notes), plan.notes
    (rejected,) = plan.rejected
    assert rejected.row == 3 and "formula without a stored value" in rejected.why
