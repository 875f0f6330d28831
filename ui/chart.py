"""The remaining-balance chart: step lines per group, deadlines, projections and reported figures.

Every curve is built from `Ledger.series(by)` (and `balances.total_series`), so the arrays a test reads
back from the curves are the core's numbers. x is seconds since 1970 (UTC midnight of each day), y is
currency units.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import Qt, Signal  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ledger.balances import Figures, total_series, value_at  # noqa: E402
from ledger.service import Ledger  # noqa: E402

from . import (
    chart_marks,  # noqa: E402
    )
from .chart_marks import Marks, Reported  # noqa: E402
from .fmt import Display  # noqa: E402
from .plotting import (  # noqa: E402
    BALANCES,
    COLOURS,
    DAY,
    PROJECTION_MARGIN_DAYS,
    TOTAL,
    ChartCanvas,
    day_x,
    step_arrays,
    style_plot,
    swatch,
    x_day,
)
from .reported_markers import ReportedMarkers  # noqa: E402

PLOT_MIN_HEIGHT = 340  # px: axes, deadline names and the legend, with a plot between them


class ChartView(QWidget):
    exported = Signal(str)

    def __init__(self, display: Display, parent=None):
        super().__init__(parent)
        self.display = display
        self.ledger: Ledger | None = None
        self.as_of: str = dt.date.today().isoformat()
        # Each drawn group's own balances, kept for tests and the readout: name -> (days, cents). In
        # stacked mode too: the bands' edges are in `bands`, never read as a group's figure.
        self.data: dict[str, tuple[list[str], list[int]]] = {}
        self.bands: dict[str, tuple[list[str], list[int], list[int]]] = {}  # name -> (days, lower, upper)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.projections: dict[str, pg.PlotDataItem] = {}
        self.deadline_lines: dict[str, pg.InfiniteLine] = {}
        self.marks = Marks()
        self._series: dict[str, list[tuple[str, Figures]]] = {}
        self._read_day: str | None = None  # the day under the crosshair, read again after each redraw
        # On screen the group list, with each group's colour, is the groups' legend; an exported image
        # has no list beside it, so its legend names the groups too.
        self._legend_groups = False

        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        per = QLabel("&Per:")
        bar.addWidget(per)
        self.by = QComboBox()
        for text, key in (("Authority", "authority"), ("Program", "program"), ("System type", "system_type")):
            self.by.addItem(text, key)
        self.by.setAccessibleName("Chart groups per")
        per.setBuddy(self.by)
        bar.addWidget(self.by)
        bal = QLabel("&Balance:")
        bar.addWidget(bal)
        self.balance = QComboBox()
        for text, attr, _key in BALANCES:
            self.balance.addItem(text, attr)
        self.balance.setAccessibleName("Balance to chart")
        bal.setBuddy(self.balance)
        bar.addWidget(self.balance)
        self.stacked = QCheckBox("S&tacked")
        self.stacked.setAccessibleName("Stack the groups")
        self.stacked.setToolTip("Positive balances stack up from zero, negative ones down from zero")
        bar.addWidget(self.stacked)
        self.projection = QCheckBox("Pro&jections")
        self.projection.setChecked(True)
        self.projection.setAccessibleName("Show projections at the current and the needed pace")
        bar.addWidget(self.projection)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.png = QPushButton("Export PNG…")
        self.png.setToolTip("Save the chart, with its title and legend, as a PNG image")
        self.svg = QPushButton("Export SVG…")
        self.svg.setToolTip("Save the chart, with its title and legend, as an SVG drawing")

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.groups = QListWidget()
        self.groups.setAccessibleName("Groups shown in the chart")
        self.groups.setToolTip("Tick the groups to draw; each is drawn in the colour shown beside it")
        self.split.addWidget(self.groups)

        self.plot = ChartCanvas()
        self.plot.setAccessibleName("Remaining balance chart")
        self.plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Room for the axes, the deadline names and the legend under them: a window made shorter than
        # this (the dashboard scrolls, so nothing else holds it) would leave no plot between them.
        self.plot.setMinimumHeight(PLOT_MIN_HEIGHT)
        item = self.plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.showGrid(x=True, y=True, alpha=0.2)
        # Deadline names may run past the axis ends a little rather than vanish near the edge.
        # (a grid on this axis would make pyqtgraph ignore that allowance)
        item.getAxis("top").setGrid(False)
        item.getAxis("top").setStyle(showValues=True, hideOverlappingLabels=120)
        self.legend = self.plot.legend
        self.split.addWidget(self.plot)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([180, 800])
        lay.addWidget(self.split, 1)

        self.readout = QLabel(" ")
        self.readout.setAccessibleName("Values under the mouse")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setWordWrap(True)
        foot = QHBoxLayout()
        foot.addWidget(self.readout, 1)
        foot.addWidget(self.png, 0, Qt.AlignmentFlag.AlignTop)
        foot.addWidget(self.svg, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(foot)
        self.execution_marks = ReportedMarkers(self, day_x)  # reported execution figures and their gap readout

        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((128, 128, 128), width=1))
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen((128, 128, 128), width=1))
        self._mouse_proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)

        self.by.currentIndexChanged.connect(self.reload)
        self.balance.currentIndexChanged.connect(self.redraw)
        self.stacked.toggled.connect(self.redraw)
        self.projection.toggled.connect(self.redraw)
        self.groups.itemChanged.connect(lambda _item: self.redraw())
        self.png.clicked.connect(lambda: self.export_dialog("png"))
        self.svg.clicked.connect(lambda: self.export_dialog("svg"))
        self.apply_palette()

    # -- data -----------------------------------------------------------------------------------

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self.reload()

    def set_as_of(self, as_of: str) -> None:
        self.as_of = as_of
        self.redraw()

    @property
    def by_key(self) -> str:
        return self.by.currentData()

    @property
    def balance_attr(self) -> str:
        return self.balance.currentData()

    def end_day(self) -> str:
        """Lines run on to the as-of date: a balance holds until something changes it, and nothing after
        the as-of date is drawn."""
        return self.as_of

    def reload(self) -> None:
        """Read the series again (after a change to the ledger or another grouping)."""
        self._series = self.ledger.series(self.by_key) if self.ledger else {}
        shown = {self.groups.item(i).text(): self.groups.item(i).checkState() for i in range(self.groups.count())}
        self.groups.blockSignals(True)
        self.groups.clear()
        colour = self.colours()
        for name in self._ordered_groups():
            it = QListWidgetItem(swatch(colour[name]), name)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(shown.get(name, Qt.CheckState.Checked))
            self.groups.addItem(it)
        self.groups.blockSignals(False)
        self.redraw()

    def _ordered_groups(self) -> list[str]:
        if self.by_key == "system_type":
            return sorted(self._series, key=lambda n: (n == "Unallocated", n.casefold()))
        # Authorities in the order they became available; then the "(no authority)" buckets.
        return sorted(self._series, key=lambda n: (n.endswith("(no authority)"), self._series[n][0][0], n))

    def picked(self) -> list[str]:
        return [
            self.groups.item(i).text()
            for i in range(self.groups.count())
            if self.groups.item(i).checkState() == Qt.CheckState.Checked
        ]

    # -- drawing --------------------------------------------------------------------------------

    def apply_palette(self) -> None:
        self._fg, back = style_plot(self.plot, self.legend)
        self.plot.getPlotItem().getAxis("top").setPen(QColor(200, 60, 60))
        self.plot.getPlotItem().getAxis("top").setTextPen(QColor(200, 60, 60))
        self.plot.title.setAttr("color", self._fg.name())

    def title_lines(self) -> tuple[str, str]:
        """(the ledger's name, what the chart shows): the title on screen and in exported images."""
        balance = self.balance.currentText()
        per = self.by.currentText().lower()
        name = (self.ledger.meta("name") if self.ledger else None) or ""
        past = " (later records hidden)" if self.as_of < dt.date.today().isoformat() else ""
        stacked = ", stacked" if self.stacked.isChecked() else ""
        return name, f"{balance} per {per}{stacked}, as of {self.as_of}{past}"

    def title_text(self) -> str:
        return ": ".join(t for t in self.title_lines() if t)

    def _show_title(self) -> None:
        """Two lines (ledger name, then what is shown), so the title fits a narrow window."""
        lines = self.title_lines() if self.ledger else ("", "")
        self.plot.title.setText("<br>".join(html.escape(t) for t in lines if t))

    def colours(self) -> dict[str, str]:
        return {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(self._ordered_groups())}

    def redraw(self) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        self.legend.clear()
        self.data.clear()
        self.bands.clear()
        self.curves.clear()
        self.projections.clear()
        self.deadline_lines.clear()
        self.marks = Marks()
        self.execution_marks.clear()
        item.getAxis("top").setTicks([[], []])
        self._show_title()
        if not self.ledger or not self._series:
            self.readout.setText(" ")
            if self.ledger:
                self.plot.title.setText(
                    "Nothing to chart yet: balances start with an authority<br>"
                    "(Records &gt; Authorities, or File &gt; Import workbook)"
                )
            for side in ("left", "bottom", "top"):
                item.hideAxis(side)  # empty axes with made-up ticks say nothing
            return
        for side in ("left", "bottom", "top"):
            item.showAxis(side)
        attr = self.balance_attr
        end = self.end_day()
        picked = self.picked()
        colour = self.colours()
        item.setLabel("left", self.display.currency)
        # A past as-of date shows the ledger as it stood: nothing recorded after it is drawn.
        series = {name: self._until(points) for name, points in self._series.items()}
        series = {name: points for name, points in series.items() if points}

        if self.stacked.isChecked():
            self._draw_stacked([n for n in picked if n in series], series, attr, end, colour)
        else:
            for name in picked:
                if name in series:
                    points = series[name]
                    self._curve(name, [d for d, _ in points], [getattr(f, attr) for _, f in points], end, colour[name])
        total = self._until(total_series(self._series))
        self._curve(TOTAL, [d for d, _ in total], [getattr(f, attr) for _, f in total], end, self._fg.name(), width=3)

        self._draw_deadlines(picked)
        cumulative = next(k for _t, a, k in BALANCES if a == attr) is None
        if self.projection.isChecked() and not cumulative:
            self._draw_projections(picked, attr)
        self._draw_observations(picked, colour)
        self.execution_marks.draw(picked, colour, self._fg)
        item.addItem(self.vline, ignoreBounds=True)
        item.addItem(self.hline, ignoreBounds=True)
        item.enableAutoRange()
        self.plot.fit_legend()
        if self._read_day:
            self.readout.setText(self.reading(self._read_day))

    def _until(self, points: list[tuple[str, Figures]]) -> list[tuple[str, Figures]]:
        return [(d, f) for d, f in points if d <= self.as_of]

    def _curve(
        self,
        name: str,
        days: list[str],
        cents: list[int],
        end: str,
        colour: str,
        width: int = 2,
    ) -> pg.PlotDataItem:
        x, y = step_arrays(days, cents, end)
        self.data[name] = (days, cents)
        curve = self.plot.getPlotItem().plot(x, y, pen=pg.mkPen(colour, width=width), name=name)
        if name == TOTAL or self._legend_groups:
            self.legend.addItem(curve, name)
        self.curves[name] = curve
        return curve

    def _draw_stacked(self, picked, series, attr: str, end: str, colour: dict[str, str]) -> None:
        """Bands as a spreadsheet stacks them: positive balances pile up from zero, negative ones pile
        down from zero, so no band ever covers another and each band's height is its group's figure."""
        days = sorted({d for name in picked for d, _ in series[name]})
        up = [0] * len(days)
        down = [0] * len(days)
        item = self.plot.getPlotItem()
        for name in picked:
            points = series[name]
            first = points[0][0]
            own = [getattr(value_at(points, d), attr) if d >= first else 0 for d in days]
            lower, upper = [], []
            for i, v in enumerate(own):
                if v >= 0:
                    lower.append(up[i])
                    up[i] += v
                    upper.append(up[i])
                else:
                    upper.append(down[i])
                    down[i] += v
                    lower.append(down[i])
            self.bands[name] = (days, lower, upper)
            self.data[name] = ([d for d, _ in points], [getattr(f, attr) for _, f in points])
            xl, yl = step_arrays(days, lower, end)
            xu, yu = step_arrays(days, upper, end)
            pen = pg.mkPen(colour[name], width=1)
            bottom = pg.PlotDataItem(xl, yl, pen=pen)
            top = pg.PlotDataItem(xu, yu, pen=pen, name=name)
            fill = QColor(colour[name])
            fill.setAlpha(200)
            item.addItem(bottom)
            item.addItem(top)
            item.addItem(pg.FillBetweenItem(bottom, top, brush=fill))
            if self._legend_groups:
                self.legend.addItem(top, name)
            self.curves[name] = top

    def _draw_deadlines(self, picked: list[str]) -> None:
        """Dashed lines at the deadlines, named on the top axis (so no label sits on the data)."""
        deadlines = self.ledger.deadlines(self.as_of)
        default = self.ledger.default_deadline
        shown: dict[str, list[str]] = {}
        for name, day in deadlines.items():
            if self.by_key != "authority" or name in picked:
                shown.setdefault(day, []).append(name)
        if default:
            shown.setdefault(default, []).append("default deadline")
        ticks = []
        for day, names in sorted(shown.items()):
            line = pg.InfiniteLine(
                pos=day_x(day),
                angle=90,
                movable=False,
                pen=pg.mkPen((200, 60, 60), width=1, style=Qt.PenStyle.DashLine),
            )
            self.plot.getPlotItem().addItem(line, ignoreBounds=True)
            self.deadline_lines[day] = line
            ticks.append((day_x(day), ", ".join(names)))
        self.plot.getPlotItem().getAxis("top").setTicks([ticks, []])

    def projection_bound(self) -> str:
        """Projections end at the deadline plus a margin (or a year after the as-of date without one)."""
        deadline = self.ledger.default_deadline if self.ledger else None
        base = max(deadline, self.as_of) if deadline else self.as_of
        days = PROJECTION_MARGIN_DAYS if deadline and deadline >= self.as_of else 365
        return (dt.date.fromisoformat(base) + dt.timedelta(days=days)).isoformat()

    def _draw_projections(self, picked: list[str], attr: str) -> None:
        """From the as-of balance: dashed at the 30-day pace, dotted at the pace the deadline needs."""
        summary = self.ledger.summary(self.as_of, self.by_key)
        target = (TOTAL, summary.totals, summary.pace)
        if not self.stacked.isChecked() and len(picked) == 1:
            for g in summary.groups:
                if g.name == picked[0]:
                    target = (g.name, g.figures, g.pace)
        name, figures, pace = target
        left = getattr(figures, attr)
        if left <= 0:
            return
        stage = pace.committed_per_day_cents if attr == "remaining_authority_cents" else pace.disbursed_per_day_cents
        current = stage.get(30) or 0
        start = day_x(self.as_of)
        item = self.plot.getPlotItem()
        if current > 0:
            room = int((day_x(self.projection_bound()) - start) // DAY)
            days = min(-(-left // current), room)
            x = np.array([start, start + days * DAY])
            y = np.array([left / 100.0, (left - current * days) / 100.0])
            label = f"{'' if name == TOTAL else name + ': '}30-day pace {self.display.per_day(current)}"
            self.projections["current pace"] = item.plot(
                x, y, pen=pg.mkPen(self._fg, width=2, style=Qt.PenStyle.DashLine), name=label
            )
            self.legend.addItem(self.projections["current pace"], label)
        if pace.deadline and pace.days_to_deadline and pace.days_to_deadline > 0:
            needed = -(-left // pace.days_to_deadline)
            x = np.array([start, day_x(pace.deadline)])
            y = np.array([left / 100.0, 0.0])
            label = f"{'' if name == TOTAL else name + ': '}Pace needed {self.display.per_day(needed)}"
            self.projections["pace needed"] = item.plot(
                x, y, pen=pg.mkPen((200, 60, 60), width=2, style=Qt.PenStyle.DotLine), name=label
            )
            self.legend.addItem(self.projections["pace needed"], label)

    def reported(self) -> list[Reported]:
        """The dated figures reported for the balance shown (hook for other kinds of reported figure)."""
        key = next(k for _t, a, k in BALANCES if a == self.balance_attr)
        if key is None:  # a running total (cumulative committed or disbursed) has no reported balances
            return []
        return chart_marks.observations(self.ledger, key, self.by_key, self.as_of)

    def _draw_observations(self, picked: list[str], colour: dict[str, str]) -> None:
        shown = [r for r in self.reported() if r.group is None or r.group in picked]
        self.marks.draw(
            self.plot.getPlotItem(),
            shown,
            lambda group: colour.get(group, self._fg.name()) if group else self._fg.name(),
            self._fg,
            self.display.money,
            day_x,
        )
        for name, scatter in self.marks.items.items():
            self.legend.addItem(scatter, name)
            self.curves[name] = scatter

    @property
    def observation_points(self) -> list[Reported]:
        return self.marks.points

    # -- crosshair and export ----------------------------------------------------------------------

    def _mouse_moved(self, event) -> None:
        pos = event[0]
        item = self.plot.getPlotItem()
        if not item.sceneBoundingRect().contains(pos) or not self.data:
            return
        p = item.vb.mapSceneToView(pos)
        self.vline.setPos(p.x())
        self.hline.setPos(p.y())
        self._read_day = x_day(p.x()).isoformat()
        self.readout.setText(self.reading(self._read_day))

    def figure_on(self, name: str, day: str) -> int | None:
        """A drawn group's own figure on `day` (None before it exists or after the as-of date)."""
        if name not in self.data or day > self.as_of:
            return None
        days, cents = self.data[name]
        i = bisect.bisect_right(days, day)
        return cents[i - 1] if i else None

    def reading(self, day: str) -> str:
        """Each drawn group's own figure on `day`, then the total (and in stacked mode the stack's
        height when it leaves groups out), then figures reported that day."""
        if day > self.as_of:
            return f"{day}  |  after the as-of date ({self.as_of}): nothing is shown"
        parts = [day]
        stack = 0
        for name in self.data:
            if name == TOTAL:
                continue
            value = self.figure_on(name, day)
            if value is not None:
                stack += value
                parts.append(f"{name}: {self.display.money(value)}")
        total = self.figure_on(TOTAL, day)
        if total is not None:
            parts.append(f"{TOTAL}: {self.display.money(total)}")
        if self.stacked.isChecked() and len(self.picked()) < self.groups.count():
            parts.append(f"Stack of the ticked groups: {self.display.money(stack)}")
        parts.extend(f"reported: {r.what} ({r.scope}) {self.display.money(r.cents)}" for r in self.marks.on(day))
        return "  |  ".join(parts)

    def export_dialog(self, fmt: str = "png") -> str | None:
        """Ask where to save the chart, save it; returns the path (None when cancelled)."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
        other = "svg" if fmt == "png" else "png"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart", str(Path.home() / f"chart.{fmt}"), f"{filters[fmt]};;{filters[other]}"
        )
        if not path:
            return None
        if not path.lower().endswith((".png", ".svg")):
            path += f".{fmt}"
        self.export(path)
        return path

    def export(self, path: str) -> None:
        """The chart as the screen shows it, to a PNG or SVG file: title, plot and a legend naming
        every line (the group list beside the plot is not in the image)."""
        self._legend_groups = True
        self.redraw()
        self.plot.ci.layout.activate()  # lay the longer legend out before rendering
        try:
            self._write(path)
        finally:
            self._legend_groups = False
            self.redraw()
        self.exported.emit(path)

    def _write(self, path: str) -> None:
        import pyqtgraph.exporters as exporters

        if path.lower().endswith(".svg"):
            # pyqtgraph's SVGExporter cannot parse the path syntax Qt 6.12 writes: render through QtSvg.
            from PySide6.QtCore import QRect, QSize
            from PySide6.QtSvg import QSvgGenerator

            size = self.plot.size()
            gen = QSvgGenerator()
            gen.setFileName(path)
            gen.setSize(QSize(size.width(), size.height()))
            gen.setViewBox(QRect(0, 0, size.width(), size.height()))
            gen.setTitle(self.title_text())
            gen.setDescription(f"Exported by Aid Ledger from {self.ledger.where if self.ledger else ''}")
            painter = QPainter(gen)
            self.plot.render(painter)
            painter.end()
        else:
            exp = exporters.ImageExporter(self.plot.scene())
            exp.parameters()["width"] = max(1200, int(self.plot.width()))
            exp.export(path)
