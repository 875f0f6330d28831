"""Runs the rules of `ledger.rules` over a batch of rows of one kind, held column by column.

One edit is a batch of one; an import is a batch of thousands. Each rule is declared once, as a
function of a `Batch` that yields (row, message) for the rows that break it; it may look at a whole
column first (its types, its extremes, its distinct values) and pick rows only when there is
something to find, so a clean column of a million deliveries costs a few passes.

How rules combine, for every batch:
- field rules first (required, type, range, reference, unique label); a row with a field error
  skips the kind's rules, as a row with a wrong type cannot be reasoned about;
- then the kind's rules in declared order; an error of a rule declared `stops` ends that row's checks;
- rules that add a row's figure to running sums (what a package has delivered) come after every
  error rule of their kind, and count the rows before them in the batch that have no error: the
  rows that are written. A row is checked against the rows before it, never after.
- a unique label (a package's number, an authority's name) is judged over the whole column: against
  the stored labels and the rows before it in the batch. System types (whose aliases are compared
  with every row before) and the execution kinds (rules written for one row) are checked a row at a
  time, each row joining the facts before the next.

`facts` answers the lookups the rules need: `lookups.Lookups` (the tables; a single change) or
`bulk_facts.BulkFacts` (figures read once for a whole import, kept current as rows join).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .model import Kind


@dataclass(frozen=True)
class Rule:
    """A rule of one kind: `run(batch)` yields (row index, message) for the rows that break it."""

    kind: str
    level: str  # "error" | "warning"
    field: str  # the field the problem is about
    run: Callable[[Batch], Iterable[tuple[int, str]]]
    stops: bool = False  # an error ends the row's checks (later rules would read what is wrong)
    sums: bool = False  # adds the row's figure to running sums: after every error rule of the kind

    @property
    def name(self) -> str:
        return self.run.__name__


class Batch:
    """Rows of one kind, column by column, as a rule sees them."""

    def __init__(self, facts: Any, kind: Kind, cols: dict[str, list], ids: Sequence[int], rows: list[int],
                 errors: set[int]):
        self.facts = facts
        self.kind = kind
        self.cols = cols
        self.ids = ids
        self.rows = rows  # indexes still checked (no field error, not stopped), in order
        self.errors = errors  # indexes with an error so far: they are not written
        self.n = len(ids)

    def col(self, name: str) -> list:
        return self.cols[name]

    def joins(self, i: int) -> bool:
        """Whether row i is written (so later rows count its figures): it has no error."""
        return i not in self.errors

    def whole(self) -> bool:
        """Every row is still checked: a rule may judge a whole column at once."""
        return len(self.rows) == self.n


def describe(kind: Kind, row: dict[str, Any]) -> str:
    """How a problem names its record: `package PDA 71 (id 71)`, `new package`."""
    label = row.get(kind.label_field)
    word = kind.name.replace("_", " ")  # "reported figure", as people say it
    if row.get("id") is not None and label:
        return f"{word} {label} (id {row['id']})"
    if label:
        return f"{word} {label}"
    return f"{word} id {row['id']}" if row.get("id") is not None else f"new {word}"


def check_row(rules: Any, facts: Any, kind: Kind, row: dict[str, Any]) -> list[Problem]:
    """Every problem of one stored-form row (a batch of one); `row["id"]` is None for a new record.
    `rules`: the declarations (ledger.rules: field_problems, kind_rules, row_by_row)."""
    cols = {f.name: [row.get(f.name)] for f in kind.fields}
    problems, _errors = _evaluate(rules, facts, kind, cols, [row.get("id")], record_ids=False)
    return problems


def check_columns(rules: Any, facts: Any, kind: Kind, cols: dict[str, list], ids: Sequence[int],
                  rows: list[dict[str, Any]] | None = None) -> tuple[list[Problem], set[int]]:
    """Every problem of these rows (stored form, one list per field), each with its record's id, in
    row order; and the indexes of rows with an error. `rows` (the same rows as dicts) join `facts`
    when they pass, so a later batch is checked against them (add_many's chunks)."""
    n = len(ids)
    if n and rules.row_by_row(kind):
        problems: list[Problem] = []
        errors: set[int] = set()
        names = [f.name for f in kind.fields]
        for i in range(n):
            one = {name: [cols[name][i]] for name in names}
            found, bad = _evaluate(rules, facts, kind, one, [ids[i]], record_ids=True)
            problems += found
            if bad:
                errors.add(i)
            else:
                facts.added(kind, rows[i] if rows is not None else {**{k: v[0] for k, v in one.items()}, "id": ids[i]})
        return problems, errors
    problems, errors = _evaluate(rules, facts, kind, cols, ids, record_ids=True)
    if rows is not None:
        facts.added_many(kind, [row for i, row in enumerate(rows) if i not in errors] if errors else rows)
    return problems, errors


def _evaluate(rules: Any, facts: Any, kind: Kind, cols: dict[str, list], ids: Sequence[int], record_ids: bool
              ) -> tuple[list[Problem], set[int]]:
    n = len(ids)
    found: list[tuple[int, int, int, str, str, str, str]] = []  # (row, rule order, seq, level, field, message, rule)
    errors: set[int] = set()
    seq = 0
    for order, f in enumerate(kind.fields):
        for i, message in rules.field_problems(facts, kind, f, cols[f.name], ids):
            found.append((i, order, seq, "error", f.name, message, ""))
            errors.add(i)
            seq += 1
    rows = [i for i in range(n) if i not in errors] if errors else list(range(n))
    base = len(kind.fields)
    batch = Batch(facts, kind, cols, ids, rows, errors)
    for order, rule in enumerate(rules.kind_rules(kind.name), base):
        if not rows:
            break
        batch.rows = rows
        stopped = set()
        for item in rule.run(batch):
            # (row, message), or (row, level, field, message) from a rule written for one row
            # (a rule written for one row says several things: its problems are told apart by their text)
            i, level, field, message, name = (*item, "") if len(item) == 4 else (item[0], rule.level, rule.field, item[1], rule.name)
            found.append((i, order, seq, level, field, message, name))
            seq += 1
            if level == "error":
                errors.add(i)
                if rule.stops:
                    stopped.add(i)
        if stopped:
            rows = [i for i in rows if i not in stopped]
    if not found:
        return [], errors
    found.sort()
    label = cols.get(kind.label_field)
    out = []
    for i, _order, _seq, level, field, message, rule in found:
        who = describe(kind, {kind.label_field: label[i] if label else None, "id": ids[i]})
        out.append(Problem(level, kind.name, who, field, message, ids[i] if record_ids else None, rule))
    return out, errors
