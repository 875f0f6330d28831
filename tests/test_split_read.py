"""A big sheet read in pieces on several cores gives exactly the rows, first column and merged ranges
of the sheet read whole; sheets it cannot cut safely are read whole.

The size limits are lowered here so that small workbooks are cut into many pieces (a piece a few
rows long), which puts piece boundaries next to everything that could go wrong at one: blank rows,
leading blank columns, merged cells, shared strings, dates, a namespace prefix."""

from __future__ import annotations

import datetime as dt
import gc
import re
import tempfile
import time
import zipfile
from pathlib import Path

import foreign_corpus
import openpyxl
import pytest
from test_excel_libreoffice import SOFFICE, soffice
from test_prefixed_sheet import _prefixed

from ledger.excel import split_read
from ledger.excel.sources import open_book


def _read(path: Path) -> dict:
    """Each sheet's merged ranges, hidden columns and rows, each row's values from column A up to its
    last filled cell: the cells a reader meets, wherever its values start (`col0`) and however far
    its trailing blanks go (a row read in pieces is as wide as the rows before it)."""
    book = open_book(path)
    try:
        out = {}
        for name in book.sheet_names:
            sheet = book.open_sheet(name)
            rows = []
            for number, values in sheet.rows:
                values = [""] * sheet.col0 + values
                while values and values[-1] == "":
                    values.pop()
                rows.append((number, values))
            out[name] = (sorted(map(tuple, sheet.merged)), sheet.hidden_columns, rows)
        return out
    finally:
        book.close()


def _cols0(path: Path) -> dict:
    book = open_book(path)
    try:
        return {name: book.open_sheet(name).col0 for name in book.sheet_names}
    finally:
        book.close()


class _Cuts(list):
    """The pieces read, and for each sheet whether it was read in pieces."""

    def __init__(self):
        super().__init__()
        self.sheets = []
        self.failed = []  # pieces calamine could not read (their rows then come from the sheet read whole)
        self.failures_expected = False


@pytest.fixture
def pieces(monkeypatch, tmp_path_factory):
    """Cut every sheet into pieces of about 300 bytes of XML, on two workers; count the cuts."""
    cuts = _Cuts()
    monkeypatch.setattr("ledger.excel.sources.worth_splitting", lambda zf, part: part in zf.NameToInfo)
    monkeypatch.setattr(split_read, "PIECE_FROM", 300)
    monkeypatch.setattr(split_read, "PIECES_PER_WORKER", 10_000)
    monkeypatch.setattr(split_read, "workers", lambda: 2)
    real_write, real = split_read.SplitSheet._write_piece, split_read.SplitSheet._read

    def counted(self, i, xml):
        cuts.append(sum(map(len, xml)))
        return real_write(self, i, xml)

    def watched(self, written):
        try:
            return real(self, written)
        except Exception as exc:
            if not self.closed:  # a sheet given up cancels the pieces not yet parsed
                cuts.failed.append(exc)
            raise

    monkeypatch.setattr(split_read.SplitSheet, "_write_piece", counted)
    monkeypatch.setattr(split_read.SplitSheet, "_read", watched)
    real_finish = split_read.SplitSheet.finish

    def finish(self, whole):
        cuts.split = self
        out = real_finish(self, whole)
        cuts.sheets.append(out is not None)
        return out

    monkeypatch.setattr(split_read.SplitSheet, "finish", finish)
    monkeypatch.setattr("ledger.excel.safety.CHUNK", 256)  # the scan's chunks: pieces are cut as they come
    monkeypatch.setattr(split_read, "AHEAD_BYTES", 600)  # parsed a few pieces ahead of the rows read, as a big sheet is
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path_factory.mktemp("tmp")))
    yield cuts
    gc.collect()
    for _ in range(50):  # every piece's file and folder removed (a parse still running removes its own)
        if not list(Path(tempfile.gettempdir()).iterdir()):
            break
        time.sleep(0.05)
    assert not list(Path(tempfile.gettempdir()).iterdir())
    # Reading whole after a failed piece gives the same rows, so a bad cut would hide behind it.
    assert cuts.failures_expected or not cuts.failed, cuts.failed[:3]


