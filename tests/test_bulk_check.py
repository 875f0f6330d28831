"""Adding rows column by column (big imports) finds exactly what adding them record by record finds:
the same problems in the same order, the same stored rows and the same history."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import history
from ledger.errors import ValidationError, WarningsNotAccepted
from ledger.model import KINDS, Authority, Disbursement, Package, PackageLine, Source, SystemType
from ledger.service import Ledger

MISSING_ID = 999


def base_ledger() -> Ledger:
    led = Ledger.memory()
    with led.action("base", accept_warnings=True) as act:
        pda = act.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1), dt.date(2024, 9, 30)))
        act.add(Authority("USAI", "USAI FY2024", 10**12, dt.date(2023, 10, 1)))
        fires = act.add(SystemType("Fires"))
        act.add(SystemType("Air defense"))
        act.add(Source("a release"))
        p1 = act.add(Package("PDA 1", dt.date(2024, 1, 10), pda.id, 10**9))
        p2 = act.add(Package("PDA 2", dt.date(2024, 3, 1), pda.id, 5 * 10**9))
        act.add(Package("PDA 3", dt.date(2024, 5, 1), pda.id, 0))
        rounds = act.add(PackageLine(p1.id, fires.id, "rounds", quantity=50, value_cents=4 * 10**8))
        act.add(PackageLine(p2.id, fires.id, "launchers", quantity=100))
        act.add(PackageLine(p2.id, fires.id, "spares"))
        # Stored figures a batch adds to: 45 of the 50 rounds delivered, 6 of PDA 1's 10 (USD M) delivered.
        act.add(Disbursement(dt.date(2024, 2, 1), p1.id, line_id=rounds.id, quantity=45, value_cents=6 * 10**8))
    return led


def maybe(strategy):
    return st.one_of(st.none(), strategy)


DAYS = st.dates(dt.date(2023, 6, 1), dt.date(2025, 6, 1))
TEXT = st.sampled_from(["x", "", "  ", " PDA ", "usai", "PDA"])
AMOUNTS = st.one_of(st.integers(-10, 3 * 10**8), st.sampled_from([0, 10**17, 10**17 + 1, -(10**17) - 1]))


def ref(*ids):
    return maybe(st.sampled_from([*ids, MISSING_ID]))


FIELDS = {
    "disbursement": {
        "disbursed_on": maybe(DAYS), "package_id": ref(1, 2, 3), "line_id": ref(1, 2, 3), "system_type_id": ref(1, 2),
        "quantity": maybe(st.integers(-2, 40)), "value_cents": maybe(AMOUNTS), "source_id": ref(1), "notes": maybe(TEXT),
    },
    "line": {
        "package_id": ref(1, 2, 3), "system_type_id": ref(1, 2), "description": maybe(TEXT), "quantity": maybe(st.integers(-2, 40)),
        "qualifier": maybe(TEXT), "unit": maybe(TEXT), "value_cents": maybe(AMOUNTS), "notes": maybe(TEXT),
    },
    "observation": {
        "observed_on": maybe(DAYS), "metric": maybe(TEXT), "value_cents": maybe(AMOUNTS), "program": maybe(TEXT),
        "authority_id": ref(1, 2), "balance": maybe(st.sampled_from(["undelivered", "remaining_authority", "nonsense"])),
        "scope": maybe(TEXT), "date_precision": maybe(st.sampled_from(["exact", "approx", "roughly"])),
        "reported_by": maybe(TEXT), "source_id": ref(1), "notes": maybe(TEXT),
    },
    "adjustment": {
        "adjusted_on": maybe(DAYS), "program": maybe(TEXT),
        "kind": maybe(st.sampled_from(["revaluation", "rescission", "expiry", "preservation", "bonus"])),
        "amount_cents": maybe(AMOUNTS), "reason": maybe(TEXT), "authority_id": ref(1, 2), "new_deadline": maybe(DAYS),
        "source_id": ref(1), "notes": maybe(TEXT),
    },
    "source": {"title": maybe(TEXT), "url": maybe(TEXT), "published_on": maybe(DAYS), "notes": maybe(TEXT)},
}


# Rows that pass every field check: whatever they trip is the kinds' rules (dates before a package,
# sums beyond a package or line, programs that differ), which the column screen must find too.
VALID = {
    "disbursement": dict(FIELDS["disbursement"], disbursed_on=DAYS, package_id=st.sampled_from([1, 2, 3]),
                         line_id=maybe(st.sampled_from([1, 2, 3])), system_type_id=maybe(st.sampled_from([1, 1, 1, 2])),
                         quantity=maybe(st.integers(0, 40)), value_cents=maybe(st.integers(0, 3 * 10**8)), source_id=st.none()),
    "line": dict(FIELDS["line"], package_id=st.sampled_from([1, 2, 3]), system_type_id=st.sampled_from([1, 2]),
                 description=st.just("d"), quantity=maybe(st.integers(0, 40)), value_cents=maybe(st.integers(0, 3 * 10**8))),
    "observation": dict(FIELDS["observation"], observed_on=DAYS, metric=st.just("m"), value_cents=st.integers(-(10**9), 10**9),
                        authority_id=maybe(st.sampled_from([1, 2])), balance=st.none(), date_precision=st.none(), source_id=st.none()),
    "adjustment": dict(FIELDS["adjustment"], adjusted_on=DAYS, program=st.sampled_from(["PDA", "usai"]),
                       kind=st.sampled_from(["revaluation", "rescission", "expiry", "preservation"]),
                       amount_cents=st.integers(-(10**9), 10**9), reason=st.just("r"), authority_id=maybe(st.sampled_from([1, 2])),
                       source_id=st.none()),
    "source": dict(FIELDS["source"], title=st.just("t")),
}


def _records(kind: str, rows: list[dict], first_id: int) -> list:
    cls = KINDS[kind].cls
    return [cls(**row, id=first_id + i) for i, row in enumerate(rows)]


def _outcome(kind: str, rows: list[dict], columns: bool, accept: bool):
    led = base_ledger()
    first = led.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {KINDS[kind].table}").fetchone()[0]
    records = _records(kind, rows, first)
    try:
        with led.action("import", accept_warnings=accept) as act:
            if columns:
                cols = {f.name: [getattr(r, f.name) for r in records] for f in KINDS[kind].fields}
                act.add_columns(kind, cols, {}, range(first, first + len(records)))
            else:
                act.add_many(records, keep_ids=True)
    except (ValidationError, WarningsNotAccepted) as exc:
        return type(exc).__name__, exc.problems, led.records(kind)
    changes = history.changes(led.conn, act.action_id) if act.action_id else []
    return "written", act.warnings, led.records(kind), changes


def _rows(kind: str, max_size: int = 30):
    valid, noisy = st.fixed_dictionaries(VALID[kind]), st.fixed_dictionaries(FIELDS[kind])
    mostly_valid = st.lists(st.one_of(valid, valid, valid, valid, valid, noisy), min_size=1, max_size=max_size)
    return st.one_of(mostly_valid, st.lists(valid, min_size=1, max_size=max_size), st.lists(noisy, min_size=1, max_size=10))


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_columns_and_records_agree_on_random_batches(kind):
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=_rows(kind), accept=st.booleans())
    def agree(rows, accept):
        assert _outcome(kind, rows, True, accept) == _outcome(kind, rows, False, accept)

    agree()


def _valid_deliveries(n: int, value: int) -> list[dict]:
    return [dict(FIELDS_DEFAULT, disbursed_on=dt.date(2024, 6, 1), package_id=1 + i % 2, quantity=1, value_cents=value) for i in range(n)]


FIELDS_DEFAULT = {name: None for name in FIELDS["disbursement"]}


def test_a_package_overdrawn_by_many_small_deliveries_warns_at_the_row_that_crosses():
    # 2,000 deliveries of 1,000,000 cents alternate between PDA 1 (10**9, 6 * 10**8 delivered) and PDA 2:
    # PDA 1 is full after 400 of them: each one after that warns.
    rows = _valid_deliveries(2002, 10**6)
    kind, problems, _ = _outcome("disbursement", rows, True, False)
    assert kind == "WarningsNotAccepted"
    assert problems == _outcome("disbursement", rows, False, False)[1]
    first = 2  # the base ledger holds one delivery
    assert [p.record_id for p in problems] == [first + 2 * k for k in range(400, 1001)]
    assert all("package PDA 1 " in p.message for p in problems)


def test_a_clean_batch_writes_every_row_with_one_history_change_each():
    rows = _valid_deliveries(500, 100)
    status, warnings, records, changes = _outcome("disbursement", rows, True, False)
    records = records[1:]  # after the base ledger's own delivery
    assert status == "written" and not warnings and len(records) == 500
    assert [c.record_id for c in changes] == [r.id for r in records] and all(c.op == "insert" for c in changes)


def _scenario(kind: str, *rows: dict) -> list[dict]:
    base = {"disbursement": dict(FIELDS_DEFAULT, disbursed_on=dt.date(2024, 6, 1), package_id=1, quantity=1),
            "line": {name: None for name in FIELDS["line"]} | {"package_id": 1, "system_type_id": 1, "description": "d"},
            "observation": {name: None for name in FIELDS["observation"]} | {"observed_on": dt.date(2024, 6, 1), "metric": "m", "value_cents": 1},
            "adjustment": {name: None for name in FIELDS["adjustment"]} | {"adjusted_on": dt.date(2024, 6, 1), "program": "PDA", "kind": "rescission",
                                                                         "amount_cents": 1, "reason": "r"}}[kind]
    clean = [dict(base) for _ in range(5)]  # rows that pass, around the one under test
    return clean + [dict(base, **row) for row in rows] + clean


SCENARIOS = {
    "system type differs from its line": ("disbursement", {"line_id": 1, "system_type_id": 2}),
    "line of another package": ("disbursement", {"line_id": 2}),
    "neither quantity nor value": ("disbursement", {"quantity": None}),
    "before its package was announced": ("disbursement", {"package_id": 2, "disbursed_on": dt.date(2024, 2, 1)}),
    "value beyond what the package has left": ("disbursement", {"value_cents": 3 * 10**8}, {"value_cents": 2 * 10**8}),
    "quantity beyond what the line has left": ("disbursement", {"line_id": 1, "quantity": 3}, {"line_id": 1, "quantity": 3}),
    "lines beyond their package": ("line", {"value_cents": 3 * 10**8}, {"value_cents": 3 * 10**8 + 1}),
    "program differs from its authority": ("observation", {"authority_id": 2, "program": "PDA"}),
    "a deadline set by a rescission": ("adjustment", {"new_deadline": dt.date(2025, 1, 1)}),
    "a negative rescission": ("adjustment", {"amount_cents": -5}),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_rule_is_found_in_columns_as_in_records(name):
    kind, *rows = SCENARIOS[name]
    batch = _scenario(kind, *rows)
    by_columns = _outcome(kind, batch, True, False)
    assert by_columns[0] != "written", "the scenario must trip a rule"
    assert by_columns == _outcome(kind, batch, False, False)


def test_columns_no_row_fills_are_left_out_of_the_history_block_and_come_back_on_undo_and_redo():
    led = base_ledger()
    rows = _valid_deliveries(300, 100)
    fields = [f.name for f in KINDS["disbursement"].fields]
    filled = ("disbursed_on", "package_id", "quantity", "value_cents")
    first = led.conn.execute("SELECT MAX(id) + 1 FROM disbursements").fetchone()[0]
    with led.action("import", accept_warnings=False) as act:
        act.add_columns("disbursement", {f: [r[f] for r in rows] for f in filled},
                        {f: None for f in fields if f not in filled}, range(first, first + len(rows)))
    stored = led.records("disbursement")
    changes = history.changes(led.conn, act.action_id)
    assert [c.new for c in changes] == [led.get_row("disbursement", r.id) for r in stored[1:]]
    assert set(changes[0].new) == {"id", *fields}  # every column, the NULL ones included
    assert led.record_history("disbursement", stored[150].id)[0][1].new == led.get_row("disbursement", stored[150].id)
    led.undo()
    assert led.count("disbursement") == 1
    led.redo()
    assert led.records("disbursement") == stored
