"""Reading one big worksheet in pieces, on several cores at once.

python-calamine reads a sheet whole, on one core (about 100 MB of XML a second here). A big sheet
is cut into pieces at the start of a row as the safety scan streams its XML, and each piece, made a
small workbook of its own (the same styles, shared strings and workbook parts, stored uncompressed),
is written to a file of its own as soon as it is complete and read by python-calamine in a worker
thread: calamine releases the interpreter while it parses, so the pieces are read side by side while
the scan goes on. Pieces are parsed only a few ahead of the rows being read (AHEAD_BYTES), so a big
sheet's cells are never all held at once: at a million rows, the import's peak memory is two thirds
of the sheet read whole. Every piece is made of bytes the scan has already passed, so no parser sees
what the scan has not checked.

The rows are the cells reading the sheet whole gives, at the same places: numbered from row 1
(blank rows included), the values from column A. The first piece's rows are taken while the others
are still being parsed, so no piece can wait for the widest or leftmost of them: a row is as wide
as the widest row before it (the header's width, from the first piece, is every row's). Calamine
places every cell by its row's `r` attribute, so a piece keeps its rows' numbers; a sheet whose rows
lack it, or whose XML holds a comment or CDATA (where "<row" might not start a row), is read whole.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import tempfile
import threading
import weakref
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from .safety import ROOT_TAG

SPLIT_FROM = 16 * 1024**2  # bytes of sheet XML: below this, one core reads it in a fraction of a second
SPLIT_UP_TO = 1024**3  # above this a piece file per few megabytes would crowd the temporary folder
PIECE_FROM = 4 * 1024**2
PIECE_UP_TO = 16 * 1024**2  # a big sheet's pieces: their cells are held only a few at a time
AHEAD_BYTES = 64 * 1024**2  # XML parsed ahead of the piece whose rows are being read (a few pieces of a big sheet)
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
    """A sheet big enough to gain, whose shared strings (read again by every piece) are small beside
    it, on a machine with more than one core and room for its pieces in the temporary folder."""
    info = zf.NameToInfo.get(part)
    if info is None or not SPLIT_FROM <= info.file_size <= SPLIT_UP_TO or workers() < 2:
        return False
    try:
        if shutil.disk_usage(tempfile.gettempdir()).free < 2 * info.file_size:
            return False
    except OSError:
        return False
    strings = zf.NameToInfo.get("xl/sharedStrings.xml")
    return strings is None or strings.file_size * 8 <= info.file_size


class SplitSheet:
    """Fed the sheet's XML chunk by chunk (`feed`), as the safety scan reads it; `finish` reads the
    last piece and returns the sheet's rows, or None when the sheet must be read whole."""

    def __init__(self, zf: zipfile.ZipFile, part: str, sheet_name: str):
        self.part, self.sheet_name = part, sheet_name
        n = workers()
        self.piece_bytes = min(PIECE_UP_TO, max(PIECE_FROM, zf.NameToInfo[part].file_size // (PIECES_PER_WORKER * n)))
        self.ahead = max(2 * n, AHEAD_BYTES // self.piece_bytes)
        # The parts a piece's workbook needs to be read as this sheet: every part but the worksheets
        # and the media (read once, here, before any thread starts).
        self.others = [(i.filename, zf.read(i.filename)) for i in zf.infolist()
                       if i.filename.endswith((".xml", ".rels")) and not i.filename.startswith("xl/worksheets/")]
        self.row_tag = self.sheet_data = self.tail = b""  # with the prefix the root's tag uses, from the first chunk
        self.head: bytes | None = None  # the XML up to and including <sheetData>, without its <dimension>
        self.chunks: list[bytes] = []
        self.size = 0
        self.ok = True
        self.pool = ThreadPoolExecutor(n, thread_name_prefix="sheet-piece")
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="sheet-piece-file")  # never queued behind a parse
        # Each piece is written to its file as soon as it is cut (its bytes let go), and parsed only a
        # few pieces ahead of the rows being read: a big sheet's cells are never all held at once.
        self.folder = tempfile.mkdtemp(prefix="aidledger-pieces-")
        self.written: list[Future] = []  # each piece's file
        self.pieces: dict[int, Future | None] = {}  # the pieces asked to be parsed (None: its rows read)
        self.asked = 0  # pieces 0 to this asked in turn (`_ahead`); the last one may be asked out of turn
        self.lock = threading.Lock()
        self.closed = False
        # A sheet opened and never read (a hidden one skipped, say): its files go when it does.
        weakref.finalize(self, _remove, self.pool, self.writer, self.folder)

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
        self._write([self.head] + parts + [self.tail])
        self.chunks, self.size = [rest], len(rest)
        self._ahead(self.ahead)

    def finish(self, whole: Whole) -> tuple[Iterator[tuple[int, list]], list] | None:
        """The sheet's rows (numbered from 1, values from column A) and its merged ranges; None: read it
        whole. The rows come as each piece is read: the first piece's rows are taken while the
        others are still being parsed. `whole()` gives the sheet read whole (python-calamine), for
        the rows that follow a piece calamine could not read."""
        if not self.ok:
            return None
        if not self.written:  # never cut: nothing gained
            self.close()
            return None
        # Merged ranges follow the rows, so only the last piece can hold them: waited for when it does.
        merging = any(b"mergeCell" in c for c in self.chunks)
        self._write([self.head] + self.chunks)
        self.chunks = []
        self._ahead(self.ahead)
        try:
            merged = self._parsed(len(self.written) - 1).result()[3] if merging else []
            first = self._parsed(0).result()
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
            for i in range(len(self.written)):
                try:
                    self._ahead(i + 1 + self.ahead)
                    start, col, block, _ = first if i == 0 else self._parsed(i).result()
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

    def _write(self, xml: list[bytes]) -> None:
        self.written.append(self.writer.submit(self._write_piece, len(self.written), xml))

    def _write_piece(self, i: int, xml: list[bytes]) -> str:
        """A piece as a workbook of its own, in a file; its sheet XML comes in parts (the head, its rows'
        chunks, the tail), written out one after the other. A file, not a BytesIO: python-calamine reads
        a file object by small growing reads, holding the interpreter (0.1 s for 50 MB), and a file by
        path without it."""
        name = os.path.join(self.folder, f"{i}.xlsx")
        with self.lock:
            if self.closed:
                raise RuntimeError("the sheet's pieces are closed")
            with open(name, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zo:
                for part, data in self.others:
                    zo.writestr(part, data)
                info = zipfile.ZipInfo(self.part, date_time=(1980, 1, 1, 0, 0, 0))
                with zo.open(info, "w") as out:
                    for data in xml:
                        out.write(data)
        return name

    def _ahead(self, upto: int) -> None:
        """Pieces up to `upto` asked to be parsed (each waits for its file)."""
        while self.asked < min(upto, len(self.written)):
            self._parsed(self.asked)
            self.asked += 1

    def _parsed(self, i: int) -> Future:
        if i not in self.pieces:
            self.pieces[i] = self.pool.submit(self._read, self.written[i])
        return self.pieces[i]

    def _read(self, written: Future) -> tuple[int, int, list, list]:
        """A piece read by python-calamine, once its file is written."""
        from python_calamine import CalamineWorkbook

        name = written.result()
        try:
            wb = CalamineWorkbook.from_path(name)
            try:
                sh = wb.get_sheet_by_name(self.sheet_name)
            finally:
                wb.close()
        finally:
            with contextlib.suppress(OSError):  # closed meanwhile: the folder is being removed
                os.unlink(name)
            if self.closed:
                with contextlib.suppress(OSError):
                    os.rmdir(self.folder)
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
        with self.lock:  # no piece file is written after this
            self.closed = True
        for f in [*self.pieces.values(), *self.written]:
            if f is not None:
                f.cancel()
        # The files left (pieces not parsed; a parse running now has its file open: removed after it).
        _remove(self.pool, self.writer, self.folder)


def _remove(pool: ThreadPoolExecutor, writer: ThreadPoolExecutor, folder: str) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    writer.shutdown(wait=False, cancel_futures=True)
    shutil.rmtree(folder, ignore_errors=True)


def _rest_whole(whole: Whole, number: int) -> Iterator[tuple[int, list]]:
    """The rows from `number` on of the sheet read whole, from column A."""
    col, rows, _ = whole()
    for at, row in rows:
        if at >= number:
            yield at, ([""] * col + row) if col else row
