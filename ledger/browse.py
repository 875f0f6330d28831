"""Pages of one kind's records for the table views: sorted, searched and filtered, fast at a million rows.

- Keyset pagination: a page continues after the last record shown (its sort value and id), so the
  thousandth page costs what the first does (OFFSET reads and drops every row before it).
- A sort walks the index on its column (schema 5 has one per field of the tables that grow to a
  million rows: lines, deliveries, observations; the others are small enough to scan). Records
  without a value come last in either direction: a second segment, read by id, after the others.
- Search: any part of 3 characters or more of a text field (notes, descriptions, names, titles...),
  case-insensitive, through the table's trigram full-text index (kept in step by triggers) where it
  has one; a date by its beginning ("2023", "2023-05"), through the date's index; a number as the
  record's id. Shorter text, a small table, or a ledger opened read-only before its upgrade, is
  searched by a scan.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from . import store
from .errors import LedgerError
from .model import KINDS, Kind
from .words import article

TEXT_TYPES = ("text", "choice", "aliases")
DATE_PREFIX = re.compile(r"\d{4}(-\d{0,2}(-\d{0,2})?)?")
MIN_FTS = 3  # a trigram index finds 3 characters or more


def fts_table(kind: Kind) -> str:
    return f"{kind.table}_fts"


def page(
    conn: sqlite3.Connection,
    kind: str,
    text: str | None = None,
    sort: str = "id",
    descending: bool = False,
    after: Any = None,
    limit: int | None = 200,
    filters: Mapping[str, Any] | None = None,
    from_end: bool = False,
    before: Any = None,
) -> list[Any]:
    """Records matching `text` and `filters` (field -> value), ordered by `sort` then id, empty values last.
    `after`: the last record of the previous page (the page continues after it). `from_end`: the last
    `limit` records of that order instead of the first (still in that order). `before`: the first
    record of the next page (the page is the `limit` records just before it: scrolling back up)."""
    k = KINDS[kind]
    if sort != "id" and sort not in {f.name for f in k.fields}:
        raise LedgerError(f"{article(kind.replace('_', ' '))} has no field {sort!r} to sort by")
    where, params = _where(conn, k, text, filters)
    from_end = from_end or before is not None
    segments = _segments(sort, descending, from_end)
    start = before if from_end else after
    if start is not None:
        # The keyset starts in the segment holding `start`, in reading order (backwards from the end).
        value = None if sort == "id" else _stored(k, sort, getattr(start, sort))
        which = "all" if sort == "id" else "empty" if value is None else "values"
        segments = segments[[s[0] for s in segments].index(which):]
        segments[0] = (*segments[0][:2], (value, start.id))
    cols = store.columns(k)
    out: list[Any] = []
    for which, desc, key in segments:
        want = None if limit is None else limit - len(out)
        if want is not None and want <= 0:
            break
        sql, args = _segment_sql(k, sort, which, desc, key, where, params, want)
        out.extend(store.from_row(k, dict(zip(cols, row))) for row in conn.execute(sql, args))
    return out[::-1] if from_end else out


def count(conn: sqlite3.Connection, kind: str, text: str | None = None, filters: Mapping[str, Any] | None = None) -> int:
    k = KINDS[kind]
    text = (text or "").strip()
    if text and not filters and not DATE_PREFIX.fullmatch(text) and not text.isdigit() and _uses_fts(conn, k, text):
        # Text alone: the full-text index counts its matches without reading a row of the table.
        return conn.execute(f"SELECT count(*) FROM {fts_table(k)} WHERE {fts_table(k)} MATCH ?", (_phrase(text),)).fetchone()[0]
    where, params = _where(conn, k, text, filters)
    sql = f"SELECT count(*) FROM {k.table} t" + (f" WHERE {' AND '.join(where)}" if where else "")
    return conn.execute(sql, params).fetchone()[0]


def _segments(sort: str, descending: bool, from_end: bool) -> list[tuple[str, bool, Any]]:
    """(segment, descending, keyset start) in reading order: values, then empties (by id)."""
    order = [("all", descending, None)] if sort == "id" else [("values", descending, None), ("empty", descending, None)]
    if from_end:
        order = [(which, not desc, None) for which, desc, _ in reversed(order)]
    return order


def _segment_sql(k: Kind, sort: str, which: str, desc: bool, key, where: list[str], params: list[Any],
                 limit: int | None = None) -> tuple[str, list[Any]]:
    conds, args = list(where), list(params)
    op, direction = ("<", "DESC") if desc else (">", "ASC")
    if which == "all":
        order = f"t.id {direction}"
        if key is not None:
            conds.append(f"t.id {op} ?")
            args.append(key[1])
    elif which == "values":
        conds.append(f"t.{sort} IS NOT NULL")
        order = f"t.{sort} {direction}, t.id {direction}"
        if key is not None:
            conds.append(f"(t.{sort}, t.id) {op} (?, ?)")
            args.extend(key)
    else:
        conds.append(f"t.{sort} IS NULL")
        order = f"t.id {direction}"
        if key is not None:
            conds.append(f"t.id {op} ?")
            args.append(key[1])
    cols = ", ".join(f"t.{c}" for c in store.columns(k))
    rows = f"FROM {k.table} t" + (f" WHERE {' AND '.join(conds)}" if conds else "") + f" ORDER BY {order}"
    if limit is None:
        return f"SELECT {cols} {rows}", args
    # The page's ids first, then their rows: a search sorted by another column sorts the matches' ids
    # and keys, not whole rows (a date searched and sorted by value: 40 ms -> 5 ms at a million rows).
    return f"SELECT {cols} FROM {k.table} t WHERE t.id IN (SELECT t.id {rows} LIMIT {int(limit)}) ORDER BY {order}", args


def _stored(k: Kind, name: str, value: Any) -> Any:
    """A record's field value as the table holds it (the keyset compares stored values)."""
    if value is None:
        return None
    t = k.field(name).type
    if t == "date":
        return value.isoformat()
    if t == "aliases":
        return json.dumps(list(value), ensure_ascii=False)
    return value


