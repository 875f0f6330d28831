"""Checks a record before it is written. Errors block the change; warnings may be accepted.

Errors: missing or malformed fields, negative amounts where only positive make sense, dates out of
range, references to records that do not exist, duplicate package numbers or names, a line of another
package, a disbursement with neither a quantity nor a value. Warnings (real data does these): committing more than an authority has left, disbursing more
than a package or line holds, dates outside an authority's period, line values above the package value.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .dates import MAX_DATE, MIN_DATE
from .errors import Problem
from .lookups import Lookups as Ledger  # what the rules ask: the tables, or BulkFacts over a batch
from .model import Kind
from .money import MAX_CENTS, format_cents


def describe(kind: Kind, row: dict[str, Any]) -> str:
    label = row.get(kind.label_field)
    if row.get("id") is not None and label:
        return f"{kind.name} {label} (id {row['id']})"
    if label:
        return f"{kind.name} {label}"
    return f"{kind.name} id {row['id']}" if row.get("id") is not None else f"new {kind.name}"


def check(ledger: Ledger, kind: Kind, row: dict[str, Any]) -> list[Problem]:
    """All problems with `row` (a stored-form row: ISO dates, int cents) about to be written."""
    out: list[Problem] = []

    def err(field: str, msg: str) -> None:
        out.append(Problem("error", kind.name, describe(kind, row), field, msg))

    def warn(field: str, msg: str) -> None:
        out.append(Problem("warning", kind.name, describe(kind, row), field, msg))

    for name, required, aliases, typed, unique in _field_checks(kind):
        value = row.get(name)
        if value is None or (not aliases and isinstance(value, str) and not value.strip()):
            if required:
                err(name, "is required")
            continue
        if typed is not None:
            msg = typed(ledger, value)
            if msg:
                err(name, msg)
        if unique and isinstance(value, str) and ledger.label_taken(kind, name, value, row.get("id")):
            err(name, f"{value!r} is already used by another {kind.name}")
    if out and any(p.level == "error" for p in out):
        return out
    extra = _RULES.get(kind.name)
    if extra:
        extra(ledger, row, err, warn)
    return out


_FIELD_CHECKS: dict[str, tuple] = {}


def _field_checks(kind: Kind) -> tuple:
    """Per field: (name, required, is aliases, type check or None, unique), built once per kind."""
    checks = _FIELD_CHECKS.get(kind.name)
    if checks is None:
        checks = _FIELD_CHECKS[kind.name] = tuple(
            (f.name, f.required, f.type == "aliases", _type_check(f), f.unique) for f in kind.fields
        )
    return checks


def _type_check(f):
    """A function (ledger, value) -> message or None for a field's type."""
    if f.type in ("cents", "signed_cents", "int"):
        signed = f.type == "signed_cents"

        def number(ledger, value):
            if isinstance(value, bool) or not isinstance(value, int):
                return f"{value!r} is not a whole number"
            if abs(value) > MAX_CENTS:
                return f"{value} is out of range"
            if not signed and value < 0:
                return f"is negative ({value}); it must be zero or more"
            return None

        return number
    if f.type == "date":
        return lambda ledger, value: date_problem(value)
    if f.type == "choice":
        return lambda ledger, value: None if value in f.choices else f"{value!r} is not one of {', '.join(f.choices)}"
    if f.type == "ref":
        ref, word = f.ref, f.ref.replace("_", " ")
        return lambda ledger, value: None if isinstance(value, int) and ledger.exists(ref, value) else f"no {word} with id {value!r}"
    if f.type == "text":
        return lambda ledger, value: None if isinstance(value, str) else f"{value!r} is not text"
    return None


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


def _package(ledger: Ledger, row, err, warn) -> None:
    if row.get("authority_id") is None:
        return  # no authority yet: nothing to hold it against (the summaries count it apart)
    auth = ledger.get_row("authority", row["authority_id"])
    if row["announced_on"] < auth["available_from"]:
        warn("announced_on", f"is before {auth['name']} is available ({auth['available_from']})")
    deadline = ledger.effective_deadline(auth["id"], row["announced_on"])
    if deadline and row["announced_on"] > deadline:
        warn("announced_on", f"is after {auth['name']}'s deadline ({deadline})")
    left = ledger.authority_left(auth["id"], exclude_package=row.get("id"))
    if row["value_cents"] > left:
        cur = ledger.currency
        warn(
            "value_cents",
            f"{format_cents(row['value_cents'], cur)} is more than {auth['name']} has left "
            f"({format_cents(left, cur)})",
        )
    if row.get("id") is not None:
        lines = ledger.line_value_sum(row["id"])
        if lines > row["value_cents"]:
            warn("value_cents", f"is less than the sum of its lines' values ({format_cents(lines, ledger.currency)})")


