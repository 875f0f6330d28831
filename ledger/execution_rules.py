"""Rules for execution as sources report it: reported figures and disbursements against an authority or
a program. Registered in `validate` beside the other kinds' rules; each has the same signature
(ledger, row, err, warn). `ledger` is a Ledger or the BulkFacts of an import: both have `conn`,
`get_row` and `currency`.
"""

from __future__ import annotations

from typing import Any

from .money import format_cents

SHARE = "delivered share"


def _program_known(ledger: Any, program: str) -> bool:
    row = ledger.conn.execute(
        "SELECT 1 FROM authorities WHERE program = ? COLLATE NOCASE LIMIT 1", (program.strip(),)
    ).fetchone()
    return row is not None


def _scope(ledger: Any, row: dict, err, what: str) -> bool:
    """A figure's scope must exist: its program is one of the ledger's, its authority of that program."""
    program = row["program"]
    if not _program_known(ledger, program):
        err("program", f"{program!r} is not the program of any authority in this ledger: {what} needs a scope the ledger holds")
        return False
    if row.get("authority_id") is not None:
        auth = ledger.get_row("authority", row["authority_id"])
        if auth["program"].casefold() != program.casefold():
            err("program", f"{program!r} differs from {auth['name']}'s program {auth['program']!r}")
            return False
    return True


def reported_figure(ledger: Any, row: dict, err, warn) -> None:
    if not _scope(ledger, row, err, "a reported figure"):
        return
    share = row["measure"] == SHARE
    percent, value = row.get("percent"), row.get("value_cents")
    if share:
        if percent is None:
            err("percent", "is required for a delivered share (a percentage, 0 to 100)")
        elif not 0 <= percent <= 100:
            err("percent", f"is {percent}; a share is 0 to 100 %")
        if value is not None:
            err("value_cents", "is for amounts; a delivered share is given as a percentage")
    else:
        if value is None:
            err("value_cents", f"is required for a figure of {row['measure']}")
        if percent is not None:
            err("percent", f"is for a delivered share, not for {row['measure']}")


def scope_disbursement(ledger: Any, row: dict, err, warn) -> None:
    if not _scope(ledger, row, err, "a disbursement by authority"):
        return
    if row.get("period_from") and row["period_from"] > row["disbursed_on"]:
        err("period_from", f"{row['period_from']} is after the end of the period ({row['disbursed_on']})")
        return
    committed, disbursed, name = ledger.scope_totals(row["program"], row.get("authority_id"), exclude=row.get("id"))
    if disbursed + row["value_cents"] > committed:
        cur = ledger.currency
        warn(
            "value_cents",
            f"brings what {name} disbursed to {format_cents(disbursed + row['value_cents'], cur)}, "
            f"more than it committed ({format_cents(committed, cur)})",
        )


def scope_totals(ledger: Any, program: str, authority_id: int | None, exclude: int | None = None) -> tuple[int, int, str]:
    """What a scope (an authority, or a whole program) committed and disbursed (by package and by scope),
    leaving out the scope disbursement `exclude`; and the scope's name for messages."""
    conn = ledger.conn
    if authority_id is not None:
        where, params = "a.id = ?", (authority_id,)
        name = ledger.get_row("authority", authority_id)["name"]
        own, own_params = "authority_id = ?", (authority_id,)
    else:
        where, params = "a.program = ? COLLATE NOCASE", (program.strip(),)
        name = f"program {program}"
        own, own_params = "program = ? COLLATE NOCASE", (program.strip(),)
    committed = conn.execute(
        f"SELECT COALESCE(SUM(p.value_cents), 0) FROM packages p JOIN authorities a ON a.id = p.authority_id WHERE {where}",
        params,
    ).fetchone()[0]
    by_package = conn.execute(
        "SELECT COALESCE(SUM(d.value_cents), 0) FROM disbursements d JOIN packages p ON p.id = d.package_id "
        f"JOIN authorities a ON a.id = p.authority_id WHERE {where}",
        params,
    ).fetchone()[0]
    by_scope = conn.execute(
        f"SELECT COALESCE(SUM(value_cents), 0) FROM scope_disbursements WHERE {own} AND id IS NOT ?",
        (*own_params, exclude),
    ).fetchone()[0]
    return committed, by_package + by_scope, name


RULES = {"reported_figure": reported_figure, "disbursement_by_authority": scope_disbursement}
