"""Turning records into movements, for each way of grouping balances.

`from_records` is the reference definition, written plainly over record lists; the service computes
the same daily sums in SQL (`queries.py`) for large ledgers, and a test holds the two equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .balances import Movement
from .model import NO_AUTHORITY, UNALLOCATED, Adjustment, Authority, Disbursement, Package, PackageLine, SystemType

GROUPINGS = ("authority", "program", "system_type")


def adjustment_effect(kind: str, amount_cents: int) -> int:
    """How an adjustment changes what can be committed.

    A revaluation restores (or, negative, removes) authority; a rescission or an expiry removes it;
    a preservation keeps authority alive past its deadline and changes no amount.
    """
    if kind == "revaluation":
        return amount_cents
    if kind in ("rescission", "expiry"):
        return -amount_cents
    return 0


def no_authority_group(program: str) -> str:
    return f"{program} (no authority)"


def from_records(
    by: str,
    authorities: Iterable[Authority],
    packages: Iterable[Package],
    lines: Iterable[PackageLine],
    disbursements: Iterable[Disbursement],
    adjustments: Iterable[Adjustment],
    system_types: Iterable[SystemType],
) -> list[Movement]:
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    auths = {a.id: a for a in authorities}
    pkgs = {p.id: p for p in packages}
    types = {t.id: t.name for t in system_types}
    lines = list(lines)

    def auth_group(authority_id: int | None) -> str:
        if authority_id is None:
            return NO_AUTHORITY if by != "system_type" else UNALLOCATED
        a = auths[authority_id]
        return a.name if by == "authority" else a.program if by == "program" else UNALLOCATED

    out: list[Movement] = []
    for a in auths.values():
        out.append(Movement(a.available_from.isoformat(), auth_group(a.id), "authorized", a.amount_cents))
    for adj in adjustments:
        effect = adjustment_effect(adj.kind, adj.amount_cents)
        if adj.authority_id is not None:
            group = auth_group(adj.authority_id)
        else:
            group = no_authority_group(adj.program) if by == "authority" else adj.program if by == "program" else UNALLOCATED
        out.append(Movement(adj.adjusted_on.isoformat(), group, "adjustments", effect))
    if by != "system_type":
        for p in pkgs.values():
            out.append(Movement(p.announced_on.isoformat(), auth_group(p.authority_id), "committed", p.value_cents))
        for d in disbursements:
            if d.value_cents is not None:
                p = pkgs[d.package_id]
                out.append(Movement(d.disbursed_on.isoformat(), auth_group(p.authority_id), "disbursed", d.value_cents))
        return out
    # By system type: valued lines go to their type; what a package's lines leave unvalued is Unallocated.
    typed: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.value_cents is not None:
            p = pkgs[line.package_id]
            out.append(Movement(p.announced_on.isoformat(), types[line.system_type_id], "committed", line.value_cents))
            typed[p.id] += line.value_cents
    for p in pkgs.values():
        out.append(Movement(p.announced_on.isoformat(), UNALLOCATED, "committed", p.value_cents - typed[p.id]))
    for d in disbursements:
        if d.value_cents is not None:
            group = types[d.system_type_id] if d.system_type_id is not None else UNALLOCATED
            out.append(Movement(d.disbursed_on.isoformat(), group, "disbursed", d.value_cents))
    return out
