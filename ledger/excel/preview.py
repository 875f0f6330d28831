"""Compare what a file holds with a ledger: added, changed (old -> new), unchanged, missing, rejected.

Nothing is written here. Rows are matched to records:
- our own export, imported into the ledger it came from: by the stable id in the ID column;
- our own export into an empty ledger: every row is added and keeps its id (an exact copy);
- otherwise (a foreign sheet, or an export of another ledger): records named by a unique label
  (authority name, package number, system type name) match by that label; other rows are added
  with new ids, and references between the file's rows follow them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import field_label
from ..model import KIND_ORDER, KINDS, SystemType
from ..money import format_cents
from . import infer
from .plan import ImportPlan, Ref, Rejection

if TYPE_CHECKING:
    from ..service import Ledger

UNIQUE_LABEL = {"authority": "name", "package": "number", "system_type": "name"}
HINTED = 8  # authorities listed by name when a name matches none; beyond, the nearest few


class Added(NamedTuple):
    kind: str
    sheet: str
    row: int  # 0 for a system type the import creates (no row of its own)
    record: Any  # the record as it will be written, id included


class AddedBlock:
    """Added rows of one batch, held column by column: row i gets id `ids[i]` (a range when the ids
    run on, as they mostly do). Indexing builds the Added of one row when it is asked for."""

    def __init__(self, kind: str, sheet: str, numbers: list[int], ids: Sequence[int], columns: dict[str, list],
                 constants: dict[str, Any]):
        self.kind = kind
        self.sheet = sheet
        self.numbers = numbers
        self.ids = ids
        self.columns = columns  # field -> values, one per row
        self.constants = constants  # field -> the value every row has (fields the sheet lacks)
        self._build = _builder(KINDS[kind].cls)

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, i: int) -> Added:
        values = dict(self.constants)
        for name, column in self.columns.items():
            values[name] = column[i]
        return Added(self.kind, self.sheet, self.numbers[i], self._build(values, self.ids[i]))


class _Rows(Sequence):
    """Single rows and blocks of columns (each block a sequence that builds a row when asked), read as
    one sequence."""

    def __init__(self) -> None:
        self.parts: list[list | AddedBlock | ChangedBlock] = []

    def append(self, row) -> None:
        if not self.parts or not isinstance(self.parts[-1], list):
            self.parts.append([])
        self.parts[-1].append(row)

    def add_block(self, block) -> None:
        if len(block):
            self.parts.append(block)

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def __iter__(self) -> Iterator:
        for part in self.parts:
            if isinstance(part, list):
                yield from part
            else:
                for i in range(len(part)):
                    yield part[i]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        for part in self.parts:
            if index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError("row index out of range")

    def kind_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in self.parts:
            if isinstance(part, list):
                for a in part:
                    out[a.kind] = out.get(a.kind, 0) + 1
            else:
                out[part.kind] = out.get(part.kind, 0) + len(part)
        return out


class AddedRows(_Rows):
    """The preview's added records: single ones and blocks of columns, read as one sequence of Added."""

    def records_where(self, kind: str, name: str, value: Any) -> list[Any]:
        """The added records of `kind` whose field `name` is `value` (a block is looked at by its
        column, and only the records that match are built)."""
        out = []
        for part in self.parts:
            if isinstance(part, AddedBlock):
                if part.kind == kind:
                    col = part.columns.get(name)
                    rows = range(len(part)) if col is None and part.constants.get(name) == value else \
                        [i for i, v in enumerate(col) if v == value] if col is not None else ()
                    out += [part[i].record for i in rows]
            else:
                out += [a.record for a in part if a.kind == kind and getattr(a.record, name) == value]
        return out


