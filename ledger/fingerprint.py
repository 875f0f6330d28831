"""A ledger's fingerprint: the SHA-256 of its canonical content, so a reader of a brief can tell
which state of the ledger it was made from (and whether two copies of a ledger hold the same records).

Canonical content: a JSON array of the ledger's currency, name and default deadline; then, for every
kind of record in alphabetical order, a line "#kind" and each stored row as a JSON array (id, then the
fields in the order the model declares them; dates as ISO text), one row per line, by id. SQLite writes
the JSON (a million rows in about a second); history, backups and file layout are left out, so undoing
and redoing a change gives the same fingerprint again.
"""

from __future__ import annotations

import json
import sqlite3

from . import store
from .model import KINDS

META_KEYS = ("currency", "name", "default_deadline")
CHUNK_ROWS = 50_000


def digest(conn: sqlite3.Connection) -> str:
    """Hex SHA-256 of the canonical content of the ledger on `conn` (Ledger.fingerprint calls this)."""
    import hashlib  # here: every command opens a ledger through the module that holds this, few fingerprint it

    h = hashlib.sha256()
    meta = dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(META_KEYS))})", META_KEYS))
    h.update(json.dumps([[k, meta.get(k)] for k in META_KEYS], ensure_ascii=False, separators=(",", ":")).encode())
    for name in sorted(KINDS):
        kind = KINDS[name]
        h.update(f"\n#{name}".encode())
        chunk = (f"SELECT max(id), group_concat(r, char(10)) FROM (SELECT id, json_array({', '.join(store.columns(kind))})"
                 f" AS r FROM {kind.table} WHERE id > ? ORDER BY id LIMIT {CHUNK_ROWS})")
        last = -1
        while True:
            top, text = conn.execute(chunk, (last,)).fetchone()
            if top is None:
                break
            h.update(b"\n" + text.encode())
            last = top
    return h.hexdigest()
