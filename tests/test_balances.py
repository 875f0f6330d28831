"""Balances are running sums of the records: checked against a plain restatement, for random ledgers."""

from collections import defaultdict

from builders import DAYS, build_ledger, ledger_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import balances, movements
from ledger.model import UNALLOCATED
from ledger.service import Ledger

EFFECT = {"revaluation": 1, "rescission": -1, "expiry": -1, "preservation": 0}


def expected_totals(led, day):
    iso = day.isoformat()
    auth = sum(a.amount_cents for a in led.records("authority") if a.available_from.isoformat() <= iso)
    adj = sum(EFFECT[j.kind] * j.amount_cents for j in led.records("adjustment") if j.adjusted_on.isoformat() <= iso)
    com = sum(p.value_cents for p in led.records("package") if p.announced_on.isoformat() <= iso)
    dis = sum(d.value_cents or 0 for d in led.records("disbursement") if d.disbursed_on.isoformat() <= iso)
    dis += sum(d.value_cents for d in led.records("disbursement_by_authority") if d.disbursed_on.isoformat() <= iso)
    return balances.Figures(auth, adj, com, dis)


def expected_committed_by_type(led, day):
    out = defaultdict(int)
    names = {t.id: t.name for t in led.records("system_type")}
    for p in led.records("package"):
        if p.announced_on > day:
            continue
        typed = 0
        for line in led.records("line", "package_id = ?", (p.id,)):
            if line.value_cents is not None:
                out[names[line.system_type_id]] += line.value_cents
                typed += line.value_cents
        out[UNALLOCATED] += p.value_cents - typed
    return {k: v for k, v in out.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs(), day=DAYS)
def test_balances_equal_running_sums(spec, day):
    with Ledger.memory() as led:
        build_ledger(led, spec)
        want = expected_totals(led, day)
        for by in ("authority", "program", "system_type"):
            s = led.summary(as_of=day.isoformat(), by=by)
            assert s.totals == want, by
            assert balances.total({g.name: g.figures for g in s.groups}) == want, by
        s = led.summary(as_of=day.isoformat(), by="system_type")
        got = {g.name: g.figures.committed_cents for g in s.groups if g.figures.committed_cents}
        assert got == {k: v for k, v in expected_committed_by_type(led, day).items() if v}


def daily(moves):
    out = defaultdict(int)
    for m in moves:
        out[(m.day, m.group, m.stage)] += m.cents
    return {k: v for k, v in out.items() if v}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs())
def test_sql_movements_match_the_reference_definition(spec):
    with Ledger.memory() as led:
        build_ledger(led, spec)
        for by in ("authority", "program", "system_type"):
            ref = movements.from_records(
                by, *(led.records(k) for k in ("authority", "package", "line", "disbursement", "adjustment", "system_type",
                                               "disbursement_by_authority"))
            )
            assert daily(led.movements(by)) == daily(ref), by


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs())
def test_series_points_equal_summary_on_that_day(spec):
    with Ledger.memory() as led:
        build_ledger(led, spec)
        per_group = led.series("authority")
        total = balances.total_series(per_group)
        for day, fig in total:
            assert fig == led.summary(as_of=day, by="authority").totals
        for name, points in per_group.items():
            for day, fig in points:
                groups = {g.name: g.figures for g in led.summary(as_of=day, by="authority").groups}
                assert groups[name] == fig


def test_pace_and_projection():
    moves = [
        balances.Movement("2024-01-01", "A", "authorized", 1_000_00),
        balances.Movement("2024-02-29", "A", "committed", 300_00),  # in the 90-day window only
        balances.Movement("2024-03-20", "A", "committed", 300_00),  # in both windows
    ]
    fig = balances.figures_as_of(moves, "2024-03-30")["A"]
    p = balances.pace(fig, balances.window_sums(moves, "2024-03-30"), "2024-03-30", "2024-04-09")
    assert p.committed_per_day_cents == {30: 1_000, 90: 667}
    assert p.days_to_deadline == 10
    assert p.needed_commit_per_day_cents == 4_000  # 400.00 left over 10 days
    assert p.projected_zero_authority == "2024-05-09"  # 40,000 cents at 1,000 a day
    done = balances.pace(fig, balances.window_sums(moves, "2024-03-30"), "2024-03-30", "2024-03-01")
    assert done.needed_commit_per_day_cents is None and done.days_to_deadline == -29


def test_no_pace_means_no_projection():
    fig = balances.Figures(authorized_cents=100)
    p = balances.pace(fig, {"committed": {30: 0, 90: 0}, "disbursed": {30: 0, 90: 0}}, "2024-01-01", None)
    assert p.projected_zero_authority is None and p.needed_commit_per_day_cents is None


@given(st.lists(st.tuples(DAYS, st.integers(-10**12, 10**12)), max_size=30))
def test_series_is_a_running_sum(items):
    moves = [balances.Movement(d.isoformat(), "g", "committed", c) for d, c in items]
    points = balances.series(moves).get("g", [])
    run = 0
    for day, fig in points:
        run = sum(c for d, c in items if d.isoformat() <= day)
        assert fig.committed_cents == run
    assert run == sum(c for _, c in items)
