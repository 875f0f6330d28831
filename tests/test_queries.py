"""The daily sums SQLite computes (ledger/queries.py) equal the plain definition (movements.from_records)
for every grouping, including what the random ledgers of test_balances never hold: packages without an
authority that have deliveries, deliveries with only a quantity, an authority without packages."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from ledger import queries
from ledger.model import NO_AUTHORITY, Authority, Disbursement, Package, ScopeDisbursement, SystemType
from ledger.movements import GROUPINGS, from_records
from ledger.service import Ledger

D = dt.date


def daily(moves) -> Counter:
    out: Counter = Counter()
    for m in moves:
        out[(m.day, m.group, m.stage)] += m.cents
    return +out  # zero sums dropped: both sides may or may not list them


def ledger_with_every_case() -> Ledger:
    led = Ledger.memory()
    with led.action("build", accept_warnings=True) as act:
        fy24 = act.add(Authority("PDA", "PDA FY2024", 9_000_000_00, D(2024, 1, 1)))
        fy25 = act.add(Authority("PDA", "PDA FY2025", 9_000_000_00, D(2025, 1, 1)))
        usai = act.add(Authority("USAI", "USAI FY2024", 5_000_000_00, D(2024, 1, 1)))
        act.add(Authority("USAI", "USAI FY2025", 5_000_000_00, D(2025, 1, 1)))  # no packages at all
        t = act.add(SystemType("Air defense"))
        packages = [
            act.add(Package("PDA 1", D(2024, 2, 1), fy24.id, 1_000_000_00)),
            act.add(Package("PDA 2", D(2024, 3, 1), fy24.id, 2_000_000_00)),
            act.add(Package("PDA 3", D(2025, 2, 1), fy25.id, 3_000_000_00)),
            act.add(Package("USAI 1", D(2024, 4, 1), usai.id, 4_000_000_00)),
            act.add(Package("Unassigned 1", D(2024, 5, 1), None, 500_000_00)),
            act.add(Package("Unassigned 2", D(2024, 6, 1), None, 600_000_00)),
        ]
        for i, p in enumerate(packages):
            for k in range(4):  # two packages of one group deliver on the same days: their sums add up
                day = D(2024, 7, 1 + k)
                act.add(Disbursement(day, p.id, system_type_id=t.id, value_cents=(i + 1) * 1_000_00 + k))
            act.add(Disbursement(D(2024, 8, 1), p.id, quantity=3))  # a quantity, no value: no money moves
        act.add(ScopeDisbursement(D(2024, 9, 1), "USAI", 70_000_00, authority_id=None))
    return led


def test_the_sql_sums_equal_the_plain_definition_for_every_grouping():
    with ledger_with_every_case() as led:
        records = [led.records(k) for k in ("authority", "package", "line", "disbursement", "adjustment", "system_type",
                                             "disbursement_by_authority")]
        for by in GROUPINGS:
            assert daily(queries.daily_movements(led.conn, by)) == daily(from_records(by, *records)), by


def test_deliveries_of_packages_without_an_authority_count_in_their_group():
    with ledger_with_every_case() as led:
        for by in ("authority", "program"):
            moved = daily(queries.daily_movements(led.conn, by))
            # Unassigned 1 and 2 (the 5th and 6th packages) deliver 5,000.00 + k and 6,000.00 + k on day k.
            assert moved[("2024-07-02", NO_AUTHORITY, "disbursed")] == 5_000_01 + 6_000_01, by
        by_program = daily(queries.daily_movements(led.conn, "program"))
        assert by_program[("2024-07-01", "PDA", "disbursed")] == 1_000_00 + 2_000_00 + 3_000_00
