"""What an import found in a file, before it is compared with a ledger: typed rows and rejections."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple


class Ref(NamedTuple):
    """A reference given by name (a foreign sheet's "PDA 71", "Air defense"), resolved against the ledger.
    A named tuple: columns of them are hashed per cell when resolved, and a tuple hashes in C."""

    name: str


@dataclass(frozen=True)
class Rejection:
    """One cell (or row) that cannot be imported: where it is, what it holds and why."""

    sheet: str
    row: int
    column: str
    value: Any
    why: str

    def __str__(self) -> str:
        where = f"sheet {self.sheet!r}, row {self.row}" + (f", column {self.column!r}" if self.column else "")
        shown = "" if self.value is None or self.value == "" else f" ({_short(self.value)})"
        return f"{where}{shown}: {self.why}"


def _short(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


@dataclass
class Batch:
    """The rows of one kind read from one sheet, held column by column: an import of many rows
    converts, resolves and checks a column at a time instead of a row at a time."""

    sheet: str
    kind: str
    fields: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)  # field -> the column header it came from
    numbers: list[int] = field(default_factory=list)  # each row's number in the sheet
    wids: list[int | None] | None = None  # the rows' ids in the workbook (our own exports), else None
    data: list[list] = field(default_factory=list)  # one list of values per field, aligned with `numbers`
    derived: bool = False  # made from other rows (an item list's lines), not read from rows of its own
    given: tuple[str, ...] = ()  # fields the person gave one value for, every row (--set, the wizard's Columns tab)

    def __post_init__(self) -> None:
        if not self.data:
            self.data = [[] for _ in self.fields]

    def __len__(self) -> int:
        return len(self.numbers)

    def append(self, number: int, wid: int | None, values) -> None:
        self.numbers.append(number)
        if wid is not None and self.wids is None:
            self.wids = [None] * (len(self.numbers) - 1)
        if self.wids is not None:
            self.wids.append(wid)
        for column, value in zip(self.data, values):
            column.append(value)

    def extend(self, numbers: list[int], columns: list[list], wids: list[int | None] | None = None) -> None:
        """Add rows given column by column, with their workbook ids (our own exports; None: foreign rows)."""
        if wids is not None and self.wids is None and any(w is not None for w in wids):
            self.wids = [None] * len(self.numbers)
        if self.wids is not None:
            self.wids.extend(wids if wids is not None else [None] * len(numbers))
        self.numbers.extend(numbers)
        for column, values in zip(self.data, columns):
            column.extend(values)


@dataclass
class ImportPlan:
    """Everything read from a file; nothing is written. Built by `read_import`."""

    path: Path
    format: str  # "aid-ledger" (our own export), "xlsx" or "csv"
    batches: list[Batch] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the reader did or skipped (hidden columns, totals rows)
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> column header -> field
    unmapped: dict[str, list[str]] = field(default_factory=dict)  # sheet -> headers no field took
    shapes: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # foreign sheet -> (kind, headers)
    settings: dict[str, str] = field(default_factory=dict)  # our exports: ledger settings (default deadline)
    origin: str | None = None  # our exports: the exporting ledger's creation stamp (matching ids needs the same ledger)
    accepted_warnings: list[str] = field(default_factory=list)  # our exports: warnings the exporting ledger accepted
    confidence: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet -> column header -> match score (100: sure)
    ties: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # sheet -> header -> fields it could be
    titles: dict[str, list[str]] = field(default_factory=dict)  # sheet -> texts above its header row (program hints)
    inferred: list | None = None  # infer.Inferred per package sheet, once the plan was completed against a ledger
    item_types: dict[str, str] = field(default_factory=dict)  # item -> system type the person mapped (remembered on import)

    @property
    def own(self) -> bool:
        return self.format == "aid-ledger"

    @property
    def row_count(self) -> int:
        return sum(len(b) for b in self.batches if not b.derived)

    def sheet_rows(self) -> dict[str, int]:
        """Rows read per sheet, those rejected while reading included."""
        rows: dict[str, set[int]] = {}
        for b in self.batches:
            if not b.derived:
                rows.setdefault(b.sheet, set()).update(b.numbers)
        for r in self.rejected:
            rows.setdefault(r.sheet, set()).add(r.row)
        return {s: len(n) for s, n in rows.items()}
