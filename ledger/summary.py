"""Balances, pace and series as the dashboard, the chart and `summary` show them. Mixed into `Ledger`.

The daily movements behind every figure are read once per grouping and kept until the next write
(here, or elsewhere per SQLite's data_version): a dashboard and a chart ask for the same ones. The
file keeps them between sessions too (ledger/movement_cache.py), so a large ledger opens at once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from . import balances, movement_cache, queries
from .balances import Figures, Movement, Pace
from .errors import LedgerError
from .model import UNALLOCATED
from .movements import GROUPINGS
from .sqlite_errors import translate


@dataclass(frozen=True)
class Group:
    name: str
    figures: Figures
    pace: Pace


@dataclass(frozen=True)
class Summary:
    as_of: str
    currency: str
    by: str
    totals: Figures
    pace: Pace
    groups: tuple[Group, ...]


class SummaryCache:
    """Needs `self.conn`, `self.where`, `self._writes` (counted by every write), `self.currency`,
    `self.default_deadline` and `self.effective_deadline` (Lookups)."""

    conn: sqlite3.Connection
    where: str

    def __init__(self) -> None:
        self._writes = 0
        self._movements_cache: dict[str, tuple[tuple[int, int], list[Movement]]] = {}

    def forget_cache(self) -> None:
        """Drop the cached movements, so the next balances are read afresh (benchmarks measure this)."""
        self._movements_cache.clear()

    def movements(self, by: str) -> list[Movement]:
        """Daily movements per group; read again only after a write (here or, per data_version, elsewhere)."""
        try:
            version = (self._writes, self.conn.execute("PRAGMA data_version").fetchone()[0])
            cached = self._movements_cache.get(by)
            if cached and cached[0] == version:
                return list(cached[1])
            moves = movement_cache.movements(self.conn, by, lambda beside: queries.daily_movements(self.conn, by, beside),
                                             store=not self.readonly)
        except sqlite3.Error as exc:
            raise translate(exc, self.where) from None
        self._movements_cache[by] = (version, moves)
        return list(moves)

    def summary(self, as_of: str | None = None, by: str = "authority", deadline: str | None = None) -> Summary:
        """Balances as of a date (default: today), per group and in total, with pace figures."""
        if by not in GROUPINGS:
            raise LedgerError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
        as_of = as_of or dt.date.today().isoformat()
        moves = self.movements(by)
        per_group = balances.figures_as_of(moves, as_of)
        totals = balances.total(per_group)
        deadline = deadline or self.default_deadline
        deadlines = self._group_deadlines(by, as_of)
        groups = []
        for name in sorted(per_group, key=_group_sort_key):
            own = [m for m in moves if m.group == name]
            sums = balances.window_sums(own, as_of)
            groups.append(Group(name, per_group[name], balances.pace(per_group[name], sums, as_of, deadlines.get(name, deadline))))
        total_pace = balances.pace(totals, balances.window_sums(moves, as_of), as_of, deadline)
        return Summary(as_of, self.currency, by, totals, total_pace, tuple(groups))

    def _group_deadlines(self, by: str, as_of: str) -> dict[str, str | None]:
        if by == "system_type":
            return {}
        out: dict[str, list[str | None]] = {}
        for aid, name, program in self.conn.execute("SELECT id, name, program FROM authorities"):
            out.setdefault(name if by == "authority" else program, []).append(self.effective_deadline(aid, as_of))
        # A program's deadline is its authorities' latest, if every one of them has one.
        return {g: (None if None in ds else max(ds)) for g, ds in out.items()}

    def series(self, by: str = "authority") -> dict[str, list[tuple[str, Figures]]]:
        """Per group, balances after every day something changed (balances.total_series sums them)."""
        if by not in GROUPINGS:
            raise LedgerError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
        return balances.series(self.movements(by))

    def deadlines(self, as_of: str | None = None) -> dict[str, str]:
        """Each authority's effective deadline (for chart markers)."""
        out = {}
        for aid, name in self.conn.execute("SELECT id, name FROM authorities ORDER BY available_from, id"):
            d = self.effective_deadline(aid, as_of)
            if d:
                out[name] = d
        return out


def _group_sort_key(name: str) -> tuple[int, str]:
    return (1 if name == UNALLOCATED or name.endswith("(no authority)") else 0, name.casefold())
