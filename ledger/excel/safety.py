"""Checks a file before any parser sees it: what it really is, and whether it is safe to open.

A spreadsheet is a zip of XML parts. Hostile or broken ones are refused with a clear message before
parsing: not a zip at all (CSV or HTML renamed .xlsx), an old binary .xls, a password-protected
workbook (an encrypted OLE container), a truncated or corrupt zip, a zip bomb (parts that expand
beyond a cap or by an absurd ratio), XML with a DOCTYPE (entity bombs need one; real workbooks never
have one). Parts are streamed and counted as they expand, so a lying size header gains nothing.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_PART_BYTES = 2 * 1024**3  # a 1,000,000-row sheet of 20 columns expands to well under this
MAX_TOTAL_BYTES = 3 * 1024**3
MAX_RATIO = 500  # real sheet XML compresses 5-100x; a bomb of repeated bytes about 1000x
RATIO_FLOOR = 20 * 1024**2  # small parts may compress well (empty styles); judge ratio above this
CHUNK = 1 << 20

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_HIDDEN_COL = re.compile(rb"<col\b[^>]*>")
# A sheet's tags may carry a namespace prefix (<x:worksheet>, <x:c>, <x:f>: written by the .NET
# Open XML SDK and tools built on it); the scan looks for the tags with the prefix its root uses.
ROOT_TAG = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


@dataclass
class PartScan:
    """What a streamed pass over one worksheet part found."""

    size: int = 0
    hidden_columns: set[int] = field(default_factory=set)  # 0-based
    has_formulas: bool = False
    formulas_without_values: int = 0
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers
    filtered: bool = False  # an AutoFilter is set (its hidden rows are the ones it leaves out)


def kind_of_file(path: Path) -> str:
    """'xlsx', 'xls', 'encrypted', 'csv' or 'unknown' from the first bytes (never from the name)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnreadableFile(f"{path} cannot be read: {exc.strerror or exc}") from None
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        # An encrypted xlsx is an OLE container holding "EncryptionInfo" (UTF-16 names in the directory).
        with open(path, "rb") as fh:
            data = fh.read(1 << 20)
        return "encrypted" if "EncryptionInfo".encode("utf-16-le") in data else "xls"
    if not head:
        return "empty"
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return "html"
    if b"\x00" in head:
        return "unknown"
    return "csv"


def check_zip(path: Path) -> zipfile.ZipFile:
    """Open the zip and check its declared sizes; raise UnreadableFile with the reason."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, UnicodeDecodeError, NotImplementedError, ValueError):
        raise UnreadableFile(f"{path} is damaged: it is not a complete xlsx (zip) file; was it cut short while copying?") from None
    except OSError as exc:
        raise UnreadableFile(f"{path} cannot be read: {exc.strerror or exc}") from None
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        zf.close()
        if "content.xml" in names:
            raise UnreadableFile(f"{path} is an OpenDocument spreadsheet (.ods), which the ledger does not read: open it in "
                                 "LibreOffice Calc and save it as Excel 2007-365 (.xlsx), then import that file")
        raise UnreadableFile(f"{path} is a zip file but not an Excel workbook")
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or (
            info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            zf.close()
            raise UnreadableFile(
                f"{path} was refused: its part {info.filename} would expand to {info.file_size:,} bytes "
                f"from {info.compress_size:,} (a zip bomb, or a sheet far beyond what the ledger imports)"
            )
    return zf


def scan_xml(zf: zipfile.ZipFile, name: str, path: Path, worksheet: bool = False,
             passed: Callable[[bytes], None] | None = None, hidden_rows: bool = True) -> PartScan:
    """Stream one part: refuse DOCTYPEs (entity bombs) and expansion beyond the cap; for a worksheet,
    note hidden columns and formulas (with or without a cached value). `passed` is given each chunk
    once it has passed the checks (a sheet read in pieces as it streams: split_read.py)."""
    scan = PartScan()
    try:
        with zf.open(name) as fh:
            tail = row_tail = b""
            head_done = not worksheet
            cols, sheet_data, formula = _HIDDEN_COL, b"<sheetData", b"<f"
            while chunk := fh.read(CHUNK):
                scan.size += len(chunk)
                if scan.size > MAX_PART_BYTES:
                    raise UnreadableFile(f"{path} was refused: {name} expands beyond {MAX_PART_BYTES:,} bytes (a zip bomb?)")
                data = tail + chunk
                if b"!" in data and b"<!" in data and _DOCTYPE.search(data):  # "!" is rare in a sheet (and found in C): the regex runs when "<!" is there
                    raise UnreadableFile(f"{path} was refused: {name} declares XML entities (never in a real workbook; an entity bomb?)")
                if not head_done:
                    if not tail and (root := ROOT_TAG.search(data)) and root.group(1):
                        prefix = root.group(1) + b":"
                        cols = re.compile(b"<" + re.escape(prefix) + rb"col\b[^>]*>")
                        sheet_data, formula = b"<" + prefix + b"sheetData", b"<" + prefix + b"f"
                    end = data.find(sheet_data)
                    for m in cols.finditer(data if end < 0 else data[:end]):
                        attrs = dict(_ATTR.findall(m.group(0)))
                        if attrs.get(b"hidden") in (b"1", b"true"):
                            lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
                            scan.hidden_columns.update(range(lo - 1, min(hi, 16384)))
                    head_done = end >= 0
                # <f> <f ...> <f/>: a formula (one search per chunk; a <firstHeader> also matches and costs
                # only the exact search for formula cells that follows). "<" is in every cell, which makes
                # the two-byte search slow; "f" is rare outside formulas and found by memchr: asked first.
                if worksheet and not scan.has_formulas and b"f" in data and formula in data:
                    scan.has_formulas = True
                # Hidden rows (by hand, or by a filter left on) are rare: the regex runs only where one is.
                # `hidden_rows` False: our own sheets, read as they are (the search costs 30 ms in 50 MB).
                if worksheet and hidden_rows and b'hidden="' in data:
                    look = row_tail + chunk
                    for m in _HIDDEN_ROW.finditer(look):
                        if n := _ROW_NUMBER.search(m.group(0)):
                            scan.hidden_rows.add(int(n.group(1)))
                # Said only of hidden rows (which come before it, in <sheetData>): looked for once there are some.
                if worksheet and scan.hidden_rows and not scan.filtered and b"autoFilter" in data:
                    scan.filtered = True
                if passed:
                    passed(chunk)
                tail = data[-64:]
                row_tail = data[-512:]  # a row's tag is longer than `tail` keeps
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, NotImplementedError, ValueError) as exc:
        raise UnreadableFile(f"{path} is damaged ({name}: {exc}); was it cut short while copying?") from None
    except RuntimeError as exc:  # zipfile raises this for encrypted members
        raise UnreadableFile(f"{path} cannot be read: {exc}") from None
    return scan