class ChangedBlock:
    """Changed rows of one batch, held column by column: row i is stored record `ids[i]`, sheet row
    `numbers[i]`. `new` and `old` hold every field's values (field -> column) over the batch's matched
    rows, `at[i]` is row i's place in them, and `differ[name]` the places where that field changes.
    Indexing builds the Changed of one row when it is asked for (a colleague's sheet can change a
    hundred thousand records; the import writes them from the columns)."""

    def __init__(self, kind: str, sheet: str, numbers: list[int], ids: list[int], at: list[int],
                 new: dict[str, list], old: dict[str, list], differ: dict[str, set[int]]):
        self.kind = kind
        self.sheet = sheet
        self.numbers = numbers
        self.ids = ids
        self.at = at
        self.new = new
        self.old = old
        self.differ = differ
        self._build = _builder(KINDS[kind].cls)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> Changed:
        r = self.at[i]
        record = self._build({name: col[r] for name, col in self.new.items()}, self.ids[i])
        diffs = tuple((name, self.old[name][r], col[r]) for name, col in self.new.items() if r in self.differ[name])
        return Changed(self.kind, self.sheet, self.numbers[i], record, diffs)

    def columns(self) -> dict[str, list]:
        """Every field's new values, one per changed row (what the import writes)."""
        at = self.at
        return {name: [col[r] for r in at] for name, col in self.new.items()}


class ChangedRows(_Rows):
    """The preview's changed records: blocks of columns (and single ones), read as one sequence of Changed."""


@dataclass(frozen=True)
class Changed:
    kind: str
    sheet: str
    row: int
    new: Any  # the record as the import leaves it
    diffs: tuple[tuple[str, Any, Any], ...]  # (field, old value, new value)

    @property
    def old(self) -> Any:
        """The record as stored: the new one with its old values (built when asked: an import of a
        colleague's sheet can change a hundred thousand records)."""
        return replace(self.new, **{name: was for name, was, _ in self.diffs})


@dataclass(frozen=True)
class Missing:
    """A record the ledger has and the file lacks. Never deleted by an import."""

    kind: str
    id: int
    label: str


@dataclass
class Preview:
    plan: ImportPlan
    mode: str  # "by id" | "copy" | "by label"
    added: AddedRows = field(default_factory=AddedRows)
    changed: ChangedRows = field(default_factory=ChangedRows)
    unchanged: dict[str, int] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    unknown_system_types: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def counts(self) -> dict[str, dict[str, int]]:
        """kind -> {"added", "changed", "unchanged", "missing"} counts."""
        out: dict[str, dict[str, int]] = {}

        def bump(kind: str, what: str, n: int = 1) -> None:
            out.setdefault(kind, {"added": 0, "changed": 0, "unchanged": 0, "missing": 0})[what] += n

        for kind, n in self.added.kind_counts().items():
            bump(kind, "added", n)
        for kind, n in self.changed.kind_counts().items():
            bump(kind, "changed", n)
        for k, n in self.unchanged.items():
            bump(k, "unchanged", n)
        for m in self.missing:
            bump(m.kind, "missing")
        return {k: out[k] for k in KIND_ORDER if k in out}

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)


