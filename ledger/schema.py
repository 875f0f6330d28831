"""The ledger's SQLite schema and its migrations.

`PRAGMA user_version` holds the schema version; `PRAGMA application_id` marks the file as an Aid
Ledger ledger. Each migration takes the schema from version n-1 to n inside one transaction.
"""

from __future__ import annotations

import sqlite3

from .errors import LedgerVersionError, NotALedgerError

APPLICATION_ID = 0x41494431  # "AID1"
SCHEMA_VERSION = 6

# Dates are ISO text checked by SQLite itself: date(x) IS x rejects 2024-02-30 and free text.
_DATE = "TEXT CHECK ({c} IS NULL OR date({c}) IS {c})"
_CENTS = "INTEGER CHECK ({c} IS NULL OR {c} >= 0)"

V1 = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (title <> ''),
    url TEXT,
    published_on {_DATE.format(c="published_on")},
    notes TEXT
) STRICT;

CREATE TABLE authorities (
    id INTEGER PRIMARY KEY,
    program TEXT NOT NULL CHECK (program <> ''),
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
    amount_cents {_CENTS.format(c="amount_cents")} NOT NULL,
    available_from {_DATE.format(c="available_from")} NOT NULL,
    expires_on {_DATE.format(c="expires_on")},
    kind TEXT,
    legal_basis TEXT,
    source_id INTEGER REFERENCES sources(id),
    notes TEXT
) STRICT;

CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (number <> ''),
    announced_on {_DATE.format(c="announced_on")} NOT NULL,
    authority_id INTEGER NOT NULL REFERENCES authorities(id),
    value_cents {_CENTS.format(c="value_cents")} NOT NULL,
    source_id INTEGER REFERENCES sources(id),
    notes TEXT
) STRICT;
CREATE INDEX packages_authority ON packages (authority_id, announced_on, value_cents);

CREATE TABLE system_types (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    notes TEXT
) STRICT;

CREATE TABLE package_lines (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES packages(id),
    system_type_id INTEGER NOT NULL REFERENCES system_types(id),
    description TEXT NOT NULL CHECK (description <> ''),
    quantity INTEGER CHECK (quantity IS NULL OR quantity >= 0),
    qualifier TEXT,
    unit TEXT,
    value_cents {_CENTS.format(c="value_cents")},
    notes TEXT
) STRICT;
CREATE INDEX package_lines_package ON package_lines (package_id, system_type_id, value_cents);

CREATE TABLE disbursements (
    id INTEGER PRIMARY KEY,
    disbursed_on {_DATE.format(c="disbursed_on")} NOT NULL,
    package_id INTEGER NOT NULL REFERENCES packages(id),
    line_id INTEGER REFERENCES package_lines(id),
    system_type_id INTEGER REFERENCES system_types(id),
    quantity INTEGER CHECK (quantity IS NULL OR quantity >= 0),
    value_cents {_CENTS.format(c="value_cents")},
    source_id INTEGER REFERENCES sources(id),
    notes TEXT,
    CHECK (quantity IS NOT NULL OR value_cents IS NOT NULL)
) STRICT;
-- Covering indexes: the daily series by system type / by package read only these.
CREATE INDEX disbursements_type_day ON disbursements (system_type_id, disbursed_on, value_cents);
CREATE INDEX disbursements_package_day ON disbursements (package_id, disbursed_on, value_cents);
CREATE INDEX disbursements_line ON disbursements (line_id);

CREATE TABLE adjustments (
    id INTEGER PRIMARY KEY,
    adjusted_on {_DATE.format(c="adjusted_on")} NOT NULL,
    program TEXT NOT NULL CHECK (program <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('revaluation', 'rescission', 'expiry', 'preservation')),
    amount_cents INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason <> ''),
    authority_id INTEGER REFERENCES authorities(id),
    new_deadline {_DATE.format(c="new_deadline")},
    source_id INTEGER REFERENCES sources(id),
    notes TEXT
) STRICT;

CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    observed_on {_DATE.format(c="observed_on")} NOT NULL,
    metric TEXT NOT NULL CHECK (metric <> ''),
    value_cents INTEGER NOT NULL,
    program TEXT,
    authority_id INTEGER REFERENCES authorities(id),
    balance TEXT CHECK (balance IS NULL OR balance IN
        ('remaining_authority', 'undelivered', 'authorized_minus_disbursed')),
    scope TEXT,
    date_precision TEXT CHECK (date_precision IS NULL OR date_precision IN ('exact', 'approx')),
    reported_by TEXT,
    source_id INTEGER REFERENCES sources(id),
    notes TEXT
) STRICT;

