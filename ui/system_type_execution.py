"""By system type: committed and delivered quantities per unit, and the delivered shares sources
reported, beside the derived figures (rounds and launchers are never one number; a reported share
is never computed into the bars)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ledger.model import ReportedFigure
from ledger.service import Ledger

from .rows_model import Column, RowsModel

SEVERAL = "(several or none named)"


def share_text(fig: ReportedFigure | None) -> str:
    return f"{fig.percent} % ({fig.reported_on.isoformat()})" if fig else ""


def share_tip(fig: ReportedFigure | None) -> str:
    if fig is None:
        return ""
    return "\n".join(p for p in (f"{fig.percent} % delivered as of {fig.reported_on.isoformat()}", fig.scope,
                                   fig.reported_by and f"Reported by {fig.reported_by}") if p)


def latest_share_by_type(shares: list[tuple[ReportedFigure, float | None]], names: dict[int, str]) -> dict[str, ReportedFigure]:
    """The latest reported share per system type name (shares come latest first)."""
    out: dict[str, ReportedFigure] = {}
    for fig, _derived in shares:
        if fig.system_type_id is not None:
            out.setdefault(names.get(fig.system_type_id, ""), fig)
    return out


class ReportedShares(QWidget):
    """Every reported delivered share, with its scope, date, source and the derived share by value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("<b>Delivered shares reported</b> (beside the derived share by value, where the ledger has values by type)"))
        self.names: dict[int, str] = {}
        self.sources: dict[int, str] = {}
        self.model = RowsModel(
            [
                Column("System type", lambda r: self.names.get(r[0].system_type_id, SEVERAL)),
                Column("Reported", lambda r: r[0].percent, lambda v: f"{v} %", True),
                Column("Derived", lambda r: r[1], lambda v: "no values by type" if v is None else f"{v:.0f} %", True),
                Column("As of", lambda r: r[0].reported_on.isoformat()),
                Column("Program", lambda r: r[0].program),
                Column("Scope", lambda r: r[0].scope or "", tip=lambda t: t),
                Column("Reported by", lambda r: r[0].reported_by or ""),
                Column("Source", lambda r: self.sources.get(r[0].source_id, ""), tip=lambda t: t),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Delivered shares reported by system type")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)

    def refresh(self, ledger: Ledger | None, shares: list[tuple[ReportedFigure, float | None]]) -> None:
        if ledger:
            self.names = ledger.labels("system_type", [f.system_type_id for f, _ in shares])
            self.sources = ledger.labels("source", [f.source_id for f, _ in shares])
        self.model.set_rows(shares)
        self.setVisible(bool(shares))
