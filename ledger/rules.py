"""Every rule a record must keep before it is written, each declared once (`ledger.engine` runs them
over a batch: one edit is a batch of one, an import a batch of thousands).

Errors block the change: missing or malformed fields, negative amounts where only positive make
sense, dates out of range, references to records that do not exist, duplicate package numbers or
names, a line of another package, a disbursement with neither a quantity nor a value. Warnings (real
data does these) may be accepted: committing more than an authority has left, disbursing more than a
package or line holds, dates outside an authority's period, line values above the package value.

A rule is a function of a `Batch` yielding (row index, message). It may judge a column whole first
(`batch.whole()`: no row was set aside) and look at rows one by one only when there is something to
find; that is what keeps a big import fast, and it is the rule itself, not a second copy of it.
A new rule: write the function, declare it in RULES under its kind (errors before the rules that
keep running sums), and give it a counterexample in tests/test_rules.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from . import execution_rules
from .dates import MAX_DATE, MIN_DATE
from .engine import Batch, Rule
from .lookups import nocase_all
from .model import Field, Kind
from .money import MAX_CENTS, format_cents

# -- field rules: required, type, range, reference, unique label --------------------------------


def field_problems(facts: Any, kind: Kind, f: Field, col: list, ids) -> list[tuple[int, str]]:
    """(row, message) for each value of the column that breaks its field's rules, in row order. A
    blank value (None; spaces, except in aliases) is only ever "required": it has no type to check.
    A column of one value (one edit, or a kind checked a row at a time) is judged directly."""
    if len(col) == 1:
        return _one_value(facts, kind, f, col[0], ids[0])
    return list(_column(facts, kind, f, col, ids))


def _one_value(facts: Any, kind: Kind, f: Field, v: Any, rid: int | None) -> list[tuple[int, str]]:
    if v is None or (f.type != "aliases" and v.__class__ is str and not v.strip()):
        return [(0, "is required")] if f.required else []
    out = []
    problem = _VALUE_PROBLEMS.get(f.type)
    message = problem(facts, f, v) if problem else None
    if message:
        out.append((0, message))
    if f.unique:
        out += _labels_taken(facts, kind, f, [v], [rid])
    return out


def _column(facts: Any, kind: Kind, f: Field, col: list, ids) -> Iterator[tuple[int, str]]:
    t = f.type
    types = {type(None)} if col.count(None) == len(col) else set(map(type, col))  # a field no row fills: found in C
    if f.required and (type(None) in types or (str in types and t != "aliases")):
        yield from ((i, "is required") for i in _blank_rows(col, t == "aliases", types))
    if not types - {type(None)}:
        return  # nothing but blanks
    check = _TYPE_CHECKS.get(t)
    if check is not None:
        yield from check(facts, f, col, types)
    if f.unique:
        yield from _labels_taken(facts, kind, f, col, ids)


def _labels_taken(facts: Any, kind: Kind, f: Field, col: list, ids) -> list[tuple[int, str]]:
    """Labels (names, numbers) another record holds, compared as SQLite's NOCASE does: a stored one
    (the owners of the column's labels, asked once: for an import from the labels read once), or an
    earlier row of the same batch."""
    keys = nocase_all(col)
    present = set(keys)
    present.discard("")
    owners = facts.label_owners(kind, f.name, present)
    if not owners and len(present) == len(keys) - keys.count(""):
        return []  # no label stored, none twice in the batch
    out = []
    earlier: set[str] = set()  # folded labels of the batch's rows so far
    for i, key in enumerate(keys):
        if not key:
            continue
        owner = owners.get(key)
        if key in earlier or (owner is not None and owner != ids[i]):
            out.append((i, f"{col[i]!r} is already used by another {kind.name}"))
        earlier.add(key)
    return out


def _blank_rows(col: list, aliases: bool, types: set) -> list[int]:
    if aliases:
        return [i for i, v in enumerate(col) if v is None]
    if types <= {str, type(None)}:  # judged once per distinct value; a text is blank when empty or all spaces
        if type(None) not in types and "" not in col and not any(map(str.isspace, col)):
            return []  # the usual column, judged in C
        distinct = set(col)
        blanks = set(filter(str.isspace, distinct - {None})) | (distinct & {None, ""})
        return [i for i, v in enumerate(col) if v in blanks] if blanks else []
    if types <= {str, int, type(None)}:  # judged once per distinct value: a column repeats its days
        blanks = {v for v in set(col) if v is None or (v.__class__ is str and not v.strip())}
        return [i for i, v in enumerate(col) if v in blanks] if blanks else []
    return [i for i, v in enumerate(col) if _is_blank(v)]


def _is_blank(v: Any) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


def _numbers(facts, f: Field, col: list, types: set) -> Iterator[tuple[int, str]]:
    signed = f.type == "signed_cents"
    low = -MAX_CENTS if signed else 0
    present = types - {type(None)}
    if present == {int}:
        values = [v for v in col if v is not None] if type(None) in types else col
        if min(values) >= low and max(values) <= MAX_CENTS:
            return  # the whole column is in range
    for i, v in enumerate(col):
        if not _is_blank(v):
            message = _number(facts, f, v)
            if message:
                yield i, message


def _number(facts, f: Field, v: Any) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return f"{v!r} is not a whole number"
    if abs(v) > MAX_CENTS:
        return f"{v} is out of range"
    if f.type != "signed_cents" and v < 0:
        return f"is negative ({v}); it must be zero or more"
    return None


def _by_distinct_value(problem):
    """A field rule judged once per distinct value (a column repeats a few days, choices, ids), or
    value by value when values of several types could share a key (1, 1.0 and True do)."""

    def check(facts, f: Field, col: list, types: set) -> Iterator[tuple[int, str]]:
        if types <= {str, type(None)} or types <= {int, type(None)}:
            values = set(col)
            values.discard(None)
            bad = {v: m for v in values if not _is_blank(v) and (m := problem(facts, f, v))}
            if bad:
                yield from ((i, bad[v]) for i, v in enumerate(col) if v in bad)
            return
        for i, v in enumerate(col):
            if not _is_blank(v):
                message = problem(facts, f, v)
                if message:
                    yield i, message

    return check


def date_problem(value: Any) -> str | None:
    """What is wrong with a stored date (ISO text), or None."""
    try:
        d = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        d = None
    if d is None:
        return f"{value!r} is not a date"
    if not MIN_DATE <= d <= MAX_DATE:
        return f"{value} is out of range ({MIN_DATE.year} to {MAX_DATE.year})"
    return None


def _date(facts, f, v):
    return date_problem(v)


def _choice(facts, f, v):
    return None if v in f.choices else f"{v!r} is not one of {', '.join(f.choices)}"


def _ref(facts, f, v):
    ok = isinstance(v, int) and facts.exists(f.ref, v)
    return None if ok else f"no {f.ref.replace('_', ' ')} with id {v!r}"


def _text(facts, f, v):
    return None if isinstance(v, str) else f"{v!r} is not text"


def _texts(facts, f: Field, col: list, types: set) -> Iterator[tuple[int, str]]:
    if types <= {str, type(None)}:
        return  # nothing but text (and blanks): a column of names or notes, each distinct
    yield from _by_distinct_value(_text)(facts, f, col, types)


# The rule of each type for one value: the columns above run the same functions.
_VALUE_PROBLEMS = {"cents": _number, "signed_cents": _number, "int": _number, "date": _date, "choice": _choice,
                   "ref": _ref, "text": _text}

_TYPE_CHECKS = {
    "cents": _numbers,
    "signed_cents": _numbers,
    "int": _numbers,
    "date": _by_distinct_value(_date),
    "choice": _by_distinct_value(_choice),
    "ref": _by_distinct_value(_ref),
    "text": _texts,
}


# -- the rules of each kind ----------------------------------------------------------------------

def _rows(b: Batch, *names: str) -> list[tuple]:
    """(i, value of each named field) for the rows still checked."""
    cols = [b.cols[name] for name in names]
    return [(i, *[c[i] for c in cols]) for i in b.rows]


def _with_authority(b: Batch, name: str) -> list[tuple]:
    """(i, authority id, value of `name`) for packages that have an authority (one without is held
    against nothing yet: the summaries count it apart)."""
    aids, values = b.cols["authority_id"], b.cols[name]
    return [(i, aids[i], values[i]) for i in b.rows if aids[i] is not None]


def _authorities(b: Batch) -> set[int]:
    """The authorities the rows still checked name."""
    aids = b.cols["authority_id"]
    present = set(aids) if b.whole() else {aids[i] for i in b.rows}
    present.discard(None)
    return present


def _package_before_its_authority(b: Batch):
    present = _authorities(b)
    if not present:
        return
    days = b.cols["announced_on"]
    first = min(days) if b.whole() else min(days[i] for i in b.rows)
    if first >= max(b.facts.get_row("authority", aid)["available_from"] for aid in present):
        return  # every package is on or after the latest start among their authorities
    for i, aid, day in _with_authority(b, "announced_on"):
        auth = b.facts.get_row("authority", aid)
        if day < auth["available_from"]:
            yield i, f"is before {auth['name']} is available ({auth['available_from']})"


def _package_after_the_deadline(b: Batch):
    aids, days = b.cols["authority_id"], b.cols["announced_on"]
    pairs = set(zip(aids, days)) if b.whole() else {(aids[i], days[i]) for i in b.rows}
    late = set()
    for aid, day in pairs:  # a sheet repeats a few authorities and days: each pair judged once
        if aid is not None:
            deadline = b.facts.effective_deadline(aid, day)
            if deadline and day > deadline:
                late.add((aid, day))
    if not late:
        return
    for i, aid, day in _with_authority(b, "announced_on"):
        if (aid, day) in late:
            yield i, f"is after {b.facts.get_row('authority', aid)['name']}'s deadline ({b.facts.effective_deadline(aid, day)})"


def _package_beyond_what_is_left(b: Batch):
    """Packages committing more than their authority has left: what the ledger leaves it, less the
    packages before them in the batch that are written."""
    cur = b.facts.currency
    exclude = b.ids[0] if b.n == 1 else None  # one edit: the record itself is not counted twice
    present = _authorities(b)
    left = {aid: b.facts.authority_left(aid, exclude_package=exclude) for aid in present}
    if len(present) == 1 and b.whole() and sum(filter(None, b.cols["value_cents"])) <= min(left.values()):
        return  # the whole batch fits in what its one authority has left (values are never negative)
    for i, aid, value in _with_authority(b, "value_cents"):
        if value > left[aid]:
            name, had = b.facts.get_row("authority", aid)["name"], left[aid]
            if had > 0:
                yield i, f"{format_cents(value, cur)} is more than {name} has left ({format_cents(had, cur)})"
            else:  # nothing left: a negative "left" would read as a slip
                over = f"overcommitted by {format_cents(-had, cur)}" if had else "fully committed"
                yield i, f"{name} is already {over}, with nothing left for {format_cents(value, cur)}"
        if b.joins(i):
            left[aid] -= value


def _package_below_its_lines(b: Batch):
    ids = b.ids
    having = b.facts.packages_with_lines({ids[i] for i in b.rows} - {None})
    if not having:
        return  # a new package has no lines yet
    for i, _aid, value in _with_authority(b, "value_cents"):
        if ids[i] in having:
            lines = b.facts.line_value_sum(ids[i])
            if lines > value:
                yield i, f"is less than the sum of its lines' values ({format_cents(lines, b.facts.currency)})"


def _beyond_the_package(b: Batch, value_field: str, stored_sum, message):
    """Rows whose value, added to what the package has (`stored_sum`) and to the rows before them in
    the batch that are written, goes beyond the package's value. Values are never negative here."""
    facts = b.facts
    packages, values = b.cols["package_id"], b.cols[value_field]
    exclude = b.ids[0] if b.n == 1 else None  # one edit: the record itself is not counted twice
    if b.whole():
        grand, present = sum(filter(None, values)), set(packages)
    else:
        grand, present = sum(values[i] for i in b.rows if values[i]), {packages[i] for i in b.rows}
    if not grand:
        return
    facts.prefetch("package", present)
    stored = {pkg: stored_sum(pkg, exclude) for pkg in present}
    # Packages that all the batch's values together could take beyond their value: counted row by row.
    risky = {pkg for pkg in present if stored[pkg] + grand > facts.get_row("package", pkg)["value_cents"]}
    if len(risky) > 1:  # several packages: what the batch gives each, for the ones it could overfill
        given = _sums_by(b, packages, values)
        risky = {pkg for pkg in risky if stored[pkg] + given.get(pkg, 0) > facts.get_row("package", pkg)["value_cents"]}
    if not risky:
        return
    running: dict[int, int] = {}
    for i in b.rows:
        pkg, value = packages[i], values[i]
        if pkg not in risky or not value:
            continue
        done = stored[pkg] + running.get(pkg, 0)
        row = facts.get_row("package", pkg)
        if done + value > row["value_cents"]:
            yield i, message(row, done)
        if b.joins(i):
            running[pkg] = running.get(pkg, 0) + value


def _sums_by(b: Batch, keys: list, values: list) -> dict:
    """The sum of the values (blank ones aside) of the rows still checked, by key."""
    sums: dict = {}
    get = sums.get
    pairs = zip(keys, values) if b.whole() else ((keys[i], values[i]) for i in b.rows)
    for key, value in pairs:
        if value:
            sums[key] = get(key, 0) + value
    return sums


def _lines_beyond_the_package(b: Batch):
    yield from _beyond_the_package(
        b, "value_cents", lambda pkg, rid: b.facts.line_value_sum(pkg, exclude_line=rid),
        lambda pkg, done: f"lines would add up to more than package {pkg['number']}'s value")


def _delivery_of_nothing(b: Batch):
    # A delivery of nothing moves no balance and cannot be told from a typing slip.
    quantities, values = b.cols["quantity"], b.cols["value_cents"]
    if None in quantities and None in values:
        yield from ((i, "needs a quantity or a value") for i in b.rows if quantities[i] is None and values[i] is None)


def _delivery_before_its_package(b: Batch):
    days, packages = b.cols["disbursed_on"], b.cols["package_id"]
    present = set(packages) if b.whole() else {packages[i] for i in b.rows}
    b.facts.prefetch("package", present)
    announced = {p: b.facts.get_row("package", p)["announced_on"] for p in present}
    first = min(days) if b.whole() else min(days[i] for i in b.rows)
    if first >= max(announced.values()):
        return  # every delivery is on or after the latest announcement among its packages
    for i in b.rows:
        if days[i] < announced[packages[i]]:
            p = b.facts.get_row("package", packages[i])
            yield i, f"is before package {p['number']} was announced ({p['announced_on']})"


def _no_lines(b: Batch) -> bool:
    lines = b.cols["line_id"]
    return b.whole() and lines.count(None) == b.n


def _distinct_pairs(b: Batch, a: str, c: str) -> set[tuple]:
    """The distinct (a, c) values of the rows still checked: a sheet repeats a few lines and packages."""
    first, second = b.cols[a], b.cols[c]
    pairs = set(zip(first, second)) if b.whole() else {(first[i], second[i]) for i in b.rows}
    b.facts.prefetch(b.kind.field(a).ref, {p[0] for p in pairs})
    return pairs


def _line_of_another_package(b: Batch):
    lines, packages = b.cols["line_id"], b.cols["package_id"]
    if _no_lines(b):
        return
    if all(line is None or b.facts.get_row("line", line)["package_id"] == pkg for line, pkg in _distinct_pairs(b, "line_id", "package_id")):
        return
    for i in b.rows:
        if lines[i] is not None:
            line = b.facts.get_row("line", lines[i])
            if line["package_id"] != packages[i]:
                number = b.facts.get_row("package", packages[i])["number"]
                yield i, f"line {line['id']} belongs to another package, not {number}"


def _type_differs_from_its_line(b: Batch):
    lines, types = b.cols["line_id"], b.cols["system_type_id"]
    if _no_lines(b):
        return
    if all(line is None or kind is None or b.facts.get_row("line", line)["system_type_id"] == kind
           for line, kind in _distinct_pairs(b, "line_id", "system_type_id")):
        return
    for i in b.rows:
        if lines[i] is not None and types[i] is not None and types[i] != b.facts.get_row("line", lines[i])["system_type_id"]:
            yield i, "differs from the system type of its line"


def _deliveries_beyond_the_line(b: Batch):
    lines, quantities = b.cols["line_id"], b.cols["quantity"]
    if _no_lines(b):
        return
    # Only the lines that all the batch's quantities for them could take beyond theirs are counted row by row.
    given = _sums_by(b, lines, quantities)
    given.pop(None, None)
    b.facts.prefetch("line", given.keys())
    exclude = b.ids[0] if b.n == 1 else None  # one edit: the record itself is not counted twice
    caps: dict[int, int] = {}  # the risky lines' quantities
    for lid, total in given.items():
        cap = b.facts.get_row("line", lid)["quantity"]
        if cap is not None and b.facts.disbursed_quantity(lid, exclude=exclude) + total > cap:
            caps[lid] = cap
    if not caps:
        return
    done: dict[int, int] = {}  # per line: stored, then each written row before
    joins = b.joins
    for i in b.rows:
        lid = lines[i]
        cap = caps.get(lid)
        q = quantities[i]
        if cap is None or q is None:
            continue
        now = done.get(lid)
        if now is None:
            now = b.facts.disbursed_quantity(lid, exclude=b.ids[i])
        if now + q > cap:
            yield i, f"brings deliveries to {now + q:,}, more than the line's {cap:,}"
        done[lid] = now + q if joins(i) else now


def _deliveries_beyond_the_package(b: Batch):
    cur = b.facts.currency

    def message(pkg, done: int) -> str:
        value = pkg["value_cents"]
        if done >= value:  # nothing left: a negative "left" would read as a slip
            return (f"package {pkg['number']} is already fully delivered "
                    f"({format_cents(done, cur)} delivered of {format_cents(value, cur)})")
        return (f"is more than is left undelivered on package {pkg['number']} "
                f"({format_cents(value - done, cur)} of {format_cents(value, cur)})")

    yield from _beyond_the_package(b, "value_cents", lambda pkg, rid: b.facts.disbursed_value(pkg, exclude=rid), message)


def _checked(b: Batch, name: str) -> list:
    """The values of a column in the rows still checked (the whole column when it may be judged whole)."""
    col = b.cols[name]
    return col if b.whole() else [col[i] for i in b.rows]


def _negative_adjustment(b: Batch):
    if min(_checked(b, "amount_cents")) >= 0:
        return
    for i, kind, amount in _rows(b, "kind", "amount_cents"):
        if kind != "revaluation" and amount < 0:
            yield i, f"is negative; a {kind} is entered as a positive amount"


def _program_of_another_authority(b: Batch):
    """The program given differs from the program of the authority given (compared ignoring case)."""
    aids, given = b.cols["authority_id"], b.cols["program"]
    pairs = set(zip(aids, given)) if b.whole() else {(aids[i], given[i]) for i in b.rows}
    if all(aid is None or not program or b.facts.get_row("authority", aid)["program"].casefold() == program.casefold()
           for aid, program in pairs):
        return  # each distinct (authority, program) judged once: a sheet repeats a few
    programs: dict[int, tuple[str, str]] = {}
    for i, aid, program in _rows(b, "authority_id", "program"):
        if aid is None or not program:
            continue
        if aid not in programs:
            auth = b.facts.get_row("authority", aid)
            programs[aid] = (auth["program"], auth["name"])
        theirs, name = programs[aid]
        if theirs.casefold() != program.casefold():
            yield i, f"{program!r} differs from {name}'s program {theirs!r}"


def _deadline_without_preservation(b: Batch):
    if not any(_checked(b, "new_deadline")):
        return
    for i, deadline, kind in _rows(b, "new_deadline", "kind"):
        if deadline and kind != "preservation":
            yield i, "only a preservation sets a new deadline"


def _alias_problems(b: Batch):
    for i, aliases in _rows(b, "aliases"):
        seen = set()
        aliases = aliases or []
        for alias in json.loads(aliases) if isinstance(aliases, str) else aliases:
            if not isinstance(alias, str) or not alias.strip():
                yield i, "an alias is empty"
                continue
            if ";" in alias:
                yield i, f"alias {alias!r} contains ';' (the separator in workbooks)"
            owner = b.facts.system_type_owner(alias)
            if (owner is not None and owner != b.ids[i]) or alias.casefold() in seen:
                yield i, f"alias {alias!r} already names another system type"
            seen.add(alias.casefold())


def _name_is_an_alias(b: Batch):
    for i, name in _rows(b, "name"):
        owner = b.facts.system_type_owner(name)
        if owner is not None and owner != b.ids[i]:
            yield i, f"{name!r} is already an alias of another system type"


def _expires_before_available(b: Batch):
    expires = [e for e in _checked(b, "expires_on") if e]
    if not expires or min(expires) >= max(_checked(b, "available_from")):
        return  # every deadline is on or after the latest start
    for i, expires, available in _rows(b, "expires_on", "available_from"):
        if expires and expires < available:
            yield i, f"{expires} is before the authority is available ({available})"


def _collect(out: list, i: int, level: str):
    return lambda field, msg: out.append((i, level, field, msg))


def per_row(fn):
    """A rule written for one row, `fn(facts, row, err, warn)` (the execution rules), run for each row
    still checked; its kinds are checked a row at a time, so a batch holds one row."""

    def run(b: Batch):
        names = [f.name for f in b.kind.fields]
        for i in b.rows:
            row = {name: b.cols[name][i] for name in names}
            row["id"] = b.ids[i]
            out: list[tuple] = []
            fn(b.facts, row, _collect(out, i, "error"), _collect(out, i, "warning"))
            yield from out

    run.__name__ = fn.__name__
    return run


RULES: dict[str, tuple[Rule, ...]] = {
    "package": (
        Rule("package", "warning", "announced_on", _package_before_its_authority),
        Rule("package", "warning", "announced_on", _package_after_the_deadline),
        Rule("package", "warning", "value_cents", _package_beyond_what_is_left, sums=True),
        Rule("package", "warning", "value_cents", _package_below_its_lines),
    ),
    "line": (
        Rule("line", "warning", "value_cents", _lines_beyond_the_package, sums=True),
    ),
    "disbursement": (
        Rule("disbursement", "error", "quantity", _delivery_of_nothing, stops=True),
        Rule("disbursement", "warning", "disbursed_on", _delivery_before_its_package),
        Rule("disbursement", "error", "line_id", _line_of_another_package, stops=True),
        Rule("disbursement", "error", "system_type_id", _type_differs_from_its_line, stops=True),
        Rule("disbursement", "warning", "quantity", _deliveries_beyond_the_line, sums=True),
        Rule("disbursement", "warning", "value_cents", _deliveries_beyond_the_package, sums=True),
    ),
    "adjustment": (
        Rule("adjustment", "error", "amount_cents", _negative_adjustment),
        Rule("adjustment", "error", "program", _program_of_another_authority),
        Rule("adjustment", "error", "new_deadline", _deadline_without_preservation),
    ),
    "system_type": (
        Rule("system_type", "error", "aliases", _alias_problems),
        Rule("system_type", "error", "name", _name_is_an_alias),
    ),
    "observation": (
        Rule("observation", "error", "program", _program_of_another_authority),
    ),
    "authority": (
        Rule("authority", "error", "expires_on", _expires_before_available),
    ),
    # Execution as sources report it (ledger/execution_rules.py): each written for one row.
    **{kind: (Rule(kind, "error", "", per_row(fn)),) for kind, fn in execution_rules.RULES.items()},
}


def kind_rules(kind: str) -> tuple[Rule, ...]:
    return RULES.get(kind, ())


# Kinds whose rules compare a row with every row before it by alias, and the execution kinds (rules
# written for one row): checked a row at a time. Unique labels are judged over the whole column.
_ROW_BY_ROW = frozenset({"system_type", *execution_rules.RULES})


def row_by_row(kind: Kind) -> bool:
    return kind.name in _ROW_BY_ROW


def _check_declarations() -> None:
    for kind, rules in RULES.items():
        last_error = max((n for n, r in enumerate(rules) if r.level == "error"), default=-1)
        first_sum = min((n for n, r in enumerate(rules) if r.sums), default=len(rules))
        assert first_sum > last_error, f"{kind}: a rule keeping running sums must come after every error rule"


_check_declarations()
