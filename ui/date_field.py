"""A date field that takes a whole date typed over its selection (select all, type 2024-06-30).

QDateEdit edits a date a section at a time: typing over the whole text puts the first digit in the year
section, rejects it and scatters the rest. Here, typing over a full selection collects the characters
and the date is taken when it is complete (ten characters), on Enter (2024-6-3 is read too), or when focus leaves; Escape or an
unreadable date puts back the date shown before. Arrow keys, the calendar and section editing work as
in any QDateEdit; Tab moves to the next control rather than the next section.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QWidget

FORMAT = "yyyy-MM-dd"


class DateField(QDateEdit):
    def __init__(self, date: QDate, parent=None):
        super().__init__(date, parent)
        self.setDisplayFormat(FORMAT)
        self.setCalendarPopup(True)
        self._typed: str | None = None  # characters typed over a full selection, not yet taken

    def keyPressEvent(self, event) -> None:
        text = event.text()
        edit = self.lineEdit()
        if self._typed is None and text and (text.isdigit() or text == "-") and edit.selectedText() == edit.text():
            self._typed = ""
        if self._typed is not None:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                self._take()
                if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                    super().keyPressEvent(event)
                return
            if event.key() == Qt.Key.Key_Escape:
                self._drop()
                return
            if event.key() == Qt.Key.Key_Backspace:
                self._typed = self._typed[:-1]
            elif text and (text.isdigit() or text == "-"):
                self._typed += text
            else:
                return
            self._show(self._typed)
            if len(self._typed) >= len(FORMAT):
                self._take()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # QDateEdit spends Tab on moving between its sections; here Tab leaves the field, as in every
        # other control (Left and Right still move between year, month and day).
        return QWidget.focusNextPrevChild(self, next)

    def focusOutEvent(self, event) -> None:
        if self._typed is not None:
            self._take()
        super().focusOutEvent(event)

    def _take(self) -> None:
        typed, self._typed = self._typed, None
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", typed or "")
        day = QDate(int(m[1]), int(m[2]), int(m[3])) if m else QDate()
        if day.isValid():
            self.setDate(day)
        self._show(self.date().toString(FORMAT))
        self.selectAll()

    def _drop(self) -> None:
        self._typed = None
        self._show(self.date().toString(FORMAT))
        self.selectAll()

    def _show(self, text: str) -> None:
        """Show `text` without QDateEdit reading it as a date while it is half typed."""
        edit = self.lineEdit()
        edit.blockSignals(True)
        edit.setText(text)
        edit.blockSignals(False)
