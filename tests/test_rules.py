"""Each rule of ledger/rules.py, with a hand-made counterexample: a record that breaks it gets that
problem alone, said once, both as one edit (a batch of one) and as one row among clean rows of an
import (a batch of many, the rule judging the columns whole). Every declared rule must have one."""

import datetime as dt

import pytest
from test_bulk_check import base_ledger

from ledger import store, validate
from ledger.bulk_facts import BulkFacts
from ledger.model import (
    KINDS,
    Adjustment,
    Authority,
    Disbursement,
    Observation,
    Package,
    PackageLine,
    ReportedFigure,
    ScopeDisbursement,
    SystemType,
)
from ledger.money import format_cents
from ledger.rules import RULES

D = dt.date(2024, 6, 1)

# rule -> (the record that breaks it, the record's id or None for a new one, the message it gets)
COUNTEREXAMPLES = {
    "_package_before_its_authority": (Package("X", dt.date(2023, 9, 1), 1, 1), None,
                                      "is before PDA FY2024 is available (2023-10-01)"),
    "_package_after_the_deadline": (Package("X", dt.date(2024, 10, 15), 1, 1), None, "is after PDA FY2024's deadline (2024-09-30)"),
    "_package_beyond_what_is_left": (Package("X", D, 1, 995 * 10**9), None,
                                     "USD 9.95 B is more than PDA FY2024 has left (USD 9.94 B)"),
    "_package_below_its_lines": (Package("PDA 1", dt.date(2024, 1, 10), 1, 1, id=1), 1,
                                 "is less than the sum of its lines' values (USD 4 M)"),
    "_lines_beyond_the_package": (PackageLine(1, 1, "more rounds", value_cents=6 * 10**8 + 1), None,
                                  "lines would add up to more than package PDA 1's value"),
    "_delivery_of_nothing": (Disbursement(D, 1), None, "needs a quantity or a value"),
    "_delivery_before_its_package": (Disbursement(dt.date(2024, 1, 1), 1, quantity=1), None,
                                     "is before package PDA 1 was announced (2024-01-10)"),
    "_line_of_another_package": (Disbursement(D, 1, line_id=2, quantity=1), None, "line 2 belongs to another package, not PDA 1"),
    "_type_differs_from_its_line": (Disbursement(D, 1, line_id=1, system_type_id=2, quantity=1), None,
                                    "differs from the system type of its line"),
    "_deliveries_beyond_the_line": (Disbursement(D, 1, line_id=1, quantity=6), None, "brings deliveries to 51, more than the line's 50"),
    "_deliveries_beyond_the_package": (Disbursement(D, 1, value_cents=4 * 10**8 + 1), None,
                                       "is more than is left undelivered on package PDA 1 (USD 4 M of USD 10 M)"),
    "_negative_adjustment": (Adjustment(D, "PDA", "rescission", -5, "r"), None, "is negative; a rescission is entered as a positive amount"),
    "_program_of_another_authority": (Adjustment(D, "USAI", "rescission", 5, "r", authority_id=1), None,
                                      "'USAI' differs from PDA FY2024's program 'PDA'"),
    "_deadline_without_preservation": (Adjustment(D, "PDA", "expiry", 5, "r", new_deadline=dt.date(2025, 1, 1)), None,
                                       "only a preservation sets a new deadline"),
    "_alias_problems": (SystemType("Rockets", aliases=("fires",)), None, "alias 'fires' already names another system type"),
    "_name_is_an_alias": (SystemType("tube"), None, "'tube' is already an alias of another system type"),
    "_expires_before_available": (Authority("PDA", "X", 1, dt.date(2024, 1, 1), dt.date(2023, 1, 1)), None,
                                  "2023-01-01 is before the authority is available (2024-01-01)"),
    # Rules written for one row (ledger/execution_rules.py) say their own level and field.
    "reported_figure": (ReportedFigure(D, "disbursed", "PDA"), None, "is required for a figure of disbursed",
                        "error", "value_cents"),
    "scope_disbursement": (ScopeDisbursement(D, "ZZZ", 5), None,
                           "'ZZZ' is not the program of any authority in this ledger: a disbursement by authority needs a "
                           "scope the ledger holds", "error", "program"),
}
# The observation's program rule is the adjustment's, declared for both kinds.
ALSO = {("observation", "_program_of_another_authority"): (Observation(D, "m", 1, program="USAI", authority_id=1), None,
                                                            "'USAI' differs from PDA FY2024's program 'PDA'")}

