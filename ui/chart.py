"""The remaining-balance chart: step lines per group, deadlines, projections and reported figures.

Every curve is built from `Ledger.series(by)` (and `balances.total_series`), so the arrays a test reads
back from the curves are the core's numbers. x is seconds since 1970 (UTC midnight of each day), y is
currency units.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import Qt, Signal  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
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
from ledger.money import format_cents  # noqa: E402
from ledger.service import Ledger  # noqa: E402

from .fmt import Display  # noqa: E402
from .reported_markers import ReportedMarkers  # noqa: E402
from .system_type_execution import ReportedShares, latest_share_by_type, quantity_text, share_text, share_tip  # noqa: E402

EPOCH = dt.date(1970, 1, 1)
DAY = 86400
TOTAL = "Total"
BALANCES = (
    ("Remaining authority", "remaining_authority_cents", "remaining_authority"),
    ("Undelivered", "undelivered_cents", "undelivered"),
    ("Authorized minus disbursed", "authorized_minus_disbursed_cents", "authorized_minus_disbursed"),
    # Running totals, not balances: no reported balance to draw and nothing to project to zero.
    ("Committed (cumulative)", "committed_cents", None),
    ("Disbursed (cumulative)", "disbursed_cents", None),
)
# Colour-blind-safe categorical colours (Okabe-Ito), repeated when there are more groups.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


def day_x(day: str | dt.date) -> float:
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return float((d - EPOCH).days * DAY)


def x_day(x: float) -> dt.date:
    return EPOCH + dt.timedelta(days=int(x // DAY))


def step_arrays(days: list[str], cents: list[int], end: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Points of a step line: each value holds from its day to the next change (then to `end`)."""
    if not days:
        return np.zeros(0), np.zeros(0)
    xs = [day_x(d) for d in days]
    last = max(xs[-1], day_x(end)) if end else xs[-1]
    x = np.empty(2 * len(xs))
    x[0::2] = xs
    x[1:-1:2] = xs[1:]
    x[-1] = last
    y = np.repeat(np.asarray(cents, dtype=float) / 100.0, 2)
    return x, y


class MoneyAxis(pg.AxisItem):
    """Ticks as '7.1 B' rather than 7100000000.0 (the currency is in the axis label)."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            text = format_cents(int(round(v * scale * 100)), "", short=True).strip()
            out.append(text)
        return out


def style_plot(plot, legend) -> tuple[QColor, QColor]:
    """Colour a plot's background, axes and legend text from the system palette; returns (text, base)."""
    pal = QApplication.palette() if QApplication.instance() else QPalette()
    base = pal.color(QPalette.ColorRole.Base)
    plot.setBackground(base)
    fg = pal.color(QPalette.ColorRole.Text)
    for side in ("left", "bottom"):
        axis = plot.getPlotItem().getAxis(side)
        axis.setPen(fg)
        axis.setTextPen(fg)
    legend.setLabelTextColor(fg)
    return fg, base


