"""The figures the rules ask of a ledger, one SQL query each: a single change is checked with these.

`ledger.rules` (through `validate.check`) asks any object with these methods: `Lookups` (mixed into
`Ledger`) answers from the tables, `bulk_facts.BulkFacts` from figures read once for a whole batch.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import queries, store
from .model import KINDS, Kind

# SQLite's NOCASE folds ASCII letters only: labels are compared the same way.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def nocase(text: str) -> str:
    """A label as NOCASE compares it (surrounding spaces aside)."""
    text = text.strip()
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def nocase_all(values: list) -> list[str]:
    """`nocase` of each text of a column ("" for anything else), in one pass: a column of labels."""
    if set(map(type, values)) == {str} and "".join(values).isascii():  # the usual column: C functions mapped over it
        return list(map(str.lower, map(str.strip, values)))
    table = _ASCII_LOWER
    return [(v.strip().lower() if v.isascii() else v.strip().translate(table)) if v.__class__ is str else "" for v in values]


class Lookups:
    """Mixed into `Ledger`: needs `self.conn`."""

    conn: sqlite3.Connection

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @property
    def currency(self) -> str:
        return self.meta("currency", "USD")

    @property
    def default_deadline(self) -> str | None:
        return self.meta("default_deadline")

    def get_row(self, kind: str, record_id: int) -> dict[str, Any] | None:
        return store.fetch_row(self.conn, KINDS[kind], record_id)

    def prefetch(self, kind: str, record_ids: set) -> None:
        """Nothing to do: a single change asks for a row or two (`BulkFacts` reads a batch's at once)."""

    def exists(self, kind: str, record_id: int) -> bool:
        return self.conn.execute(f"SELECT 1 FROM {KINDS[kind].table} WHERE id = ?", (record_id,)).fetchone() is not None

    def system_type_owner(self, name_or_alias: str) -> int | None:
        key = name_or_alias.strip().casefold()
        for tid, name, aliases in self.conn.execute("SELECT id, name, aliases FROM system_types"):
            if name.casefold() == key or any(a.casefold() == key for a in json.loads(aliases or "[]")):
                return tid
        return None

    def label_owners(self, kind: Kind, field: str, keys: set[str]) -> dict[str, int]:
        """{folded label: id} of the stored records holding these labels (`bulk_facts.nocase` keys)."""
        out: dict[str, int] = {}
        keys = sorted(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for rid, label in self.conn.execute(
                f"SELECT id, {field} FROM {kind.table} WHERE {field} COLLATE NOCASE IN ({', '.join('?' * len(chunk))})"
                " ORDER BY id DESC", chunk,
            ):
                out[nocase(label)] = rid
        return out

    def effective_deadline(self, authority_id: int, as_of: str | None = None) -> str | None:
        """The authority's expiry, moved by the latest preservation dated on or before `as_of`."""
        row = self.conn.execute(
            """SELECT new_deadline FROM adjustments WHERE authority_id = ? AND kind = 'preservation'
               AND new_deadline IS NOT NULL AND (? IS NULL OR adjusted_on <= ?) ORDER BY adjusted_on DESC, id DESC LIMIT 1""",
            (authority_id, as_of, as_of),
        ).fetchone()
        if row:
            return row[0]
        row = self.conn.execute("SELECT expires_on FROM authorities WHERE id = ?", (authority_id,)).fetchone()
        return row[0] if row else None

    def authority_left(self, authority_id: int, exclude_package: int | None = None) -> int:
        amount = self.conn.execute("SELECT amount_cents FROM authorities WHERE id = ?", (authority_id,)).fetchone()[0]
        effect = self.conn.execute(
            f"SELECT COALESCE(SUM({queries.EFFECT_SQL}), 0) FROM adjustments WHERE authority_id = ?", (authority_id,)
        ).fetchone()[0]
        committed = self.conn.execute(
            "SELECT COALESCE(SUM(value_cents), 0) FROM packages WHERE authority_id = ? AND id IS NOT ?",
            (authority_id, exclude_package),
        ).fetchone()[0]
        return amount + effect - committed

    def packages_with_lines(self, package_ids: set[int]) -> set[int]:
        """Those of these packages that have lines (a line's value can only sum above a package that has some)."""
        ids = sorted(package_ids)
        found: set[int] = set()
        for start in range(0, len(ids), 500):  # SQLite's limit on bound values
            part = ids[start : start + 500]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT package_id FROM package_lines WHERE package_id IN ({', '.join('?' * len(part))})", part))
        return found

    def line_value_sum(self, package_id: int, exclude_line: int | None = None) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(value_cents), 0) FROM package_lines WHERE package_id = ? AND id IS NOT ?",
            (package_id, exclude_line),
        ).fetchone()[0]

    def disbursed_value(self, package_id: int, exclude: int | None = None) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(value_cents), 0) FROM disbursements WHERE package_id = ? AND id IS NOT ?",
            (package_id, exclude),
        ).fetchone()[0]

    def scope_totals(self, program: str, authority_id: int | None, exclude: int | None = None) -> tuple[int, int, str]:
        """Committed and disbursed of an authority or a whole program (execution_rules.scope_totals)."""
        from .execution_rules import scope_totals

        return scope_totals(self, program, authority_id, exclude)

    def disbursed_quantity(self, line_id: int, exclude: int | None = None) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM disbursements WHERE line_id = ? AND id IS NOT ?",
            (line_id, exclude),
        ).fetchone()[0]
