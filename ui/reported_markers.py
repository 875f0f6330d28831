"""Reported execution figures on the balance chart.

Each reported figure whose measure compares with the balance drawn (obligated with Committed,
disbursed and delivered with Disbursed, remaining funds with Remaining authority) is a marker beside
the derived line of the same scope, in that line's colour; hovering it shows who said it, when, the
scope, the figure and the source. Below the chart, a readout gives per line the gap between the
derived figure and the latest reported one. The arrays come from `Ledger.execution_markers` and
`ledger.execution.gaps`; this module only draws them.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ledger.execution import Gap, Marker, gaps


class ReportedMarkers:
    def __init__(self, chart, day_x):
        self.chart = chart
        self.day_x = day_x  # the chart's x of a day
        self.points: list[Marker] = []  # what is drawn, for tests and the readout
        self.gaps: list[Gap] = []
        self.items: dict[str, pg.ScatterPlotItem] = {}
        self.readout = QLabel(" ")
        self.readout.setAccessibleName("Gap between the derived and the latest reported figures")
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        chart.layout().addWidget(self.readout)

    def clear(self) -> None:
        self.points, self.gaps, self.items = [], [], {}
        self.readout.setText(" ")

    def draw(self, picked: list[str], colour: dict[str, str], fg) -> None:
        """Markers for the groups drawn (not when stacked: a band is not its group's own value)."""
        chart = self.chart
        self.clear()
        if chart.ledger is None or chart.stacked.isChecked():
            return
        money = chart.display.money
        self.points = chart.ledger.execution_markers(chart.by_key, chart.balance_attr, picked, money)
        item = chart.plot.getPlotItem()
        for group in dict.fromkeys(m.group for m in self.points):
            mine = [m for m in self.points if m.group == group]
            scatter = pg.ScatterPlotItem(
                x=[self.day_x(m.day) for m in mine],
                y=[m.cents / 100.0 for m in mine],
                data=[m.tooltip for m in mine],
                symbol="star",
                size=16,
                brush=pg.mkBrush(colour.get(group, "#D55E00")),
                pen=pg.mkPen(fg, width=1),
                hoverable=True,
                hoverSize=20,
                tip=lambda x, y, data: data,
                name=f"Reported: {group}",
            )
            item.addItem(scatter)
            self.items[group] = scatter
        self.gaps = gaps(self.points, chart.data)
        if self.gaps:
            parts = [
                f"{g.group}: derived {money(g.derived_cents)} on {g.day}, latest reported {money(g.reported_cents)}, "
                f"gap {money(g.gap_cents)}"
                for g in self.gaps
            ]
            self.readout.setText("Derived minus latest reported: " + "  |  ".join(parts))
