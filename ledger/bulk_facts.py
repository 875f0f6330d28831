"""The figures `validate.check` asks of a ledger, loaded once for a bulk add and kept current as its
rows are checked.

`Action.add_many` (imports) checks every row with the same rules as a single add; asking SQLite for
each reference, label and running sum per row made that quadratic (a package's delivered value is a
SUM over its deliveries). Here each figure is read once, then the rows already checked in the batch
are added to it, so a row is also checked against the rows before it in the same import (two rows
with one package number, deliveries adding up to more than a package).
"""

from __future__ import annotations

import bisect
import json
from typing import Any

from . import store
from .lookups import Lookups as Ledger
from .lookups import nocase
from .model import KINDS, Kind

_UNIQUE: dict[str, tuple[str, ...]] = {}


def _unique_fields(kind: Kind) -> tuple[str, ...]:
    names = _UNIQUE.get(kind.name)
    if names is None:
        names = _UNIQUE[kind.name] = tuple(f.name for f in kind.fields if f.unique)
    return names


class BulkFacts:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.conn = ledger.conn
        self.currency = ledger.currency
        self._ids: dict[str, set[int]] = {}
        self._rows: dict[tuple[str, int], dict[str, Any] | None] = {}
        self._labels: dict[tuple[str, str], dict[str, int]] = {}
        self._deadlines: dict[tuple[int, str | None], str | None] = {}
        self._preserved: dict[int, list[tuple[str, str]]] = {}  # authority -> (day, new deadline), in order
        self._left: dict[int, int] = {}
        self._line_sums: dict[int, int] = {}
        self._disbursed_value: dict[int, int] = {}
        self._disbursed_quantity: dict[int, int] = {}
        self._owners: dict[str, int] | None = None
        self._scope_base: dict[tuple[str, int | None], tuple[int, int, str]] = {}
        self._scope_rows: list[tuple[str, int | None, int]] = []  # scope disbursements of this batch

    # -- what validate.check asks -------------------------------------------------------------

    def _id_set(self, kind: str) -> set[int]:
        if kind not in self._ids:
            self._ids[kind] = {r[0] for r in self.conn.execute(f"SELECT id FROM {KINDS[kind].table}")}
        return self._ids[kind]

    def ids_of(self, kind: str) -> set[int]:
        """Every id of `kind`: stored, and added by this batch so far."""
        return self._id_set(kind)

    def exists(self, kind: str, record_id: int) -> bool:
        return record_id in self._id_set(kind)

    def get_row(self, kind: str, record_id: int) -> dict[str, Any] | None:
        key = (kind, record_id)
        if key not in self._rows:
            self._rows[key] = store.fetch_row(self.conn, KINDS[kind], record_id)
        return self._rows[key]

    def prefetch(self, kind: str, record_ids: set) -> None:
        """Read the rows of these records in a few queries: a rule is about to ask for each of them."""
        missing = [i for i in record_ids if i is not None and (kind, i) not in self._rows]
        if missing:
            found = store.fetch_rows(self.conn, KINDS[kind], missing)
            self._rows.update(((kind, i), found.get(i)) for i in missing)

    def label_owners(self, kind: Kind, field: str, keys: set[str]) -> dict[str, int]:
        """{folded label: id} for these labels, stored or added by this batch: from the labels read once."""
        labels = self._label_map(kind, field)
        return {key: labels[key] for key in keys & labels.keys()}

    def _label_map(self, kind: Kind, field: str) -> dict[str, int]:
        key = (kind.name, field)
        if key not in self._labels:
            self._labels[key] = {nocase(v): i for i, v in self.conn.execute(f"SELECT id, {field} FROM {kind.table}")}
        return self._labels[key]

    def effective_deadline(self, authority_id: int, as_of: str | None = None) -> str | None:
        """As `Lookups.effective_deadline`, from the authority's preservations read once (a sheet of
        packages asks for each of its days)."""
        key = (authority_id, as_of)
        if key not in self._deadlines:
            if authority_id not in self._preserved:
                self._preserved[authority_id] = self.conn.execute(
                    """SELECT adjusted_on, new_deadline FROM adjustments WHERE authority_id = ? AND kind = 'preservation'
                       AND new_deadline IS NOT NULL ORDER BY adjusted_on, id""", (authority_id,)).fetchall()
            moves = self._preserved[authority_id]
            upto = len(moves) if as_of is None else bisect.bisect_right(moves, as_of, key=lambda m: m[0])
            if upto:
                self._deadlines[key] = moves[upto - 1][1]
            else:
                auth = self.get_row("authority", authority_id)
                self._deadlines[key] = auth["expires_on"] if auth else None
        return self._deadlines[key]

    def authority_left(self, authority_id: int, exclude_package: int | None = None) -> int:
        if authority_id not in self._left:
            self._left[authority_id] = self.ledger.authority_left(authority_id)
        return self._left[authority_id]

    def packages_with_lines(self, package_ids: set[int]) -> set[int]:
        """As `Lookups.packages_with_lines`: only a stored package, or one whose lines joined this
        batch, can have any (a new package's lines are checked after it)."""
        stored = package_ids & self._id_set("package")
        return (self.ledger.packages_with_lines(stored) if stored else set()) | (package_ids & self._line_sums.keys())

    def line_value_sum(self, package_id: int, exclude_line: int | None = None) -> int:
        return self._sum(self._line_sums, "package", package_id, self.ledger.line_value_sum)

    def disbursed_value(self, package_id: int, exclude: int | None = None) -> int:
        return self._sum(self._disbursed_value, "package", package_id, self.ledger.disbursed_value)

    def disbursed_quantity(self, line_id: int, exclude: int | None = None) -> int:
        return self._sum(self._disbursed_quantity, "line", line_id, self.ledger.disbursed_quantity)

    def _sum(self, cache: dict[int, int], kind: str, record_id: int, query) -> int:
        if record_id not in cache:
            # A record not stored yet has nothing against it in the ledger.
            cache[record_id] = query(record_id) if record_id in self._id_set(kind) else 0
        return cache[record_id]

    def scope_totals(self, program: str, authority_id: int | None, exclude: int | None = None) -> tuple[int, int, str]:
        key = (nocase(program), authority_id)
        if key not in self._scope_base:
            self._scope_base[key] = self.ledger.scope_totals(program, authority_id)
        committed, disbursed, name = self._scope_base[key]
        disbursed += sum(v for p, a, v in self._scope_rows if (a == authority_id if authority_id is not None else p == key[0]))
        return committed, disbursed, name

    def system_type_owner(self, name_or_alias: str) -> int | None:
        if self._owners is None:
            self._owners = {}
            for tid, name, aliases in self.conn.execute("SELECT id, name, aliases FROM system_types ORDER BY id"):
                for word in (name, *json.loads(aliases or "[]")):
                    self._owners.setdefault(word.casefold(), tid)
        return self._owners.get(name_or_alias.strip().casefold())

    # -- stored rows a batch rewrites -------------------------------------------------------------

    def removed_many(self, kind: Kind, rows: list[dict[str, Any]]) -> None:
        """Stored rows a batch of updates rewrites (an import's changed records): their labels are
        free and their values leave the sums, so each new row is judged against the ledger as the
        batch leaves it, as `update` judges one record by leaving it out."""
        for name in _unique_fields(kind):
            labels = self._label_map(kind, name)
            for row in rows:
                value = row.get(name)
                if value.__class__ is str and labels.get(nocase(value)) == row["id"]:
                    del labels[nocase(value)]
        for row in rows:
            if kind.name == "package" and row["authority_id"] is not None:
                self._left[row["authority_id"]] = self.authority_left(row["authority_id"]) + (row["value_cents"] or 0)
            elif kind.name == "line" and row["value_cents"]:
                self._line_sums[row["package_id"]] = self.line_value_sum(row["package_id"]) - row["value_cents"]
            elif kind.name == "disbursement":
                if row["value_cents"]:
                    self._disbursed_value[row["package_id"]] = self.disbursed_value(row["package_id"]) - row["value_cents"]
                if row["line_id"] is not None and row["quantity"] is not None:
                    self._disbursed_quantity[row["line_id"]] = self.disbursed_quantity(row["line_id"]) - row["quantity"]

    # -- a checked row joins the batch ----------------------------------------------------------

    def added(self, kind: Kind, row: dict[str, Any]) -> None:
        self.added_many(kind, [row])

    def added_many(self, kind: Kind, rows: list[dict[str, Any]]) -> None:
        """Checked rows join the batch: later rows are checked against them."""
        self._id_set(kind.name).update(row["id"] for row in rows)
        for name in _unique_fields(kind):
            labels = self._label_map(kind, name)
            for row in rows:
                value = row.get(name)
                if value.__class__ is str:
                    labels.setdefault(nocase(value), row["id"])
        if kind.name == "package":
            spent: dict[int, int] = {}
            for row in rows:
                aid = row.get("authority_id")
                if aid is not None:
                    spent[aid] = spent.get(aid, 0) + (row["value_cents"] or 0)
            for aid, value in spent.items():
                self._left[aid] = self.authority_left(aid) - value
        elif kind.name in ("line", "disbursement", "disbursement_by_authority", "adjustment", "system_type"):
            for row in rows:
                self._joined(kind.name, row)

    def _joined(self, name: str, row: dict[str, Any]) -> None:
        rid = row["id"]
        if name == "line" and row.get("value_cents"):
            pkg = row["package_id"]
            self._line_sums[pkg] = self.line_value_sum(pkg) + row["value_cents"]
        elif name == "disbursement":
            pkg, line = row["package_id"], row.get("line_id")
            if row.get("value_cents"):
                self._disbursed_value[pkg] = self.disbursed_value(pkg) + row["value_cents"]
            if line is not None and row.get("quantity") is not None:
                self._disbursed_quantity[line] = self.disbursed_quantity(line) + row["quantity"]
        elif name == "disbursement_by_authority":
            self._scope_rows.append((nocase(row["program"]), row.get("authority_id"), row["value_cents"]))
        elif name == "adjustment":
            self._left.pop(row.get("authority_id"), None)  # its effect on what is left: read again
            self._deadlines, self._preserved = {}, {}
        elif name == "system_type" and self._owners is not None:
            aliases = row.get("aliases") or "[]"
            for word in (row["name"], *(json.loads(aliases) if isinstance(aliases, str) else aliases)):
                self._owners.setdefault(word.casefold(), rid)