CLEAN = {
    "package": lambda j: Package(f"C{j}", D, 2, 1),
    "line": lambda j: PackageLine(2, 1, f"clean {j}"),
    "disbursement": lambda j: Disbursement(D, 2, quantity=1),
    "adjustment": lambda j: Adjustment(D, "USAI", "rescission", 1, "r"),
    "observation": lambda j: Observation(D, "m", 1),
    "system_type": lambda j: SystemType(f"Clean {j}"),
    "authority": lambda j: Authority("PDA", f"C{j}", 1, dt.date(2024, 1, 1)),
    "reported_figure": lambda j: ReportedFigure(D, "disbursed", "PDA", value_cents=1),
    "disbursement_by_authority": lambda j: ScopeDisbursement(D, "PDA", 1),
}


def _ledger():
    led = base_ledger()
    led.add(SystemType("Tube artillery", aliases=("Tube",)))
    return led


def _cases():
    for kind, rules in RULES.items():
        for rule in rules:
            example = ALSO.get((kind, rule.name)) or COUNTEREXAMPLES.get(rule.name)
            yield pytest.param(kind, rule, example, id=f"{kind}-{rule.name}")


@pytest.mark.parametrize("kind,rule,example", list(_cases()))
def test_each_rule_has_a_counterexample_found_as_one_edit_and_within_an_import(kind, rule, example):
    assert example is not None, f"{rule.name} needs a counterexample in tests/test_rules.py"
    record, rid, message, *level_field = example
    level, field = level_field or (rule.level, rule.field)
    k = KINDS[kind]
    led = _ledger()
    row = store.to_row(k, record)
    (problem,) = validate.check(led, k, row)
    assert (problem.level, problem.field, problem.message) == (level, field, message)
    if rid is not None:
        return  # an edit of a stored record: imports add new ones
    # The same record among clean rows of an import: found at its row, the others pass.
    first = led.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {k.table}").fetchone()[0]
    rows = [store.to_row(k, CLEAN[kind](j)) for j in range(3)] + [row] + [store.to_row(k, CLEAN[kind](j)) for j in range(3, 6)]
    ids = list(range(first, first + len(rows)))
    for i, r in enumerate(rows):
        r["id"] = ids[i]
    cols = {f.name: [r[f.name] for r in rows] for f in k.fields}
    problems, errors = validate.check_columns(BulkFacts(led), k, cols, ids, rows)
    assert [(p.record_id, p.level, p.field, p.message) for p in problems] == [(ids[3], level, field, message)]
    assert errors == ({3} if level == "error" else set())


def test_every_counterexample_is_of_a_declared_rule():
    declared = {rule.name for rules in RULES.values() for rule in rules}
    assert set(COUNTEREXAMPLES) == declared


FIELD_CASES = [
    ("package", {"number": "  "}, "number", "is required"),
    ("package", {"value_cents": "abc"}, "value_cents", "'abc' is not a whole number"),
    ("package", {"value_cents": 10**17 + 1}, "value_cents", f"{10**17 + 1} is out of range"),
    ("package", {"value_cents": -5}, "value_cents", "is negative (-5); it must be zero or more"),
    ("package", {"announced_on": "2024-02-30"}, "announced_on", "'2024-02-30' is not a date"),
    ("package", {"announced_on": "1800-01-01"}, "announced_on", "1800-01-01 is out of range (1900 to 2199)"),
    ("package", {"authority_id": 999}, "authority_id", "no authority with id 999"),
    ("package", {"notes": 5}, "notes", "5 is not text"),
    ("package", {"number": "pda 1"}, "number", "'pda 1' is already used by another package"),
    ("adjustment", {"kind": "bonus"}, "kind", "'bonus' is not one of revaluation, rescission, expiry, preservation"),
]


@pytest.mark.parametrize("kind,change,field,message", FIELD_CASES)
def test_field_rules_have_counterexamples_too(kind, change, field, message):
    k = KINDS[kind]
    clean = store.to_row(k, CLEAN[kind](0) if kind != "package" else Package("X", D, 2, 1))
    led = _ledger()
    (problem,) = validate.check(led, k, {**clean, **change})
    assert (problem.level, problem.field, problem.message) == ("error", field, message)


@pytest.mark.parametrize("kind,change,field,message", FIELD_CASES + [
    ("package", {"number": ""}, "number", "is required"),
    ("package", {"number": None}, "number", "is required"),
])
def test_field_rules_judge_a_column_as_they_judge_one_row(kind, change, field, message):
    # The same counterexample as the fourth of a batch of clean rows: a column's checks (judged in C
    # where the column is clean) find it, and only it.
    k = KINDS[kind]
    led = _ledger()
    first = led.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {k.table}").fetchone()[0]
    rows = [store.to_row(k, CLEAN[kind](j)) for j in range(4)]
    rows[3].update(change)
    ids = list(range(first, first + 4))
    cols = {f.name: [r[f.name] for r in rows] for f in k.fields}
    problems, errors = validate.check_columns(BulkFacts(led), k, cols, ids)
    assert [(p.record_id, p.field, p.message) for p in problems if p.level == "error"] == [(ids[3], field, message)]
    assert errors == {3}