-- History: one action per user operation (an edit, an import, an undo target), its changes in order.
CREATE TABLE history_actions (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    label TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('done', 'undone', 'abandoned'))
) STRICT;
CREATE TABLE history_changes (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES history_actions(id),
    table_name TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    old TEXT,
    new TEXT
) STRICT;
CREATE INDEX history_changes_action ON history_changes (action_id, id);
CREATE INDEX history_changes_record ON history_changes (table_name, record_id);
"""

# History of a bulk insert: one change per block of consecutive ids (record_id .. last_id) whose `new`
# holds every row, instead of one change per row (a big import wrote its history row by row, a third
# of its time). The partial index holds the blocks alone: the one holding a record, and how many rows an
# action's blocks hold, are read from it without the table.
V2 = """
ALTER TABLE history_changes ADD COLUMN last_id INTEGER CHECK (last_id IS NULL OR last_id > record_id);
CREATE INDEX history_changes_block ON history_changes (action_id, table_name, record_id, last_id) WHERE last_id IS NOT NULL;
"""

# A package may be stored without an authority (a foreign sheet that names none, and no authority of
# its program covers its date): it counts in a "(no authority)" group until one is assigned. SQLite
# cannot drop NOT NULL in place, so the table is rebuilt (foreign keys are off while a migration runs;
# the caller checks them before committing).
V3 = f"""
CREATE TABLE packages_v3 (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (number <> ''),
    announced_on {_DATE.format(c="announced_on")} NOT NULL,
    authority_id INTEGER REFERENCES authorities(id),
    value_cents {_CENTS.format(c="value_cents")} NOT NULL,
    source_id INTEGER REFERENCES sources(id),
    notes TEXT
) STRICT;
INSERT INTO packages_v3 (id, number, announced_on, authority_id, value_cents, source_id, notes)
    SELECT id, number, announced_on, authority_id, value_cents, source_id, notes FROM packages;
DROP TABLE packages;
ALTER TABLE packages_v3 RENAME TO packages;
CREATE INDEX packages_authority ON packages (authority_id, announced_on, value_cents);
"""

# Execution as sources give it: reported figures (beside the derived ones, never summed with them) and
# disbursements against an authority or a program over a period rather than a package.
V4 = f"""
CREATE TABLE reported_figures (
    id INTEGER PRIMARY KEY,
    reported_on {_DATE.format(c="reported_on")} NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN
        ('obligated', 'distributed', 'disbursed', 'delivered', 'delivered share', 'remaining funds')),
    program TEXT NOT NULL CHECK (program <> ''),
    value_cents {_CENTS.format(c="value_cents")},
    percent INTEGER CHECK (percent IS NULL OR percent BETWEEN 0 AND 100),
    authority_id INTEGER REFERENCES authorities(id),
    system_type_id INTEGER REFERENCES system_types(id),
    scope TEXT,
    date_precision TEXT CHECK (date_precision IS NULL OR date_precision IN ('exact', 'month', 'quarter', 'year', 'approx')),
    reported_by TEXT,
    confidence TEXT CHECK (confidence IS NULL OR confidence IN ('seen in source text', 'summarised', 'unverified')),
    source_id INTEGER REFERENCES sources(id),
    notes TEXT
) STRICT;
CREATE INDEX reported_figures_scope ON reported_figures (program, authority_id, measure, reported_on);