def _whole(path: Path, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setattr("ledger.excel.sources.worth_splitting", lambda zf, part: False)
        return _read(path)


def _messy(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deliveries"
    ws["C2"] = "Deliveries to Ukraine (reported)"
    ws.merge_cells("C2:F2")
    ws.append([])
    ws.append([None, None, "Date", "Package", "Quantity", "Value", "Notes"])
    for i in range(400):
        if i % 37 == 5:
            ws.append([])  # blank rows, some of them where a piece ends
            ws.append([])
            continue
        ws.append([None, None, dt.date(2023, 1, 1) + dt.timedelta(days=i), f"PDA {i % 40}", i % 7 or None,
                   1000.5 * i, ("note é ∑ " * (i % 3)) or None])
    ws.merge_cells("G100:H101")
    ws["B300"] = "a cell in a column no other row uses"
    ws.column_dimensions["F"].hidden = True
    other = wb.create_sheet("Small")
    other.append(["Name", "Amount"])
    other.append(["one", 1])
    wb.save(path)
    return path


def test_a_messy_sheet_read_in_pieces_is_the_sheet_read_whole(tmp_path, pieces, monkeypatch):
    path = _messy(tmp_path / "messy.xlsx")
    whole = _whole(path, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr("ledger.excel.sources.worth_splitting", lambda zf, part: False)
        assert _cols0(path)["Deliveries"] == 1  # read whole, the stray cell in B moves the first column
    assert _read(path) == whole
    assert [v for n, v in whole["Deliveries"][2] if n == 300][0][1] == "a cell in a column no other row uses"
    assert len(pieces) > 20


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_a_sheet_libreoffice_saved_reads_alike(tmp_path, pieces, monkeypatch):
    """LibreOffice writes every text as a shared string, read again by every piece."""
    path = soffice(tmp_path, _messy(tmp_path / "messy.xlsx"), "xlsx", "lo") / "messy.xlsx"
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    assert _read(path) == _whole(path, monkeypatch)
    assert len(pieces) > 20


def test_a_sheet_with_prefixed_tags_reads_alike(tmp_path, pieces, monkeypatch):
    prefixed = _prefixed(_messy(tmp_path / "src.xlsx"), tmp_path / "prefixed.xlsx")
    assert _read(prefixed) == _whole(prefixed, monkeypatch)
    assert len(pieces) > 20


def test_the_foreign_corpus_reads_alike(tmp_path, pieces, monkeypatch):
    for case in foreign_corpus.CASES:
        path = case.build(tmp_path)
        if path.suffix != ".xlsx":
            continue
        assert _read(path) == _whole(path, monkeypatch), path.name


def test_rows_without_numbers_or_with_comments_are_read_whole(tmp_path, pieces, monkeypatch):
    src = _messy(tmp_path / "src.xlsx")
    for name, change in (("unnumbered", lambda t: re.sub(r'<row r="\d+"', "<row", t)),
                         ("commented", lambda t: t.replace("</row>", "</row><!-- a row ends -->"))):
        dst = tmp_path / f"{name}.xlsx"
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = change(data.decode()).encode()
                zout.writestr(info, data)
        pieces.sheets.clear()
        assert _read(dst) == _whole(dst, monkeypatch), name
        assert pieces.sheets == [False, True], name  # the changed sheet read whole, the other in pieces


def test_the_limits_leave_small_sheets_big_shared_strings_and_one_core_alone(tmp_path, monkeypatch):
    path = _messy(tmp_path / "messy.xlsx")
    with zipfile.ZipFile(path) as zf:
        part = "xl/worksheets/sheet1.xml"
        size = zf.getinfo(part).file_size
        monkeypatch.setattr(split_read, "workers", lambda: 2)
        assert not split_read.worth_splitting(zf, part)  # far below the size it pays from
        monkeypatch.setattr(split_read, "SPLIT_FROM", 0)
        assert split_read.worth_splitting(zf, part)
        strings = zipfile.ZipInfo("xl/sharedStrings.xml")
        monkeypatch.setitem(zf.NameToInfo, strings.filename, strings)
        strings.file_size = size // 8
        assert split_read.worth_splitting(zf, part)
        strings.file_size = size // 2  # every piece would read them again
        assert not split_read.worth_splitting(zf, part)
        strings.file_size = 0
        monkeypatch.setattr(split_read, "SPLIT_UP_TO", size - 1)  # too big to hold in pieces
        assert not split_read.worth_splitting(zf, part)
        monkeypatch.setattr(split_read, "SPLIT_UP_TO", size)
        assert split_read.worth_splitting(zf, part)
        monkeypatch.setattr(split_read, "workers", lambda: 1)
        assert not split_read.worth_splitting(zf, part)


def test_our_own_export_is_cut_and_imports_alike(tmp_path, pieces, monkeypatch):
    from ledger.excel import export_workbook
    from ledger.excel.read import read_import
    from ledger.sample import write_sample

    led, _ = write_sample(tmp_path / "s.aidledger")
    with led:
        export_workbook(led, tmp_path / "own.xlsx")
    before = len(pieces)
    split = read_import(tmp_path / "own.xlsx")
    assert len(pieces) - before > 10
    with monkeypatch.context() as m:
        m.setattr("ledger.excel.sources.worth_splitting", lambda zf, part: False)
        whole = read_import(tmp_path / "own.xlsx")
    assert repr(split.batches) == repr(whole.batches)


def test_a_sheet_whose_values_start_past_column_a_imports_alike(tmp_path, pieces, monkeypatch):
    """Read in pieces, its rows start at column A (the first piece cannot know where a later one
    starts); read whole, at column B: the same records, notes and problems either way."""
    from ledger.excel.read import read_import

    path = _messy(tmp_path / "messy.xlsx")
    split = read_import(path, kind="disbursements", sheet="Deliveries")
    with monkeypatch.context() as m:
        m.setattr("ledger.excel.sources.worth_splitting", lambda zf, part: False)
        whole = read_import(path, kind="disbursements", sheet="Deliveries")
    assert repr(split.batches) == repr(whole.batches)
    assert split.notes == whole.notes and repr(split.rejected) == repr(whole.rejected)
    assert sum(len(b) for b in split.batches) > 300


@pytest.mark.parametrize("failing", [0, 3])
def test_a_piece_calamine_cannot_read_leaves_its_rows_to_the_sheet_read_whole(tmp_path, pieces, monkeypatch, failing):
    """The first piece failing: the sheet is read whole; a later one: its rows and the rest come from
    the sheet read whole, after the rows already read."""
    path = _messy(tmp_path / "messy.xlsx")
    whole = _whole(path, monkeypatch)
    real = split_read.SplitSheet._read
    seen = []

    def fails(self, xml):
        seen.append(1)
        if len(seen) == failing + 1:
            raise ValueError("not a piece calamine can read")
        return real(self, xml)

    monkeypatch.setattr(split_read.SplitSheet, "_read", fails)
    pieces.failures_expected = True
    assert _read(path) == whole
    assert len(seen) > failing + 1


def test_a_big_sheet_is_parsed_only_a_few_pieces_ahead_of_its_rows(tmp_path, pieces):
    """Each piece is written to its file as it is cut, and parsed a few pieces ahead of the rows being
    read: a big sheet's cells are never all held at once."""
    book = open_book(_messy(tmp_path / "messy.xlsx"))
    try:
        rows = book.open_sheet("Deliveries").rows
        next(rows)
        split = pieces.split
        assert len(split.written) > 20
        # the piece read, those ahead of it, and the last (it holds the merged ranges)
        assert len(split.pieces) <= split.ahead + 2 < len(split.written)
        assert sum(1 for _ in rows) > 300
        assert len(split.pieces) == len(split.written)
    finally:
        book.close()

