"""Read a workbook or CSV file into an ImportPlan: typed rows and rejected cells. Nothing is written.

Our own exports are recognised by their About sheet and read by their exact layout. Any other sheet
is read as analysts make them: the header row found among the first rows, columns matched by name
and synonym (units in headers honoured), blank rows, merged cells, hidden columns and a totals row
handled, each such decision written into the plan's notes (telling those rows apart:
`sheet_rows.py`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import accepted
from ..dates import MONTHS
from ..model import KINDS
from ..words import first_few
from . import header_match as hm
from . import headers as hdr
from . import layout
from .cells_in import CellError, FigureCells, column_converter, converter, id_column, is_blank, text_column
from .errors import Cancelled, ExcelError, UnreadableFile
from .plan import Batch, ImportPlan, Rejection
from .problems import article
from .profiles import list_profiles, load_profile, profile_for_shape
from .sheet_rows import (
    fill_merged,
    has_value,
    header_texts,
    is_note_row,
    merged_lookup,
    says_total,
    short_text,
    sums_above,
)
from .sources import Book, Sheet, open_book

# Kinds a foreign sheet may hold (the command line's --kind names them in the plural).
IMPORT_KINDS = ("package", "line", "disbursement", "authority", "observation", "reported_figure", "disbursement_by_authority")
KIND_WORDS = {"packages": "package", "lines": "line", "package-lines": "line", "disbursements": "disbursement",
              "authorities": "authority", "observations": "observation", "reported-figures": "reported_figure",
              "disbursements-by-authority": "disbursement_by_authority"}
_FIGURES = ("cents", "signed_cents", "date", "int")  # columns whose text cells may carry footnote marks
MAX_REJECTIONS = 10_000  # beyond this only the count grows: a report of a million errors helps no one
CHECK_EVERY = 5000
BLOCK_ROWS = 20_000  # foreign rows converted a column at a time; only a block of raw cells is held
FORMULA_WITHOUT_VALUE = "a formula without a stored value: open the file in Excel or LibreOffice, save it, and import again"
# What a sheet of each kind must hold (a message names them when no column is recognised).
NEEDED = {"package": ("announced_on", "value_cents"), "line": ("package_id", "system_type_id", "description"),
          "disbursement": ("disbursed_on", "package_id"), "authority": ("program", "name", "amount_cents", "available_from"),
          "observation": ("observed_on", "metric", "value_cents")}


def read_import(
    path: str | os.PathLike,
    kind: str | None = None,
    sheet: str | int | None = None,
    profile: str | None = None,
    day_first: bool | None = None,
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportPlan:
    """Read `path` (xlsx or CSV). `kind` says what a foreign sheet holds when its headers cannot
    ("packages", "lines", ... or the singular); `mapping` maps header text to a field name ("" ignores
    the column); `defaults` gives field values for columns the sheet lacks (e.g. authority);
    `day_first` orders numeric dates (never guessed: ambiguous ones are rejected without it)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"{path} does not exist")
    if path.is_dir():
        raise UnreadableFile(f"{path} is a folder, not a file")
    if kind is not None:
        kind = KIND_WORDS.get(kind.replace("_", "-"), kind)
        if kind not in IMPORT_KINDS:
            raise ExcelError(f"unknown kind {kind!r}: use one of packages, lines, disbursements, authorities, observations, "
                             "reported-figures, disbursements-by-authority")
    prof = load_profile(profile) if profile else None
    if prof:
        kind = kind or prof.get("kind")
        day_first = prof.get("day_first") if day_first is None else day_first
        mapping = {**prof.get("mapping", {}), **(mapping or {})}
    book = open_book(path)
    try:
        fmt = book.format
        plan = ImportPlan(path, fmt)
        if fmt == "csv" and path.suffix.lower() in (".xlsx", ".xlsm"):
            plan.notes.append(f"{path.name} is named like a workbook but holds CSV text: read as CSV")
        reader = _Reader(plan, book, day_first, progress, cancelled)
        if fmt == "xlsx" and layout.ABOUT_SHEET in book.sheet_names and sheet is None and kind is None and not mapping:
            origin = _own_origin(book)
            if origin is not None:
                plan.format = "aid-ledger"
                plan.origin = origin or None
                plan.accepted_warnings = accepted.from_text(_about_cells(book).get(layout.ACCEPTED_WARNINGS))
                deadline = _about_value(book, "Default deadline")
                if deadline:
                    plan.settings["default_deadline"] = deadline
                reader.own()
                return plan
        reader.foreign(kind, sheet, mapping or {}, defaults or {}, profile is not None)
        return plan
    finally:
        if book.close:
            book.close()


