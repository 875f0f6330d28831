"""Sizes that fit the screen a window opens on: a 1024x600 laptop has less room than a dialog's
comfortable size, and a window taller than the screen hides its buttons below the bottom edge
(without a window manager, nothing moves or shrinks it)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME_ROOM = QSize(16, 48)  # a window manager's title bar and borders, kept free


def room(widget: QWidget) -> QRect | None:
    """The screen's available area for `widget` (its parent's screen before it is shown), or None."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen else None
    return None if area is None or area.isEmpty() else area


def fitted(widget: QWidget, width: int, height: int) -> QSize:
    """`width` x `height`, or less where the screen is smaller, leaving room for the frame."""
    area = room(widget)
    if area is None:
        return QSize(width, height)
    return QSize(min(width, area.width() - FRAME_ROOM.width()), min(height, area.height() - FRAME_ROOM.height()))
