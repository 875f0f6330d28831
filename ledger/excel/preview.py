"""Compare what a file holds with a ledger: added, changed (old -> new), unchanged, missing, rejected.

Nothing is written here. Rows are matched to records:
- our own export, imported into the ledger it came from: by the stable id in the ID column;
- our own export into an empty ledger: every row is added and keeps its id (an exact copy);
- otherwise (a foreign sheet, or an export of another ledger): records named by a unique label
  (authority name, package number, system type name) match by that label; other rows are added
  with new ids, and references between the file's rows follow them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model import KIND_ORDER, KINDS, SystemType
from .plan import ImportPlan, Ref, Rejection

if TYPE_CHECKING:
    from ..service import Ledger

UNIQUE_LABEL = {"authority": "name", "package": "number", "system_type": "name"}


class Added(NamedTuple):
    kind: str
    sheet: str
    row: int  # 0 for a system type the import creates (no row of its own)
    record: Any  # the record as it will be written, id included


@dataclass(frozen=True)
class Changed:
    kind: str
    sheet: str
    row: int
    old: Any
    new: Any
    diffs: tuple[tuple[str, Any, Any], ...]  # (field, old value, new value)


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
    added: list[Added] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
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

        for a in self.added:
            bump(a.kind, "added")
        for c in self.changed:
            bump(c.kind, "changed")
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
        self.next_id = {k: _max_id(ledger, k) + 1 for k in KINDS}
        self.unknown: dict[str, None] = {}
        self.created_types: dict[str, int] = {}

    def run(self) -> Preview:
        total = self.plan.row_count
        done = 0
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        for batch in sorted(self.plan.batches, key=lambda b: order[b.kind]):
            self._batch(batch)
            done += len(batch.rows)
            if self.progress:
                self.progress(done, total)
        self.preview.unknown_system_types = list(self.unknown)
        return self.preview

    # -- names of records, for references given by name and matching by label ---------------------

    def _names(self, kind: str) -> dict[str, int]:
        if kind not in self.names:
            label = KINDS[kind].label_field
            names: dict[str, int] = {}
            for r in self.ledger.iter_records(kind):
                key = str(getattr(r, label)).strip().casefold()
                names.setdefault(key, r.id)
                if kind == "system_type":
                    for alias in r.aliases:
                        names.setdefault(alias.strip().casefold(), r.id)
            self.names[kind] = names
        return self.names[kind]

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
            return None, f"no {word} named {value.name!r} in the ledger or the file"
        found = self.ids[kind].get(value)
        if found is not None:
            return found, None
        if self.mode == "by id" and self.ledger.exists(kind, value):
            return value, None
        return None, f"no {word} with id {value} in the file (or its row was rejected)"

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

    # -- one batch of rows ---------------------------------------------------------------------

    def _batch(self, batch) -> None:
        kind = batch.kind
        k = KINDS[kind]
        specs = {f.name: f for f in k.fields}
        defaults = {f.name: (() if f.type == "aliases" else None) for f in k.fields}
        existing = self._existing(kind)
        unique = UNIQUE_LABEL.get(kind)
        seen_labels: dict[str, int] = {}
        seen_wids: dict[int, int] = {}
        matched: set[int] = set()
        reject = self.preview.rejected.append
        if self.mode != "by label":
            # Rows keep their ids: new rows without one are numbered after every id the sheet uses.
            top = max((inc.wid for inc in batch.rows if inc.wid is not None), default=0)
            self.next_id[kind] = max(self.next_id[kind], top + 1)
        # Per field of the batch: (name, kind referred to or None, column header, is aliases).
        plan_fields = [(name, specs[name].ref if specs[name].type == "ref" else None, batch.columns.get(name, name),
                        specs[name].type == "aliases") for name in batch.fields]
        required = [(f.name, f.label) for f in k.fields if f.required]
        resolved: dict[tuple[str, Any], tuple[int | None, str | None]] = {}  # a column repeats a few names
        added_append = self.preview.added.append
        build = _builder(k.cls)
        by_label = self.mode == "by label"
        for inc in batch.rows:
            values = dict(defaults)
            bad = False
            for (name, ref, column, aliases), value in zip(plan_fields, inc.values):
                if ref is not None and value is not None:
                    key = (ref, value)
                    found = resolved.get(key)
                    if found is None:
                        found = resolved[key] = self._resolve(ref, value, batch.sheet, inc.row, column)
                    value, why = found
                    if why:
                        reject(Rejection(batch.sheet, inc.row, column, None, why))
                        bad = True
                        continue
                values[name] = () if value is None and aliases else value
            for name, label in required:
                if values[name] is None or values[name] == "":
                    if name not in batch.fields or not bad:
                        reject(Rejection(batch.sheet, inc.row, batch.columns.get(name, label), None, f"{label.lower()} is required"))
                    bad = True
            if inc.wid is not None:
                if inc.wid in seen_wids:
                    reject(Rejection(batch.sheet, inc.row, "ID", inc.wid, f"id {inc.wid} is used again (first in row {seen_wids[inc.wid]})"))
                    bad = True
                seen_wids.setdefault(inc.wid, inc.row)
            if unique and isinstance(values.get(unique), str):
                key = values[unique].strip().casefold()
                if key in seen_labels:
                    reject(Rejection(batch.sheet, inc.row, batch.columns.get(unique, unique), values[unique],
                                     f"appears twice in the file (first in row {seen_labels[key]})"))
                    bad = True
                seen_labels.setdefault(key, inc.row)
            if bad:
                continue
            target = self._match(kind, inc.wid, values, existing, unique) if existing else None
            if target is None:
                if by_label:  # what _new_id gives in this mode, without a call per row
                    new_id = self.next_id[kind]
                    self.next_id[kind] = new_id + 1
                else:
                    new_id = self._new_id(kind, inc.wid, unique, values, batch.sheet, inc.row)
                    if new_id is None:
                        continue
                added_append(Added(kind, batch.sheet, inc.row, build(values, new_id)))
                if inc.wid is not None:
                    self.ids[kind][inc.wid] = new_id
                if unique:
                    self._names(kind)[values[unique].strip().casefold()] = new_id
                continue
            old = existing[target]
            matched.add(target)
            if inc.wid is not None:
                self.ids[kind][inc.wid] = target
            new = k.cls(**values, id=target)
            diffs = _diffs(k, old, new)
            if diffs:
                self.preview.changed.append(Changed(kind, batch.sheet, inc.row, old, new, diffs))
            else:
                self.preview.unchanged[kind] = self.preview.unchanged.get(kind, 0) + 1
        if self.mode == "by id" or (self.mode == "by label" and unique):
            label = k.label_field
            for rid, rec in existing.items():
                if rid not in matched:
                    self.preview.missing.append(Missing(kind, rid, str(getattr(rec, label))))

    def _existing(self, kind: str) -> dict[int, Any]:
        if self.mode == "copy" or (self.mode == "by label" and kind not in UNIQUE_LABEL):
            return {}
        return {r.id: r for r in self.ledger.iter_records(kind)}

    def _match(self, kind: str, wid: int | None, values: dict, existing: dict, unique: str | None) -> int | None:
        if not existing:
            return None
        if self.mode == "by id":
            return wid if wid in existing else None
        if self.mode == "by label" and unique and isinstance(values.get(unique), str):
            rid = self._names(kind).get(values[unique].strip().casefold())
            return rid if rid in existing else None
        return None

    def _new_id(self, kind: str, wid, unique, values, sheet, row) -> int | None:
        if unique and isinstance(values.get(unique), str) and self.mode == "by id":
            taken = self._names(kind).get(values[unique].strip().casefold())
            if taken is not None:
                self.preview.rejected.append(Rejection(sheet, row, unique, values[unique], f"is already used by {kind.replace('_', ' ')} id {taken}"))
                return None
        if self.mode in ("by id", "copy") and wid is not None:
            if wid >= self.next_id[kind]:
                self.next_id[kind] = wid + 1
            return wid
        new_id = self.next_id[kind]
        self.next_id[kind] += 1
        return new_id


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


def _diffs(k, old, new) -> tuple[tuple[str, Any, Any], ...]:
    out = []
    for f in k.fields:
        a, b = getattr(old, f.name), getattr(new, f.name)
        if not _same(a, b):
            out.append((f.name, a, b))
    return tuple(out)


def describe_value(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, tuple):
        return "; ".join(value)
    return json.dumps(value) if isinstance(value, str) else str(value)


