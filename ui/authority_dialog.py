"""A small form for the authority packages draw on, filled in from what an import found (the import
wizard offers it when the preview has packages without one)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ledger.dates import DateError, parse_date
from ledger.model import Authority
from ledger.money import AmountError, format_cents, parse_amount

__all__ = ["AuthorityDialog"]


class AuthorityDialog(QDialog):
    def __init__(self, parent: QWidget | None, suggestion: dict, currency: str):
        super().__init__(parent)
        self.setWindowTitle("Create authority")
        lay = QVBoxLayout(self)
        intro = QLabel("The authority the packages draw on: the ceiling that may be committed, from a date, "
                       "until a deadline. The values come from the preview; check them against your source.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.program = QLineEdit(suggestion.get("program", ""))
        self.program.setPlaceholderText("e.g. PDA, USAI")
        self.name = QLineEdit(suggestion.get("name", ""))
        self.amount = QLineEdit(format_cents(suggestion.get("amount_cents", 0), currency, short=False).split(" ", 1)[-1])
        self.amount.setPlaceholderText("e.g. 7.8B or 7,800,000,000")
        first = suggestion.get("available_from")
        self.available_from = QLineEdit(first.isoformat() if first else "")
        self.expires_on = QLineEdit("")
        self.expires_on.setPlaceholderText("optional, e.g. 2024-09-30")
        for label, edit, name in (("Program:", self.program, "Program"), ("Name:", self.name, "Name"),
                                  (f"Amount ({currency}):", self.amount, "Amount"), ("Available from:", self.available_from, "Available from"),
                                  ("Expires:", self.expires_on, "Expires")):
            edit.setAccessibleName(name)
            form.addRow(label, edit)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay.addWidget(buttons)

    def record(self) -> Authority:
        """The authority as typed; ValueError says what is wrong, in the form's words."""
        program, name = self.program.text().strip(), self.name.text().strip()
        if not program:
            raise ValueError("Program is required")
        if not name:
            raise ValueError("Name is required")
        try:
            amount = parse_amount(self.amount.text())
        except AmountError as exc:
            raise ValueError(f"Amount: {exc}") from None
        try:
            start = parse_date(self.available_from.text())
            end = parse_date(self.expires_on.text()) if self.expires_on.text().strip() else None
        except DateError as exc:
            raise ValueError(f"a date: {exc}") from None
        return Authority(program, name, amount, start, end)

    def _accept(self) -> None:
        try:
            self.record()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
