"""Long work (import, export) off the GUI thread, with progress and Cancel.

The core takes plain callables `progress(done, total)` and `cancelled()`; this wraps them in a QThread
and hands results back through signals, which Qt delivers on the GUI thread. A SQLite connection
lives on the thread that opened it, so the work function opens its own Ledger on the same path.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from ledger.errors import LedgerError, WarningsNotAccepted

log = logging.getLogger("aid_ledger.ui")


class Cancelled(Exception):
    """The user pressed Cancel; the work stopped and changed nothing."""


class Worker(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str, str)  # message, details (a traceback for unexpected errors, else "")
    # Why the work stopped, for callers that act on it (warnings to confirm, rows rejected).
    problems: list = []
    rejected: list = []

    def __init__(self, work: Callable[[Callable[[int, int], None], Callable[[], bool]], Any], parent=None):
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._work(lambda done, total: self.progressed.emit(int(done), int(total)), self.is_cancelled)
        except Cancelled:
            self.failed.emit("Cancelled: nothing was changed", "")
        except LedgerError as exc:
            self.problems = list(exc.problems) if isinstance(exc, WarningsNotAccepted) else []
            self.rejected = list(getattr(exc, "rejected", []) or [])
            self.failed.emit("Cancelled: nothing was changed" if self.is_cancelled() else str(exc), "")
        except Exception as exc:  # noqa: BLE001 - shown to the user with details, and logged
            log.exception("background work failed")
            self.failed.emit(f"Unexpected error: {exc}", traceback.format_exc())
        else:
            self.succeeded.emit(result)  # finished before it saw Cancel: what was done is done


class _Relay(QObject):
    """Lives on the GUI thread, so the worker's signals reach the dialog through queued calls."""

    def __init__(self, dialog: QProgressDialog):
        super().__init__(dialog)
        self.dialog = dialog
        self.outcome: dict[str, Any] = {}

    @Slot(int, int)
    def progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    @Slot(object)
    def succeeded(self, result: Any) -> None:
        self.outcome = {"ok": True, "result": result}

    @Slot(str, str)
    def failed(self, message: str, details: str) -> None:
        self.outcome = {"ok": False, "message": message, "details": details}


def run_with_progress(parent: QWidget | None, title: str, work, on_start=None) -> dict[str, Any]:
    """Run `work(progress, cancelled)` on a worker thread behind a progress dialog with Cancel.

    Returns {"ok": True, "result": ...} or {"ok": False, "message": ..., "details": ...}. `on_start`
    receives the worker before it starts (tests use it to press Cancel).
    """
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    relay = _Relay(dialog)
    worker = Worker(work)
    worker.progressed.connect(relay.progressed)
    worker.succeeded.connect(relay.succeeded)
    worker.failed.connect(relay.failed)
    dialog.canceled.connect(worker.cancel)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    if on_start:
        on_start(worker)
    worker.start()
    loop.exec()
    worker.wait()
    QApplication.processEvents()  # deliver the queued result
    outcome = relay.outcome or {"ok": False, "message": "The work stopped without a result", "details": ""}
    if not outcome["ok"]:
        outcome.update(problems=worker.problems, rejected=worker.rejected)
    dialog.close()
    dialog.deleteLater()
    return outcome
