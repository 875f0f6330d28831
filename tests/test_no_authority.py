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


def _one_authority_ledger(path: Path) -> None:
    with Ledger.open(path) as led:
        led.add(Authority("PDA", "PDA FY2024", 1_000_000_00, dt.date(2024, 4, 24)))


def test_an_authority_typed_for_a_packages_sheet_is_never_replaced_by_inference(tmp_path):
    """'PDA FY2099' names the PDA program; inference would give the packages PDA FY2024, open that
    day. The person's choice is kept and refused, with the authorities there are: nothing imported."""
    from cli_helpers import run_cli

    path = tmp_path / "l.aidledger"
    _one_authority_ledger(path)
    csv = tmp_path / "packages.csv"
    csv.write_text("Number,Announced,Value\nPDA 77,2024-05-01,100\n")
    code, _, err = run_cli("import", csv, "--ledger", path, "--kind", "packages", "--set", "authority=PDA FY2099", "--yes")
    assert code != 0
    assert ("Rejected: sheet 'packages', row 2, column 'Authority': no authority named 'PDA FY2099' in the ledger or the file "
            "(the ledger's authorities: PDA FY2024)") in err, err
    assert "found for" not in err  # no note of an authority inferred
    with Ledger.open(path, readonly=True) as led:
        assert led.count("package") == 0


def _authority_and_package(tmp_path, authority_column: bool):
    """A ledger holding PDA FY2024, and a workbook adding the authority PDA FY2025 and a package (naming
    it in an Authority column, or not)."""
    import openpyxl

    path = tmp_path / "l.aidledger"
    _one_authority_ledger(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Authorities"
    ws.append(["Program", "Name", "Amount", "Available from"])
    ws.append(["PDA", "PDA FY2025", 1000, dt.date(2024, 1, 1)])
    ws = wb.create_sheet("Packages")
    ws.append(["Number", "Announced", "Value", *(["Authority"] if authority_column else [])])
    ws.append(["PDA 77", dt.date(2024, 5, 1), 100, *(["PDA FY2025"] if authority_column else [])])
    book = tmp_path / "two.xlsx"
    wb.save(book)
    return path, book


def test_an_authority_typed_that_the_files_own_sheet_holds_is_kept(tmp_path):
    from cli_helpers import run_cli

    path, book = _authority_and_package(tmp_path, authority_column=False)
    code, _, err = run_cli("import", book, "--ledger", path, "--set", "authority=PDA FY2025", "--yes")
    assert code == 0, err
    with Ledger.open(path, readonly=True) as led:
        assert led.find("package", "PDA 77").authority_id == led.find("authority", "PDA FY2025").id


def test_a_name_of_many_authorities_that_matches_none_is_told_the_nearest(tmp_path):
    from cli_helpers import run_cli

    path = tmp_path / "l.aidledger"
    with Ledger.open(path) as led:
        for year in range(2010, 2025):
            led.add(Authority("PDA", f"PDA FY{year}", 1_000_000_00, dt.date(year - 1, 10, 1)))
    csv = tmp_path / "packages.csv"
    csv.write_text("Number,Announced,Value\nPDA 77,2024-05-01,100\n")
    code, _, err = run_cli("import", csv, "--ledger", path, "--kind", "packages", "--set", "authority=PDA FY2O24", "--yes")
    assert code != 0
    assert "no authority named 'PDA FY2O24' in the ledger or the file (the nearest of the ledger's 15 authorities: PDA FY2024, " in err, err


def test_an_authority_column_naming_one_of_the_files_authorities_is_kept(tmp_path):
    """The sheet's own Authority column, like a value typed, names an authority the file adds: it is
    that one, not the ledger's authority of the program open that day."""
    from cli_helpers import run_cli

    path, book = _authority_and_package(tmp_path, authority_column=True)
    code, _, err = run_cli("import", book, "--ledger", path, "--yes")
    assert code == 0, err
    with Ledger.open(path, readonly=True) as led:
        assert led.find("package", "PDA 77").authority_id == led.find("authority", "PDA FY2025").id