def preview_import(
    ledger: Ledger,
    plan: ImportPlan,
    type_map: dict[str, str] | None = None,
    create_types: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Preview:
    """Match the plan's rows with the ledger's records. `type_map` maps unknown system type names to
    existing types (by name or alias); `create_types` adds the unknown ones as new types instead."""
    if not plan.own:
        infer.complete(ledger, plan, type_map)  # authorities, numbers and item lines the sheet leaves out
    empty = all(ledger.count(k) == 0 for k in KIND_ORDER)
    if plan.own and empty:
        mode = "copy"
    elif plan.own and plan.origin and plan.origin in (ledger_identity(ledger), ledger.meta("copied_from")):
        mode = "by id"
    else:
        mode = "by label"
    return _Matcher(ledger, plan, mode, type_map or {}, create_types, progress).run()


class _Matcher:
    def __init__(self, ledger, plan: ImportPlan, mode: str, type_map, create_types: bool, progress):
        self.ledger = ledger
        self.plan = plan
        self.mode = mode
        self.preview = Preview(plan, mode, rejected=list(plan.rejected))
        self.type_map = {k.casefold(): v for k, v in type_map.items()}
        self.create_types = create_types
        self.progress = progress
        self.ids: dict[str, dict[int, int]] = {k: {} for k in KINDS}  # kind -> workbook id -> ledger id
        self.names: dict[str, dict[str, int]] = {}  # kind -> casefolded label (and alias) -> ledger id
        self.added_names: dict[str, list[tuple[list, Sequence[int]]]] = {}  # kind -> (labels, ids) of added blocks
        self.stored_labels: dict[str, list[tuple]] = {}  # kind -> (id, label, aliases) as stored
        self.next_id = {k: _max_id(ledger, k) + 1 for k in KINDS}
        self.unknown: dict[str, None] = {}
        self.created_types: dict[str, int] = {}

    def run(self) -> Preview:
        total = self.plan.row_count
        done = 0
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        for batch in sorted(self.plan.batches, key=lambda b: order[b.kind]):
            self._batch(batch)
            done += len(batch)
            if self.progress:
                self.progress(done, total)
        self.preview.unknown_system_types = list(self.unknown)
        return self.preview

    # -- names of records, for references given by name and matching by label ---------------------

    def _labels(self, kind: str) -> list[tuple]:
        """(id, label, aliases or ()) of every stored record of `kind`, read once: what names refer
        to, what rows match by label, and what a sheet leaves out all come from this one read."""
        if kind not in self.stored_labels:
            aliases = kind == "system_type"
            fields = ("id", KINDS[kind].label_field, *(("aliases",) if aliases else ()))
            self.stored_labels[kind] = [r if aliases else (*r, ()) for r in self.ledger.field_values(kind, fields)]
        return self.stored_labels[kind]

    def _names(self, kind: str) -> dict[str, int]:
        if kind not in self.names:
            names: dict[str, int] = {}
            for rid, label, aliases in self._labels(kind):
                names.setdefault(str(label).strip().casefold(), rid)
                for alias in aliases:
                    names.setdefault(alias.strip().casefold(), rid)
            self.names[kind] = names
        names = self.names[kind]
        for keys, ids in self.added_names.pop(kind, ()):  # added rows join when a later sheet asks
            names.update(zip(keys, ids))
            names.pop(None, None)  # rows without a label (rejected, or numbered by id)
        return names

    def _resolve(self, kind: str, value: Any, sheet: str, row: int, column: str) -> tuple[int | None, str | None]:
        """(ledger id, None) or (None, why)."""
        word = kind.replace("_", " ")
        if isinstance(value, Ref):
            key = value.name.strip().casefold()
            found = self._names(kind).get(key)
            if found is not None:
                return found, None
            if kind == "system_type":
                return self._unknown_type(value.name)
            hint = self._authorities_hint(value.name) if kind == "authority" else ""
            return None, f"no {word} named {value.name!r} in the ledger or the file{hint}"
        found = self.ids[kind].get(value)
        if found is not None:
            return found, None
        if self.mode == "by id" and self.ledger.exists(kind, value):
            return value, None
        return None, f"no {word} with id {value} in the file (or its row was rejected)"

    def _authorities_hint(self, name: str) -> str:
        """What a name no authority has could have been (a ledger holds a few authorities, not thousands)."""
        names = [str(label) for _, label, _ in self._labels("authority")]
        if not names:
            return " (the ledger has no authorities yet: add the one these draw on first)"
        if len(names) > HINTED:
            near = difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.4) or names[-3:]
            return f" (the nearest of the ledger's {len(names)} authorities: {', '.join(near)})"
        return f" (the ledger's authorities: {', '.join(names)})"

    def _unknown_type(self, name: str) -> tuple[int | None, str | None]:
        key = name.strip().casefold()
        if key in self.type_map:
            target = self._names("system_type").get(self.type_map[key].strip().casefold())
            if target is None:
                return None, f"system type {name!r} is mapped to {self.type_map[key]!r}, which does not exist"
            return target, None
        self.unknown.setdefault(name.strip(), None)
        if self.create_types:
            if key not in self.created_types:
                new_id = self.next_id["system_type"]
                self.next_id["system_type"] += 1
                self.created_types[key] = new_id
                self._names("system_type")[key] = new_id
                self.preview.added.append(Added("system_type", "", 0, SystemType(name.strip(), id=new_id)))
            return self.created_types[key], None
        return None, f"unknown system type {name!r}: map it to an existing type or create it"

    # -- one batch of rows, a column at a time ---------------------------------------------------

    def _batch(self, batch) -> None:
        """Match one batch: references resolved by distinct name, required fields, repeated ids and
        repeated labels judged a column at a time; then each row is the stored record it names (by id
        or label, as the mode says) or is added, and the added rows become one block of columns.
        Rejections are kept per row and given in row order, as they read in the sheet."""
        kind, sheet, numbers = batch.kind, batch.sheet, batch.numbers
        k = KINDS[kind]
        n = len(numbers)
        unique = UNIQUE_LABEL.get(kind)
        wids = batch.wids
        why: dict[int, list[Rejection]] = {}  # row index -> its rejections, in the order they are found

        def reject(i: int, column: str, value: Any, text: str) -> None:
            why.setdefault(i, []).append(Rejection(sheet, numbers[i], column, value, text))

        columns = self._columns(batch, reject)
        for f in k.fields:  # a required field: said once per row, unless the row failed already
            if f.required:
                col = columns.get(f.name)
                if col is not None and None not in col and "" not in col:  # (searched in C)
                    continue
                header, text = batch.columns.get(f.name, f.label), f"{f.label.lower()} is required"
                for i in range(n) if col is None else (i for i, v in enumerate(col) if v is None or v == ""):
                    if col is None or i not in why:
                        reject(i, header, None, text)
        if wids is not None and _repeats(wids):
            first: dict[int, int] = {}
            for i, w in enumerate(wids):
                if w is not None and first.setdefault(w, i) != i:
                    reject(i, "ID", w, f"id {w} is used again (first in row {numbers[first[w]]})")
        keys: list[str | None] = [None] * n  # each row's casefolded label
        label_header = batch.columns.get(unique, k.field(unique).label) if unique else ""
        if unique in columns:
            labels = columns[unique]
            if set(map(type, labels)) == {str}:  # the usual column: C functions mapped over it
                keys, given = list(map(str.casefold, map(str.strip, labels))), n
            else:
                keys = [v.strip().casefold() if v.__class__ is str else None for v in labels]
                given = n - keys.count(None)
            if len(set(keys)) - (given < n) != given:  # a label twice: found where
                first_label: dict[str, int] = {}
                for i, key in enumerate(keys):
                    if key is not None and first_label.setdefault(key, i) != i:
                        reject(i, label_header, labels[i], f"appears twice in the file (first in row {numbers[first_label[key]]})")
        stored = self._stored(kind)
        targets = self._targets(kind, keys, wids, stored, set(why))
        new = [i for i in range(n) if i not in why and i not in targets] if why or targets else list(range(n))
        if self.mode == "by id" and unique:  # a new record may not take a label the ledger gives another
            names = self._names(kind)
            for i in new:
                taken = names.get(keys[i])
                if taken is not None:
                    reject(i, label_header, columns[unique][i], f"is already used by {kind.replace('_', ' ')} id {taken}")
            new = [i for i in new if i not in why]
        for i in sorted(why):
            self.preview.rejected += why[i]
        defaults = {f.name: (() if f.type == "aliases" else None) for f in k.fields if f.name not in columns}
        self._matched(batch, columns, defaults, targets, stored)
        if self.mode == "by label" and not unique and self.ledger.count(kind):
            new = self._not_stored(kind, columns, new, wids)  # the same sheet imported twice adds nothing
        self._added(batch, columns, defaults, new, keys)

    def _columns(self, batch, reject) -> dict[str, list]:
        """The batch's fields as record values: references become ledger ids (each distinct name or id
        resolved once; a failure rejects its rows), aliases become tuples."""
        k = KINDS[batch.kind]
        columns: dict[str, list] = {}
        for name, col in zip(batch.fields, batch.data):
            f = k.field(name)
            if f.type == "ref":
                header = batch.columns.get(name, name)
                found = {v: self._resolve(f.ref, v, batch.sheet, 0, header) for v in dict.fromkeys(col) if v is not None}
                failed = {v: why for v, (_rid, why) in found.items() if why}
                if failed:
                    for i, v in enumerate(col):
                        if v in failed:
                            reject(i, header, None, failed[v])
                ids = {v: rid for v, (rid, _why) in found.items()}
                col = list(map(ids.get, col))
            elif f.type == "aliases":
                col = [() if v is None else v for v in col]
            columns[name] = col
        return columns

    def _stored(self, kind: str) -> dict[int, str]:
        """Id -> label of the stored records rows may be (none for a copy, or a foreign sheet of a kind
        without a unique label: its rows are all added)."""
        if self.mode == "copy" or (self.mode == "by label" and kind not in UNIQUE_LABEL):
            return {}
        return {rid: str(label) for rid, label, _aliases in self._labels(kind)}

    def _targets(self, kind: str, keys: list[str | None], wids, stored: dict[int, str], bad: set[int]) -> dict[int, int]:
        """Row index -> the stored record it is: by workbook id (our own export, back into its ledger)
        or by label (authority name, package number, system type name or alias)."""
        if not stored:
            return {}
        if self.mode == "by id":
            return {i: w for i, w in enumerate(wids or ()) if w in stored and i not in bad}
        names = self._names(kind)
        found = {i: names.get(key) for i, key in enumerate(keys) if key is not None and i not in bad}
        return {i: rid for i, rid in found.items() if rid in stored}

    def _matched(self, batch, columns: dict[str, list], defaults: dict, targets: dict[int, int], stored: dict[int, str]) -> None:
        """Rows that are stored records, compared a field at a time: changed (with what differs) or
        unchanged. Stored records no row named are listed as missing (never deleted)."""
        kind = batch.kind
        k = KINDS[kind]
        rows = sorted(targets)
        tids = [targets[i] for i in rows]
        if batch.wids is not None:
            self.ids[kind].update((batch.wids[i], rid) for i, rid in zip(rows, tids) if batch.wids[i] is not None)
        names = [f.name for f in k.fields]
        found = {r[0]: r[1:] for r in self.ledger.field_values(kind, ("id", *names), tids)} if rows else {}
        keep_stored = self.mode == "by label" and not self.plan.own
        old_cols, new_cols, differ, differs = {}, {}, {}, set()  # differ: per field, the rows it changes
        for j, name in enumerate(names):
            old = [found[t][j] for t in tids]
            new = [col[i] for i in rows] if (col := columns.get(name)) is not None else [defaults[name]] * len(rows)
            if keep_stored:  # a foreign sheet says nothing of what it leaves empty: the stored value stays
                new = [o if v in (None, "", ()) else v for v, o in zip(new, old)]
            # Equal columns are found in C; in the others only the unequal values can be a change.
            d = set() if old == new else {r for r, (a, b) in enumerate(zip(old, new)) if a != b and not _same(a, b)}
            differ[name] = d
            differs |= d
            old_cols[name] = old
            new_cols[name] = new
        at = sorted(differs)
        self.preview.changed.add_block(ChangedBlock(kind, batch.sheet, [batch.numbers[rows[r]] for r in at],
                                                    [tids[r] for r in at], at, new_cols, old_cols, differ))
        if len(rows) > len(differs):
            self.preview.unchanged[kind] = self.preview.unchanged.get(kind, 0) + len(rows) - len(differs)
        if self.mode == "by id" or (self.mode == "by label" and kind in UNIQUE_LABEL):
            matched = set(tids)
            self.preview.missing += [Missing(kind, rid, label) for rid, label in stored.items() if rid not in matched]

    def _added(self, batch, columns: dict[str, list], defaults: dict, rows: list[int], keys: list[str | None]) -> None:
        """The rows that are added, as one block. Our own export (into an empty ledger, or back into
        its own) keeps the ids its rows carry; rows without one, and every row matched by label, are
        numbered after the highest id in use."""
        kind = batch.kind
        wids = batch.wids
        if self.mode != "by label" and wids is not None:
            self.next_id[kind] = max(self.next_id[kind], max((w for w in wids if w is not None), default=0) + 1)
            ids: Sequence[int] = []
            for i in rows:
                wid = wids[i]
                if wid is None:
                    wid = self.next_id[kind]
                    self.next_id[kind] += 1
                ids.append(wid)
            if ids and ids[-1] - ids[0] == len(ids) - 1 and all(b == a + 1 for a, b in zip(ids, ids[1:])):
                ids = range(ids[0], ids[-1] + 1)
        else:
            ids = range(self.next_id[kind], self.next_id[kind] + len(rows))
            self.next_id[kind] += len(rows)
        if len(rows) != len(batch.numbers):
            columns = {name: [col[i] for i in rows] for name, col in columns.items()}
        numbers = [batch.numbers[i] for i in rows] if len(rows) != len(batch.numbers) else batch.numbers
        if wids is not None:  # the file's rows refer to these by its ids
            self.ids[kind].update((wids[i], rid) for i, rid in zip(rows, ids) if wids[i] is not None)
        if UNIQUE_LABEL.get(kind) in columns:  # later sheets refer to these by name
            labels = [keys[i] for i in rows] if len(rows) != len(keys) else keys
            self.added_names.setdefault(kind, []).append((labels, ids))
        self.preview.added.add_block(AddedBlock(kind, batch.sheet, numbers, ids, columns, defaults))

    def _not_stored(self, kind: str, columns: dict[str, list], rows, wids: list | None) -> list[int]:
        """The rows (indexes) that are not already in the ledger: each record the ledger has, equal in
        the sheet's columns, accounts for one equal row. What is left is added."""
        same = self.ledger.equal_stored(kind, columns, rows)
        if not same:
            return list(rows)
        if wids is not None:
            self.ids[kind].update((wids[i], rid) for i, rid in same.items() if wids[i] is not None)
        self.preview.unchanged[kind] = self.preview.unchanged.get(kind, 0) + len(same)
        return [i for i in rows if i not in same]


