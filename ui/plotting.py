"""What the chart and the bars share: days as x (seconds since 1970, UTC midnight), step arrays of a
balance, money on an axis, colours and swatches, the plot's palette, the deadline axis and canvas."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
)

from ledger.money import format_cents  # noqa: E402

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
PROJECTION_MARGIN_DAYS = 180  # how far past the deadline a projection is drawn
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


def swatch(colour: str) -> QIcon:
    """A short thick line in a group's colour: the group list doubles as the chart's legend."""
    pix = QPixmap(18, 12)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.fillRect(1, 4, 16, 4, QColor(colour))
    painter.end()
    return QIcon(pix)


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


class DeadlineAxis(pg.AxisItem):
    """The top axis naming deadlines: a name that would run into the one before it goes on a second
    row, so two deadlines close together (an authority's and the default) stay readable; a name near
    an end of the axis is moved inwards rather than cut at the edge of the image."""

    def __init__(self):
        super().__init__("top")
        self.rows = 1

    def generateDrawSpecs(self, p):
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        ends = [float("-inf"), float("-inf")]
        placed = []
        rows = 1
        room = self.mapRectFromParent(self.geometry())
        for rect, flags, text in sorted(texts, key=lambda t: t[0].left()):
            if rect.right() > room.right():
                rect = rect.translated(room.right() - rect.right(), 0)
            if rect.left() < room.left():
                rect = rect.translated(room.left() - rect.left(), 0)
            row = 0 if rect.left() >= ends[0] + 6 else 1
            if row == 1:
                rect = rect.translated(0, -rect.height())
                rows = 2
            ends[row] = rect.right()
            placed.append((rect, flags, text))
        if rows != self.rows:
            self.rows = rows
            self._updateHeight()
        return axis, ticks, placed

    def _updateHeight(self):
        super()._updateHeight()
        if getattr(self, "rows", 1) > 1 and self.style["showValues"]:
            h = self.maximumHeight() + self.textHeight
            self.setMaximumHeight(h)
            self.setMinimumHeight(h)


class ChartCanvas(pg.GraphicsLayoutWidget):
    """Title, plot and legend in one scene: the legend sits below the plot (never over the data) and an
    exported image carries all three."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = self.ci.addLabel("", row=0, col=0)
        self.item = self.ci.addPlot(
            row=1,
            col=0,
            axisItems={
                "bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0),
                "left": MoneyAxis("left"),
                "top": DeadlineAxis(),
            },
        )
        self.legend = pg.LegendItem(colCount=4)
        self.ci.addItem(self.legend, row=2, col=0)

    def getPlotItem(self):
        return self.item

    def fit_legend(self) -> None:
        """As many legend columns as fit the width (a wide legend would push the plot out of view)."""
        legend = getattr(self, "legend", None)  # resizeEvent also comes while the base class is built
        items = legend.items if legend is not None else []
        if not items:
            return
        widest = max(label.boundingRect().width() for _sample, label in items) + 40
        columns = max(1, min(4, int((self.width() - 40) // max(widest, 1))))
        if columns != legend.columnCount:
            legend.setColumnCount(columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_legend()
