"""By system type: authorized, committed and disbursed per system type as bars, with the quantities
and the reported shares in a table beside them."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ledger.service import Ledger  # noqa: E402

from . import (
    quantities,  # noqa: E402
)
from .fmt import Display  # noqa: E402
from .plotting import MoneyAxis, style_plot  # noqa: E402
from .quantities import quantity_text  # noqa: E402
from .row_names import RowNames, freeze_first_column  # noqa: E402
from .system_type_execution import ReportedShares, latest_share_by_type, share_text, share_tip  # noqa: E402


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
                Column("Quantity in packages", lambda r: r[4], quantity_text, True),
                Column("Quantity delivered", lambda r: r[5], quantity_text, True),
                Column("Reported share delivered", lambda r: r[6], share_text, tip=share_tip),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(RowNames(self))
        self.table.model().setSourceModel(self.model)
        self.table.setAccessibleName("Figures and quantities by system type")
        freeze_first_column(self.table)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.table)
        self.shares = ReportedShares()  # reported delivered shares beside the derived ones
        split.addWidget(self.shares)
        split.setSizes([330, 250, 140])  # the table's rows matter as much as the bars; the shares below them
        lay.addWidget(split)
        note = QLabel(
            "Values that packages do not split by system type stay in Unallocated, as do authorities and "
            "disbursements not attributed to a package. Quantities are added per unit: rounds apart from systems and items (a line "
            "without a unit is read from its description, e.g. '155mm rounds'). A reported share is the source's, never computed into the bars."
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
        qty = quantities.by_system_type(self.ledger)
        shares = [(f, d) for f, d in self.ledger.reported_shares() if f.reported_on.isoformat() <= self.as_of]
        self.shares.refresh(self.ledger, shares)
        share = latest_share_by_type(shares, self.shares.names)
        rows = []
        for g in s.groups:
            f = g.figures
            q = qty.get(g.name, ({}, {}))
            rows.append((g.name, f.authorized_cents, f.committed_cents, f.disbursed_cents, q[0], q[1], share.get(g.name)))
        for name, q in qty.items():
            if name not in {r[0] for r in rows}:
                rows.append((name, 0, 0, 0, q[0], q[1], share.get(name)))
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