def _repeats(wids: list | None) -> bool:
    """A workbook id used twice (the row-by-row match reports where)."""
    if wids is None:
        return False
    given = [w for w in wids if w is not None]
    return len(set(given)) != len(given)


def _builder(cls) -> Callable[[dict, int], Any]:
    """(values of every field, id) -> a record of `cls`: the instance its __init__ makes (a frozen
    dataclass that only stores its fields), in a fifth of the time; a preview builds one per row."""
    new = object.__new__

    def build(values: dict, record_id: int) -> Any:
        record = new(cls)
        state = record.__dict__
        state.update(values)
        state["id"] = record_id
        return record

    return build


def ledger_identity(ledger: Ledger) -> str:
    """What an export records to recognise its ledger: the uid given at creation (older ledgers: creation time)."""
    return ledger.meta("uid") or ledger.meta("created_at", "") or ""


def _max_id(ledger: Ledger, kind: str) -> int:
    last = ledger.records(kind, order_by="id DESC", limit=1)
    return last[0].id if last else 0


def _same(a: Any, b: Any) -> bool:
    if a in (None, "", ()) and b in (None, "", ()):
        return True
    return a == b


def describe_change(change: Changed, currency: str, arrow: str = "->", longest: int = 120) -> str:
    """What a changed row changes, in the words a person sees: "Value: USD 60,000,000.00 -> USD
    61,000,000.00; Notes: ..." (field labels, money as money; a long text cut at `longest`)."""
    def shown(name: str, value: Any) -> str:
        if name.endswith("_cents") and isinstance(value, int):
            return format_cents(value, currency, short=False)
        text = describe_value(value)
        return text if len(text) <= longest else text[: longest - 1] + "…"

    return "; ".join(f"{field_label(change.kind, name)}: {shown(name, old)} {arrow} {shown(name, new)}"
                     for name, old, new in change.diffs)


def describe_value(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, tuple):
        return "; ".join(value)
    return json.dumps(value) if isinstance(value, str) else str(value)


