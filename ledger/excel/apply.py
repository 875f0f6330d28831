"""Write a previewed import: one transaction, one history entry ("Import FILE"), all or nothing.

Added records keep the ids the preview gave them (references between the file's rows already
point at those ids) and go in with one executemany per kind and chunk; changed records are checked
and updated as one batch per kind (a block of columns per sheet). With `skip_invalid`, rows the
preview rejected are left out, and rows the ledger's rules reject on writing are dropped (with the
rows that depend on them) and the write is tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem, ValidationError
from ..model import KIND_ORDER, KINDS
from . import infer
from .errors import Cancelled, ExcelError
from .plan import Rejection
from .preview import AddedBlock, AddedRows, ChangedBlock, ChangedRows, Preview
from .problems import article

if TYPE_CHECKING:
    from ..service import Ledger

MAX_ROUNDS = 8  # each round drops what the rules rejected; dependants fall in the next
# Adjustments (they refer to authorities only) go in before packages: a package is then checked with
# the preservations and revaluations of the same workbook counted, as the ledger will be after it.
WRITE_ORDER = ("source", "authority", "adjustment", *(k for k in KIND_ORDER if k not in ("source", "authority", "adjustment")))


class ImportRejected(ExcelError):
    """Rows were rejected and the import is all-or-nothing: nothing was written."""

    def __init__(self, rejected: list[Rejection]):
        self.rejected = rejected
        super().__init__(f"{len(rejected)} row{'s' if len(rejected) != 1 else ''} rejected: nothing was imported")


@dataclass
class ImportResult:
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)  # rows left out (skip_invalid) and why
    warnings: list[Problem] = field(default_factory=list)  # accepted warnings

    @property
    def total(self) -> int:
        return sum(self.added.values()) + sum(self.changed.values())


def apply_import(
    ledger: Ledger,
    preview: Preview,
    skip_invalid: bool = False,
    accept_warnings: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Write the preview's added and changed rows. Raises ImportRejected (nothing written) if rows were
    rejected and `skip_invalid` is false; WarningsNotAccepted if the rules warn and warnings are not accepted."""
    rejected = list(preview.rejected)
    if rejected and not skip_invalid:
        raise ImportRejected(rejected)
    added, changed = preview.added, preview.changed
    if not ledger.readonly:
        ledger.backup(f"before Import {preview.plan.path.name}")  # once: the rounds below retry a write that was rolled back
    for _ in range(MAX_ROUNDS):
        try:
            return _write(ledger, preview, added, changed, rejected, accept_warnings, progress, cancelled)
        except ValidationError as exc:
            # Where each record came from: built only now (a million-row import would carry it for nothing).
            where = {(a.kind, a.record.id): (a.sheet, a.row) for a in added}
            where.update({(c.kind, c.new.id): (c.sheet, c.row) for c in changed})
            found = _rejections(exc.problems, where)
            if not skip_invalid:
                raise ImportRejected(rejected + found) from None
            bad = {(p.kind, p.record_id) for p in exc.problems}
            if not bad or all(rid is None for _, rid in bad):
                raise
            rejected += found
            added = [a for a in added if (a.kind, a.record.id) not in bad]  # row by row from here: a rare path
            changed = [c for c in changed if (c.kind, c.new.id) not in bad]
            added, dropped = _without_orphans(added, bad)
            rejected += dropped
    raise ExcelError("the import kept finding rows the ledger rejects; nothing was imported")


def _write(ledger, preview, added, changed, rejected, accept_warnings, progress, cancelled) -> ImportResult:
    result = ImportResult(rejected=list(rejected))
    total = len(added) + len(changed)
    done = 0
    label = f"Import {preview.plan.path.name}"

    def stepper(before: int) -> Callable[[int], None]:
        """`step(rows written)` of a call: progress over the whole import, and a cancel stops it."""
        def step(written: int) -> None:
            if cancelled and cancelled():
                raise Cancelled("import cancelled: nothing was imported")
            if progress and written:
                progress(before + written, total)
        return step

    with ledger.action(label, accept_warnings) as act:
        act.known = set(preview.plan.accepted_warnings)
        by_kind, blocks = _grouped(added, AddedRows, AddedBlock, lambda a: a.record)
        updates_by_kind, update_blocks = _grouped(changed, ChangedRows, ChangedBlock, lambda c: c.new)
        for kind in WRITE_ORDER:
            records = by_kind.pop(kind, [])
            for rows in ([records] if records else []) + blocks.pop(kind, []):
                if cancelled and cancelled():
                    raise Cancelled("import cancelled: nothing was imported")
                step = stepper(done)
                # One call per kind (or block of columns): its checks read the ledger's figures once, and a
                # big import builds the table's indexes once instead of keeping them current row by row.
                if isinstance(rows, AddedBlock):
                    act.add_columns(kind, rows.columns, rows.constants, rows.ids, step=step)
                else:
                    act.add_many(rows, keep_ids=True, step=step)
                done += len(rows)
                result.added[kind] = result.added.get(kind, 0) + len(rows)
            # Checked as one batch (or block of columns), as the added rows are.
            updates = updates_by_kind.pop(kind, [])
            act.update_many(updates, step=stepper(done))
            done += len(updates)
            for block in update_blocks.pop(kind, []):
                act.update_columns(kind, block.ids, block.columns(), step=stepper(done))
                done += len(block)
                updates += block.ids
            if updates:
                result.changed[kind] = len(updates)
                if progress:
                    progress(done, total)
        result.warnings = list(act.warnings)
    infer.remember_item_types(ledger, preview.plan)
    if preview.mode == "copy":
        # An exact copy carries the ledger's settings too (the deadline the pace is measured against).
        for key, value in preview.plan.settings.items():
            if ledger.meta(key) is None:
                ledger.set_meta(key, value)
        if preview.plan.origin:
            # Its ids are the exporting ledger's: the same workbook, edited, matches rows by ID here too.
            ledger.set_meta("copied_from", preview.plan.origin)
    return result


def _grouped(rows, rows_type: type, block_type: type, record: Callable) -> tuple[dict[str, list], dict[str, list]]:
    """kind -> single records, and kind -> blocks of columns, of the preview's added or changed rows
    (or of a plain list of them, once a round has dropped some)."""
    single: dict[str, list] = {}
    blocks: dict[str, list] = {}
    for part in rows.parts if isinstance(rows, rows_type) else [rows]:
        if isinstance(part, block_type):
            blocks.setdefault(part.kind, []).append(part)
        else:
            for x in part:
                single.setdefault(x.kind, []).append(record(x))
    return single, blocks


def _rejections(problems: list[Problem], where: dict) -> list[Rejection]:
    out = []
    for p in problems:
        sheet, row = where.get((p.kind, p.record_id), ("", 0))
        out.append(Rejection(sheet, row, p.label, None, f"{p.record}: {p.message}"))
    return out


def _without_orphans(added, bad: set) -> tuple[list, list[Rejection]]:
    """Drop added rows that refer to a dropped record."""
    dropped_ids = {(k, rid) for k, rid in bad}
    out, gone = [], []
    for a in added:
        k = KINDS[a.kind]
        orphan = next((f for f in k.fields if f.type == "ref" and (f.ref, getattr(a.record, f.name)) in dropped_ids), None)
        if orphan is not None:
            dropped_ids.add((a.kind, a.record.id))
            gone.append(Rejection(a.sheet, a.row, orphan.label, None, f"refers to {article(orphan.ref.replace('_', ' '))} that was rejected"))
        else:
            out.append(a)
    return out, gone
