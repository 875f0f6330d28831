"""Markers for figures someone reported on a date (a reported balance, or any other dated figure).

One mechanism for every kind of reported figure: build `Reported` values and hand them to `Marks.draw`.
Each marker takes the colour of the group whose scope it reports (the total's colour when it reports the
whole ledger or a scope the chart does not draw), one legend entry per scope, and a tooltip that says who
reported what, when, for which scope, and where it was published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg

from ledger.service import Ledger

# Symbols by what a figure is, so two kinds of reported figure on one chart stay apart.
SYMBOLS = {"balance": "d", "obligated": "t", "disbursed": "s", "delivered": "o"}


@dataclass(frozen=True)
class Reported:
    """One dated figure reported by someone, for a scope."""

    day: str  # ISO date
    cents: int
    what: str  # e.g. "Remaining PDA authority (FY2024)"
    scope: str  # how a person names the scope: "PDA FY2024", "program USAI", "all programs"
    group: str | None = None  # the chart group it belongs to under the current grouping, if any
    area: str = ""  # what it covers when it is no chart group: "program PDA", "all programs"
    who: str = ""
    source: str = ""
    kind: str = "balance"  # a key of SYMBOLS

    def tooltip(self, money: Callable[[int], str]) -> str:
        lines = [f"{self.what}: {money(self.cents)}", f"Reported {self.day}" + (f" by {self.who}" if self.who else "")]
        lines.append(f"Scope: {self.scope}")
        if self.source:
            lines.append(f"Source: {self.source}")
        return "\n".join(lines)


def observations(ledger: Ledger, balance_key: str, by: str, as_of: str) -> list[Reported]:
    """The ledger's reported balances of one kind up to `as_of`, placed in the groups of `by`."""
    authorities = {a.id: a for a in ledger.records("authority")}
    titles = ledger.labels("source", {o.source_id for o in ledger.records("observation") if o.source_id})
    out = []
    for o in ledger.records("observation", order_by="observed_on"):
        day = o.observed_on.isoformat()
        if o.balance != balance_key or day > as_of:
            continue
        auth = authorities.get(o.authority_id)
        program = o.program or (auth.program if auth else None)
        if auth is not None:
            scope = auth.name
        elif program:
            scope = f"program {program}"
        else:
            scope = "all programs"
        area = scope
        group = None
        if by == "authority" and auth is not None:
            group = auth.name
        elif by == "program" and program:
            group = program
        if o.scope:
            scope = f"{scope} ({o.scope})"
        out.append(
            Reported(
                day, o.value_cents, o.metric, scope, group, area, o.reported_by or "", titles.get(o.source_id, "")
            )
        )
    return out


class Marks:
    """Draws reported figures on a plot; keeps what it drew for the readout and for tests."""

    def __init__(self):
        self.points: list[Reported] = []
        self.items: dict[str, pg.ScatterPlotItem] = {}  # legend name -> scatter

    def draw(
        self,
        plot_item,
        figures: list[Reported],
        colour_of: Callable[[str | None], str],
        outline,
        money: Callable[[int], str],
        x_of: Callable[[str], float],
    ) -> None:
        self.points = list(figures)
        self.items = {}
        by_scope: dict[tuple[str | None, str, str], list[Reported]] = {}
        for f in figures:
            by_scope.setdefault((f.group, "" if f.group else f.area, f.kind), []).append(f)
        for (group, area, kind), points in by_scope.items():
            name = f"Reported: {group or area or 'total'}" + ("" if kind == "balance" else f" ({kind})")
            scatter = pg.ScatterPlotItem(
                symbol=SYMBOLS.get(kind, "d"),
                size=10,
                brush=pg.mkBrush(colour_of(group)),
                pen=pg.mkPen(outline),
                hoverable=True,
                hoverSize=14,
                tip=lambda x, y, data: data,
                name=name,
            )
            scatter.addPoints(
                x=[x_of(p.day) for p in points],
                y=[p.cents / 100.0 for p in points],
                data=[p.tooltip(money) for p in points],
            )
            plot_item.addItem(scatter)
            self.items[name] = scatter

    def on(self, day: str) -> list[Reported]:
        return [p for p in self.points if p.day == day]
