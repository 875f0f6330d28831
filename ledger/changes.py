"""The unit of work: every change of one user operation, validated, written and recorded in history.

`Ledger.action` opens the transaction and hands out a `UnitOfWork`; its methods add, update and
delete records (one at a time, a list of records, or columns of a big import) with the rules of
`ledger.rules` (run by `ledger.engine`), and record each write in `history` in the same transaction.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from . import accepted, history, rules, store, validate
from .bulk_facts import BulkFacts
from .changed import Touched
from .errors import LedgerError, NotFoundError, Problem, ValidationError, WarningsNotAccepted
from .model import KINDS, Kind, kind_of
from .normalise import normalise_columns, normalise_row


class UnitOfWork:
    """The changes of one user operation (`Ledger.action`). Each is validated, written and recorded in
    history; `history.Action` is the stored record of it."""

    def __init__(self, ledger: Any, label: str, accept_warnings: bool):
        self.ledger = ledger
        self.conn = ledger.conn
        self.label = label
        self.accept_warnings = accept_warnings
        self.action_id: int | None = None
        self.warnings: list[Problem] = []
        self.known: set[str] = set()  # warnings accepted before (an export's): not asked again
        self.touched = Touched()  # what listeners are told when the action commits

    def _history_id(self) -> int:
        if self.action_id is None:
            self.action_id = history.begin_action(self.conn, self.label)
        return self.action_id

    def _normalise(self, kind: Kind, row: dict[str, Any], facts: Any = None) -> dict[str, Any]:
        return normalise_row(kind, row, facts or self.ledger)

    def _checked(self, kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
        row = self._normalise(kind, row)
        self._settle(validate.check(self.ledger, kind, row))
        return row

    def _settle(self, problems: list[Problem]) -> None:
        """Raise what blocks a change (errors; warnings not accepted), or keep the accepted warnings."""
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise ValidationError(errors)
        if self._blocks(problems):
            raise WarningsNotAccepted([p for p in problems if accepted.key(p) not in self.known])
        self.warnings.extend(problems)

    def _blocks(self, problems: list[Problem]) -> bool:
        """Warnings stop the change: not accepted, and not accepted before."""
        return bool(problems) and not self.accept_warnings and any(accepted.key(p) not in self.known for p in problems)

    def add(self, record: Any) -> Any:
        k = kind_of(record)
        row = self._checked(k, store.to_row(k, record))
        row["id"] = store.insert_row(self.conn, k, row)
        history.record(self.conn, self._history_id(), k.table, row["id"], None, row)
        self.touched.add(k.name, row["id"])
        return replace(record, id=row["id"], **_record_values(k, row))

    def add_many(self, records: list[Any], keep_ids: bool = False, step: Callable[[int], None] | None = None) -> list[int]:
        """Add records of one kind (imports): `add_columns` of their fields. Returns their ids.

        `keep_ids` writes the ids the records carry (an import that keeps a workbook's ids); otherwise
        ids follow the highest in use. Every record is checked and all problems are raised together,
        each with the id of its record, before anything is written. `step(rows written so far)` is
        called after every BULK_CHUNK rows: an exception raised there (a cancel) stops the add, and the
        action writes nothing.
        """
        if not records:
            return []
        k = kind_of(records[0])
        if keep_ids:
            ids: Sequence[int] = [r.id for r in records]
        else:
            first = self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {k.table}").fetchone()[0]
            ids = range(first, first + len(records))
        self.add_columns(k.name, {f.name: [getattr(r, f.name) for r in records] for f in k.fields}, {}, ids, step)
        return list(ids)

    def add_columns(self, kind: str, columns: dict[str, list], constants: dict[str, Any], ids: Sequence[int],
                    step: Callable[[int], None] | None = None) -> None:
        """Add rows of one kind given column by column, in record form (dates, tuples), with the ids
        they will have (`ids`, unused; mostly a range): a big import. The same checks, problems and
        history as `add_many` of the same records; the columns are converted, normalised and checked a
        column at a time, and only rows that may have a problem are checked one by one."""
        k = KINDS[kind]
        n = len(ids)
        if not n:
            return
        facts = BulkFacts(self.ledger)
        cols = _stored_columns(k, columns, constants, n, facts)
        self._settle(validate.check_columns(facts, k, cols, ids)[0])
        # Columns no row fills are left to their default (NULL): fewer values to bind per row.
        empty = [name for name, col in cols.items() if col.count(None) == n]
        names = [name for name in store.columns(k) if name not in empty]
        cols["id"] = ids
        rows = zip(*(cols[name] for name in names))
        sql = f"INSERT INTO {k.table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        with store.indexes_deferred(self.conn, k.table, n), store.indexes_deferred(self.conn, "history_changes", n):
            for start in range(0, n, BULK_CHUNK):
                if step and start:
                    step(start)
                self.conn.executemany(sql, itertools.islice(rows, BULK_CHUNK))
            self.touched.add_many(k.name, ids)
            runs = [(ids[0], ids[-1])] if isinstance(ids, range) else history.id_runs(ids)  # in the rows' order
            history.record_inserted_runs(self.conn, self._history_id(), k.table, runs, null_columns=empty)
        if step:
            step(n)

    def update(self, record: Any) -> Any:
        k = kind_of(record)
        old = store.fetch_row(self.conn, k, record.id)
        if old is None:
            raise NotFoundError(f"no {k.name.replace('_', ' ')} with id {record.id}")
        row = self._checked(k, store.to_row(k, record))
        if row == old:
            return record
        store.update_row(self.conn, k, row)
        history.record(self.conn, self._history_id(), k.table, record.id, old, row)
        self.touched.add(k.name, record.id)
        if k.name == "line" and old["system_type_id"] != row["system_type_id"]:
            # Deliveries against the line follow its system type.
            for d in self.ledger.records("disbursement", "line_id = ?", (record.id,)):
                self._raw_update("disbursement", replace(d, system_type_id=row["system_type_id"]))
        return replace(record, **_record_values(k, row))

    def update_many(self, records: list[Any], step: Callable[[int], None] | None = None) -> None:
        """Update stored records of one kind (an import's changed rows): checked as one batch against
        the ledger as the batch leaves it (`BulkFacts.removed_many`), staged and written with one UPDATE.
        The same problems as `update` of each; kinds checked a row at a time (system types, the
        execution kinds) are updated one by one."""
        if not records:
            return
        k = kind_of(records[0])
        self.update_columns(k.name, [r.id for r in records], {f.name: [getattr(r, f.name) for r in records] for f in k.fields},
                            step, records)

    def update_columns(self, kind: str, ids: list[int], columns: dict[str, list], step: Callable[[int], None] | None = None,
                       records: list | None = None) -> None:
        """`update_many` of records given column by column (every field, record form): an import's block
        of changed rows, written without building a record per row (`records`: the same, when at hand)."""
        k = KINDS[kind]
        if not ids:
            return
        if rules.row_by_row(k) or k.name not in BATCH_UPDATES:
            if records is None:
                records = [k.cls(**{name: col[i] for name, col in columns.items()}, id=rid) for i, rid in enumerate(ids)]
            for i, record in enumerate(records):
                if step and i and i % BULK_CHUNK == 0:
                    step(i)
                self.update(record)
            return
        old = store.fetch_rows(self.conn, k, ids)
        gone = next((i for i in ids if i not in old), None)
        if gone is not None:
            raise NotFoundError(f"no {k.name.replace('_', ' ')} with id {gone}")
        facts = BulkFacts(self.ledger)
        facts.removed_many(k, [old[i] for i in ids])
        cols = _stored_columns(k, columns, {}, len(ids), facts)
        self._settle(validate.check_columns(facts, k, cols, ids)[0])
        names = list(cols)
        rows = [dict(zip(names, values), id=rid) for rid, values in zip(ids, zip(*(cols[n] for n in names)))]
        rows = [row for row in rows if row != old[row["id"]]]
        was = [old[row["id"]] for row in rows]
        changed = [n for n in names if [row[n] for row in rows] != [w[n] for w in was]]  # compared in C
        for start in range(0, len(rows), BULK_CHUNK):
            if step and start:
                step(start)
            with store.staged(self.conn, k, rows[start : start + BULK_CHUNK]) as stage:
                history.record_updates(self.conn, self._history_id(), k.table, stage)  # before: it reads the old rows
                store.update_staged(self.conn, k, stage, changed)
        self.touched.add_many(k.name, [row["id"] for row in rows])
        if k.name == "line":  # deliveries against a line follow its system type
            for row in rows:
                if row["system_type_id"] != old[row["id"]]["system_type_id"]:
                    for d in self.ledger.records("disbursement", "line_id = ?", (row["id"],)):
                        self._raw_update("disbursement", replace(d, system_type_id=row["system_type_id"]))
        if step:
            step(len(ids))

    def _raw_update(self, kind: str, record: Any) -> None:
        """Write a consequence of a validated change (no checks of its own), recorded in history."""
        k = KINDS[kind]
        old = store.fetch_row(self.conn, k, record.id)
        row = store.to_row(k, record)
        store.update_row(self.conn, k, row)
        history.record(self.conn, self._history_id(), k.table, record.id, old, row)
        self.touched.add(k.name, record.id)

    def _raw_delete(self, kind: str, record_id: int) -> None:
        k = KINDS[kind]
        old = store.fetch_row(self.conn, k, record_id)
        store.delete_row(self.conn, k, record_id)
        history.record(self.conn, self._history_id(), k.table, record_id, old, None)
        self.touched.add(k.name, record_id)

    def delete(self, kind: str, record_id: int) -> int:
        k = KINDS[kind]
        row = store.fetch_row(self.conn, k, record_id)
        if row is None:
            raise NotFoundError(f"no {kind.replace('_', ' ')} with id {record_id}")
        who = validate.describe(k, row)
        blockers = _blocking_references(self.ledger, kind, record_id)
        if blockers:
            raise ValidationError([Problem("error", kind, who, "id", f"is still used by {blockers}: change or delete those first")])
        removed = 1
        if kind == "package":
            for (did,) in self.conn.execute("SELECT id FROM disbursements WHERE package_id = ? ORDER BY id", (record_id,)).fetchall():
                self._raw_delete("disbursement", did)
                removed += 1
            for (lid,) in self.conn.execute("SELECT id FROM package_lines WHERE package_id = ? ORDER BY id", (record_id,)).fetchall():
                self._raw_delete("line", lid)
                removed += 1
        if kind == "line":
            for d in self.ledger.records("disbursement", "line_id = ?", (record_id,)):
                self._raw_update("disbursement", replace(d, line_id=None))
        self._raw_delete(kind, record_id)
        return removed

    def merge_system_types(self, source_id: int, target_id: int) -> None:
        if source_id == target_id:
            raise LedgerError("a system type cannot be merged into itself")
        src = self.ledger.get("system_type", source_id)
        dst = self.ledger.get("system_type", target_id)
        for line in self.ledger.records("line", "system_type_id = ?", (source_id,)):
            self._raw_update("line", replace(line, system_type_id=target_id))
        for kind in ("disbursement", "reported_figure"):
            for d in self.ledger.records(kind, "system_type_id = ?", (source_id,)):
                self._raw_update(kind, replace(d, system_type_id=target_id))
        self._raw_delete("system_type", source_id)
        aliases = tuple(dict.fromkeys((*dst.aliases, src.name, *src.aliases)))
        self._raw_update("system_type", replace(dst, aliases=aliases))


def _blocking_references(ledger: Any, kind: str, record_id: int) -> str:
    """What still refers to a record whose deletion would leave others dangling."""
    refs = {
        "authority": [("package", "authority_id"), ("adjustment", "authority_id"), ("observation", "authority_id"),
                      ("reported_figure", "authority_id"), ("disbursement_by_authority", "authority_id")],
        "system_type": [("line", "system_type_id"), ("disbursement", "system_type_id"), ("reported_figure", "system_type_id")],
        "source": [(k, "source_id") for k in ("authority", "package", "disbursement", "adjustment", "observation",
                                                 "reported_figure", "disbursement_by_authority")],
    }.get(kind, [])
    parts = []
    for other, column in refs:
        n = ledger.count(other, f"{column} = ?", (record_id,))
        if n:
            parts.append(f"{n} {KINDS[other].plural if n > 1 else other.replace('_', ' ')}")
    return ", ".join(parts)


BULK_CHUNK = 20_000  # add_many reports progress (and can be cancelled) this often
# Kinds whose changed records an import checks as one batch: the figures their rules sum are those
# BulkFacts.removed_many takes their old values out of (or they sum none).
BATCH_UPDATES = ("source", "authority", "package", "line", "disbursement", "adjustment", "observation")


def _stored_columns(kind: Kind, columns: dict[str, list], constants: dict[str, Any], n: int, facts: BulkFacts) -> dict[str, list]:
    """Record-form columns in stored form (dates as ISO text, aliases as JSON), normalised as every
    row is (ledger.normalise)."""
    dates, aliases = store._stored_form(kind)
    out: dict[str, list] = {}
    for f in kind.fields:
        name = f.name
        col = columns[name] if name in columns else [constants.get(name)] * n
        if name in dates:
            iso = {d: d.isoformat() for d in set(col) if d is not None}
            col = list(map(iso.get, col))
        elif name in aliases:
            col = [json.dumps(list(v), ensure_ascii=False) for v in col]
        out[name] = col
    return normalise_columns(kind, out, facts)


def _record_values(kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in vars(store.from_row(kind, row)).items() if k != "id"}
