"""The dashboard's execution table: per authority and program, the latest reported figure of each
measure beside the derived figure of the same measure and scope on that date, with its source and
the gap. Reported and derived figures are never added together: this is where they meet."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ledger.execution import DERIVED, DERIVED_LABEL, Comparison
from ledger.model import NOT_ATTRIBUTED
from ledger.service import Ledger

from .fmt import Display
from .rows_model import Column, RowsModel


def _short(text: str, width: int = 48) -> str:
    """Long titles cut for the table; the tooltip holds the whole."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} %"


class ExecutionPanel(QWidget):
    def __init__(self, display: Display, parent=None):
        super().__init__(parent)
        self.display = display
        self.ledger: Ledger | None = None
        self.rows: list[Comparison] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("<b>Reported beside derived</b>")
        lay.addWidget(self.title)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.model = RowsModel(
            [
                Column("Scope", lambda c: f"{c.scope}, {c.system_type}" if c.system_type else c.scope),
                Column("Measure", lambda c: c.measure, tip=lambda m: _MEANING.get(m, "")),
                Column("Reported", self.reported_text, right=True, tip=lambda _t: "As the source said it"),
                Column("As of", lambda c: c.reported.reported_on.isoformat()
                       + (f" ({c.reported.date_precision})" if c.reported.date_precision not in (None, "exact") else "")),
                Column("Derived", self.derived_text, right=True,
                       tip=lambda _t: "The ledger's own figure of the same measure and scope on the reported date"),
                Column("Gap", self.gap_text, right=True, tip=lambda _t: "Derived minus reported"),
                Column("Confidence", lambda c: c.reported.confidence or ""),
                Column("Source", lambda c: c.source or "", _short, tip=lambda t: t),
                Column("Reported by", lambda c: c.reported.reported_by or "", _short, tip=lambda t: t),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Reported execution figures beside the derived ones")
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        lay.addWidget(self.table, 1)

    def reported_text(self, c: Comparison) -> str:
        if c.reported.value_cents is None:
            return _percent(c.reported.percent)
        return self.display.money(c.reported.value_cents)

    def derived_text(self, c: Comparison) -> str:
        attr = DERIVED[c.measure]
        if c.measure == "delivered share":
            return _percent(c.derived_percent) if c.derived_percent is not None else "no values by system type"
        if attr is None:
            return "none (a budget step)"
        return f"{self.display.money(c.derived_cents)} {DERIVED_LABEL[attr]}"

    def gap_text(self, c: Comparison) -> str:
        if c.gap_percent is not None:
            return f"{c.gap_percent:+.0f} points"
        return "" if c.gap_cents is None else self.display.money(c.gap_cents)

    def refresh(self, ledger: Ledger | None, as_of: str) -> None:
        self.ledger = ledger
        self.rows = ledger.execution_comparisons(as_of) if ledger else []
        self.model.set_rows(self.rows)
        self.setVisible(bool(self.rows))
        unattributed = ledger.scope_disbursed(as_of) if ledger else 0  # not per package: no delivery read
        parts = ["The latest figure each source reported by the as-of date, beside the ledger's own; never added to it."]
        if unattributed:
            parts.append(f"{NOT_ATTRIBUTED}: {self.display.money(unattributed)} disbursed against an authority or a "
                         "program, as the sources give it (counted in Disbursed).")
        self.note.setText(" ".join(parts))


_MEANING = {
    "obligated": "Put under a binding order or contract; compared with committed",
    "distributed": "Passed to the components that spend it: a budget step, not a payment",
    "disbursed": "Paid out; compared with disbursed",
    "delivered": "Value of what was delivered; compared with disbursed",
    "delivered share": "Share of what was promised that arrived",
    "remaining funds": "Left to commit; compared with remaining authority",
}
