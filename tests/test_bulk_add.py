"""A big add_many: written chunk by chunk with its indexes built once after its rows; problems in any chunk
are all reported and nothing is written."""

import datetime as dt

import pytest

from ledger.errors import ValidationError, WarningsNotAccepted
from ledger.model import Authority, Disbursement, Package
from ledger.service import Ledger


def _indexes(led: Ledger) -> list:
    return led.conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()


@pytest.fixture
def base():
    led = Ledger.memory()
    with led.action("base") as act:
        a = act.add(Authority("PDA", "A", 10**15, dt.date(2020, 1, 1)))
        act.add(Package("P1", dt.date(2021, 1, 1), a.id, 10**13))
    return led


def test_big_add_keeps_every_index_and_they_answer_queries(base):
    before = _indexes(base)
    with base.action("bulk") as act:
        act.add_many([Disbursement(dt.date(2022, 1, 1) + dt.timedelta(days=i % 300), 1, value_cents=100 + i) for i in range(12_000)])
    assert _indexes(base) == before
    assert base.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    plan = " ".join(r[-1] for r in base.conn.execute("EXPLAIN QUERY PLAN SELECT SUM(value_cents) FROM disbursements WHERE package_id = 1"))
    assert "disbursements_package_day" in plan
    assert base.disbursed_value(1) == sum(100 + i for i in range(12_000))
    base.undo()
    assert base.count("disbursement") == 0 and _indexes(base) == before


def test_a_stopped_big_add_leaves_the_schema_and_rows_as_they_were(base):
    before = _indexes(base)

    def stop(written):
        if written:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with base.action("bulk") as act:
            act.add_many([Disbursement(dt.date(2022, 1, 1), 1, value_cents=1) for _ in range(45_000)], step=stop)
    assert _indexes(base) == before and base.count("disbursement") == 0



def test_problems_in_later_chunks_are_all_reported_and_nothing_is_written(base):
    rows = [Disbursement(dt.date(2022, 1, 1), 1, value_cents=1) for _ in range(50_000)]
    rows[3] = Disbursement(dt.date(2022, 1, 1), 99, value_cents=1)  # no package 99
    rows[45_000] = Disbursement(dt.date(2022, 1, 1), 98, value_cents=1)
    with pytest.raises(ValidationError) as exc:
        with base.action("bulk") as act:
            act.add_many(rows)
    assert [p.record_id for p in exc.value.problems] == [4, 45_001]
    assert base.count("disbursement") == 0 and [a.label for a in base.history(5)] == ["base"]


def test_a_warning_in_a_later_chunk_stops_the_whole_add_unless_accepted(base):
    rows = [Disbursement(dt.date(2022, 1, 1), 1, value_cents=1) for _ in range(30_000)]
    rows.append(Disbursement(dt.date(2022, 1, 1), 1, value_cents=10**13))  # more than the package holds
    with pytest.raises(WarningsNotAccepted):
        with base.action("bulk") as act:
            act.add_many(rows)
    assert base.count("disbursement") == 0
    with base.action("bulk", accept_warnings=True) as act:
        assert len(act.add_many(rows)) == 30_001
    assert base.count("disbursement") == 30_001 and base.disbursed_value(1) == 30_000 + 10**13
