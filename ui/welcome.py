"""First run: start from the sample, an empty ledger, a workbook, or an existing file."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ledger import APP_NAME


class Welcome(QWidget):
    sample = Signal()
    empty = Signal()
    import_workbook = Signal()
    open_file = Signal()

    def __init__(self, default_path: str, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        title = QLabel(f"Welcome to {APP_NAME}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        text = QLabel(
            "A ledger of authorized, committed and disbursed aid, kept on this computer.\n"
            f"New ledgers are saved in {default_path}; every change is saved as it happens."
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.buttons = {}
        for key, label, tip, signal in (
            (
                "sample",
                "Open the sample ledger",
                "US aid to Ukraine 2021-2025 from the bundled reference data",
                self.sample,
            ),
            ("empty", "Start an empty ledger", "A new ledger with the default system types", self.empty),
            ("import", "Import a workbook…", "Start a ledger from an Excel workbook or CSV file", self.import_workbook),
            ("open", "Open a ledger file…", "An .aidledger file from elsewhere", self.open_file),
        ):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.setAccessibleName(label.rstrip("…"))
            button.setMinimumWidth(320)
            button.setMinimumHeight(40)
            button.clicked.connect(signal.emit)
            lay.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons[key] = button
        lay.addStretch(2)
