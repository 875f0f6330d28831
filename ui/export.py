"""Export the ledger to a workbook on a worker thread, with progress and Cancel; the window stays
responsive, and the actions given as `blocks` wait until the export has ended."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ledger import desktop
from ledger.service import Ledger

from .errors import show_problem, show_unexpected
from .worker import Job, WorkOutcome, start_work


def export_file(parent: QWidget | None, ledger: Ledger, target: str, done=None, blocks=(), on_start=None) -> Job:
    """Start writing `ledger` to `target`; `done(outcome)` runs on the GUI thread when it ends. The
    worker opens its own read-only Ledger on the same file."""
    source = ledger.where

    def work(progress, cancelled):
        with Ledger.open(source, readonly=True) as own:
            return desktop.export_workbook(own, target, progress=progress, cancelled=cancelled)

    return start_work(parent, f"Exporting to {Path(target).name}…", work, done, blocks, on_start)


def export_with_dialog(parent: QWidget, ledger: Ledger, blocks=()) -> Job | None:
    default = str(Path.home() / (Path(ledger.where).stem + ".xlsx"))
    target, _ = QFileDialog.getSaveFileName(parent, "Export workbook", default, "Excel workbook (*.xlsx)")
    if not target:
        return
    if not target.lower().endswith(".xlsx"):
        target += ".xlsx"

    def done(outcome: WorkOutcome) -> None:
        if outcome.ok:
            QMessageBox.information(parent, "Export", f"Exported {outcome.result.total:,} records to {target}")
        elif outcome.details:
            show_unexpected(parent, RuntimeError(outcome.message), outcome.details)
        else:
            show_problem(parent, "Export", outcome.message)

    return export_file(parent, ledger, target, done, blocks)
