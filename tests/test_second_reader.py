"""Half the deliveries summed on a second connection (ledger/second_reader.py) count only when that
connection reads the same state as the first: a write landing between the two snapshots sends the
first connection to read that half itself, so the sums are never a mix of two states."""

from __future__ import annotations

import datetime as dt
import threading

from test_movement_cache import assert_current, cached_groupings, summed

from ledger import movement_cache, queries, second_reader
from ledger.model import Disbursement
from ledger.movements import GROUPINGS
from ledger.service import Ledger


def count_of(path) -> int:
    with Ledger.open(path, create=False, readonly=True) as led:
        return led.conn.execute("SELECT n FROM write_count").fetchone()[0]


def test_the_second_connection_counts_only_at_the_same_count(sample_copy):
    count = count_of(sample_copy)
    groups = lambda conn: conn.execute("SELECT count(*) FROM authorities").fetchone()[0]  # noqa: E731
    assert second_reader.read_in_step(sample_copy, count, groups) > 1
    with Ledger.open(sample_copy, create=False) as led:
        led.delete("package", led.find("package", "PDA 71").id)
    assert second_reader.read_in_step(sample_copy, count, groups) is None
    assert second_reader.read_in_step(sample_copy.with_name("missing.aidledger"), count, groups) is None


def test_sums_read_on_two_connections_equal_the_sums_read_on_one(sample_copy, monkeypatch):
    used = []
    real = second_reader.read_in_step
    monkeypatch.setattr(second_reader, "read_in_step", lambda *a: used.append(a[1]) or real(*a))
    expected = summed(sample_copy)
    with Ledger.open(sample_copy, create=False) as led:
        for by in GROUPINGS:
            assert sorted(led.movements(by)) == expected[by], by
    assert used, "no part was read on a second connection"
    assert_current(sample_copy)


def test_a_write_between_the_two_snapshots_is_never_mixed_in(sample_copy, monkeypatch):
    """Another program adds a delivery after the first connection's snapshot, before the second's:
    the second's half is dropped and read again from the first snapshot."""
    with Ledger.open(sample_copy, create=False) as led:
        # A package of an authority whose half the second connection sums (every other one).
        keys = [k for (k,) in led.conn.execute(queries._GROUP_PACKAGES["authority"][0])]
        pkg = next(p for p in led.records("package") if p.authority_id == keys[1])
        led.delete("package", pkg.id)  # and the stored sums made stale: a record written, then undone
        led.undo()
    before = summed(sample_copy)
    real = second_reader.read_in_step

    def after_a_delivery_elsewhere(path, count, part):
        def other():
            with Ledger.open(sample_copy, create=False) as own:
                own.add(Disbursement(pkg.announced_on + dt.timedelta(days=40), pkg.id, value_cents=7_000_000_00),
                        accept_warnings=True)
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        return real(path, count, part)

    monkeypatch.setattr(second_reader, "read_in_step", after_a_delivery_elsewhere)
    with Ledger.open(sample_copy, create=False) as led:
        got = sorted(led.movements("authority"))
    assert got == before["authority"]  # one state: the one the first connection read
    assert got != summed(sample_copy)["authority"]
    assert cached_groupings(sample_copy).get("authority") is False
    monkeypatch.setattr(second_reader, "read_in_step", real)
    assert_current(sample_copy)


def test_a_ledger_in_memory_sums_on_its_one_connection():
    with Ledger.memory() as led:
        assert second_reader.file_of(led.conn) is None
        assert movement_cache.movements(led.conn, "authority", lambda beside: [beside], store=False) == [None]
        assert queries.daily_movements(led.conn, "authority") == []
