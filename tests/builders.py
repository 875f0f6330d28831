"""Hypothesis strategies and builders for random but valid ledgers."""

import datetime as dt

from hypothesis import strategies as st

from ledger.model import (
    MEASURES,
    Adjustment,
    Authority,
    Disbursement,
    Package,
    PackageLine,
    ReportedFigure,
    ScopeDisbursement,
    SystemType,
)

DAYS = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2025, 12, 31))
CENTS = st.integers(min_value=0, max_value=10**13)


@st.composite
def ledger_specs(draw, max_packages=12):
    """A list of records (with placeholder ids resolved at build time) describing a random ledger."""
    n_auth = draw(st.integers(1, 3))
    auths = [
        Authority(
            program=draw(st.sampled_from(["PDA", "USAI"])),
            name=f"A{i}",
            amount_cents=draw(CENTS),
            available_from=draw(DAYS),
        )
        for i in range(n_auth)
    ]
    types = [SystemType(f"T{i}") for i in range(draw(st.integers(1, 3)))]
    packages = []
    for i in range(draw(st.integers(0, max_packages))):
        lines = [
            (draw(st.integers(0, len(types) - 1)), draw(st.one_of(st.none(), st.integers(0, 10**9))))
            for _ in range(draw(st.integers(0, 3)))
        ]
        disb = [
            (draw(DAYS), draw(st.one_of(st.none(), st.integers(0, len(lines) - 1) if lines else st.none())),
             draw(st.one_of(st.none(), st.integers(0, len(types) - 1))), draw(st.integers(0, 10**9)))
            for _ in range(draw(st.integers(0, 3)))
        ]
        packages.append((f"P{i}", draw(DAYS), draw(st.integers(0, n_auth - 1)), draw(CENTS), lines, disb))
    adjustments = [
        (draw(DAYS), draw(st.sampled_from(["revaluation", "rescission", "expiry", "preservation"])),
         draw(st.integers(0, 10**12)), draw(st.one_of(st.none(), st.integers(0, n_auth - 1))))
        for _ in range(draw(st.integers(0, 3)))
    ]
    # Execution as sources give it: (day, authority index or None for the first's program, value).
    scoped = [
        (draw(DAYS), draw(st.one_of(st.none(), st.integers(0, n_auth - 1))), draw(st.integers(0, 10**11)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    reported = [
        (draw(DAYS), draw(st.sampled_from(MEASURES)), draw(st.one_of(st.none(), st.integers(0, n_auth - 1))),
         draw(st.integers(0, 10**11)), draw(st.integers(0, 100)), draw(st.one_of(st.none(), st.integers(0, len(types) - 1))))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return auths, types, packages, adjustments, scoped, reported


def build_ledger(led, spec):
    auths, types, packages, adjustments, scoped, reported = spec
    with led.action("build", accept_warnings=True) as act:
        a_ids = [act.add(a).id for a in auths]
        t_ids = [act.add(t).id for t in types]
        for number, day, ai, value, lines, disb in packages:
            p = act.add(Package(number, day, a_ids[ai], value))
            l_ids = [act.add(PackageLine(p.id, t_ids[ti], f"line {k}", value_cents=v)).id for k, (ti, v) in enumerate(lines)]
            for dday, li, ti, value_cents in disb:
                line_id = l_ids[li] if li is not None else None
                st_id = None if line_id is not None or ti is None else t_ids[ti]
                act.add(Disbursement(dday, p.id, line_id=line_id, system_type_id=st_id, value_cents=value_cents))
        for day, kind, amount, ai in adjustments:
            program = auths[ai].program if ai is not None else "PDA"
            act.add(Adjustment(day, program, kind, amount, "test", authority_id=a_ids[ai] if ai is not None else None))
        for day, ai, value in scoped:
            program = auths[ai if ai is not None else 0].program
            act.add(ScopeDisbursement(day, program, value, authority_id=a_ids[ai] if ai is not None else None))
        for day, measure, ai, value, percent, ti in reported:
            share = measure == "delivered share"
            act.add(ReportedFigure(day, measure, auths[ai if ai is not None else 0].program,
                                   value_cents=None if share else value, percent=percent if share else None,
                                   authority_id=a_ids[ai] if ai is not None else None,
                                   system_type_id=t_ids[ti] if ti is not None else None))
    return led
