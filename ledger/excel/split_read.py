"""Reading one big worksheet in pieces, on several cores at once.

python-calamine reads a sheet whole, on one core (about 100 MB of XML a second here). A big sheet
is cut into pieces at the start of a row as the safety scan streams its XML, and each piece, made a
small workbook of its own (the same styles, shared strings and workbook parts, stored uncompressed),
is read by python-calamine in a worker thread as soon as it is complete: calamine releases the
interpreter while it parses, so the pieces are read side by side while the scan goes on. Every
piece is made of bytes the scan has already passed, so no parser sees what the scan has not checked.

The rows are the cells reading the sheet whole gives, at the same places: numbered from row 1
(blank rows included), the values from column A. The first piece's rows are taken while the others
are still being parsed, so no piece can wait for the widest or leftmost of them: a row is as wide
as the widest row before it (the header's width, from the first piece, is every row's). Calamine
places every cell by its row's `r` attribute, so a piece keeps its rows' numbers; a sheet whose rows
lack it, or whose XML holds a comment or CDATA (where "<row" might not start a row), is read whole.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from .safety import ROOT_TAG

SPLIT_FROM = 16 * 1024**2  # bytes of sheet XML: below this, one core reads it in a fraction of a second
SPLIT_UP_TO = 128 * 1024**2  # above this the pieces held at once would cost more memory than the time saved
PIECE_FROM = 4 * 1024**2
PIECES_PER_WORKER = 4  # a worker starts on a piece while the scan goes on to the next; the first piece's rows are taken sooner
MAX_WORKERS = 4
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
Whole = Callable[[], tuple[int, Iterator[tuple[int, list]], list]]  # the sheet read whole: first column, rows, merged


def workers() -> int:
    """Cores this process may use, at most MAX_WORKERS (1: read whole)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        n = os.cpu_count() or 1
    return min(n, MAX_WORKERS)


def worth_splitting(zf: zipfile.ZipFile, part: str) -> bool:
    """A sheet big enough to gain, small enough to hold, whose shared strings (read again by every
    piece) are small beside it, on a machine with more than one core."""
    info = zf.NameToInfo.get(part)
    if info is None or not SPLIT_FROM <= info.file_size <= SPLIT_UP_TO or workers() < 2:
        return False
    strings = zf.NameToInfo.get("xl/sharedStrings.xml")
    return strings is None or strings.file_size * 8 <= info.file_size


