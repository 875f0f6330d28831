"""Preferences: date order for typed dates, how amounts are shown, the ledger's default deadline."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ledger.dates import DateError, parse_date
from ledger.service import Ledger

from .settings import DATE_ORDER_CHOICES, Settings


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, ledger: Ledger | None, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.ledger = ledger
        self.setWindowTitle("Preferences")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.date_order = QComboBox()
        for text, key, _day_first in DATE_ORDER_CHOICES:
            self.date_order.addItem(text, key)
        self.date_order.setCurrentIndex(self.date_order.findData(settings.date_order))
        self.date_order.setAccessibleName("Date order")
        form.addRow("Date order:", self.date_order)
        self.currency = QComboBox()
        self.currency.addItem("Short (USD 7.1 B)", "short")
        self.currency.addItem("Full (USD 7,100,000,000.00)", "full")
        self.currency.setCurrentIndex(self.currency.findData(settings.currency_display))
        self.currency.setAccessibleName("Currency display")
        form.addRow("Amounts:", self.currency)
        self.deadline = QLineEdit(ledger.default_deadline or "" if ledger else "")
        self.deadline.setPlaceholderText("e.g. 2025-01-20 (empty: none)")
        self.deadline.setAccessibleName("Default deadline of this ledger")
        self.deadline.setEnabled(ledger is not None and not ledger.readonly)
        form.addRow("Default deadline (this ledger):", self.deadline)
        lay.addLayout(form)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #c0392b")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def try_accept(self) -> None:
        deadline = None
        text = self.deadline.text().strip()
        if text:
            try:
                deadline = parse_date(text, self.settings.day_first).isoformat()
            except DateError as exc:
                self.message.setText(f"Default deadline: {exc}")
                return
        self.settings.date_order = self.date_order.currentData()
        self.settings.currency_display = self.currency.currentData()
        if self.ledger is not None and not self.ledger.readonly and deadline != self.ledger.default_deadline:
            self.ledger.set_meta("default_deadline", deadline)
        self.accept()
