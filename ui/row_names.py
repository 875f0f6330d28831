"""A table's first column shown as its row headers, so the names stay in view when it scrolls sideways.

Wrap any flat model in `RowNames` and call `freeze_first_column(view)`: the view hides column 0 and
its vertical header gives each row's name (the proxy changes nothing else of the model).
"""

from __future__ import annotations

from PySide6.QtCore import QIdentityProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QTableView


class RowNames(QIdentityProxyModel):
    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical and self.sourceModel() is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.sourceModel().index(section, 0).data()
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.sourceModel().index(section, 0).data(role)
        return super().headerData(section, orientation, role)


def freeze_first_column(view: QTableView) -> None:
    """Column 0 as row headers, one line per row (figures never wrap)."""
    view.setColumnHidden(0, True)
    header = view.verticalHeader()
    header.setVisible(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setWordWrap(False)
