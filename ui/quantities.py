"""Quantities by system type, kept apart by unit: rounds are never added to launchers.

A line's unit is the one recorded; publishers rarely give one, so a line without a unit is read from
its description: ammunition words ("155mm rounds", "HIMARS ammunition", a bare calibre "155mm") are
rounds, anything else is counted as systems or items. A delivery takes the unit of its line.
"""

from __future__ import annotations

import re

from ledger.service import Ledger

ROUNDS = "rounds"
ITEMS = "items"
_AMMO = re.compile(r"\b(rounds?|ammunition|ammo|shells?|cartridges?|munitions)\b", re.IGNORECASE)
_CALIBRE_ONLY = re.compile(r"^\s*[\d.,]+\s*mm\s*$", re.IGNORECASE)


def unit_of(unit: str | None, description: str | None) -> str:
    if unit and unit.strip():
        return unit.strip()
    text = description or ""
    if _AMMO.search(text) or _CALIBRE_ONLY.match(text):
        return ROUNDS
    return ITEMS


def by_system_type(ledger: Ledger) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """System type name -> ({unit: quantity in packages}, {unit: quantity delivered})."""
    types = ledger.labels("system_type", {t.id for t in ledger.records("system_type")})
    out: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    units: dict[int, str] = {}
    for line in ledger.iter_records("line"):
        units[line.id] = unit_of(line.unit, line.description)
        if line.quantity is not None:
            given = out.setdefault(types.get(line.system_type_id, "Unallocated"), ({}, {}))[0]
            given[units[line.id]] = given.get(units[line.id], 0) + line.quantity
    for d in ledger.iter_records("disbursement"):
        if d.quantity is None or d.system_type_id is None and d.line_id is None:
            continue
        type_id = d.system_type_id
        unit = units.get(d.line_id, ITEMS) if d.line_id else ITEMS
        name = types.get(type_id, "Unallocated") if type_id else "Unallocated"
        done = out.setdefault(name, ({}, {}))[1]
        done[unit] = done.get(unit, 0) + d.quantity
    return out


def quantity_text(per_unit: dict[str, int]) -> str:
    """'146 items · 144,000 rounds' (items first, then by unit name)."""
    order = sorted(per_unit, key=lambda u: (u != ITEMS, u != ROUNDS, u))
    return " · ".join(f"{per_unit[u]:,} {u}" for u in order if per_unit[u])
