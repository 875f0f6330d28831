"""Reading records: by id, pages of a table, search, labels and counts. Mixed into `Ledger`.

Table views search and sort here (through ledger/browse.py: keyset pages, full-text search), so no
SQL is written outside the core.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from . import browse, fingerprint, history, store
from .errors import NotFoundError
from .lookups import Lookups
from .model import KINDS
from .sqlite_errors import translate


class Reads(Lookups):
    """Needs `self.conn` and `self.where` (see Lookups)."""

    def get(self, kind: str, record_id: int) -> Any:
        row = self.get_row(kind, record_id)
        if row is None:
            raise NotFoundError(f"no {kind.replace('_', ' ')} with id {record_id}")
        return store.from_row(KINDS[kind], row)

    def records(
        self,
        kind: str,
        where: str | None = None,
        params: Iterable[Any] = (),
        order_by: str = "id",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Any]:
        return list(self.iter_records(kind, where, params, order_by, limit, offset))

    def iter_records(self, kind: str, where=None, params=(), order_by="id", limit=None, offset=0) -> Iterator[Any]:
        k = KINDS[kind]
        sql = store.select_sql(k)
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        cols = store.columns(k)
        for row in self.conn.execute(sql, list(params)):
            yield store.from_row(k, dict(zip(cols, row)))

    def iter_rows(self, kind: str) -> Iterator[tuple]:
        """Stored rows by id, as tuples: id, then the kind's fields in order (dates as ISO text, aliases
        as JSON). For bulk reads (exports) where building a record per row costs more than the work."""
        return iter(self.conn.execute(f"{store.select_sql(KINDS[kind])} ORDER BY id"))

    def field_values(self, kind: str, fields: Sequence[str], ids: Sequence[int] | None = None) -> list[tuple]:
        """These fields of every record (or of those `ids` that exist), by id, in record form (dates,
        alias tuples): the labels and figures an import compares, without building a record per row."""
        k = KINDS[kind]
        dates, aliases = store._stored_form(k)
        sql = f"SELECT {', '.join(fields)} FROM {k.table}"
        if ids is None:
            rows = self.conn.execute(f"{sql} ORDER BY id").fetchall()
        else:
            wanted, rows = sorted(set(ids)), []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows += self.conn.execute(f"{sql} WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY id", chunk).fetchall()
        for j, name in enumerate(fields):
            if name in dates:
                day = {v: dt.date.fromisoformat(v) for v in {r[j] for r in rows} if v}
                rows = [(*r[:j], day.get(r[j]), *r[j + 1:]) for r in rows]
            elif name in aliases:
                rows = [(*r[:j], tuple(json.loads(r[j] or "[]")), *r[j + 1:]) for r in rows]
        return rows

    def equal_stored(self, kind: str, columns: dict[str, list], rows: Sequence[int]) -> dict[int, int]:
        """Row index (of `rows`) -> the id of a stored record equal to that row in these columns (record
        form; text compared without surrounding spaces, empty text as none), each stored record taken
        by one row at most, in row and id order: how an import knows the rows the ledger already has.
        SQLite compares, through the table's indexes, so a sheet of new deliveries against a million
        stored ones reads the few that could be equal, not all."""
        k = KINDS[kind]
        names = list(columns)
        if not rows or not names:
            return {}
        text = {f.name for f in k.fields if f.type in ("text", "choice")}
        cols = [columns[name] for name in names]
        staged = ", ".join(f"c{j}" for j in range(len(names)))
        on = " AND ".join(f"NULLIF(trim(t.{name}), '') IS s.c{j}" if name in text else f"t.{name} IS s.c{j}"
                          for j, name in enumerate(names))
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS equal_staged (i INTEGER PRIMARY KEY, {staged})")
        try:
            self.conn.executemany(f"INSERT INTO temp.equal_staged VALUES (?, {', '.join('?' * len(names))})",
                                  ((i, *(_stored(col[i]) for col in cols)) for i in rows))
            found: dict[int, int] = {}
            taken: set[int] = set()
            pairs = self.conn.execute(f"SELECT s.i, t.id FROM temp.equal_staged s CROSS JOIN {k.table} t ON {on} ORDER BY s.i, t.id")
            for i, rid in pairs:
                if i not in found and rid not in taken:
                    found[i] = rid
                    taken.add(rid)
            return found
        finally:
            self.conn.execute("DROP TABLE temp.equal_staged")

    def count(self, kind: str, where: str | None = None, params: Iterable[Any] = ()) -> int:
        sql = f"SELECT count(*) FROM {KINDS[kind].table}" + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql, list(params)).fetchone()[0]

    # Table views: sorted, searched, filtered pages by keyset (ledger/browse.py).

    def page(self, kind: str, text: str | None = None, sort: str = "id", descending: bool = False, after: Any = None,
             limit: int | None = 200, filters: dict[str, Any] | None = None, from_end: bool = False,
             before: Any = None) -> list[Any]:
        return browse.page(self.conn, kind, text, sort, descending, after, limit, filters, from_end, before)

    def search(self, kind: str, text: str | None = None, sort: str = "id", descending: bool = False, limit: int | None = None) -> list[Any]:
        return browse.page(self.conn, kind, text, sort, descending, limit=limit)

    def search_count(self, kind: str, text: str | None = None, filters: dict[str, Any] | None = None) -> int:
        return browse.count(self.conn, kind, text, filters)

    def labels(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        """How a person names each record (package number, system type name...), by id."""
        k = KINDS[kind]
        wanted = sorted({i for i in ids if i is not None})
        out: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"SELECT id, {k.label_field} FROM {k.table} WHERE id IN ({', '.join('?' * len(chunk))})"
            out.update((rid, str(label)) for rid, label in self.conn.execute(sql, chunk))
        return out

    def quantities_by_system_type(self) -> dict[str, tuple[int, int]]:
        """Per system type: quantity in package lines and quantity delivered (units as recorded)."""
        out: dict[str, list[int]] = {}
        for name, q in self.conn.execute(
            "SELECT t.name, SUM(l.quantity) FROM package_lines l JOIN system_types t ON t.id = l.system_type_id "
            "WHERE l.quantity IS NOT NULL GROUP BY t.id"
        ):
            out.setdefault(name, [0, 0])[0] = q
        for name, q in self.conn.execute(
            "SELECT t.name, SUM(d.quantity) FROM disbursements d JOIN system_types t ON t.id = d.system_type_id "
            "WHERE d.quantity IS NOT NULL GROUP BY t.id"
        ):
            out.setdefault(name, [0, 0])[1] = q
        return {name: (a, b) for name, (a, b) in out.items()}

    def find(self, kind: str, label: str) -> Any | None:
        """The record a person names by its label (case-insensitive); system types also by alias."""
        k = KINDS[kind]
        row = self.conn.execute(
            f"SELECT id FROM {k.table} WHERE {k.label_field} = ? COLLATE NOCASE ORDER BY id LIMIT 1", (label.strip(),)
        ).fetchone()
        if row is None and kind == "system_type":
            owner = self.system_type_owner(label)
            row = (owner,) if owner is not None else None
        return self.get(kind, row[0]) if row else None

    def fingerprint(self) -> str:
        """SHA-256 of the ledger's records and the settings figures depend on (ledger/fingerprint.py)."""
        try:
            return fingerprint.digest(self.conn)
        except sqlite3.Error as exc:
            raise translate(exc, self.where) from None

    def history(self, limit: int = 200) -> list[history.Action]:
        """The newest actions first: what undo and redo step through."""
        return history.actions(self.conn, limit)

    def record_history(self, kind: str, record_id: int) -> list[tuple[history.Action, history.Change]]:
        return history.record_history(self.conn, KINDS[kind].table, record_id)


def _stored(value: Any) -> Any:
    """A record-form value as the ledger stores and compares it (see `Reads.equal_stored`)."""
    if value.__class__ is str:
        return value.strip() or None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return value