def _about_value(book: Book, key: str) -> str | None:
    for _, row in book.open_sheet(layout.ABOUT_SHEET).rows:
        if len(row) >= 2 and row[0] == key and not is_blank(row[1]):
            return converter(KINDS["authority"].field("expires_on"))(row[1]).isoformat()
    return None


def _about_cells(book: Book) -> dict[str, Any]:
    """The About sheet's key -> value."""
    found: dict[str, Any] = {}
    for _, row in book.open_sheet(layout.ABOUT_SHEET).rows:
        if len(row) >= 2 and isinstance(row[0], str):
            found[row[0].strip()] = row[1]
    return found


def _own_origin(book: Book) -> str | None:
    """Our About sheet's ledger stamp ('' if blank), or None when the workbook is not ours."""
    found = _about_cells(book)
    version = found.get("Layout version")
    if version is None:
        return None
    try:
        version = int(float(version))
    except (TypeError, ValueError, OverflowError):
        return None
    if version > layout.LAYOUT_VERSION:
        raise ExcelError(f"the workbook was exported by a newer version of the app (layout {version}): update the app to import it")
    created = found.get("Ledger id")
    return str(created).strip() if created not in (None, "") else ""


class _Reader:
    def __init__(self, plan: ImportPlan, book: Book, day_first, progress, cancelled):
        self.plan = plan
        self.book = book
        self.day_first = day_first
        self.progress = progress
        self.cancelled = cancelled
        self.rejected_more = 0
        self.rows_read = 0
        self.unrecognised: list[tuple[str, int, list[str]]] = []  # (sheet, row, texts) of sheets whose headers said nothing

    def reject(self, sheet: str, row: int, column: str, value: Any, why: str) -> None:
        if len(self.plan.rejected) < MAX_REJECTIONS:
            self.plan.rejected.append(Rejection(sheet, row, column, value, why))
        else:
            self.rejected_more += 1

    def tick(self, rows: int = 1) -> None:
        before = self.rows_read
        self.rows_read += rows
        if before // CHECK_EVERY != self.rows_read // CHECK_EVERY:
            if self.cancelled and self.cancelled():
                raise Cancelled("import cancelled: nothing was imported")
            if self.progress:
                self.progress(self.rows_read, 0)

    def finish(self) -> None:
        if self.rejected_more:
            self.plan.notes.append(f"{self.rejected_more:,} more problems were found and not listed")

    # -- our own exports ----------------------------------------------------------------------

    def own(self) -> None:
        names = {n.casefold(): n for n in self.book.sheet_names}
        by_kind = {k: names[layout.SHEET_NAMES[k].casefold()] for k in layout.DATA_KINDS if layout.SHEET_NAMES[k].casefold() in names}
        ours = {n.casefold() for n in (layout.ABOUT_SHEET, layout.SUMMARY_SHEET, layout.SERIES_SHEET, *layout.SHEET_NAMES.values())}
        others = [n for n in self.book.sheet_names if n.casefold() not in ours]
        opened: dict[str, Sheet] = {}  # renamed sheets, read once: their header told their kind
        for name in others:  # a sheet renamed by whoever edited the export is still its kind's, by its columns
            sheet = self.book.open_sheet(name, hidden_rows=False)
            kind = self._renamed_kind(sheet, [k for k in layout.DATA_KINDS if k not in by_kind])
            if kind is None:
                self.plan.notes.append(f"sheet {name!r} is not part of an Aid Ledger export: ignored")
            else:
                by_kind[kind], opened[kind] = name, sheet
                self.plan.notes.append(f"sheet {name!r} read as the {layout.SHEET_NAMES[kind]} sheet (its columns are that sheet's)")
        for kind in layout.DATA_KINDS:
            if kind in by_kind:
                self._own_sheet(kind, opened.pop(kind, None) or self.book.open_sheet(by_kind[kind], hidden_rows=False))
        self.finish()

    def _renamed_kind(self, sheet: Sheet, kinds: list[str]) -> str | None:
        """The kind whose export columns the sheet's first row holds (its ID and most of the rest), if any.
        The rows read to find that row are put back in front of the sheet's rows."""
        rows, seen = iter(sheet.rows), []
        header: list = []
        for item in rows:
            seen.append(item)
            if any(not is_blank(v) for v in item[1]):
                header = item[1]
                break
        sheet.rows = itertools.chain(seen, rows)
        texts = {str(v).strip().casefold() for v in header if not is_blank(v)}
        if "id" not in texts:
            return None
        best, share = None, 0.6  # most of a kind's columns: a few may have been deleted
        for kind in kinds:
            wanted = {c.header.casefold() for c in layout.columns(kind)}
            found = len(wanted & texts) / len(wanted)
            if found > share:
                best, share = kind, found
        return best

    def _own_sheet(self, kind: str, sheet: Sheet) -> None:
        cols_by_header = {c.header.casefold(): c for c in layout.columns(kind)}
        rows = iter(sheet.rows)
        header_row = None
        for number, values in rows:
            if any(not is_blank(v) for v in values):
                header_row = (number, values)
                break
        if header_row is None:
            self.plan.notes.append(f"sheet {sheet.name!r} is empty")
            return
        found: dict[int, layout.Column] = {}
        unmapped = []
        for i, v in enumerate(header_row[1]):
            if is_blank(v):
                continue
            col = cols_by_header.get(str(v).strip().casefold())
            if col is None:
                unmapped.append(str(v))
            else:
                found[i] = col
        if unmapped:
            self.plan.unmapped[sheet.name] = unmapped
            self.plan.notes.append(f"sheet {sheet.name!r}: columns not part of the layout were ignored: {', '.join(unmapped)}")
        k = KINDS[kind]
        headers = {i: c.header for i, c in found.items()}
        # What a column of the block becomes: (cell index, column converter, header). The ID column
        # comes first (rejected before the fields, as it is read first); a reference is its id column,
        # else (the id column removed) its name column.
        cells = []
        id_col = next((i for i, c in found.items() if c.type == "id"), None)
        if id_col is not None:
            cells.append((id_col, id_column, "ID"))
        fields = []
        fallbacks = []  # (position in cells, name column, by-name converter): a blank id names its record by name
        for f in k.fields:
            main = next((i for i, c in found.items() if c.field == f.name), None)
            named = next((i for i, c in found.items() if c.type == "ref_name" and c.ref_field == f.name), None)
            if main is None and named is None:
                continue
            fields.append(f.name)
            if main is None:
                cells.append((named, column_converter(f, by_name=True), headers[named]))
                continue
            if found[main].type == "text":  # our texts keep their whitespace, even all of it
                cells.append((main, text_column, headers[main]))
            else:
                cells.append((main, column_converter(f, day_first=self.day_first, date1904=sheet.date1904), headers[main]))
            if named is not None:
                fallbacks.append((len(cells) - 1, named, converter(f, by_name=True)))
        batch = Batch(sheet.name, kind, tuple(fields), columns={f: h for f, (_, _, h) in zip(fields, cells[id_col is not None:])})
        self.plan.batches.append(batch)
        self.plan.mappings[sheet.name] = {c.header: (c.field or "") for c in found.values()}
        numbers: list[int] = []
        block: list[list] = []

        def flush() -> None:
            if not numbers:
                return
            out_cols, problems = self._columns(sheet, cells, numbers, block)
            bad = {j for j, *_ in problems}
            for at, named, by_name in fallbacks:
                col = out_cols[at]
                if None in col:
                    for j, v in enumerate(col):
                        if v is None and j not in bad and named < len(block[j]) and not is_blank(block[j][named]):
                            col[j] = by_name(block[j][named])
            rows, out_cols = self._keep(sheet, numbers, out_cols, problems)
            wids = out_cols.pop(0) if id_col is not None else None
            batch.extend(rows, out_cols, wids)
            numbers.clear()
            block.clear()

        unticked = 0
        for number, values in rows:
            unticked += 1
            if unticked == CHECK_EVERY:  # progress and cancel every few thousand rows, not a call per row
                self.tick(unticked)
                unticked = 0
            first = values[0] if values else None
            if (first is None or first.__class__ is str) and not has_value(values):  # a filled ID says it at once
                continue
            numbers.append(number)
            block.append(values)
            if len(numbers) >= BLOCK_ROWS:
                flush()
        flush()
        self.tick(unticked)

    # -- foreign sheets --------------------------------------------------------------------------

    def foreign(self, kind, sheet_choice, mapping: dict[str, str], defaults: dict[str, str], from_profile: bool) -> None:
        names = self.book.sheet_names
        if sheet_choice is not None:
            chosen = _choose_sheet(names, sheet_choice)
            sheets = [chosen]
        else:
            sheets = names
        found_any = False
        for name in sheets:
            sheet = self.book.open_sheet(name)
            if sheet.hidden and sheet_choice is None:
                self.plan.notes.append(f"sheet {name!r} is hidden: skipped (name it with --sheet to import it)")
                continue
            found_any |= self._foreign_sheet(sheet, kind, mapping, defaults, from_profile, explicit=sheet_choice is not None)
        if not found_any:
            where = f"sheet {sheets[0]!r}" if len(sheets) == 1 else "any sheet"
            if not self.unrecognised and not self.plan.batches:
                raise ExcelError(f"{self.plan.path.name}: {where} is empty: there is nothing to import" if len(sheets) == 1
                                 else f"{self.plan.path.name}: every sheet is empty or hidden: there is nothing to import")
            seen = "; ".join(f"sheet {name!r} row {row}: {', '.join(repr(t) for t in texts[:12])}" for name, row, texts in self.unrecognised[:3])
            needs = "; ".join(f"{KINDS[k].plural} need {' and '.join(hm.label(k, f) for f in NEEDED[k])}" for k in ([kind] if kind else NEEDED))
            wide = next((texts for _, _, texts in self.unrecognised if sum(map(_is_period, texts)) >= 3), None)
            if wide:
                # A tracker with a column per month is a table to turn, not columns to map.
                raise ExcelError(
                    f"{self.plan.path.name}: {where} has a column per period ({', '.join([t for t in wide if _is_period(t)][:3])}, ...), "
                    "not a row per record: the ledger reads one row per package, with its date and value. Turn the table "
                    "so that each period's figure is a row (in Excel: Data > From Table/Range, then Unpivot Columns), give each row the package's announcement date, and import that")
            raise ExcelError(
                f"{self.plan.path.name}: no column recognised in the first {hdr.HEADER_SEARCH_ROWS} rows of {where}"
                + (f" (found {seen})" if seen else "") + f". {needs[:1].upper() + needs[1:]}. Name a column's field with --map 'HEADER=FIELD' "
                "(in the app: the Columns tab)" + ("" if kind else ", and say what the rows are with --kind (in the app: 'Rows are')")
            )
        self.finish()

    def _foreign_sheet(self, sheet: Sheet, kind, mapping, defaults, from_profile, explicit: bool) -> bool:
        rows = iter(sheet.rows)
        head: list[tuple[int, list]] = []
        for item in rows:
            head.append(item)
            if len(head) >= hdr.HEADER_SEARCH_ROWS:
                break
        merged = merged_lookup(sheet)
        if not any(any(not is_blank(v) for v in r) for _, r in head):
            self.plan.notes.append(f"sheet {sheet.name!r} is empty")
            return False
        if not from_profile and not mapping:
            found = _saved_profile_for(head, kind)
            if found:
                name, prof = found
                self.plan.notes.append(f"sheet {sheet.name!r}: columns mapped by the saved profile {name!r}")
                if self.day_first is None:
                    self.day_first = prof.get("day_first")
                sheet.rows = itertools.chain(head, rows)
                return self._foreign_sheet(sheet, prof.get("kind"), prof.get("mapping", {}), defaults, True, explicit)
        lowered_map = {k.strip().casefold(): v for k, v in mapping.items()}
        header_at, kind = self._find_header(sheet, head, kind, lowered_map)
        if header_at is None:
            texts = max(head, key=lambda r: sum(1 for v in r[1] if isinstance(v, str) and v.strip()))
            self.unrecognised.append((sheet.name, texts[0], [str(v).strip() for v in texts[1] if isinstance(v, str) and v.strip()]))
            if explicit:
                return False
            self.plan.notes.append(f"sheet {sheet.name!r}: no header row with known column names: skipped")
            return False
        number, header_values = head[header_at]
        self.plan.titles[sheet.name] = [str(v).strip() for _, r in head[:header_at] for v in r if isinstance(v, str) and v.strip()]
        hidden = {i for i in range(len(header_values)) if i + sheet.col0 in sheet.hidden_columns}
        headers = header_texts(kind, head, header_at, merged, sheet.col0, hidden)
        if len(headers) != len(header_values):  # two header rows, read as one: the data starts a row later
            header_at += 1
            number = head[header_at][0]
            headers = [hdr.normalise(t) if t else hdr.Header("", "", 1) for t in headers[:-1]]
            self.plan.notes.append(f"sheet {sheet.name!r}: two header rows (rows {number - 1} and {number}) read together")
        else:
            headers = [hdr.normalise(v) if not is_blank(v) else hdr.Header("", "", 1) for v in header_values]
        columns, matches = hm.match_columns(kind, headers, hidden)
        scores = {i: m.score for i, m in matches.items() if i in columns}
        ties = {headers[i].text: m.tie for i, m in matches.items() if m.tie and i not in columns}
        for i, h in enumerate(headers):
            key = h.text.strip().casefold()
            if key and key in lowered_map:
                target = lowered_map[key]
                columns = {c: f for c, f in columns.items() if f != target and c != i}
                ties.pop(h.text, None)
                if target:
                    if target not in {f.name for f in KINDS[kind].fields} | set(hm.EXTRA.get(kind, {})):
                        target = _field_by_label(kind, target)
                    columns[i] = target
                    scores[i] = 100  # the person's choice
        self.plan.confidence[sheet.name] = {headers[i].text: scores.get(i, 100) for i in columns}
        if ties:
            self.plan.ties[sheet.name] = ties
        shape = [h.text for h in headers if h.text]
        for i in sorted(hidden):
            if headers[i].text:
                how = "used (mapped)" if i in columns else "ignored"
                self.plan.notes.append(f"sheet {sheet.name!r}: hidden column {headers[i].text!r} {how}")
        headers = self._title_unit(sheet.name, kind, headers, columns)
        return self._foreign_rows(sheet, kind, number, headers, columns, defaults, merged, head[header_at + 1 :], rows, shape)

    def _title_unit(self, name: str, kind: str, headers: list, columns: dict[int, str]) -> list:
        """A unit said above the table ("(in millions of current dollars)", "USD thousands") is the unit of
        its amount columns whose header says none: without it "1000" would be a thousand dollars."""
        units = {u: t for t in self.plan.titles.get(name, []) if (u := hdr.title_unit(t))}
        if len(units) != 1:
            return headers
        (unit, said), = units.items()
        out = list(headers)
        for i, f in columns.items():
            h = headers[i]
            if h.unit == 1 and hm.field_spec(kind, f).type in ("cents", "signed_cents"):
                out[i] = hdr.Header(h.text, h.base, unit)
                words = {10**3: "thousands", 10**6: "millions", 10**9: "billions"}[unit]
                self.plan.notes.append(f"sheet {name!r}, column {h.text!r}: plain numbers read in {words}, as the title "
                                       f"{said!r} says")
        return out

    def _find_header(self, sheet: Sheet, head, kind, lowered_map):
        kinds = [kind] if kind else list(IMPORT_KINDS)
        rows = [r for _, r in head]
        if lowered_map:
            for i, r in enumerate(rows):
                if sum(1 for v in r if isinstance(v, str) and v.strip().casefold() in lowered_map) >= 1 and kind:
                    return i, kind
        best = hm.find_header(rows, kinds)
        if best is None:
            return None, kind
        at, found_kind, score = best
        if kind is None:
            ties = [k for k in IMPORT_KINDS if k != found_kind and hm.score(k, rows[at]) == score]
            if ties and found_kind == "package":
                # A list of dates and values is most often packages (the first thing a ledger holds): read
                # so, and said, with the way to read it otherwise.
                options = " or ".join(KINDS[k].plural for k in ties)
                self.plan.notes.append(f"sheet {sheet.name!r}: read as packages; its headers would also suit {options} "
                                       "(say which with --kind, or 'Rows are' in the app)")
                return at, found_kind
            if ties:
                options = " or ".join(KINDS[k].plural for k in [found_kind, *ties])
                raise ExcelError(f"sheet {sheet.name!r} could hold {options}: say which (--kind, or 'Rows are' in the app)")
            self.plan.notes.append(f"sheet {sheet.name!r}: read as {KINDS[found_kind].plural} (from its headers)")
        return at, found_kind

    def _foreign_rows(self, sheet: Sheet, kind, header_number, headers, columns, defaults, merged, rest_head, rows, shape) -> bool:
        k = KINDS[kind]
        label_field = k.label_field
        names = {f.name for f in k.fields} | set(hm.EXTRA.get(kind, {}))

        def spec(name: str):
            return hm.field_spec(kind, name)

        self.plan.mappings[sheet.name] = {headers[i].text: f for i, f in sorted(columns.items())}
        self.plan.unmapped[sheet.name] = [h.text for i, h in enumerate(headers) if h.text and i not in columns]
        self.plan.shapes[sheet.name] = (kind, shape)
        col_list = sorted(columns.items())
        fields = tuple(f for _, f in col_list)
        convs = [converter(spec(f), unit=headers[i].unit, day_first=self.day_first, date1904=sheet.date1904, by_name=True) for i, f in col_list]
        fixed = []
        for name, text in defaults.items():
            try:
                fname = name if name in names else _field_by_label(kind, name)
            except ExcelError:
                continue  # a value for another kind's field (several sheets, several kinds)
            if fname in fields:
                continue
            try:
                fixed.append((fname, converter(spec(fname), day_first=self.day_first, by_name=True)(text)))
            except CellError as exc:
                raise ExcelError(f"the value given for {name}: {exc}") from None
        fields = fields + tuple(f for f, _ in fixed)
        fixed_values = [v for _, v in fixed]
        batch = Batch(sheet.name, kind, fields, columns={f: headers[i].text for i, f in col_list}, given=tuple(f for f, _ in fixed))
        self.plan.batches.append(batch)
        label_col = next((i for i, f in col_list if f == label_field), None)
        amount_cols = [i for i, f in col_list if spec(f).type in ("cents", "signed_cents")]
        date_cols = [i for i, f in col_list if spec(f).type == "date"]
        amount_at = [col_list.index((i, columns[i])) for i in amount_cols]
        sums = [0] * len(amount_cols)
        col0 = sheet.col0
        tops: dict[tuple[int, int], Any] = {}
        cells = [(i, column_converter(spec(f), unit=headers[i].unit, day_first=self.day_first, date1904=sheet.date1904,
                                      by_name=True), headers[i].text) for i, f in col_list]
        cells = [(i, FigureCells(conv, sheet.decimal_comma and spec(f).type in ("cents", "signed_cents"),
                                 self.day_first is None and spec(f).type == "date") if spec(f).type in _FIGURES
                  else conv, h) for (i, conv, h), (_, f) in zip(cells, col_list)]
        numbers: list[int] = []
        block: list[list] = []

        def flush() -> None:
            if numbers:
                self._convert_block(sheet, batch, cells, numbers, block, amount_at, sums, fixed_values)
                numbers.clear()
                block.clear()

        tick = self.tick
        said: dict[str, bool] = {}  # a row's first text -> whether it says a total
        plain: set = set()  # the filled first texts that say none
        no_label = label_col is None
        unticked = 0
        for number, values in itertools.chain(rest_head, rows):
            unticked += 1
            if unticked == CHECK_EVERY:  # progress and cancel every few thousand rows, not a call per row
                tick(unticked)
                unticked = 0
            if merged:
                values = fill_merged(values, number, col0, merged, tops)
            first = values[0] if values else None
            # A row starting with a number or a date is not blank, says no total and is no note. One
            # starting with text says a total by that text alone (judged once per text), and is a note
            # only with nothing beside it; a row starting with nothing is looked at whole.
            if first in plain:  # a text met before, filled and saying no total
                second = values[1] if len(values) > 1 else None
                if (not second or (second.__class__ is str and second.isspace())) and is_note_row(values):
                    self.plan.notes.append(f"sheet {sheet.name!r}, row {number}: a note, not a record ({short_text(values)}), skipped")
                    continue
            elif first is None or first.__class__ is str:
                filled = first and not first.isspace()
                if not filled and not has_value(values):
                    continue
                total = said.get(first) if filled else None
                if total is None:
                    total = says_total(values)
                    if filled:
                        said[first] = total
                        if not total:
                            plain.add(first)
                if total:
                    self.plan.notes.append(f"sheet {sheet.name!r}, row {number}: a totals row, skipped")
                    continue
                second = values[1] if len(values) > 1 else None
                if (not filled or not second or (second.__class__ is str and second.isspace())) and is_note_row(values):
                    self.plan.notes.append(f"sheet {sheet.name!r}, row {number}: a note, not a record ({short_text(values)}), skipped")
                    continue
            label = None if no_label or label_col >= len(values) else values[label_col]
            if amount_cols and (label is None or (label.__class__ is str and (not label or label.isspace()))) and not any(
                i < len(values) and not is_blank(values[i]) for i in date_cols
            ):
                flush()  # whether its amounts are the sums above needs every row above converted
                if sums_above(values, label_col, date_cols, amount_cols, amount_at, convs, sums):
                    self.plan.notes.append(f"sheet {sheet.name!r}, row {number}: a totals row, skipped")
                    continue
            numbers.append(number)
            block.append(values)
            if len(numbers) >= BLOCK_ROWS:
                flush()
        flush()
        self.rows_read += unticked
        for _, conv, header in cells:
            if isinstance(conv, FigureCells):
                self._figure_notes(sheet.name, header, conv)
        self._hidden_rows_note(sheet, batch, header_number)
        return True

    def _hidden_rows_note(self, sheet: Sheet, batch: Batch, header_number: int) -> None:
        """Rows Excel hides are read like the others (nothing is left out unseen), and said."""
        if not sheet.hidden_rows:
            return
        read = {r.row for r in self.plan.rejected if r.sheet == sheet.name} | set(batch.numbers)
        rows = sorted(n for n in sheet.hidden_rows if n > header_number and n in read)
        if not rows:
            return
        few, more = first_few(rows, 12)
        shown = ", ".join(map(str, few)) + (f" and {more:,} more" if more else "")
        by = "by the filter left on in the workbook" if sheet.filtered else "in the workbook"
        one = len(rows) == 1
        self.plan.notes.append(f"sheet {sheet.name!r}: {f'row {shown} is' if one else f'{len(rows):,} rows ({shown}) are'} "
                               f"hidden {by}: read like the others; delete {'it' if one else 'them'} from the sheet "
                               f"if {'it' if one else 'they'} should not be imported")

    def _figure_notes(self, name: str, header: str, cells: FigureCells) -> None:
        """What a figure column's cells said beside their figures, once per column."""
        where = f"sheet {name!r}, column {header!r}"
        if cells.marked:
            n = sum(cells.marked.values())
            few = ", ".join(repr(t) for t in list(cells.marked)[:3])
            self.plan.notes.append(f"{where}: footnote marks after {n:,} figure{'s' if n != 1 else ''} ignored "
                                   f"({few}{', ...' if len(cells.marked) > 3 else ''}): read the notes under the table")
        if len(cells.orders) == 2:
            self.plan.notes.append(f"{where}: dates written in both day/month orders ({cells.orders[True]!r} is day first, "
                                   f"{cells.orders[False]!r} month first): each is read as its numbers allow; check them")
        if cells.ordered:
            n = sum(cells.ordered.values())
            order = "day first" if next(iter(cells.orders)) else "month first"
            self.plan.notes.append(f"{where}: {n:,} date{'s' if n != 1 else ''} such as {next(iter(cells.ordered))!r} read {order}, "
                                   f"as the column's other dates are written (say otherwise with --day-first or --month-first; "
                                   "in the app: Dates like 1/2/2024)")
        if cells.commas:
            self.plan.notes.append(f"{where}: {cells.commas:,} amount{'s' if cells.commas != 1 else ''} read with a decimal comma "
                                   "(1.250,5 as 1250.5), as the file separates its columns with semicolons")
        if cells.not_given:
            n = sum(cells.not_given.values())
            few = ", ".join(repr(t) for t in cells.not_given)
            self.plan.notes.append(f"{where}: {n:,} cell{'s say' if n != 1 else ' says'} no figure ({few}): read as empty")

    def _convert_block(self, sheet: Sheet, batch: Batch, cells, numbers: list[int], block: list[list], amount_at, sums,
                       fixed_values: list) -> None:
        """Convert a block of foreign rows a column at a time; rows with a cell that cannot be converted are rejected."""
        out_cols, problems = self._columns(sheet, cells, numbers, block)
        rows, out_cols = self._keep(sheet, numbers, out_cols, problems)
        for m, at in enumerate(amount_at):
            sums[m] += sum(filter(None, out_cols[at]))
        batch.extend(rows, out_cols + [[v] * len(rows) for v in fixed_values])

    def _columns(self, sheet: Sheet, cells, numbers: list[int], block: list[list]) -> tuple[list[list], list[tuple]]:
        """Each column of the block converted (`cells`: (cell index, column converter, header)), and its
        problems as (row in block, column position, header, cell, why)."""
        wide = min(map(len, block)) > max((i for i, _, _ in cells), default=-1)
        blanks, col0 = sheet.formula_blanks, sheet.col0
        out_cols = []
        problems = []
        for pos, (i, convert, header) in enumerate(cells):
            raw = [r[i] for r in block] if wide else [r[i] if i < len(r) else None for r in block]
            out, bad = convert(raw)
            problems.extend((j, pos, header, raw[j], why) for j, why in bad)
            if blanks:
                problems.extend((j, pos, header, None, FORMULA_WITHOUT_VALUE)
                                for j, v in enumerate(raw) if (numbers[j], i + col0) in blanks and is_blank(v))
            out_cols.append(out)
        return out_cols, problems

    def _keep(self, sheet: Sheet, numbers: list[int], out_cols: list[list], problems: list[tuple]) -> tuple[list[int], list[list]]:
        """Reject every problem in row and column order; the rows without one, and their columns."""
        if not problems:
            return numbers, out_cols
        problems.sort(key=lambda p: (p[0], p[1]))
        for j, _pos, header, cell, why in problems:
            self.reject(sheet.name, numbers[j], header, cell, why)
        bad_rows = {p[0] for p in problems}
        keep = [j for j in range(len(numbers)) if j not in bad_rows]
        return [numbers[j] for j in keep], [[col[j] for j in keep] for col in out_cols]


