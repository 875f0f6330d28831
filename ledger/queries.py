"""Daily movement sums computed in SQLite: the same numbers as `movements.from_records`, but the
database does the summing over its covering indexes, so a million entries cost a fraction of a second.

Deliveries per authority (or program) are summed one group at a time: the group's packages are
looked up first, then their deliveries read from the (package, day, value) index and summed per day.
Summing them all at once per package and day, then per group, handled twice as many rows (about
480,000 package-days for a million entries) and took nearly twice as long (bench/bench_open_big.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from .balances import Movement
from .model import NO_AUTHORITY, UNALLOCATED
from .movements import GROUPINGS, no_authority_group

if TYPE_CHECKING:
    from . import second_reader

# Starts reading a part on a second connection; its result() is the part's rows, or None.
Beside = Callable[[Callable[[sqlite3.Connection], list]], "second_reader.Beside"]

EFFECT_SQL = (
    "CASE kind WHEN 'revaluation' THEN amount_cents "
    "WHEN 'preservation' THEN 0 ELSE -amount_cents END"
)


def _sql(by: str) -> str:
    if by == "system_type":
        return f"""
        SELECT available_from, NULL, 'authorized', SUM(amount_cents), NULL FROM authorities GROUP BY 1
        UNION ALL
        SELECT adjusted_on, NULL, 'adjustments', SUM({EFFECT_SQL}), NULL FROM adjustments GROUP BY 1
        UNION ALL
        SELECT p.announced_on, l.system_type_id, 'committed', SUM(l.value_cents), NULL
          FROM package_lines l JOIN packages p ON p.id = l.package_id
         WHERE l.value_cents IS NOT NULL GROUP BY 1, 2
        UNION ALL
        SELECT p.announced_on, NULL, 'committed', SUM(p.value_cents - COALESCE(
                 (SELECT SUM(l.value_cents) FROM package_lines l WHERE l.package_id = p.id), 0)), NULL
          FROM packages p GROUP BY 1
        UNION ALL
        SELECT disbursed_on, system_type_id, 'disbursed', SUM(value_cents), NULL
          FROM disbursements WHERE value_cents IS NOT NULL GROUP BY system_type_id, disbursed_on
        UNION ALL
        SELECT disbursed_on, NULL, 'disbursed', SUM(value_cents), NULL FROM scope_disbursements GROUP BY 1
        """
    key = "a.id" if by == "authority" else "a.program"
    effect = EFFECT_SQL.replace("kind", "j.kind").replace("amount_cents", "j.amount_cents")
    # The fifth column names the program of an adjustment recorded without an authority ('' for a
    # package without one).
    return f"""
        SELECT a.available_from, {key}, 'authorized', SUM(a.amount_cents), NULL
          FROM authorities a GROUP BY 1, 2
        UNION ALL
        SELECT j.adjusted_on, {key}, 'adjustments', SUM({effect}),
               CASE WHEN a.id IS NULL THEN j.program END
          FROM adjustments j LEFT JOIN authorities a ON a.id = j.authority_id GROUP BY 1, 2, 5
        UNION ALL
        SELECT p.announced_on, {key}, 'committed', SUM(p.value_cents), CASE WHEN a.id IS NULL THEN '' END
          FROM packages p LEFT JOIN authorities a ON a.id = p.authority_id GROUP BY 1, 2, 5
        UNION ALL
        SELECT s.disbursed_on, {key}, 'disbursed', SUM(s.value_cents), CASE WHEN a.id IS NULL THEN s.program END
          FROM scope_disbursements s LEFT JOIN authorities a ON a.id = s.authority_id GROUP BY 1, 2, 5
        """


# The packages of one group: an authority's (its id), a program's (its name); NULL: those stored
# without an authority.
_GROUP_PACKAGES = {
    "authority": ("SELECT DISTINCT authority_id FROM packages",
                  "SELECT id FROM packages WHERE authority_id IS ?"),
    "program": ("SELECT DISTINCT a.program FROM packages p LEFT JOIN authorities a ON a.id = p.authority_id",
                "SELECT p.id FROM packages p LEFT JOIN authorities a ON a.id = p.authority_id WHERE a.program IS ?"),
}


def _delivered(conn: sqlite3.Connection, by: str, beside: Beside | None = None) -> list[tuple]:
    """Rows shaped as _sql's: each group's deliveries summed per day ('' marks packages without an
    authority). `beside(part)` reads a part on a second connection meanwhile (ledger/second_reader.py):
    every other group goes there; a part it could not read is read here after all."""
    keys_sql, packages_sql = _GROUP_PACKAGES[by]
    per_day = (f"SELECT disbursed_on, SUM(value_cents) FROM disbursements WHERE package_id IN ({packages_sql})"
               " AND value_cents IS NOT NULL GROUP BY disbursed_on")

    def rows(c: sqlite3.Connection, keys: list) -> list[tuple]:
        return [(day, key, "disbursed", cents, "" if key is None else None)
                for key in keys for day, cents in c.execute(per_day, (key,))]

    keys = [key for (key,) in conn.execute(keys_sql).fetchall()]
    theirs = keys[1::2] if beside is not None else []
    other = beside(lambda c: rows(c, theirs)) if theirs else None
    mine = rows(conn, keys[0::2] if theirs else keys)
    got = other.result() if other is not None else None
    return mine + (got if got is not None else rows(conn, theirs))


def daily_movements(conn: sqlite3.Connection, by: str, beside: Beside | None = None) -> list[Movement]:
    """Movements summed per day, group and stage (`beside`: see _delivered)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    if by == "system_type":
        names = dict(conn.execute("SELECT id, name FROM system_types"))
        names[None] = UNALLOCATED
    elif by == "authority":
        names = dict(conn.execute("SELECT id, name FROM authorities"))
    else:
        names = None
    out = []
    new = Movement._make
    rows = conn.execute(_sql(by)).fetchall()
    if by != "system_type":
        rows += _delivered(conn, by, beside)
    for day, key, stage, cents, program in rows:
        if cents is None:
            continue
        if program == "":  # a package stored without an authority
            group = NO_AUTHORITY
        elif program is not None:  # an adjustment or a scope disbursement that names only its program
            group = no_authority_group(program) if by == "authority" else program
        else:
            group = names[key] if names is not None else key
        out.append(new((day, group, stage, cents)))
    return out