NORMALISED = [
    ("package", store.to_row(KINDS["package"], Package("  PDA 9 ", D, 1, 1)), "number", "PDA 9"),
    ("adjustment", store.to_row(KINDS["adjustment"], Adjustment(D, "", "rescission", 1, "r", authority_id=2)), "program", "USAI"),
    ("observation", store.to_row(KINDS["observation"], Observation(D, "m", 1, authority_id=1)), "program", "PDA"),
    ("disbursement", store.to_row(KINDS["disbursement"], Disbursement(D, 1, line_id=1, quantity=1)), "system_type_id", 1),
]


@pytest.mark.parametrize("kind,row,field,stored", NORMALISED)
def test_a_row_is_stored_the_same_as_one_edit_and_within_an_import(kind, row, field, stored):
    from ledger.normalise import normalise_columns, normalise_row

    k = KINDS[kind]
    led = _ledger()
    assert normalise_row(k, dict(row), led)[field] == stored
    clean = [store.to_row(k, CLEAN[kind](j)) for j in range(3)]
    given = {f.name: [r[f.name] for r in (*clean, row)] for f in k.fields}
    cols = normalise_columns(k, dict(given), BulkFacts(led))
    assert cols[field][3] == stored and cols[field][:3] == given[field][:3]
    assert given[field][3] == row[field]  # the caller's column is left as it was


def _batch_problems(led, kind, records):
    """Problems of `records` checked as one batch of an import: (row index, level, field, message)."""
    k = KINDS[kind]
    first = led.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {k.table}").fetchone()[0]
    rows = [store.to_row(k, r) for r in records]
    ids = list(range(first, first + len(rows)))
    for rid, r in zip(ids, rows):
        r["id"] = rid
    cols = {f.name: [r[f.name] for r in rows] for f in k.fields}
    problems, _errors = validate.check_columns(BulkFacts(led), k, cols, ids, rows)
    return [(ids.index(p.record_id), p.level, p.field, p.message) for p in problems]


# Unique labels are judged over the whole column: against the stored labels and the rows before.
LABEL_CASES = [
    ("package", [Package("PDA 7", D, 1, 1), Package("C1", D, 1, 1), Package("pda 7", D, 1, 1)],
     [(2, "error", "number", "'pda 7' is already used by another package")]),
    ("package", [Package("C1", D, 1, 1), Package(" Pda 1 ", D, 1, 1)],
     [(1, "error", "number", "' Pda 1 ' is already used by another package")]),
    ("authority", [Authority("PDA", "Fund X", 1, D), Authority("PDA", "FUND X", 1, D)],
     [(1, "error", "name", "'FUND X' is already used by another authority")]),
    ("authority", [Authority("PDA", "C1", 1, D), Authority("PDA", "pda fy2024", 1, D)],
     [(1, "error", "name", "'pda fy2024' is already used by another authority")]),
]


@pytest.mark.parametrize("kind,records,expected", LABEL_CASES)
def test_a_label_taken_by_a_stored_record_or_an_earlier_row_of_the_batch(kind, records, expected):
    assert _batch_problems(_ledger(), kind, records) == expected


def test_packages_of_one_batch_together_beyond_what_is_left_warn_from_the_first_that_overdraws():
    led = _ledger()
    left = BulkFacts(led).authority_left(1)
    half = left // 2 + 1
    found = _batch_problems(led, "package", [Package("C1", D, 1, half), Package("C2", D, 1, 1), Package("C3", D, 1, half)])
    assert [(i, field) for i, _level, field, _m in found] == [(2, "value_cents")]
    assert found[0][3].endswith(f"has left ({format_cents(left - half - 1, led.currency)})")


def test_a_package_of_an_authority_with_nothing_left_says_so_not_a_negative_left():
    led = _ledger()
    left = BulkFacts(led).authority_left(1)
    found = _batch_problems(led, "package", [Package("C1", D, 1, left), Package("C2", D, 1, 5 * 10**8), Package("C3", D, 1, 10**8)])
    assert [(i, m) for i, _level, _field, m in found] == [
        (1, "PDA FY2024 is already fully committed, with nothing left for USD 5 M"),
        (2, "PDA FY2024 is already overcommitted by USD 5 M, with nothing left for USD 1 M")]