_PERIOD = re.compile(r"^(?:[a-z]{3,9}\.?\s*'?\d{2}(?:\d{2})?|(?:fy|q[1-4])\s*\d{2,4}(?:\s*q[1-4])?|\d{4}(?:-\d{2})?|\d{4}\s*q[1-4])$", re.I)


def _is_period(text: str) -> bool:
    """A header naming a month, quarter or year ("Jan 2024", "FY2023 Q2", "2024-03"): a wide tracker's column."""
    text = text.strip()
    if not _PERIOD.match(text):
        return False
    word = re.match(r"[a-z]+", text, re.I)
    return word is None or word[0].lower().rstrip(".") in MONTHS or word[0].lower() in ("fy", "q")


def _saved_profile_for(head, kind) -> tuple[str, dict] | None:
    """A saved profile made from a sheet whose header row is one of these rows."""
    if not list_profiles():
        return None
    for _, row in head:
        shape = [str(v).strip() for v in row if not is_blank(v)]
        if len(shape) >= 2:
            name = profile_for_shape(shape)
            if name:
                prof = load_profile(name)
                if kind is None or prof.get("kind") == kind:
                    return name, prof
    return None


def _choose_sheet(names: list[str], choice: str | int) -> str:
    if isinstance(choice, int) or (isinstance(choice, str) and choice.isdigit()):
        i = int(choice)
        if 1 <= i <= len(names):
            return names[i - 1]
        raise ExcelError(f"there is no sheet number {i}: the file has {len(names)} ({', '.join(names)})")
    for n in names:
        if n.casefold() == str(choice).strip().casefold():
            return n
    raise ExcelError(f"there is no sheet named {choice!r} (sheets: {', '.join(names)})")


def _field_by_label(kind: str, text: str) -> str:
    key = text.strip().casefold().replace("-", " ").replace("_", " ")
    for f in (*KINDS[kind].fields, *hm.EXTRA.get(kind, {}).values()):
        if key in (f.name.replace("_", " "), f.label.casefold(), f.name.removesuffix("_cents").removesuffix("_id").replace("_", " ")):
            return f.name
    names = ", ".join(f.name.removesuffix("_cents").removesuffix("_id") for f in KINDS[kind].fields)
    raise ExcelError(f"{article(kind.replace('_', ' '))} has no field {text!r} (fields: {names})")
