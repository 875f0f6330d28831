"""Packages stored without an authority (schema 3): the migration, the rules and the summaries."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from ledger import schema
from ledger.balances import figures_as_of
from ledger.errors import LedgerError
from ledger.model import NO_AUTHORITY, Authority, Package
from ledger.movements import from_records
from ledger.service import Ledger

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_a_v2_ledger_migrates_to_an_optional_authority_in_a_strict_table(tmp_path):
    path = tmp_path / "old.aidledger"
    shutil.copy(FIXTURES / "schema_v2.aidledger", path)
    with Ledger.open(path, create=False) as led:
        before = led.count("package")
        sql = led.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'packages'").fetchone()[0]
        assert "STRICT" in sql and "authority_id INTEGER REFERENCES" in sql
        assert led.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert led.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        p = led.add(Package("Unassigned 1", dt.date(2024, 7, 1), None, 10_000_000_00))
        assert led.get("package", p.id).authority_id is None
        assert led.count("package") == before + 1
        # The reference is still a reference: an unknown authority is refused by the rules and by SQLite.
        with pytest.raises(LedgerError):
            led.add(Package("Unassigned 2", dt.date(2024, 7, 1), 999, 1))
        with pytest.raises(sqlite3.IntegrityError):
            led.conn.execute("INSERT INTO packages (number, announced_on, authority_id, value_cents) VALUES ('x', '2024-01-01', 999, 1)")
        assert "packages_authority" in {r[0] for r in led.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_packages_without_an_authority_count_in_their_own_group():
    led = Ledger.memory()
    a = led.add(Authority("PDA", "PDA FY2024", 1_000_00, dt.date(2024, 1, 1)))
    led.add(Package("PDA 1", dt.date(2024, 2, 1), a.id, 300_00))
    led.add(Package("PDA 2", dt.date(2024, 3, 1), None, 200_00))
    for by in ("authority", "program"):
        s = led.summary("2024-12-31", by=by)
        groups = {g.name: g.figures for g in s.groups}
        assert groups[NO_AUTHORITY].committed_cents == 200_00
        assert s.groups[-1].name == NO_AUTHORITY  # listed last, like Unallocated
        assert s.totals.committed_cents == 500_00
        # The SQL sums and the plain definition agree.
        plain = figures_as_of(from_records(by, led.records("authority"), led.records("package"), [], [], [], []), "2024-12-31")
        assert plain[NO_AUTHORITY].committed_cents == 200_00
    assert led.summary("2024-12-31", by="system_type").totals.committed_cents == 500_00


def test_schema_version_is_the_latest_migration():
    assert max(schema.MIGRATIONS) == schema.SCHEMA_VERSION
