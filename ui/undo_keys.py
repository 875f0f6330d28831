"""Undo and redo reach the window's Edit menu from anywhere but a text editor being edited.

Qt lets the focused widget claim a shortcut first (ShortcutOverride): a QDateEdit claims Ctrl+Z for its
own text, so with the As-of field focused the ledger's Undo never fired and nothing said why. This filter
refuses the claim for every widget except a text editor the user is typing in (a search box, a form
field, a table cell being edited), which keeps its own undo of the typing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit

KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def is_text_editing(widget) -> bool:
    """A writable text editor with focus, not the text part of a date or number field."""
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly() and not isinstance(widget.parent(), QAbstractSpinBox)
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return False


class UndoKeys(QObject):
    """Install on the application; `owner` is the main window whose shortcuts should win."""

    def __init__(self, owner):
        super().__init__(owner)
        self.owner = owner

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not hasattr(event, "matches"):
            return False
        if not any(event.matches(k) for k in KEYS) and event.keyCombination().toCombined() != _REDO_ALT:
            return False
        if getattr(obj, "window", None) is None or obj.window() is not self.owner or is_text_editing(obj):
            return False
        return True  # not accepted: the window's Undo/Redo shortcut fires


_REDO_ALT = QKeySequence("Ctrl+Shift+Z")[0].toCombined()
