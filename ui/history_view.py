"""The visible history: every action with its state (done, undone, abandoned), newest first."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from ledger.service import Ledger

NO_PARENT = QModelIndex()  # the invisible root: these models are flat tables

ROLE_ACTION = Qt.ItemDataRole.UserRole


class HistoryModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.actions = []

    def set_ledger(self, ledger: Ledger | None, limit: int = 500) -> None:
        self.beginResetModel()
        self.actions = ledger.history(limit) if ledger else []
        self.endResetModel()

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.actions)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.actions)):
            return None
        a = self.actions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = "" if a.state == "done" else f"  [{a.state}]"
            changes = f"{a.changes:,} change" + ("" if a.changes == 1 else "s")
            return f"{a.label}{state}\n{a.at.replace('T', ' ')[:16]}, {changes}"
        if role == Qt.ItemDataRole.FontRole and a.state != "done":
            font = QFont()
            font.setItalic(True)
            font.setStrikeOut(a.state == "abandoned")
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                "done": "Done: Undo takes back the newest done action",
                "undone": "Undone: Redo brings it back",
                "abandoned": "Undone, then replaced by a newer change: kept for the record",
            }.get(a.state)
        if role == ROLE_ACTION:
            return a
        return None


class HistoryPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.hint = QLabel("Every change is saved as it happens. Undo: Ctrl+Z, Redo: Ctrl+Shift+Z.")
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        self.model = HistoryModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("History of changes")
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(True)
        lay.addWidget(self.view, 1)

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.model.set_ledger(ledger)
