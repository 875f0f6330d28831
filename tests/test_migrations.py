"""Every fixture ledger (one per schema version, tests/fixtures/schema_vN.aidledger) opens with the current
code, migrates to the current schema with a backup taken first, and keeps the balances its own version
computed (schema_vN.expected.json, written by tests/fixtures/make_fixture.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ledger import backups, schema
from ledger.errors import LedgerError
from ledger.report import FIGURE_FIELDS
from ledger.service import Ledger

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEDGERS = sorted(FIXTURES.glob("schema_v*.aidledger"), key=lambda p: int(p.stem.removeprefix("schema_v")))


def file_version(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def figures(summary: dict) -> dict:
    """Balances of a summary (as JSON): totals and every group, by name."""
    pick = lambda d: {f: d[f] for f in FIGURE_FIELDS}  # noqa: E731
    return {"totals": pick(summary["totals"]), **{g["name"]: pick(g) for g in summary["groups"]}}


def test_there_is_a_fixture_for_every_schema_version():
    versions = [int(p.stem.removeprefix("schema_v")) for p in LEDGERS]
    assert versions == list(range(1, schema.SCHEMA_VERSION + 1)), (
        "each schema version needs its fixture: run tests/fixtures/make_fixture.py before adding the next migration"
    )


@pytest.mark.parametrize("fixture", LEDGERS, ids=lambda p: p.stem)
def test_fixture_migrates_with_the_same_balances(fixture, tmp_path):
    from ledger.report import summary_json

    expected = json.loads(fixture.with_suffix(".expected.json").read_text())
    path = tmp_path / "ledger.aidledger"
    shutil.copy(fixture, path)
    version = file_version(path)
    assert version == expected["schema_version"]

    with Ledger.open(path, create=False) as led:
        assert file_version(path) == schema.SCHEMA_VERSION
        for kind, n in expected["counts"].items():
            assert led.count(kind) == n, kind
        for by, summary in expected["summaries"].items():
            now = json.loads(summary_json(led.summary(expected["as_of"], by)))
            assert figures(now) == figures(summary), by
        assert led.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert led.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Undo still works on history written by the older version.
        assert led.undo_label() is not None

    taken = [b for b in backups.list_backups(path) if b.reason == "before-migration"]
    if version < schema.SCHEMA_VERSION:
        assert len(taken) == 1
        assert file_version(taken[0].path) == version  # the backup is the file as it was
        assert backups.check(taken[0].path) == version
    else:
        assert taken == []


@pytest.mark.parametrize("fixture", LEDGERS, ids=lambda p: p.stem)
def test_fixture_opens_read_only_without_being_changed(fixture, tmp_path):
    path = tmp_path / "ledger.aidledger"
    shutil.copy(fixture, path)
    before = path.read_bytes()
    with Ledger.open(path, readonly=True) as led:
        assert led.count("package") > 0
        assert led.summary("2025-01-20", "program").totals.committed_cents > 0
    assert path.read_bytes() == before
    assert backups.list_backups(path) == []


@pytest.fixture
def trial_version(monkeypatch):
    """A schema version after the current one, to exercise the migration path itself."""
    nxt = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(schema.MIGRATIONS, nxt, "CREATE TABLE trial_profiles (id INTEGER PRIMARY KEY, name TEXT) STRICT;")
    return nxt


def test_a_migration_takes_a_backup_first_and_keeps_balances(sample_copy, trial_version):
    old = file_version(sample_copy)
    with Ledger.open(sample_copy, readonly=True) as led:
        before = led.summary("2025-01-20", "program").totals
    with Ledger.open(sample_copy) as led:
        assert led.summary("2025-01-20", "program").totals == before
        assert led.conn.execute("SELECT count(*) FROM trial_profiles").fetchone()[0] == 0
    assert file_version(sample_copy) == trial_version
    taken = [b for b in backups.list_backups(sample_copy) if b.reason == "before-migration"]
    assert len(taken) == 1 and file_version(taken[0].path) == old


def test_an_older_ledger_opened_read_only_is_upgraded_in_memory_only(sample_copy, trial_version):
    before = sample_copy.read_bytes()
    with Ledger.open(sample_copy, readonly=True) as led:
        assert "older format" in led.note
        assert led.conn.execute("SELECT count(*) FROM trial_profiles").fetchone()[0] == 0
        assert led.count("package") == 97
    assert sample_copy.read_bytes() == before


def test_a_failing_migration_leaves_the_file_as_it_was(sample_copy, trial_version, monkeypatch):
    monkeypatch.setitem(schema.MIGRATIONS, trial_version, "CREATE TABLE packages (id INTEGER PRIMARY KEY) STRICT;")
    old = file_version(sample_copy)
    with pytest.raises(LedgerError, match="already exists"):
        Ledger.open(sample_copy)
    assert file_version(sample_copy) == old
    monkeypatch.undo()
    with Ledger.open(sample_copy) as led:
        assert led.count("package") == 97


def test_only_versions_that_rebuild_a_table_run_with_foreign_keys_off():
    """An upgrade that only adds keeps foreign keys on and skips checking every reference (seconds for a
    million entries); a version whose DDL drops or renames a table must be listed in REBUILDS."""
    for version, ddl in schema.MIGRATIONS.items():
        rebuilds = "DROP TABLE" in ddl.upper() or "RENAME TO" in ddl.upper()
        assert rebuilds == (version in schema.REBUILDS), version
    assert schema.rebuilds_tables(0) and not schema.rebuilds_tables(max(schema.REBUILDS))


def test_an_upgrade_through_a_rebuild_refuses_broken_references(tmp_path):
    old = min(schema.REBUILDS) - 1
    path = tmp_path / "ledger.aidledger"
    shutil.copy(FIXTURES / f"schema_v{old}.aidledger", path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    line = conn.execute("SELECT id FROM package_lines LIMIT 1").fetchone()[0]
    conn.execute("UPDATE package_lines SET package_id = 999999 WHERE id = ?", (line,))  # left by a foreign tool
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="broken references; nothing was changed"):
        Ledger.open(path)
    assert file_version(path) == old
