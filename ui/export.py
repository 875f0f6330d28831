"""Export the ledger to a workbook on a worker thread, with progress and Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ledger import desktop
from ledger.service import Ledger

from .errors import show_problem, show_unexpected
from .worker import run_with_progress


def export_file(parent: QWidget | None, ledger: Ledger, target: str, on_start=None) -> dict:
    """Write `ledger` to `target`. The worker opens its own read-only Ledger on the same file."""
    source = ledger.where

    def work(progress, cancelled):
        with Ledger.open(source, readonly=True) as own:
            return desktop.export_workbook(own, target, progress=progress, cancelled=cancelled)

    return run_with_progress(parent, f"Exporting to {Path(target).name}…", work, on_start)


def export_with_dialog(parent: QWidget, ledger: Ledger) -> None:
    default = str(Path.home() / (Path(ledger.where).stem + ".xlsx"))
    target, _ = QFileDialog.getSaveFileName(parent, "Export workbook", default, "Excel workbook (*.xlsx)")
    if not target:
        return
    if not target.lower().endswith(".xlsx"):
        target += ".xlsx"
    outcome = export_file(parent, ledger, target)
    if outcome["ok"]:
        QMessageBox.information(parent, "Export", f"Exported {outcome['result'].total:,} records to {target}")
    elif outcome["details"]:
        show_unexpected(parent, RuntimeError(outcome["message"]), outcome["details"])
    else:
        show_problem(parent, "Export", outcome["message"])
