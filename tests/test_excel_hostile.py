"""Hostile and broken files, made here in code: each gets a clear one-line message (or a note), in
bounded time and memory, and the ledger is unchanged."""

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ledger.excel import ExcelError, UnreadableFile, read_import
from ledger.excel.safety import OLE_MAGIC

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def good_xlsx(tmp_path_factory) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Package", "Announced", "Value ($M)"])
    ws.append(["PDA 1", "2024-01-02", 5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _write(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>'
)


def _cases(good: bytes) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, content, words the message must hold)."""
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    not_excel = io.BytesIO()
    with zipfile.ZipFile(not_excel, "w") as z:
        z.writestr("readme.txt", "hello")
    return {
        "html renamed": ("report.xlsx", b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>", "web page"),
        "old xls": ("old.xlsx", OLE_MAGIC + b"\x00" * 4000, "Excel 97-2003"),
        "password": ("locked.xlsx", OLE_MAGIC + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600, "password-protected"),
        "truncated": ("cut.xlsx", good[: len(good) // 2], "damaged"),
        "corrupt member": ("bad.xlsx", good[:200] + bytes(b ^ 0x5A for b in good[200:600]) + good[600:], "damaged"),
        "entity bomb": ("bomb.xlsx", _rezip(good, {"xl/sharedStrings.xml": ENTITY_BOMB}, {} if b"sharedStrings" in good else {"xl/sharedStrings.xml": ENTITY_BOMB}), "entities"),
        "zip bomb": ("zipbomb.xlsx", _rezip(good, {}, {"xl/media/pad.bin": b"\x00" * (60 * 1024**2)}), "zip bomb"),
        "ods": ("sheet.xlsx", ods.getvalue(), "OpenDocument"),
        "zip, not excel": ("other.xlsx", not_excel.getvalue(), "not an Excel workbook"),
        "empty file": ("empty.xlsx", b"", "empty"),
        "binary junk": ("junk.xlsx", bytes(range(256)) * 8, "not a workbook"),
    }


CASE_NAMES = ["html renamed", "old xls", "password", "truncated", "corrupt member", "entity bomb", "zip bomb", "ods",
              "zip, not excel", "empty file", "binary junk"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_hostile_file_is_refused_with_a_clear_message(case, good_xlsx, tmp_path, ledger):
    name, data, words = _cases(good_xlsx)[case]
    path = _write(tmp_path, name, data)
    start = time.monotonic()
    with pytest.raises(UnreadableFile) as exc:
        read_import(path, kind="packages")
    assert time.monotonic() - start < 10
    message = str(exc.value)
    assert words in message and str(path) in message and "\n" not in message
    assert ledger.count("package") == 0


def test_lying_size_header_is_caught_while_streaming(good_xlsx, tmp_path):
    # The central directory says the sheet is tiny; it expands to more than that.
    data = bytearray(good_xlsx)
    zf = zipfile.ZipFile(io.BytesIO(good_xlsx))
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    cd = data.rfind(b"PK\x01\x02", 0, len(data))
    while cd != -1:
        name_len = int.from_bytes(data[cd + 28 : cd + 30], "little")
        if data[cd + 46 : cd + 46 + name_len] == info.filename.encode():
            data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")  # uncompressed size
            break
        cd = data.rfind(b"PK\x01\x02", 0, cd)
    path = _write(tmp_path, "liar.xlsx", bytes(data))
    with pytest.raises(UnreadableFile, match="damaged"):
        read_import(path, kind="packages")


def test_csv_renamed_xlsx_is_read_as_csv_with_a_note(tmp_path):
    path = _write(tmp_path, "really.xlsx", b"Package,Announced,Value ($M)\nPDA 1,2024-01-02,5\n")
    plan = read_import(path, kind="packages")
    assert plan.format == "csv" and plan.row_count == 1
    assert any("holds CSV text" in n for n in plan.notes)


def test_empty_sheet_says_so(tmp_path):
    wb = openpyxl.Workbook()
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    with pytest.raises(ExcelError, match="sheet 'Sheet' is empty"):
        read_import(path)


def test_sheet_of_unknown_columns_asks_for_a_kind_or_a_mapping(tmp_path):
    path = _write(tmp_path, "odd.csv", b"Alpha,Beta\n1,2\n")
    with pytest.raises(ExcelError, match="--kind"):
        read_import(path)


def test_ambiguous_sheet_is_read_as_packages_and_says_so(tmp_path):
    path = _write(tmp_path, "p.csv", b"Package,Date,Value\nPDA 1,2024-01-02,5\n")
    plan = read_import(path)
    assert plan.batches[0].kind == "package"
    assert any("would also suit disbursements (say which with --kind" in n for n in plan.notes), plan.notes


def test_ambiguous_sheet_without_packages_asks_which_kind(tmp_path):
    path = _write(tmp_path, "d.csv", b"Metric,Delivered,Value\nremaining,2024-01-02,5\n")
    with pytest.raises(ExcelError, match=r"could hold .* say which \(--kind"):
        read_import(path)


def test_a_million_bad_rows_give_a_bounded_report(tmp_path):
    path = tmp_path / "million.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Package,Announced,Value\n")
        fh.write("PDA 1,2024-01-02,lots\n" * 1_000_000)
    plan = read_import(path, kind="packages")
    assert len(plan.rejected) == 10_000 and plan.row_count == 0
    assert any("990,000 more problems" in n for n in plan.notes)


def test_command_line_gives_one_line_and_exit_code_2(good_xlsx, tmp_path):
    for case in ("old xls", "entity bomb", "truncated"):
        name, data, words = _cases(good_xlsx)[case]
        path = _write(tmp_path, name, data)
        proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", str(path), "--ledger", str(tmp_path / "l.aidledger")],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("Error: ") and words in proc.stderr and "Traceback" not in proc.stderr
        assert proc.stderr.count("\n") == 1


def test_random_damage_never_escapes_as_an_unexpected_error(good_xlsx, tmp_path):
    import random

    from ledger.errors import LedgerError

    rng = random.Random(1234)
    for i in range(60):
        data = bytearray(good_xlsx)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            data[at] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        path = _write(tmp_path, f"d{i}.xlsx", bytes(data))
        try:
            read_import(path, kind="packages")
        except LedgerError as exc:
            assert "\n" not in str(exc)


def test_rows_around_a_table_are_told_apart_whatever_their_first_cell(tmp_path):
    """A row of spaces is blank; a note or a total is found by its words wherever it starts; a row
    starting with a date or a number is a record, even with one cell filled."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Package", "Announced", "Value ($M)"])
    ws.append(["PDA 1", "2024-01-02", 5])
    ws.append(["  ", " ", "   "])
    ws.append(["PDA 2", "2024-02-02", 7])
    ws.append([None, None, "Source: a press release, figures as announced"])
    ws.append(["Total", None, 12])
    ws.append([3])
    path = tmp_path / "around.xlsx"
    wb.save(path)
    plan = read_import(path, kind="packages")
    (batch,) = plan.batches
    assert batch.numbers == [2, 4, 7]
    assert any("row 5: a note, not a record" in n for n in plan.notes)
    assert any("row 6: a totals row" in n for n in plan.notes)
