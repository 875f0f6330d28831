"""Bad input: each gets a message naming the record and the field, and nothing is written."""

import datetime as dt
import os
import sqlite3

import pytest

from ledger.errors import LedgerVersionError, NotALedgerError, ReadOnlyError, ValidationError, WarningsNotAccepted
from ledger.model import Adjustment, Authority, Disbursement, Package, PackageLine, SystemType
from ledger.schema import SCHEMA_VERSION
from ledger.service import Ledger

D = dt.date(2024, 5, 1)


@pytest.fixture
def base(ledger):
    a = ledger.add(Authority("PDA", "PDA FY2024", 1_000_00, dt.date(2024, 4, 24), dt.date(2024, 9, 30)))
    t = ledger.add(SystemType("Fires", ("HIMARS",)))
    p = ledger.add(Package("PDA 56", D, a.id, 500_00))
    line = ledger.add(PackageLine(p.id, t.id, "HIMARS ammo", quantity=10))
    return ledger, a, t, p, line


def counts(led):
    return {k: led.count(k) for k in ("authority", "package", "line", "disbursement", "adjustment")}, len(led.history())


@pytest.mark.parametrize(
    "make, field, why",
    [
        (lambda a, t, p, ln: Package("PDA 57", D, a.id, -5), "value_cents", "negative"),
        (lambda a, t, p, ln: Package("PDA 57", D, a.id, "725M"), "value_cents", "not a whole number"),
        (lambda a, t, p, ln: Package("PDA 57", D, 999, 5), "authority_id", "no authority with id 999"),
        (lambda a, t, p, ln: Package("pda 56", D, a.id, 5), "number", "already used"),
        (lambda a, t, p, ln: Package(" ", D, a.id, 5), "number", "required"),
        (lambda a, t, p, ln: Package("PDA 57", dt.date(1850, 1, 1), a.id, 5), "announced_on", "out of range"),
        (lambda a, t, p, ln: Disbursement(D, 999, value_cents=5), "package_id", "no package"),
        (lambda a, t, p, ln: Disbursement(D, p.id, line_id=999, value_cents=5), "line_id", "no line"),
        (lambda a, t, p, ln: Disbursement(D, p.id, line_id=ln.id), "quantity", "needs a quantity or a value"),
        (lambda a, t, p, ln: Disbursement(D, p.id), "quantity", "needs a quantity or a value"),
        (lambda a, t, p, ln: Adjustment(D, "PDA", "expiry", -5, "lapsed"), "amount_cents", "negative"),
        (lambda a, t, p, ln: Adjustment(D, "USAI", "expiry", 5, "x", authority_id=a.id), "program", "differs"),
        (lambda a, t, p, ln: Adjustment(D, "PDA", "expiry", 5, "x", new_deadline=D), "new_deadline", "preservation"),
        (lambda a, t, p, ln: Adjustment(D, "PDA", "bonus", 5, "x"), "kind", "not one of"),
        (lambda a, t, p, ln: SystemType("Rockets", ("himars",)), "aliases", "already names"),
        (lambda a, t, p, ln: Authority("PDA", "X", 5, D, dt.date(2020, 1, 1)), "expires_on", "before"),
    ],
)
def test_errors_write_nothing(base, make, field, why):
    led, a, t, p, line = base
    before = counts(led)
    with pytest.raises(ValidationError) as exc:
        led.add(make(a, t, p, line), accept_warnings=True)
    assert any(pr.field == field and why in pr.message for pr in exc.value.problems), exc.value.problems
    assert counts(led) == before


def test_line_of_another_package_is_an_error(base):
    led, a, t, p, line = base
    other = led.add(Package("PDA 57", D, a.id, 100))
    with pytest.raises(ValidationError, match="belongs to another package"):
        led.add(Disbursement(D, other.id, line_id=line.id, quantity=1))


@pytest.mark.parametrize(
    "make, field, why",
    [
        (lambda a, p, ln: Disbursement(D, p.id, value_cents=600_00), "value_cents", "more than is left undelivered"),
        (lambda a, p, ln: Disbursement(D, p.id, line_id=ln.id, quantity=11), "quantity", "more than the line's 10"),
        (lambda a, p, ln: Disbursement(dt.date(2024, 4, 1), p.id, quantity=1), "disbursed_on", "before package"),
        (lambda a, p, ln: Package("PDA 58", D, a.id, 600_00), "value_cents", "more than PDA FY2024 has left"),
        (lambda a, p, ln: Package("PDA 58", dt.date(2024, 10, 2), a.id, 1), "announced_on", "after PDA FY2024's deadline"),
    ],
)
def test_warnings_need_acceptance(base, make, field, why):
    led, a, t, p, line = base
    before = counts(led)
    record = make(a, p, line)
    with pytest.raises(WarningsNotAccepted) as exc:
        led.add(record)
    assert [(w.field, why in w.message) for w in exc.value.problems] == [(field, True)]
    assert counts(led) == before
    led.add(record, accept_warnings=True)
    assert counts(led) != before


def test_preservation_moves_the_deadline(base):
    led, a, *_ = base
    led.add(Adjustment(dt.date(2024, 9, 26), "PDA", "preservation", 5, "kept", authority_id=a.id, new_deadline=dt.date(2025, 1, 20)))
    assert led.effective_deadline(a.id) == "2025-01-20"
    assert led.effective_deadline(a.id, "2024-09-25") == "2024-09-30"
    led.add(Package("PDA 70", dt.date(2024, 11, 20), a.id, 1))  # no warning any more


def test_deleting_a_used_authority_is_refused(base):
    led, a, *_ = base
    with pytest.raises(ValidationError, match="still used by 1 package"):
        led.delete("authority", a.id)


def test_merge_system_types(base):
    led, a, t, p, line = base
    other = led.add(SystemType("Rockets", ("GMLRS",)))
    led.edit("line", line.id, system_type_id=other.id)
    led.merge_system_types(other.id, t.id)
    assert led.get("line", line.id).system_type_id == t.id
    assert set(led.get("system_type", t.id).aliases) == {"HIMARS", "Rockets", "GMLRS"}
    assert led.find("system_type", "gmlrs").id == t.id
    led.undo()
    assert led.find("system_type", "gmlrs").name == "Rockets"


def test_not_a_ledger(tmp_path):
    text = tmp_path / "notes.aidledger"
    text.write_text("hello")
    with pytest.raises(NotALedgerError, match="not an SQLite database"):
        Ledger.open(text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(NotALedgerError, match="not an Aid Ledger ledger"):
        Ledger.open(other)
    with pytest.raises(NotALedgerError, match="is a folder"):
        Ledger.open(tmp_path)


def test_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.aidledger"
    Ledger.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LedgerVersionError, match="newer version"):
        Ledger.open(path)


@pytest.mark.skipif(os.geteuid() == 0 and not os.environ.get("CI_NONROOT"), reason="root ignores file permissions")
def test_read_only_file(tmp_path):
    path = tmp_path / "ro.aidledger"
    Ledger.open(path).close()
    path.chmod(0o444)
    with Ledger.open(path) as led:
        with pytest.raises(ReadOnlyError):
            led.add(Authority("PDA", "A", 1, D))


def test_read_only_open_refuses_writes(tmp_path):
    path = tmp_path / "ro.aidledger"
    Ledger.open(path).close()
    with Ledger.open(path, readonly=True) as led:
        with pytest.raises(ReadOnlyError, match="read-only"):
            led.add(Authority("PDA", "A", 1, D))
        assert led.count("authority") == 0
