"""The daily movements kept in the ledger file (ledger/movement_cache.py) never outlive a change.

Each test changes a ledger one way a user can (an edit, a delete, undo, redo, an import, a restore,
another program's write), then opens the file afresh, so nothing held in memory can hide a stale
cache, and compares every grouping's movements and balances with the ones summed from the records.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest

from ledger import queries
from ledger.desktop import apply_import, export_workbook, preview_import, read_import
from ledger.model import Disbursement, Source
from ledger.movements import GROUPINGS
from ledger.service import Ledger

AS_OF = "2025-06-30"


def summed(path) -> dict:
    """Each grouping's movements and balances straight from the records (no cache involved)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {by: sorted(queries.daily_movements(conn, by)) for by in GROUPINGS}
    finally:
        conn.close()


def through_cache(path) -> dict:
    with Ledger.open(path, create=False) as led:
        return {by: sorted(led.movements(by)) for by in GROUPINGS}


def cached_groupings(path) -> dict[str, bool]:
    """Which groupings have movements stored that count now."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        n = conn.execute("SELECT n FROM write_count").fetchone()[0]
        return {g: at == n for g, at in conn.execute("SELECT grouping, at_write FROM cached_groupings")}
    finally:
        conn.close()


def warm(path) -> None:
    """Open the ledger and read every grouping, so the file holds all three."""
    through_cache(path)
    assert cached_groupings(path) == dict.fromkeys(GROUPINGS, True)


def assert_current(path) -> None:
    assert through_cache(path) == summed(path)


def refuse(conn, by, beside=None):
    raise AssertionError("summed again although no record changed")


def test_an_open_reads_what_the_last_one_stored(sample_copy, monkeypatch):
    warm(sample_copy)
    expected = summed(sample_copy)
    monkeypatch.setattr(queries, "daily_movements", refuse)
    with Ledger.open(sample_copy, create=False) as led:
        assert {by: sorted(led.movements(by)) for by in GROUPINGS} == expected
        led.summary(AS_OF, "authority")
        led.series("program")


def test_a_setting_changed_elsewhere_leaves_them_current(sample_copy, monkeypatch):
    """Settings move no balance: a colleague renaming the ledger or setting its default deadline in
    another program (another connection) leaves the stored movements to be read, not summed again;
    the figures that depend on a setting (the pace to a deadline) are worked out from them afresh."""
    warm(sample_copy)
    expected = summed(sample_copy)
    with Ledger.open(sample_copy, create=False) as led:
        before = led.summary(AS_OF)
        with Ledger.open(sample_copy, create=False) as elsewhere:
            elsewhere.set_meta("name", "Renamed by a colleague")
            elsewhere.set_meta("default_deadline", "2026-09-30")
        monkeypatch.setattr(queries, "daily_movements", refuse)
        after = led.summary(AS_OF)  # this connection: its own memory is dropped, the file's sums read
        assert after.totals == before.totals
        assert after.pace.deadline == "2026-09-30" != before.pace.deadline
    assert cached_groupings(sample_copy) == dict.fromkeys(GROUPINGS, True)
    assert through_cache(sample_copy) == expected


def test_a_record_that_moves_no_balance_still_makes_them_stale(sample_copy):
    """Only settings are spared: every record write counts, even a source's (which moves no balance)."""
    warm(sample_copy)
    with Ledger.open(sample_copy, create=False) as led:
        led.add(Source("DoD release, cited by a colleague"))
    assert cached_groupings(sample_copy) == dict.fromkeys(GROUPINGS, False)
    assert_current(sample_copy)


