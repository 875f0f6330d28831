"""A ledger's fingerprint: the SHA-256 of its canonical content, so a reader of a brief can tell
which state of the ledger it was made from (and whether two copies of a ledger hold the same records).

Canonical content: the ledger's currency, name and default deadline, then every stored record of every
kind in a fixed order of kinds and by id, as compact JSON arrays of rows (dates as ISO text). History,
backups and file layout are left out: undoing and redoing a change gives the same fingerprint again.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from .model import KINDS

if TYPE_CHECKING:
    from .service import Ledger

META_KEYS = ("currency", "name", "default_deadline")


def fingerprint(ledger: Ledger) -> str:
    """Hex SHA-256 of the ledger's canonical content."""
    h = hashlib.sha256()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    h.update(dumps([[k, ledger.meta(k)] for k in META_KEYS]).encode())
    for kind in sorted(KINDS):
        h.update(f"\n#{kind}\n".encode())
        # One JSON array per batch of rows: the encoder is called once per batch, not once per row.
        batch: list[tuple] = []
        for row in ledger.iter_rows(kind):
            batch.append(row)
            if len(batch) == 10_000:
                h.update(dumps(batch).encode())
                batch = []
        h.update(dumps(batch).encode())
    return h.hexdigest()
