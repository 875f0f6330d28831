"""Asking before a change that raises warnings is written (real data does this sometimes)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from ledger.errors import Problem
from ledger.problem_summary import said_once

LINES = 16  # of problems in the question: it must fit a laptop's screen, whatever an import raises

# Confirmation asked before writing a change that raises warnings: (parent, problems) -> accept?
Confirm = Callable[[QWidget | None, list[Problem]], bool]


def ask_accept_warnings(parent: QWidget | None, problems: list[Problem]) -> bool:
    text = "\n".join(f"• {line}" for _, line in said_once(problems, lines=LINES))
    answer = QMessageBox.question(
        parent,
        "Write despite warnings?",
        f"This change raises warnings:\n\n{text}\n\nReal data does this sometimes. Write it anyway?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