@pytest.mark.parametrize("change", ["add", "edit", "delete", "move to another authority", "undo", "redo"])
def test_every_change_makes_the_stored_movements_stale(sample_copy, change):
    warm(sample_copy)
    with Ledger.open(sample_copy, create=False) as led:
        pkg = led.find("package", "PDA 71")
        if change == "add":
            led.add(Disbursement(dt.date(2025, 1, 15), pkg.id, value_cents=123_456_789_00), accept_warnings=True)
        elif change == "edit":
            led.edit("package", pkg.id, value_cents=pkg.value_cents + 1_000_000_00, accept_warnings=True)
        elif change == "delete":
            led.delete("package", pkg.id)
        elif change == "move to another authority":
            other = next(a for a in led.records("authority") if a.id != pkg.authority_id)
            led.edit("package", pkg.id, authority_id=other.id, accept_warnings=True)
        else:
            led.delete("package", pkg.id)
            led.summary(AS_OF)  # stored after the delete
            led.undo()
            if change == "redo":
                led.summary(AS_OF)  # stored after the undo
                led.redo()
    assert cached_groupings(sample_copy) == dict.fromkeys(GROUPINGS, False)
    assert_current(sample_copy)


def test_an_import_makes_them_stale(sample_copy, tmp_path):
    book = tmp_path / "deliveries.xlsx"
    with Ledger.open(sample_copy, create=False) as led:
        pkg = led.find("package", "PDA 71")
        led.add(Disbursement(dt.date(2025, 2, 1), pkg.id, value_cents=50_000_000_00), accept_warnings=True)
        export_workbook(led, book)
        led.undo()
    warm(sample_copy)
    with Ledger.open(sample_copy, create=False) as led:
        preview = preview_import(led, read_import(book))
        apply_import(led, preview, accept_warnings=True)
    assert cached_groupings(sample_copy) == dict.fromkeys(GROUPINGS, False)
    assert_current(sample_copy)


def test_a_restore_brings_back_the_backups_own_movements(sample_copy):
    with Ledger.open(sample_copy, create=False) as led:
        before = {by: sorted(led.movements(by)) for by in GROUPINGS}  # stored, then backed up with the file
        backup = led.backup("manual")
        led.delete("package", led.find("package", "PDA 71").id)
        after_delete = {by: sorted(led.movements(by)) for by in GROUPINGS}
        assert after_delete != before
        led.restore(backup.path)
        assert {by: sorted(led.movements(by)) for by in GROUPINGS} == before  # this connection too
    assert through_cache(sample_copy) == before == summed(sample_copy)


def test_a_restore_moves_the_count_past_both_files(sample_copy):
    # Sums a reader began before a restore carry the count it read; the backup may have reached that
    # count too, with other records. After the restore no such count is current.
    with Ledger.open(sample_copy, create=False) as led:
        backup = led.backup("manual")
        for _ in range(3):
            led.add(Source("written after the backup"))
        before = led.conn.execute("SELECT n FROM write_count").fetchone()[0]
        led.restore(backup.path)
        after = led.conn.execute("SELECT n FROM write_count").fetchone()[0]
    back = sqlite3.connect(backup.path).execute("SELECT n FROM write_count").fetchone()[0]
    assert after > before and after > back
    assert_current(sample_copy)


def test_a_write_by_another_connection_while_summing_is_never_stored(sample_copy, monkeypatch):
    warm(sample_copy)
    with Ledger.open(sample_copy, create=False) as led:
        led.add(Source("stale on purpose"))  # nothing stored counts now
        real = queries.daily_movements

        def sum_then_write_elsewhere(conn, by, beside=None):
            moves = real(conn, by, beside)
            if by == "authority":
                def other():  # another program's write lands after these sums, before they are stored
                    with Ledger.open(sample_copy, create=False) as own:
                        own.delete("package", own.find("package", "PDA 71").id)
                thread = threading.Thread(target=other)
                thread.start()
                thread.join()
            return moves

        monkeypatch.setattr(queries, "daily_movements", sum_then_write_elsewhere)
        led.movements("authority")
        monkeypatch.setattr(queries, "daily_movements", real)
    assert cached_groupings(sample_copy).get("authority") is False
    assert_current(sample_copy)


def test_a_read_only_open_stores_nothing(sample_copy):
    with Ledger.open(sample_copy, create=False) as led:
        led.add(Source("nothing cached"))
    before = sample_copy.read_bytes()
    with Ledger.open(sample_copy, readonly=True) as led:
        assert sorted(led.movements("authority")) == summed(sample_copy)["authority"]
    assert sample_copy.read_bytes() == before
