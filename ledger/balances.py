"""Derived balances: pure functions of movements, no database.

A movement is one dated amount in one stage (authorized, adjustments, committed, disbursed) for one
group (an authority, a program, a system type or the Unallocated bucket). Balances as of a date are
running sums of movements up to that date; the series is the running sums at every day something
changed. Days are ISO text ("2024-12-02"): they sort as dates and cost nothing to compare.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

STAGES = ("authorized", "adjustments", "committed", "disbursed")


class Movement(NamedTuple):
    """A tuple, not a dataclass: a million-entry ledger makes tens of thousands of these per series."""

    day: str
    group: str
    stage: str
    cents: int


class Figures(NamedTuple):
    authorized_cents: int = 0
    adjustments_cents: int = 0
    committed_cents: int = 0
    disbursed_cents: int = 0

    @property
    def remaining_authority_cents(self) -> int:
        """What can still be committed: authorized + adjustments - committed."""
        return self.authorized_cents + self.adjustments_cents - self.committed_cents

    @property
    def undelivered_cents(self) -> int:
        """Promised but not arrived: committed - disbursed."""
        return self.committed_cents - self.disbursed_cents

    @property
    def authorized_minus_disbursed_cents(self) -> int:
        """The headline 'authorized versus disbursed': authorized - disbursed."""
        return self.authorized_cents - self.disbursed_cents

    def as_tuple(self) -> tuple[int, int, int, int]:
        return tuple(self)

    def as_dict(self) -> dict[str, int]:
        return {
            "authorized_cents": self.authorized_cents,
            "adjustments_cents": self.adjustments_cents,
            "committed_cents": self.committed_cents,
            "disbursed_cents": self.disbursed_cents,
            "remaining_authority_cents": self.remaining_authority_cents,
            "undelivered_cents": self.undelivered_cents,
            "authorized_minus_disbursed_cents": self.authorized_minus_disbursed_cents,
        }


def add(a: Figures, b: Figures) -> Figures:
    return Figures(*(x + y for x, y in zip(a.as_tuple(), b.as_tuple())))


def figures_as_of(movements: Iterable[Movement], as_of: str | None) -> dict[str, Figures]:
    """Balances per group counting every movement dated on or before `as_of` (None: all)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    index = {s: i for i, s in enumerate(STAGES)}
    for m in movements:
        if as_of is None or m.day <= as_of:
            sums[m.group][index[m.stage]] += m.cents
        else:
            sums[m.group]  # the group exists even if it starts later
    return {g: Figures(*v) for g, v in sums.items()}


def total(groups: dict[str, Figures]) -> Figures:
    out = Figures()
    for f in groups.values():
        out = add(out, f)
    return out


def series(movements: Iterable[Movement]) -> dict[str, list[tuple[str, Figures]]]:
    """Per group, the balances after each day on which that group changed (a step function)."""
    daily: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    index = {s: i for i, s in enumerate(STAGES)}
    for m in movements:
        daily[m.group][m.day][index[m.stage]] += m.cents
    out: dict[str, list[tuple[str, Figures]]] = {}
    new = Figures._make
    for group, days in daily.items():
        a = b = c = d = 0
        points = []
        for day in sorted(days):
            da, db, dc, dd = days[day]
            a += da
            b += db
            c += dc
            d += dd
            points.append((day, new((a, b, c, d))))
        out[group] = points
    return out


def total_series(per_group: dict[str, list[tuple[str, Figures]]]) -> list[tuple[str, Figures]]:
    """The sum over groups at every day any group changed."""
    changes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for points in per_group.values():
        prev = (0, 0, 0, 0)
        for day, fig in points:
            cur = fig.as_tuple()
            acc = changes[day]
            for i in range(4):
                acc[i] += cur[i] - prev[i]
            prev = cur
    out, run = [], [0, 0, 0, 0]
    for day in sorted(changes):
        for i in range(4):
            run[i] += changes[day][i]
        out.append((day, Figures(*run)))
    return out


def value_at(points: list[tuple[str, Figures]], day: str) -> Figures:
    """The step function's value on `day` (balances after that day's movements)."""
    found = Figures()
    for d, fig in points:
        if d > day:
            break
        found = fig
    return found


@dataclass(frozen=True)
class Pace:
    """How fast money is moving and how fast it would have to move to meet a deadline."""

    as_of: str
    committed_per_day_cents: dict[int, int]  # window days -> cents per day
    disbursed_per_day_cents: dict[int, int]
    deadline: str | None
    days_to_deadline: int | None
    needed_commit_per_day_cents: int | None
    needed_disburse_per_day_cents: int | None
    projected_zero_authority: str | None
    projected_zero_undelivered: str | None

    def as_dict(self) -> dict:
        return {
            "committed_per_day_cents": {str(k): v for k, v in self.committed_per_day_cents.items()},
            "disbursed_per_day_cents": {str(k): v for k, v in self.disbursed_per_day_cents.items()},
            "deadline": self.deadline,
            "days_to_deadline": self.days_to_deadline,
            "needed_commit_per_day_cents": self.needed_commit_per_day_cents,
            "needed_disburse_per_day_cents": self.needed_disburse_per_day_cents,
            "projected_zero_authority": self.projected_zero_authority,
            "projected_zero_undelivered": self.projected_zero_undelivered,
        }


WINDOWS = (30, 90)


def window_sums(movements: Iterable[Movement], as_of: str, windows=WINDOWS) -> dict[str, dict[int, int]]:
    """Committed and disbursed within the last N days up to and including `as_of`."""
    end = dt.date.fromisoformat(as_of)
    starts = {w: (end - dt.timedelta(days=w - 1)).isoformat() for w in windows}
    out = {"committed": dict.fromkeys(windows, 0), "disbursed": dict.fromkeys(windows, 0)}
    for m in movements:
        if m.stage in out and m.day <= as_of:
            for w, start in starts.items():
                if m.day >= start:
                    out[m.stage][w] += m.cents
    return out


def _per_day(cents: int, days: int) -> int:
    return round(cents / days)


def _projected(as_of: str, remaining: int, per_day: int) -> str | None:
    if remaining <= 0 or per_day <= 0:
        return None
    days = -(-remaining // per_day)  # ceil: the day the balance is used up
    try:
        return (dt.date.fromisoformat(as_of) + dt.timedelta(days=days)).isoformat()
    except OverflowError:
        return None


def pace(fig: Figures, sums: dict[str, dict[int, int]], as_of: str, deadline: str | None) -> Pace:
    committed = {w: _per_day(c, w) for w, c in sums["committed"].items()}
    disbursed = {w: _per_day(c, w) for w, c in sums["disbursed"].items()}
    days = None
    need_commit = need_disburse = None
    if deadline:
        days = (dt.date.fromisoformat(deadline) - dt.date.fromisoformat(as_of)).days
        if days > 0:
            need_commit = _per_day(max(fig.remaining_authority_cents, 0), days)
            need_disburse = _per_day(max(fig.undelivered_cents, 0), days)
    w = min(committed)
    return Pace(
        as_of=as_of,
        committed_per_day_cents=committed,
        disbursed_per_day_cents=disbursed,
        deadline=deadline,
        days_to_deadline=days,
        needed_commit_per_day_cents=need_commit,
        needed_disburse_per_day_cents=need_disburse,
        projected_zero_authority=_projected(as_of, fig.remaining_authority_cents, committed[w]),
        projected_zero_undelivered=_projected(as_of, fig.undelivered_cents, disbursed[w]),
    )