def _line(ledger: Ledger, row, err, warn) -> None:
    pkg = ledger.get_row("package", row["package_id"])
    if row.get("value_cents") is not None:
        others = ledger.line_value_sum(pkg["id"], exclude_line=row.get("id"))
        if others + row["value_cents"] > pkg["value_cents"]:
            warn("value_cents", f"lines would add up to more than package {pkg['number']}'s value")


def _disbursement(ledger: Ledger, row, err, warn) -> None:
    if row.get("quantity") is None and row.get("value_cents") is None:
        # A delivery of nothing moves no balance and cannot be told from a typing slip.
        err("quantity", "needs a quantity or a value")
        return
    pkg = ledger.get_row("package", row["package_id"])
    if row["disbursed_on"] < pkg["announced_on"]:
        warn("disbursed_on", f"is before package {pkg['number']} was announced ({pkg['announced_on']})")
    if row.get("line_id") is not None:
        line = ledger.get_row("line", row["line_id"])
        if line["package_id"] != pkg["id"]:
            err("line_id", f"line {line['id']} belongs to another package, not {pkg['number']}")
            return
        if row.get("system_type_id") not in (None, line["system_type_id"]):
            err("system_type_id", "differs from the system type of its line")
            return
        if row.get("quantity") is not None and line.get("quantity") is not None:
            done = ledger.disbursed_quantity(line["id"], exclude=row.get("id"))
            if done + row["quantity"] > line["quantity"]:
                warn("quantity", f"brings deliveries to {done + row['quantity']:,}, more than the line's {line['quantity']:,}")
    if row.get("value_cents"):
        done = ledger.disbursed_value(pkg["id"], exclude=row.get("id"))
        if done + row["value_cents"] > pkg["value_cents"]:
            cur = ledger.currency
            warn(
                "value_cents",
                f"is more than is left undelivered on package {pkg['number']} "
                f"({format_cents(pkg['value_cents'] - done, cur)} of {format_cents(pkg['value_cents'], cur)})",
            )


def _adjustment(ledger: Ledger, row, err, warn) -> None:
    if row["kind"] != "revaluation" and row["amount_cents"] < 0:
        err("amount_cents", f"is negative; a {row['kind']} is entered as a positive amount")
    if row.get("authority_id") is not None:
        auth = ledger.get_row("authority", row["authority_id"])
        if auth["program"].casefold() != row["program"].casefold():
            err("program", f"{row['program']!r} differs from {auth['name']}'s program {auth['program']!r}")
    if row.get("new_deadline") and row["kind"] != "preservation":
        err("new_deadline", "only a preservation sets a new deadline")


def _system_type(ledger: Ledger, row, err, warn) -> None:
    seen = set()
    aliases = row.get("aliases") or []
    for alias in json.loads(aliases) if isinstance(aliases, str) else aliases:
        if not isinstance(alias, str) or not alias.strip():
            err("aliases", "an alias is empty")
            continue
        if ";" in alias:
            err("aliases", f"alias {alias!r} contains ';' (the separator in workbooks)")
        owner = ledger.system_type_owner(alias)
        if (owner is not None and owner != row.get("id")) or alias.casefold() in seen:
            err("aliases", f"alias {alias!r} already names another system type")
        seen.add(alias.casefold())
    owner = ledger.system_type_owner(row["name"])
    if owner is not None and owner != row.get("id"):
        err("name", f"{row['name']!r} is already an alias of another system type")


def _observation(ledger: Ledger, row, err, warn) -> None:
    if row.get("authority_id") is not None and row.get("program"):
        auth = ledger.get_row("authority", row["authority_id"])
        if auth["program"].casefold() != row["program"].casefold():
            err("program", f"{row['program']!r} differs from {auth['name']}'s program {auth['program']!r}")


def _authority(ledger: Ledger, row, err, warn) -> None:
    if row.get("expires_on") and row["expires_on"] < row["available_from"]:
        err("expires_on", f"{row['expires_on']} is before the authority is available ({row['available_from']})")


_RULES = {
    "package": _package,
    "line": _line,
    "disbursement": _disbursement,
    "adjustment": _adjustment,
    "system_type": _system_type,
    "observation": _observation,
    "authority": _authority,
}