def _where(conn: sqlite3.Connection, k: Kind, text: str | None, filters: Mapping[str, Any] | None) -> tuple[list[str], list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    for name, value in (filters or {}).items():
        if name != "id" and name not in {f.name for f in k.fields}:
            raise LedgerError(f"{article(k.name.replace('_', ' '))} has no field {name!r} to filter by")
        if value is None:
            conds.append(f"t.{name} IS NULL")
        else:
            conds.append(f"t.{name} = ?")
            params.append(_stored(k, name, value) if name != "id" else value)
    text = (text or "").strip()
    if text:
        parts, args = _search(conn, k, text)
        conds.append("(" + " OR ".join(parts) + ")")
        params.extend(args)
    return conds, params


def _search(conn: sqlite3.Connection, k: Kind, text: str) -> tuple[list[str], list[Any]]:
    parts: list[str] = []
    args: list[Any] = []
    texts = [f.name for f in k.fields if f.type in TEXT_TYPES]
    if _uses_fts(conn, k, text):
        parts.append(f"t.id IN (SELECT rowid FROM {fts_table(k)} WHERE {fts_table(k)} MATCH ?)")
        args.append(_phrase(text))
    elif texts:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        parts.extend(f"t.{c} LIKE ? ESCAPE '\\'" for c in texts)
        args.extend([pattern] * len(texts))
    if DATE_PREFIX.fullmatch(text):
        for f in k.fields:
            if f.type == "date":
                parts.append(f"(t.{f.name} >= ? AND t.{f.name} < ?)")
                args.extend([text, text + "~"])  # '~' sorts after every digit and '-'
    if text.isdigit():
        parts.append("t.id = ?")
        args.append(int(text))
    if not parts:
        parts.append("0")
    return parts, args


def _uses_fts(conn: sqlite3.Connection, k: Kind, text: str) -> bool:
    return (len(text) >= MIN_FTS and any(f.type in TEXT_TYPES for f in k.fields)
            and conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (fts_table(k),)).fetchone() is not None)


def _phrase(text: str) -> str:
    """The text as one full-text phrase: with trigrams, a match anywhere inside a field."""
    return '"' + text.replace('"', '""') + '"'

