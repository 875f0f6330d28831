"""Checking rows held column by column (a big import) with the rules of `validate.check`.

Calling `check` per row is most of a big import's time, and nearly every row passes. So each column
is screened at once for rows that could have a problem (a wrong type, a value out of range, an
unknown reference, a delivery before its package, deliveries adding up to more than a package),
and only those rows go through `check`, in order, exactly as `Action.add_many` checks them. The
screen may flag rows that turn out fine; it never passes a row `check` would fault.

Running sums (what a package has delivered, a line's quantity, a package's lines) tie a row to the
rows before it. Those rules hold for a whole package at once: values are never negative here (a
negative one is flagged), so if a package's rows all pass the screen and their total keeps within
the package, every row does. A package with any flagged row, or whose total would not keep within
it, has all its rows checked one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from . import validate
from .bulk_facts import BulkFacts
from .errors import Problem
from .model import Kind
from .money import MAX_CENTS

# Kinds whose rules compare a row with others by label (unique names and numbers, aliases): checked
# row by row. Imports of many rows are deliveries, lines and observations.
_ROW_BY_ROW = ("authority", "package", "system_type", "reported_figure", "disbursement_by_authority")


def check_columns(facts: BulkFacts, kind: Kind, cols: dict[str, list], ids: Sequence[int]) -> list[Problem]:
    """Every problem `validate.check` finds in these rows (stored form, one list per field), each
    with its record's id, in row order. Rows without errors join `facts` only where a later row of
    this call could depend on them."""
    n = len(ids)
    flagged = _screen(facts, kind, cols, n)
    problems: list[Problem] = []
    names = [f.name for f in kind.fields]
    for i in range(n) if flagged is None else sorted(flagged):
        row = {name: cols[name][i] for name in names}
        row["id"] = ids[i]
        found = validate.check(facts, kind, row)
        if found:
            problems.extend(replace(p, record_id=row["id"]) for p in found)
            if any(p.level == "error" for p in found):
                continue
        facts.added(kind, row)
    return problems


def _screen(facts: BulkFacts, kind: Kind, cols: dict[str, list], n: int) -> set[int] | None:
    """Indexes of rows that may have a problem; None when every row must be checked."""
    if kind.name in _ROW_BY_ROW or any(f.unique for f in kind.fields):
        return None
    flagged: set[int] = set()
    for f in kind.fields:
        found = _field_suspects(facts, f, cols[f.name])
        if found is None:
            return None
        flagged.update(found)
    rule = _RULES.get(kind.name)
    if rule is not None:
        rule(facts, cols, n, flagged)
    return flagged


def _field_suspects(facts: BulkFacts, f, col: list) -> list[int] | None:
    """Rows whose value for this field `validate.check` could fault (None: cannot tell cheaply). A
    column is first looked at whole (its types, its extremes, its distinct values); rows are picked
    one by one only from a column that has something to find."""
    out = []
    t = f.type
    types = set(map(type, col))
    if f.required and (type(None) in types or (str in types and t == "text")):
        out += [i for i, v in enumerate(col) if v is None or (v.__class__ is str and not v.strip())]
    present = types - {type(None)}
    if not present:
        return out
    if t in ("cents", "signed_cents", "int"):
        low = -MAX_CENTS if t == "signed_cents" else 0
        values = col if len(present) == len(types) else [v for v in col if v is not None]
        if present != {int} or min(values) < low or max(values) > MAX_CENTS:
            out += [i for i, v in enumerate(col) if v is not None and (v.__class__ is not int or not low <= v <= MAX_CENTS)]
    elif t == "date":
        if present != {str}:
            return None
        bad = {v for v in set(col) if v is not None and validate.date_problem(v)}
        if bad:
            out += [i for i, v in enumerate(col) if v in bad]
    elif t == "ref":
        known = facts.ids_of(f.ref)
        if present != {int} or not set(col) - {None} <= known:
            out += [i for i, v in enumerate(col) if v is not None and (v.__class__ is not int or v not in known)]
    elif t == "text":
        if present != {str}:
            out += [i for i, v in enumerate(col) if v is not None and v.__class__ is not str]
    elif t == "choice":
        if present != {str} or not set(col) - {None} <= set(f.choices):
            out += [i for i, v in enumerate(col) if v is not None and (v.__class__ is not str or v not in f.choices)]
    else:
        return None
    return out


# -- the rules of each kind, screened -----------------------------------------------------------


def _program_mismatch(facts: BulkFacts, cols: dict[str, list], flagged: set[int]) -> None:
    programs: dict[Any, str | None] = {}
    for i, (aid, program) in enumerate(zip(cols["authority_id"], cols["program"])):
        if aid is None or not program or i in flagged:
            continue
        if aid not in programs:
            auth = facts.get_row("authority", aid)
            programs[aid] = auth["program"].casefold() if auth else None
        if programs[aid] is None or program.__class__ is not str or program.casefold() != programs[aid]:
            flagged.add(i)


def _observation(facts: BulkFacts, cols: dict[str, list], n: int, flagged: set[int]) -> None:
    _program_mismatch(facts, cols, flagged)


def _adjustment(facts: BulkFacts, cols: dict[str, list], n: int, flagged: set[int]) -> None:
    for i, (kind, amount, deadline) in enumerate(zip(cols["kind"], cols["amount_cents"], cols["new_deadline"])):
        if (kind != "revaluation" and (amount.__class__ is not int or amount < 0)) or (deadline and kind != "preservation"):
            flagged.add(i)
    _program_mismatch(facts, cols, flagged)


def _disbursement(facts: BulkFacts, cols: dict[str, list], n: int, flagged: set[int]) -> None:
    packages, lines = cols["package_id"], cols["line_id"]
    days, quantities, values, types = cols["disbursed_on"], cols["quantity"], cols["value_cents"], cols["system_type_id"]
    if None in quantities and None in values:
        flagged.update(i for i, (q, v) in enumerate(zip(quantities, values)) if q is None and v is None)
    known = {p for p in set(packages) if p.__class__ is int and facts.exists("package", p)}
    announced = {p: facts.get_row("package", p)["announced_on"] for p in known}
    if announced and min((d for d in days if d.__class__ is str), default="") < max(announced.values()):
        flagged.update(i for i, (d, p) in enumerate(zip(days, packages))
                       if p in announced and d.__class__ is str and d < announced[p])
    if lines.count(None) != n:
        for i, line in enumerate(lines):
            if line is None or i in flagged:
                continue
            row = facts.get_row("line", line)
            if row["package_id"] != packages[i] or types[i] not in (None, row["system_type_id"]):
                flagged.add(i)
    whole = _groups_over(facts, packages, values, n, flagged, facts.disbursed_value, "value_cents")
    # A line's deliveries adding up to more than its quantity: the line's package is checked row by row.
    per_line: dict[int, int] = {}
    line_package: dict[int, int] = {}
    if lines.count(None) != n:
        for i in range(n):
            if lines[i] is not None and quantities[i] is not None and packages[i] not in whole:
                per_line[lines[i]] = per_line.get(lines[i], 0) + quantities[i]
                line_package[lines[i]] = packages[i]
    for line, total in per_line.items():
        row = facts.get_row("line", line)
        if row["quantity"] is not None and facts.disbursed_quantity(line) + total > row["quantity"]:
            whole.add(line_package[line])
    _flag_packages(packages, whole, flagged)


def _line(facts: BulkFacts, cols: dict[str, list], n: int, flagged: set[int]) -> None:
    packages = cols["package_id"]
    whole = _groups_over(facts, packages, cols["value_cents"], n, flagged, facts.line_value_sum, "value_cents")
    _flag_packages(packages, whole, flagged)


def _groups_over(facts, packages: list, values: list, n: int, flagged: set[int], stored_sum, field: str) -> set:
    """Packages to check row by row: those with a flagged row, and those whose rows' values would
    add up (with what the ledger holds) to more than the package's value."""
    whole = {packages[i] for i in flagged}
    try:
        grand = sum(filter(None, values))
    except TypeError:  # a value of the wrong type (a flagged row)
        grand = None
    if grand is not None:
        rest = {p for p in set(packages) - whole if p.__class__ is int and facts.exists("package", p)}
        if all(stored_sum(p) + grand <= facts.get_row("package", p)[field] for p in rest):
            return whole  # not even every row's value together takes any package beyond its value
    totals: dict[int, int] = {}
    for pkg, value in zip(packages, values):
        if value and pkg not in whole:
            totals[pkg] = totals.get(pkg, 0) + value
    for pkg, total in totals.items():
        if pkg in whole:
            continue
        if stored_sum(pkg) + total > facts.get_row("package", pkg)[field]:
            whole.add(pkg)
    return whole


def _flag_packages(packages: list, whole: set, flagged: set[int]) -> None:
    if whole:
        flagged.update(i for i, pkg in enumerate(packages) if pkg in whole)


_RULES = {
    "observation": _observation,
    "adjustment": _adjustment,
    "disbursement": _disbursement,
    "line": _line,
}
