"""Reading sheets out of files: xlsx (python-calamine, after the safety checks) and CSV.

A sheet is handed on as rows of cell values with their 1-based row numbers, plus what the parser
alone does not say: hidden columns, merged ranges, formula cells without a stored value, and the
workbook's date system (1900 or 1904).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnreadableFile
from .safety import check_zip, kind_of_file, scan_xml
from .split_read import SplitSheet, worth_splitting

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET_TAG = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"|<(?:\w+:)?sheet\b[^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*>')
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_DATE1904 = re.compile(rb'date1904="(1|true)"')


@dataclass
class Sheet:
    name: str
    rows: Iterator[tuple[int, list]]  # (row number, values from column `col0` on)
    col0: int = 0  # 0-based index of the first column the values start at
    hidden_columns: set[int] = field(default_factory=set)  # 0-based, absolute
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based, inclusive
    formula_blanks: set[tuple[int, int]] = field(default_factory=set)  # (row number, 0-based column)
    date1904: bool = False
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)  # 1-based, hidden by hand or by a filter
    filtered: bool = False  # an AutoFilter is on
    decimal_comma: bool = False  # a CSV separated by semicolons: written where the comma is the decimal mark


@dataclass
class Book:
    format: str  # "xlsx" | "csv"
    sheet_names: list[str]
    open_sheet: object  # (name, hidden_rows=True) -> Sheet
    close: object = None


def open_book(path: Path) -> Book:
    kind = kind_of_file(path)
    if kind == "xlsx":
        return _xlsx(path)
    if kind == "csv":
        return _csv(path)
    why = {
        "xls": "an old Excel 97-2003 workbook (.xls): open it in Excel or LibreOffice and save it as .xlsx",
        "encrypted": "a password-protected workbook: remove the password in Excel (File > Info > Protect Workbook) and save it again",
        "html": "a web page (HTML) or XML file, not a workbook: open it in a spreadsheet and save it as .xlsx",
        "empty": "empty (0 bytes)",
        "unknown": "not a workbook or a CSV file (binary content of an unknown kind)",
    }[kind]
    raise UnreadableFile(f"{path} is {why}")


# -- xlsx -------------------------------------------------------------------------------------------


def _xlsx(path: Path) -> Book:
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    zf = check_zip(path)
    try:
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")) and not info.filename.startswith("xl/worksheets/"):
                scan_xml(zf, info.filename, path)
        workbook_xml = zf.read("xl/workbook.xml")
        parts = _sheet_parts(zf, workbook_xml)
        date1904 = bool(_DATE1904.search(workbook_xml))
    except KeyError as exc:
        zf.close()
        raise UnreadableFile(f"{path} is damaged: {exc} is missing") from None
    except BaseException:
        zf.close()
        raise
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        zf.close()
        raise UnreadableFile(f"{path} is password-protected: remove the password and save it again") from None
    except BaseException as exc:  # CalamineError, or a panic inside the parser (not an Exception subclass)
        zf.close()
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise UnreadableFile(f"{path} cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
    visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet}
    names = [n for n in wb.sheet_names if n in visible]

    def whole(name: str) -> tuple[int, Iterator[tuple[int, list]], list]:
        try:
            sh = wb.get_sheet_by_name(name)
            merged = sh.merged_cell_ranges or []
            start = sh.start
        except Exception as exc:
            raise UnreadableFile(f"{path}, sheet {name!r} cannot be read ({type(exc).__name__}: {exc})") from None
        return (start[1] if start else 0), _numbered(sh, name, path), merged

    def open_sheet(name: str, hidden_rows: bool = True) -> Sheet:
        """`hidden_rows`: note the rows Excel hides (a foreign sheet says them; our own sheets need not)."""
        part = parts.get(name)
        scan = split = None
        if part and part in zf.NameToInfo:
            split = SplitSheet(zf, part, name) if worth_splitting(zf, part) else None
            try:
                scan = scan_xml(zf, part, path, worksheet=True, passed=split and split.feed, hidden_rows=hidden_rows)
            except BaseException:
                if split:
                    split.close()
                raise
        pieces = split and split.finish(lambda: whole(name))
        if pieces:
            (rows, merged), col0 = pieces, 0
        else:
            col0, rows, merged = whole(name)
        sheet = Sheet(name, rows, col0, date1904=date1904, merged=list(merged), hidden=not visible.get(name, True))
        if scan:
            sheet.hidden_columns = scan.hidden_columns
            sheet.hidden_rows, sheet.filtered = scan.hidden_rows, scan.filtered
            if scan.has_formulas:
                sheet.formula_blanks = _formula_blanks(zf, part, path)
        return sheet

    def close():
        wb.close()
        zf.close()

    return Book("xlsx", names, open_sheet, close)


def _numbered(sh, name: str, path: Path) -> Iterator[tuple[int, list]]:
    # python-calamine yields rows from the first row of the sheet (leading empty rows included) and
    # columns from the first used column.
    try:
        yield from enumerate(sh.iter_rows(), 1)
    except Exception as exc:
        raise UnreadableFile(f"{path}, sheet {name!r} cannot be read ({type(exc).__name__}: {exc})") from None


def _sheet_parts(zf: zipfile.ZipFile, workbook_xml: bytes) -> dict[str, str]:
    """sheet name -> its part ('xl/worksheets/sheet1.xml')."""
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for m in _REL.finditer(rels):
        a = dict(_ATTR.findall(m.group(0)))
        target = a.get(b"Target", b"").decode()
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[a.get(b"Id", b"").decode()] = target
    out = {}
    for m in _SHEET_TAG.finditer(workbook_xml):
        name, rid = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        out[_unescape(name.decode("utf-8"))] = targets.get(rid.decode(), "")
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _formula_blanks(zf: zipfile.ZipFile, part: str, path: Path) -> set[tuple[int, int]]:
    """Cells holding a formula but no stored value (written by a program that does not calculate)."""
    from lxml import etree
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    out = set()
    c_tag, f_tag, v_tag = f"{{{NS_MAIN}}}c", f"{{{NS_MAIN}}}f", f"{{{NS_MAIN}}}v"
    with zf.open(part) as fh:
        try:
            for _, el in etree.iterparse(fh, tag=c_tag, resolve_entities=False, no_network=True, huge_tree=False):
                if el.find(f_tag) is not None:
                    v = el.find(v_tag)
                    if v is None or not (v.text or "").strip():
                        col, row = coordinate_from_string(el.get("r"))
                        out.add((row, column_index_from_string(col) - 1))
                el.clear()
        except etree.XMLSyntaxError as exc:
            raise UnreadableFile(f"{path} is damaged ({part}: {exc})") from None
    return out


# -- CSV --------------------------------------------------------------------------------------------


def _csv(path: Path) -> Book:
    encoding = _encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(64 * 1024)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    name = path.stem

    def rows() -> Iterator[tuple[int, list]]:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                yield from enumerate(reader, 1)
            except csv.Error as exc:
                raise UnreadableFile(f"{path} is not a readable CSV file (line {reader.line_num}: {exc})") from None
            except UnicodeDecodeError:  # the first megabyte looked like {encoding}, a later line is not
                raise UnreadableFile(f"{path} mixes text encodings (text after line {reader.line_num} is not {encoding}): "
                                     "save it again as UTF-8 CSV") from None

    return Book("csv", [name], lambda _name, hidden_rows=True: Sheet(name, rows(), decimal_comma=delimiter == ";"))


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 (what Excel writes by default)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        io.TextIOWrapper(io.BytesIO(head), encoding="utf-8-sig").read()
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if len(head) == 1 << 20 and exc.start > len(head) - 4:  # a character cut at the sample's end
            return "utf-8-sig"
        return "cp1252"
