"""Bulk adds (imports) check every row with the same rules as single adds, including against the rows
before it in the same batch."""

import datetime as dt
from collections import Counter

import pytest
from builders import build_ledger, ledger_specs
from hypothesis import HealthCheck, given, settings

from ledger.errors import ValidationError
from ledger.excel.apply import WRITE_ORDER
from ledger.model import KIND_ORDER, Authority, Disbursement, Package
from ledger.sample import build
from ledger.service import Ledger


def _key(problems):
    return Counter((p.level, p.kind, p.field, p.message) for p in problems)


def _copy_with_add_many(src: Ledger, order=KIND_ORDER) -> list:
    dst = Ledger.memory()
    with dst.action("copy", accept_warnings=True) as act:
        for kind in order:
            act.add_many(src.records(kind), keep_ids=True)
    for kind in KIND_ORDER:
        assert dst.records(kind) == src.records(kind)
    return act.warnings


def test_bulk_add_of_the_sample_raises_the_warnings_single_adds_raise():
    src = Ledger.memory()
    warnings = build(src)
    assert len(warnings) == 15  # adjustments come first: the preservation keeps PDA 67-74 within their deadline
    # Copied as an import writes, and as the sample is built: adjustments before packages.
    assert _key(_copy_with_add_many(src, WRITE_ORDER)) == _key(warnings)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs(max_packages=8))
def test_bulk_and_single_adds_agree_on_random_ledgers(spec):
    src = Ledger.memory()
    build_ledger(src, spec)
    one_by_one = Ledger.memory()
    warnings = []
    with one_by_one.action("singles", accept_warnings=True) as act:
        for kind in KIND_ORDER:
            for record in src.records(kind):
                act.add(record)
        warnings = act.warnings
    assert _key(_copy_with_add_many(src)) == _key(warnings)


def test_duplicates_within_one_batch_are_errors_not_constraint_failures(ledger):
    with ledger.action("a") as act:
        auth = act.add(Authority("PDA", "A", 10_00, dt.date(2024, 1, 1)))
    with pytest.raises(ValidationError) as exc, ledger.action("b", accept_warnings=True) as act:
        act.add_many([Package("P1", dt.date(2024, 2, 1), auth.id, 1_00), Package("p1", dt.date(2024, 2, 2), auth.id, 1_00)])
    (problem,) = exc.value.problems
    assert problem.field == "number" and "already used" in problem.message and problem.record_id == 2
    assert ledger.count("package") == 0


def test_deliveries_adding_up_beyond_the_package_warn_within_one_batch(ledger):
    with ledger.action("a", accept_warnings=True) as act:
        auth = act.add(Authority("PDA", "A", 100_00, dt.date(2024, 1, 1)))
        pkg = act.add(Package("P1", dt.date(2024, 2, 1), auth.id, 100_00))
        act.add_many([Disbursement(dt.date(2024, 3, 1), pkg.id, value_cents=60_00) for _ in range(2)])
    assert [p.field for p in act.warnings] == ["value_cents"] and act.warnings[0].record_id == 2


def test_bulk_history_entries_hold_the_rows_as_single_adds_record_them():
    from ledger import history

    src = Ledger.memory()
    build(src)
    bulk = Ledger.memory()
    with bulk.action("bulk", accept_warnings=True) as act:
        for kind in KIND_ORDER:
            act.add_many(src.records(kind), keep_ids=True)
    (entry,) = bulk.history(1)
    changes = history.changes(bulk.conn, entry.id)
    assert len(changes) == sum(src.count(k) for k in KIND_ORDER)
    from ledger import store
    from ledger.model import KINDS

    for change in changes:
        kind = store.KIND_BY_TABLE[change.table]
        assert change.old is None
        assert change.new == store.to_row(kind, src.get(kind.name, change.record_id))
    # Undo removes them all; redo brings back the same ledger.
    bulk.undo()
    assert all(bulk.count(k) == 0 for k in KINDS)
    bulk.redo()
    for kind in KIND_ORDER:
        assert bulk.records(kind) == src.records(kind)


def test_bulk_history_with_scattered_ids(ledger):
    from ledger import history

    with ledger.action("a", accept_warnings=True) as act:
        auth = act.add(Authority("PDA", "A", 10_00, dt.date(2024, 1, 1)))
        act.add_many([Package(f"P{i}", dt.date(2024, 2, 1), auth.id, 1, id=i) for i in (9, 3, 40, 7)], keep_ids=True)
    changes = history.changes(ledger.conn, ledger.history(1)[0].id)
    assert [c.record_id for c in changes] == [1, 9, 3, 40, 7]
    assert changes[2].new["number"] == "P3"


def test_an_import_reads_the_deadline_each_day_had_as_a_single_change_does():
    from ledger.bulk_facts import BulkFacts
    from ledger.model import Adjustment

    led = Ledger.memory()
    a = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1), dt.date(2024, 9, 30)))
    other = led.add(Authority("USAI", "USAI FY2024", 10**12, dt.date(2023, 10, 1)))
    with led.action("preserve", accept_warnings=True) as act:
        for day, deadline in ((dt.date(2024, 9, 1), dt.date(2025, 3, 31)), (dt.date(2024, 9, 1), dt.date(2025, 6, 30)),
                              (dt.date(2025, 3, 1), dt.date(2025, 12, 31))):
            act.add(Adjustment(day, "PDA", "preservation", 0, "kept", authority_id=a.id, new_deadline=deadline))
    facts = BulkFacts(led)
    for aid in (a.id, other.id, 999):
        for as_of in (None, "2024-08-31", "2024-09-01", "2025-02-28", "2025-03-01", "2026-01-01"):
            assert facts.effective_deadline(aid, as_of) == led.effective_deadline(aid, as_of), (aid, as_of)
    assert facts.effective_deadline(a.id, "2024-09-01") == "2025-06-30"  # the later of one day's two


def test_rows_read_ahead_for_a_batch_are_the_rows_a_lookup_gives_in_one_query():
    from ledger.bulk_facts import BulkFacts

    led = Ledger.memory()
    build(led)
    ids = {p.id for p in led.records("package")}
    facts = BulkFacts(led)
    queries = []
    led.conn.set_trace_callback(queries.append)
    facts.prefetch("package", ids | {10**9, None})
    led.conn.set_trace_callback(None)
    assert len(queries) == 1
    assert all(facts.get_row("package", i) == led.get_row("package", i) for i in ids)
    assert facts.get_row("package", 10**9) is None