CREATE TABLE scope_disbursements (
    id INTEGER PRIMARY KEY,
    disbursed_on {_DATE.format(c="disbursed_on")} NOT NULL,
    program TEXT NOT NULL CHECK (program <> ''),
    value_cents {_CENTS.format(c="value_cents")} NOT NULL,
    period_from {_DATE.format(c="period_from")},
    authority_id INTEGER REFERENCES authorities(id),
    date_precision TEXT CHECK (date_precision IS NULL OR date_precision IN ('exact', 'month', 'quarter', 'year', 'approx')),
    reported_by TEXT,
    source_id INTEGER REFERENCES sources(id),
    notes TEXT,
    CHECK (period_from IS NULL OR period_from <= disbursed_on)
) STRICT;
CREATE INDEX scope_disbursements_authority ON scope_disbursements (authority_id, disbursed_on, value_cents);
"""

def _v5() -> str:
    """Tables that reach a million records (package lines, deliveries, observations): an index per
    field (a sort walks it; a page starts where the last ended) and a trigram full-text index over
    their text fields (a search finds any part of 3 characters or more), kept in step by triggers that
    skip rows with no text at all. The other tables stay small (hundreds to thousands of rows): a scan
    sorts or searches them in a few milliseconds, and an index there would only slow their imports.
    Written out here, not derived from ledger.model: a migration never changes once released."""
    text = {
        "package_lines": ("description", "qualifier", "unit", "notes"),
        "disbursements": ("notes",),
        "observations": ("metric", "program", "balance", "scope", "date_precision", "reported_by", "notes"),
    }
    indexed = {
        "package_lines": ("package_id", "system_type_id", "description", "quantity", "qualifier", "unit", "value_cents", "notes"),
        "disbursements": ("disbursed_on", "package_id", "system_type_id", "quantity", "value_cents", "source_id", "notes"),
        "observations": ("observed_on", "metric", "value_cents", "program", "authority_id", "balance", "scope", "date_precision",
                         "reported_by", "source_id", "notes"),
    }
    out = []
    for table, cols in indexed.items():
        out += [f"CREATE INDEX {table}_by_{c} ON {table} ({c});" for c in cols]
    for table, cols in text.items():
        fts, names = f"{table}_fts", ", ".join(cols)
        new, old = (", ".join(f"{w}.{c}" for c in cols) for w in ("new", "old"))
        any_new, any_old = (f"coalesce({', '.join(f'{w}.{c}' for c in cols)}, NULL) IS NOT NULL" for w in ("new", "old"))
        delete = f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
        insert = f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new});"
        out += [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', tokenize='trigram');",
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} WHEN {any_new} BEGIN {insert} END;",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} WHEN {any_old} BEGIN {delete} END;",
            # One trigger, the old text out before the new in (two triggers would run in either order).
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN"
            f" INSERT INTO {fts} ({fts}, rowid, {names}) SELECT 'delete', old.id, {old} WHERE {any_old};"
            f" INSERT INTO {fts} (rowid, {names}) SELECT new.id, {new} WHERE {any_new}; END;",
            f"INSERT INTO {fts} ({fts}) VALUES ('rebuild');",
        ]
    return "\n".join(out) + "\n"


V5 = _v5()

# The daily movements behind every balance, kept in the file between sessions: summing them from a
# million deliveries takes most of a second, reading them back a few milliseconds. `write_count` is
# bumped by every committed write (Ledger._write); a grouping's cached movements count only while
# the number they were read at is still the current one (ledger/movement_cache.py).
V6 = """
CREATE TABLE write_count (n INTEGER NOT NULL) STRICT;
INSERT INTO write_count (n) VALUES (0);
CREATE TABLE cached_groupings (grouping TEXT PRIMARY KEY, at_write INTEGER NOT NULL) STRICT;
CREATE TABLE cached_movements (
    grouping TEXT NOT NULL,
    day TEXT NOT NULL,
    grp TEXT NOT NULL,
    stage TEXT NOT NULL,
    cents INTEGER NOT NULL
) STRICT;
CREATE INDEX cached_movements_grouping ON cached_movements (grouping);
"""

# Version -> the DDL that takes the schema from version - 1 to it. Add new versions; never edit old ones.
MIGRATIONS: dict[int, str] = {1: V1, 2: V2, 3: V3, 4: V4, 5: V5, 6: V6}
# The versions whose DDL rebuilds a table (create, copy, drop, rename): they run with foreign keys off
# and every reference is checked before the upgrade commits. The others keep foreign keys on and skip
# that check (it reads every row: seconds for a million entries).
REBUILDS: frozenset[int] = frozenset({3})


def rebuilds_tables(from_version: int) -> bool:
    """Does upgrading from `from_version` rebuild a table (see REBUILDS)?"""
    return any(v in REBUILDS for v in range(from_version + 1, SCHEMA_VERSION + 1))


def file_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def check_identity(conn: sqlite3.Connection, where: str) -> int:
    """Return the file's schema version; refuse files that are not ledgers or are too new."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = file_version(conn)
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if app_id != APPLICATION_ID:
        if app_id == 0 and version == 0 and not has_tables:
            return 0  # an empty database: a new ledger
        raise NotALedgerError(f"{where} is an SQLite database but not an Aid Ledger ledger")
    if version > SCHEMA_VERSION:
        raise LedgerVersionError(
            f"{where} was written by a newer version of Aid Ledger (schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}): update the app to open it"
        )
    return version


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Bring the schema up to SCHEMA_VERSION; the caller holds the transaction."""
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        for statement in _statements(MIGRATIONS[version]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (executescript would commit the open transaction)."""
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            out.append("\n".join(buf))
            buf = []
    return out
