"""Long work (import, export) off the GUI thread, with progress and Cancel.

The core takes plain callables `progress(done, total)` and `cancelled()`; the worker runs it on a
Python thread and only records progress and the outcome in plain attributes. The GUI thread polls
them with a timer: nothing crosses threads through Qt, and no widget is touched from the worker.
(PySide 6.12 corrupts a reference count when a thread emits many signals, and the process aborts at
exit; polling also caps progress updates at the timer's rate.) A SQLite connection lives on the
thread that opened it, so the work function opens its own Ledger on the same path.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from ledger.errors import LedgerError, Problem

log = logging.getLogger("aid_ledger.ui")

CANCELLED = "Cancelled: nothing was changed"
POLL_MS = 50


@dataclass(frozen=True)
class WorkOutcome:
    """How long work ended: its result, or why not, with every problem the core raised (errors of a
    ValidationError, or warnings to accept) and the rows an import rejected."""

    ok: bool
    result: Any = None
    message: str = ""
    details: str = ""  # a traceback: the work failed in a way no message foresaw
    problems: tuple[Problem, ...] = ()
    rejected: tuple = ()

    @property
    def warnings_only(self) -> bool:
        """Only warnings stopped it: accepting them and running again would write it."""
        return bool(self.problems) and all(p.level == "warning" for p in self.problems)


class Worker:
    """Runs `work(progress, cancelled)` once on its own thread; read `outcome` when `done` is set."""

    def __init__(self, work: Callable[[Callable[[int, int], None], Callable[[], bool]], Any]):
        self._work = work
        self._cancel = threading.Event()
        self.done = threading.Event()
        self.progress: tuple[int, int] = (0, 0)
        self.outcome: WorkOutcome | None = None
        self._thread = threading.Thread(target=self._run, name="aid-ledger-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report(self, done: int, total: int) -> None:
        self.progress = (int(done), int(total))  # one tuple assignment: read whole by the GUI thread

    def _run(self) -> None:
        try:
            result = self._work(self._report, self.is_cancelled)
        except LedgerError as exc:
            self.outcome = WorkOutcome(
                False,
                message=CANCELLED if self.is_cancelled() else str(exc),
                problems=tuple(getattr(exc, "problems", None) or ()),  # ValidationError, WarningsNotAccepted
                rejected=tuple(getattr(exc, "rejected", None) or ()),
            )
        except Exception as exc:  # noqa: BLE001 - shown to the user with details, and logged
            log.exception("background work failed")
            self.outcome = WorkOutcome(False, message=f"Unexpected error: {exc}", details=traceback.format_exc())
        else:
            # Finished before it saw Cancel: what was done is done, and is reported as such.
            self.outcome = WorkOutcome(True, result)
        finally:
            self.done.set()


def run_with_progress(parent: QWidget | None, title: str, work, on_start=None) -> WorkOutcome:
    """Run `work(progress, cancelled)` on a worker thread behind a progress dialog with Cancel.
    `on_start` receives the worker before it starts (tests use it to press Cancel).
    """
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = Worker(work)
    dialog.canceled.connect(worker.cancel)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)

    def poll() -> None:
        done, total = worker.progress
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if worker.done.is_set():
            loop.quit()

    timer.timeout.connect(poll)
    if on_start:
        on_start(worker)
    worker.start()
    timer.start()
    if not worker.done.is_set():
        loop.exec()
    timer.stop()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    return worker.outcome or WorkOutcome(False, message="The work stopped without a result")