def test_stored_packages_of_a_batch_are_held_against_their_lines_stored_or_joined_before():
    """A batch keeping its ids (a copy of stored packages, lowered): only the packages that have lines
    are looked up, the stored lines and the lines that joined the batch's facts before counted."""
    led = _ledger()
    k = KINDS["package"]
    rows = [store.to_row(k, Package(f"PDA {i}", dt.date(2024, 1, 10), 1, 1, id=i)) for i in (1, 2, 3)]
    rows.append(store.to_row(k, Package("C9", dt.date(2024, 1, 10), 1, 1, id=9)))
    cols = {f.name: [r[f.name] for r in rows] for f in k.fields}
    facts = BulkFacts(led)
    facts.added_many(KINDS["line"], [{"id": 90, "package_id": 9, "system_type_id": 1, "value_cents": 5}])
    problems, _ = validate.check_columns(facts, k, cols, [1, 2, 3, 9])
    below = [(p.record_id, p.message) for p in problems if p.field == "value_cents" and "lines" in p.message]
    assert below == [(1, "is less than the sum of its lines' values (USD 4 M)"),
                     (9, "is less than the sum of its lines' values (USD 0.05)")]


def test_a_package_before_its_authority_among_packages_of_an_authority_open_earlier():
    led = _ledger()
    late = led.add(Authority("PDA", "PDA FY2025", 10**12, dt.date(2024, 6, 1)))
    found = _batch_problems(led, "package", [Package("C1", dt.date(2024, 1, 1), 1, 1), Package("C2", dt.date(2024, 2, 1), late.id, 1),
                                             Package("C3", dt.date(2024, 7, 1), late.id, 1)])
    assert found == [(1, "warning", "announced_on", "is before PDA FY2025 is available (2024-06-01)")]


def test_packages_after_a_deadline_a_preservation_moved_are_found_by_authority_and_day():
    led = _ledger()
    led.add(Adjustment(dt.date(2024, 9, 1), "PDA", "preservation", 0, "kept", authority_id=1, new_deadline=dt.date(2024, 12, 31)))
    found = _batch_problems(led, "package", [Package("C1", dt.date(2024, 8, 1), 1, 1), Package("C2", dt.date(2024, 11, 1), 1, 1),
                                             Package("C3", dt.date(2025, 1, 2), 1, 1), Package("C4", dt.date(2025, 1, 2), 2, 1)])
    assert found == [(2, "warning", "announced_on", "is after PDA FY2024's deadline (2024-12-31)")]


def test_deliveries_of_several_packages_warn_only_where_their_own_sum_goes_beyond_the_package():
    """All the batch's values together would overfill both packages; each package's own deliveries
    overfill PDA 1 only (USD 6 M of its 10 M delivered before), and only from the row that does."""
    led = _ledger()
    found = _batch_problems(led, "disbursement", [Disbursement(D, 2, value_cents=46 * 10**8), Disbursement(D, 1, value_cents=3 * 10**8),
                                                  Disbursement(D, 1, value_cents=2 * 10**8), Disbursement(D, 2, value_cents=10**8)])
    assert [(i, field) for i, _level, field, _m in found] == [(2, "value_cents")]


def test_deliveries_of_several_lines_warn_only_beyond_the_line_they_fill():
    led = _ledger()
    with led.action("more lines", accept_warnings=True) as act:
        shells = act.add(PackageLine(2, 1, "shells", quantity=10)).id
    found = _batch_problems(led, "disbursement", [Disbursement(D, 2, line_id=shells, quantity=9), Disbursement(D, 1, line_id=1, quantity=3),
                                                  Disbursement(D, 2, line_id=shells, quantity=1), Disbursement(D, 1, line_id=1, quantity=3)])
    assert [(i, field, m) for i, _level, field, m in found] == [(3, "quantity", "brings deliveries to 51, more than the line's 50")]


def test_a_delivery_to_a_package_already_fully_delivered_says_so_not_a_negative_left():
    """PDA 1 has USD 6 M of its 10 M delivered: the first row fills it, the next ones find nothing left."""
    led = _ledger()
    found = _batch_problems(led, "disbursement", [Disbursement(D, 1, value_cents=4 * 10**8), Disbursement(D, 1, value_cents=10**8),
                                                  Disbursement(D, 1, value_cents=10**8)])
    assert [(i, m) for i, _level, _field, m in found] == [
        (1, "package PDA 1 is already fully delivered (USD 10 M delivered of USD 10 M)"),
        (2, "package PDA 1 is already fully delivered (USD 11 M delivered of USD 10 M)")]