class SplitSheet:
    """Fed the sheet's XML chunk by chunk (`feed`), as the safety scan reads it; `finish` reads the
    last piece and returns the sheet's rows, or None when the sheet must be read whole."""

    def __init__(self, zf: zipfile.ZipFile, part: str, sheet_name: str):
        self.part, self.sheet_name = part, sheet_name
        n = workers()
        self.piece_bytes = max(PIECE_FROM, zf.NameToInfo[part].file_size // (PIECES_PER_WORKER * n))
        # The parts a piece's workbook needs to be read as this sheet: every part but the worksheets
        # and the media (read once, here, before any thread starts).
        self.others = [(i.filename, zf.read(i.filename)) for i in zf.infolist()
                       if i.filename.endswith((".xml", ".rels")) and not i.filename.startswith("xl/worksheets/")]
        self.row_tag = self.sheet_data = self.tail = b""  # with the prefix the root's tag uses, from the first chunk
        self.head: bytes | None = None  # the XML up to and including <sheetData>, without its <dimension>
        self.chunks: list[bytes] = []
        self.size = 0
        self.first = True
        self.ok = True
        self.pool = ThreadPoolExecutor(n, thread_name_prefix="sheet-piece")
        self.pieces: list[Future] = []

    def feed(self, chunk: bytes) -> None:
        if not self.ok:
            return
        # "!" is rare in a sheet and found by memchr: the slower two-byte search runs only when it is there.
        if (b"!" in chunk and b"<!" in chunk) or (self.chunks and self.chunks[-1].endswith(b"<") and chunk.startswith(b"!")):
            return self._give_up()
        if not self.row_tag:
            root = ROOT_TAG.search(chunk)
            prefix = root.group(1) + b":" if root and root.group(1) else b""
            self.row_tag, self.sheet_data = b"<" + prefix + b"row ", b"<" + prefix + b"sheetData"
            self.tail = b"</" + prefix + b"sheetData></" + prefix + b"worksheet>"
        self.chunks.append(chunk)
        self.size += len(chunk)
        if self.size >= self.piece_bytes:
            self._cut()

    def _cut(self) -> None:
        if self.head is None:
            data = b"".join(self.chunks)
            at = data.find(self.sheet_data)
            end = data.find(b">", at) if at >= 0 else -1
            if end < 0:  # the rows have not started yet
                return
            if data[end - 1:end] == b"/":  # <sheetData/>: none at all
                return self._give_up()
            self.head = _DIMENSION.sub(b"", data[:end + 1])
            self.chunks = [data[end + 1:]]
        # The piece ends before the last row that starts in its last two chunks (a chunk holds many rows;
        # two, for a row tag split between them). The chunks are handed on as they are, not joined.
        last = self.chunks[-2][-len(self.row_tag):] + self.chunks[-1] if len(self.chunks) > 1 else self.chunks[-1]
        dropped = len(last) - len(self.chunks[-1])  # bytes of the chunk before, at the start of `last`
        cut = last.rfind(self.row_tag)
        close = last.find(b">", cut) if cut >= 0 else -1
        if cut >= 0 and close < 0:  # the last row's tag goes on in the next chunk: cut at the one before
            cut = last.rfind(self.row_tag, 0, cut)
            close = last.find(b">", cut) if cut >= 0 else -1
        at = cut - dropped  # in the last chunk; below 0: in the chunk before
        if close < 0 or (at <= 0 and len(self.chunks) == 1):  # no row has ended yet in this piece
            return
        if b' r="' not in last[cut:close]:  # rows numbered by their place alone: a piece would renumber them
            return self._give_up()
        if at >= 0:
            parts, rest = self.chunks[:-1] + [self.chunks[-1][:at]], self.chunks[-1][at:]
        else:
            parts, rest = self.chunks[:-2] + [self.chunks[-2][:at]], self.chunks[-2][at:] + self.chunks[-1]
        self.pieces.append(self.pool.submit(self._read, [self.head] + parts + [self.tail]))
        self.first = False
        self.chunks, self.size = [rest], len(rest)

    def finish(self, whole: Whole) -> tuple[Iterator[tuple[int, list]], list] | None:
        """The sheet's rows (numbered from 1, values from column A) and its merged ranges; None: read it
        whole. The rows come as each piece is read: the first piece's rows are taken while the
        others are still being parsed. `whole()` gives the sheet read whole (python-calamine), for
        the rows that follow a piece calamine could not read."""
        if not self.ok:
            return None
        if self.first:  # never cut: nothing gained
            self.close()
            return None
        # Merged ranges follow the rows, so only the last piece can hold them: waited for when it does.
        merging = any(b"mergeCell" in c for c in self.chunks)
        self.pieces.append(self.pool.submit(self._read, [self.head] + self.chunks))
        self.chunks = []
        try:
            merged = self.pieces[-1].result()[3] if merging else []
            first = self.pieces[0].result()
        except Exception:  # whatever a piece could not give, reading the sheet whole says in its own words
            self.close()
            return None
        return self._rows(first, whole), merged

    def _rows(self, first, whole: Whole) -> Iterator[tuple[int, list]]:
        """Each piece's rows in turn, as reading the sheet whole numbers them, from column A: blank rows
        between pieces filled in, each row at least as wide as those before it (the header's width,
        from the first piece, is every row's), a piece's leading blank columns filled in."""
        number, width = 1, 0
        try:
            for i in range(len(self.pieces)):
                try:
                    start, col, block, _ = first if i == 0 else self.pieces[i].result()
                    first = self.pieces[i] = None  # its cells are let go once its rows are read
                    if block is None:  # a piece of blank rows
                        continue
                    w, it = block
                    width = max(width, col + w)
                    while number <= start:
                        yield number, [""] * width
                        number += 1
                    left, right = [""] * col, [""] * (width - col - w)
                    for row in it:
                        yield number, (left + row + right) if col or width > col + w else row
                        number += 1
                except Exception:
                    yield from _rest_whole(whole, number)
                    return
        finally:
            self.close()

    def _read(self, xml: list[bytes]) -> tuple[int, int, list, list]:
        """A piece read by python-calamine; its sheet XML comes in parts (the head, its rows' chunks,
        the tail), written out one after the other."""
        from python_calamine import CalamineWorkbook

        # A file, not a BytesIO: python-calamine reads a file object by small growing reads, holding
        # the interpreter (0.1 s for 50 MB), and a file by path without it.
        fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="aidledger-piece-")
        try:
            with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zo:
                for part, data in self.others:
                    zo.writestr(part, data)
                info = zipfile.ZipInfo(self.part, date_time=(1980, 1, 1, 0, 0, 0))
                with zo.open(info, "w") as out:
                    for data in xml:
                        out.write(data)
            del xml
            wb = CalamineWorkbook.from_path(name)
            try:
                sh = wb.get_sheet_by_name(self.sheet_name)
            finally:
                wb.close()
        finally:
            os.unlink(name)
        merged, start = sh.merged_cell_ranges or [], sh.start
        if start is None:  # a piece of blank rows
            return 0, 0, None, merged
        # Its rows one at a time, as reading the sheet whole gives them (the cells stay in calamine's
        # compact form until then); calamine yields the rows before the piece's first as blanks.
        rows = sh.iter_rows()
        next(itertools.islice(rows, start[0], start[0]), None)
        return start[0], start[1], (sh.width, rows), merged

    def _give_up(self) -> None:
        self.ok = False
        self.chunks = []
        self.close()

    def close(self) -> None:
        for f in self.pieces:
            if f is not None:
                f.cancel()
        self.pool.shutdown(wait=False)


def _rest_whole(whole: Whole, number: int) -> Iterator[tuple[int, list]]:
    """The rows from `number` on of the sheet read whole, from column A."""
    col, rows, _ = whole()
    for at, row in rows:
        if at >= number:
            yield at, ([""] * col + row) if col else row