class ChartView(QWidget):
    exported = Signal(str)

    def __init__(self, display: Display, parent=None):
        super().__init__(parent)
        self.display = display
        self.ledger: Ledger | None = None
        self.as_of: str = dt.date.today().isoformat()
        # What the curves show, kept for tests and for the crosshair readout: name -> (days, cents).
        self.data: dict[str, tuple[list[str], list[int]]] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.projections: dict[str, pg.PlotDataItem] = {}
        self.deadline_lines: dict[str, pg.InfiniteLine] = {}
        self.observation_points: list[tuple[str, int, str]] = []
        self._series: dict[str, list[tuple[str, Figures]]] = {}

        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Per:"))
        self.by = QComboBox()
        for text, key in (("Authority", "authority"), ("Program", "program"), ("System type", "system_type")):
            self.by.addItem(text, key)
        self.by.setAccessibleName("Chart groups per")
        bar.addWidget(self.by)
        bar.addWidget(QLabel("Balance:"))
        self.balance = QComboBox()
        for text, attr, _key in BALANCES:
            self.balance.addItem(text, attr)
        self.balance.setAccessibleName("Balance to chart")
        bar.addWidget(self.balance)
        self.stacked = QCheckBox("Stacked")
        self.stacked.setAccessibleName("Stack the groups")
        bar.addWidget(self.stacked)
        self.projection = QCheckBox("Projections")
        self.projection.setChecked(True)
        self.projection.setAccessibleName("Show projections at the current and the needed pace")
        bar.addWidget(self.projection)
        bar.addStretch(1)
        self.png = QPushButton("Export PNG…")
        self.svg = QPushButton("Export SVG…")
        bar.addWidget(self.png)
        bar.addWidget(self.svg)
        lay.addLayout(bar)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.groups = QListWidget()
        self.groups.setAccessibleName("Groups shown in the chart")
        self.groups.setToolTip("Tick the groups to draw")
        self.split.addWidget(self.groups)

        self.plot = pg.PlotWidget(
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0), "left": MoneyAxis("left")}
        )
        self.plot.setAccessibleName("Remaining balance chart")
        item = self.plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.showGrid(x=True, y=True, alpha=0.2)
        self.legend = item.addLegend(offset=(-10, 10))
        self.split.addWidget(self.plot)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([180, 800])
        lay.addWidget(self.split, 1)

        self.readout = QLabel(" ")
        self.readout.setAccessibleName("Values under the mouse")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setWordWrap(True)
        lay.addWidget(self.readout)
        self.reported = ReportedMarkers(self, day_x)  # reported execution figures and their gap readout

        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((128, 128, 128), width=1))
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen((128, 128, 128), width=1))
        self._mouse_proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)

        self.by.currentIndexChanged.connect(self.reload)
        self.balance.currentIndexChanged.connect(self.redraw)
        self.stacked.toggled.connect(self.redraw)
        self.projection.toggled.connect(self.redraw)
        self.groups.itemChanged.connect(lambda _item: self.redraw())
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
        """Lines run on to today (or a later as-of date): a balance holds until something changes it."""
        return max(self.as_of, dt.date.today().isoformat())

    def reload(self) -> None:
        """Read the series again (after a change to the ledger or another grouping)."""
        self._series = self.ledger.series(self.by_key) if self.ledger else {}
        shown = {self.groups.item(i).text(): self.groups.item(i).checkState() for i in range(self.groups.count())}
        self.groups.blockSignals(True)
        self.groups.clear()
        for name in self._ordered_groups():
            it = QListWidgetItem(name)
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
        back.setAlpha(215)  # the legend sits over the curves: let them show through a little
        self.legend.setBrush(back)

    def redraw(self) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        self.legend.clear()
        self.data.clear()
        self.curves.clear()
        self.projections.clear()
        self.deadline_lines.clear()
        self.observation_points = []
        self.reported.clear()
        if not self.ledger or not self._series:
            return
        attr = self.balance_attr
        end = self.end_day()
        picked = self.picked()
        colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(self._ordered_groups())}
        item.setLabel("left", self.display.currency)

        if self.stacked.isChecked():
            self._draw_stacked(picked, attr, end, colour)
        else:
            for name in picked:
                points = self._series[name]
                self._curve(name, [d for d, _ in points], [getattr(f, attr) for _, f in points], end, colour[name])
        total = total_series(self._series)
        self._curve(TOTAL, [d for d, _ in total], [getattr(f, attr) for _, f in total], end, self._fg.name(), width=2)

        self._draw_deadlines(picked)
        cumulative = next(k for _t, a, k in BALANCES if a == attr) is None
        if self.projection.isChecked() and not cumulative:
            self._draw_projections(picked, attr)
        self._draw_observations()
        self.reported.draw(picked, colour, self._fg)
        item.addItem(self.vline, ignoreBounds=True)
        item.addItem(self.hline, ignoreBounds=True)
        item.enableAutoRange()

    def _curve(
        self,
        name: str,
        days: list[str],
        cents: list[int],
        end: str,
        colour: str,
        width: int = 1,
        fill: float | None = None,
        brush=None,
    ) -> pg.PlotDataItem:
        x, y = step_arrays(days, cents, end)
        self.data[name] = (days, cents)
        curve = self.plot.getPlotItem().plot(
            x, y, pen=pg.mkPen(colour, width=width), name=name, fillLevel=fill, brush=brush
        )
        self.curves[name] = curve
        return curve

    def _draw_stacked(self, picked: list[str], attr: str, end: str, colour: dict[str, str]) -> None:
        """Each group drawn on top of the ones before it; filled down to the previous layer."""
        days = sorted({d for name in picked for d, _ in self._series[name]})
        running = [0] * len(days)
        layers = []
        for name in picked:
            points = self._series[name]
            values = [getattr(value_at(points, d), attr) for d in days]
            running = [a + b for a, b in zip(running, values)]
            layers.append((name, list(running)))
        for name, cum in reversed(layers):  # the top layer first, so lower layers paint over it
            c = QColor(colour[name])
            c.setAlpha(255)  # opaque: each band shows its own colour, not a blend of the layers above
            self._curve(name, days, cum, end, colour[name], fill=0.0, brush=c)

    def _draw_deadlines(self, picked: list[str]) -> None:
        deadlines = self.ledger.deadlines(self.as_of)
        default = self.ledger.default_deadline
        shown: dict[str, list[str]] = {}
        for name, day in deadlines.items():
            if self.by_key != "authority" or name in picked:
                shown.setdefault(day, []).append(name)
        if default:
            shown.setdefault(default, []).append("default deadline")
        for i, (day, names) in enumerate(sorted(shown.items())):
            line = pg.InfiniteLine(
                pos=day_x(day),
                angle=90,
                movable=False,
                pen=pg.mkPen((200, 60, 60), width=1, style=Qt.PenStyle.DashLine),
                label=f"{', '.join(names)}",
                labelOpts={
                    "position": 0.04 + 0.3 * (i % 3),
                    "color": (200, 60, 60),
                    "rotateAxis": (1, 0),
                    "anchors": [(0, 1), (0, 1)],
                },
            )
            self.plot.getPlotItem().addItem(line, ignoreBounds=True)
            self.deadline_lines[day] = line

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
            days = min(-(-left // current), 3650)
            x = np.array([start, start + days * DAY])
            y = np.array([left / 100.0, (left - current * days) / 100.0])
            self.projections["current pace"] = item.plot(
                x,
                y,
                pen=pg.mkPen(self._fg, width=2, style=Qt.PenStyle.DashLine),
                name=f"{name} at the 30-day pace ({self.display.per_day(current)})",
            )
        if pace.deadline and pace.days_to_deadline and pace.days_to_deadline > 0:
            needed = -(-left // pace.days_to_deadline)
            x = np.array([start, day_x(pace.deadline)])
            y = np.array([left / 100.0, 0.0])
            self.projections["pace needed"] = item.plot(
                x,
                y,
                pen=pg.mkPen((200, 60, 60), width=2, style=Qt.PenStyle.DotLine),
                name=f"{name} at the pace needed ({self.display.per_day(needed)})",
            )

    def _draw_observations(self) -> None:
        key = next(k for _t, a, k in BALANCES if a == self.balance_attr)
        points = []
        for o in self.ledger.records("observation", order_by="observed_on"):
            if key and o.balance == key:
                who = f" ({o.reported_by})" if o.reported_by else ""
                points.append((o.observed_on.isoformat(), o.value_cents, f"{o.metric}{who}"))
        self.observation_points = points
        if not points:
            return
        scatter = pg.ScatterPlotItem(
            x=[day_x(d) for d, _c, _t in points],
            y=[c / 100.0 for _d, c, _t in points],
            symbol="d",
            size=9,
            brush=pg.mkBrush("#D55E00"),
            pen=pg.mkPen(self._fg),
            name="Reported balances",
        )
        self.plot.getPlotItem().addItem(scatter)
        self.curves["Reported balances"] = scatter

    # -- crosshair and export ----------------------------------------------------------------------

    def _mouse_moved(self, event) -> None:
        pos = event[0]
        vb = self.plot.getPlotItem().vb
        if not self.plot.sceneBoundingRect().contains(pos) or not self.data:
            return
        p = vb.mapSceneToView(pos)
        self.vline.setPos(p.x())
        self.hline.setPos(p.y())
        self.readout.setText(self.reading(x_day(p.x()).isoformat()))

    def reading(self, day: str) -> str:
        """The value of every drawn line on `day`, as the crosshair shows it."""
        parts = [day]
        for name, (days, cents) in self.data.items():
            i = bisect.bisect_right(days, day)
            if i:
                parts.append(f"{name}: {self.display.money(cents[i - 1])}")
        near = [t for d, c, t in self.observation_points if d == day]
        parts.extend(f"reported: {t}" for t in near)
        return "  |  ".join(parts)

    def export(self, path: str) -> None:
        import pyqtgraph.exporters as exporters

        item = self.plot.getPlotItem()
        if path.lower().endswith(".svg"):
            # pyqtgraph's SVGExporter cannot parse the path syntax Qt 6.12 writes: render through QtSvg.
            from PySide6.QtCore import QRect, QSize
            from PySide6.QtGui import QPainter
            from PySide6.QtSvg import QSvgGenerator

            size = self.plot.size()
            gen = QSvgGenerator()
            gen.setFileName(path)
            gen.setSize(QSize(size.width(), size.height()))
            gen.setViewBox(QRect(0, 0, size.width(), size.height()))
            gen.setTitle("Remaining balance")
            painter = QPainter(gen)
            self.plot.render(painter)
            painter.end()
        else:
            exp = exporters.ImageExporter(item)
            exp.parameters()["width"] = max(1200, int(self.plot.width()))
            exp.export(path)
        self.exported.emit(path)


class BarsView(QWidget):
    """Authorized, committed and disbursed per system type, with the quantities in a table."""

    def __init__(self, display: Display, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QHeaderView, QTableView

        from .rows_model import Column, RowsModel

        self.display = display
        self.ledger: Ledger | None = None
        self.as_of = dt.date.today().isoformat()
        self.values: dict[str, tuple[int, int, int]] = {}
        lay = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Vertical)
        self.split = split
        self.plot = pg.PlotWidget(axisItems={"bottom": MoneyAxis("bottom")})
        self.plot.setAccessibleName("Authorized versus disbursed by system type")
        self.legend = self.plot.getPlotItem().addLegend(offset=(-10, -10))
        split.addWidget(self.plot)
        money = display.money
        self.model = RowsModel(
            [
                Column("System type", lambda r: r[0]),
                Column("Authorized", lambda r: r[1], money, True, display.full),
                Column("Committed", lambda r: r[2], money, True, display.full),
                Column("Disbursed", lambda r: r[3], money, True, display.full),
                Column("Undelivered", lambda r: r[2] - r[3], money, True, display.full),
                Column("Quantity in packages", lambda r: quantity_text(r[4], False), tip=lambda t: t),
                Column("Quantity delivered", lambda r: quantity_text(r[4], True), tip=lambda t: t),
                Column("Reported share delivered", lambda r: r[5], share_text, tip=share_tip),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Figures and quantities by system type")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.table)
        self.shares = ReportedShares()  # reported delivered shares beside the derived ones
        split.addWidget(self.shares)
        lay.addWidget(split)
        note = QLabel(
            "Values that packages do not split by system type stay in Unallocated, as do authorities and "
            "disbursements not attributed to a package. Quantities are added up per unit; lines without a unit are "
            "counted, not added up. A reported share is the source's, never computed into the bars."
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        self.apply_palette()

    def apply_palette(self) -> None:
        style_plot(self.plot, self.legend)

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self.refresh()

    def set_as_of(self, as_of: str) -> None:
        self.as_of = as_of
        self.refresh()

    def refresh(self) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        self.legend.clear()
        if not self.ledger:
            self.model.set_rows([])
            return
        s = self.ledger.summary(self.as_of, "system_type")
        qty = self.ledger.quantities_by_unit()
        shares = [(f, d) for f, d in self.ledger.reported_shares() if f.reported_on.isoformat() <= self.as_of]
        self.shares.refresh(self.ledger, shares)
        share = latest_share_by_type(shares, self.shares.names)
        rows = []
        for g in s.groups:
            f = g.figures
            rows.append((g.name, f.authorized_cents, f.committed_cents, f.disbursed_cents, qty.get(g.name, []), share.get(g.name)))
        for name, q in qty.items():
            if name not in {r[0] for r in rows}:
                rows.append((name, 0, 0, 0, q, share.get(name)))
        self.model.set_rows(rows)
        self.values = {r[0]: (r[1], r[2], r[3]) for r in rows}
        n = len(rows)
        ys = np.arange(n, dtype=float)[::-1]
        h = 0.27
        for i, (label, colour) in enumerate(
            (("Authorized", "#999999"), ("Committed", "#0072B2"), ("Disbursed", "#E69F00"))
        ):
            widths = np.array([r[1 + i] / 100.0 for r in rows])
            bars = pg.BarGraphItem(
                x0=np.zeros(n),
                y=ys + (1 - i) * h,
                width=widths,
                height=h * 0.9,
                brush=colour,
                pen=pg.mkPen(None),
                name=label,
            )
            item.addItem(bars)
        item.getAxis("left").setTicks([[(float(y), r[0]) for y, r in zip(ys, rows)], []])
        item.setLabel("bottom", s.currency)
        item.enableAutoRange()
