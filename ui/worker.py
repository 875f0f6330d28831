"""Long work (import, export) off the GUI thread, with progress and Cancel.

`start_work` returns at once; the outcome comes back later on the GUI thread (the `done` callback and
`Job.finished`), so callers continue there instead of waiting for a result in a nested event loop.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
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


class Job(QObject):
    """Long work started from the GUI: `work(progress, cancelled)` runs on a `Worker` thread behind a
    progress dialog with Cancel, and its `WorkOutcome` comes back on the GUI thread, through `done`
    and the `finished` signal, after the caller has returned: no event loop runs inside the caller,
    so a timer or a click can never run ledger work in the middle of another piece of it.

    The dialog is not modal: the window keeps painting and answering, and the controls given as
    `blocks` (those that would start conflicting work) are disabled until the outcome is in, then
    given back the state they had. Work that cannot stop part-way (`cancellable=False`: one
    transaction with no steps to check between) shows no Cancel button; work without a `title` (the
    daily backup) shows no dialog at all.
    """

    finished = Signal(object)  # the WorkOutcome, emitted on the GUI thread

    def __init__(self, parent: QObject | None, title: str | None, work, done: Callable[[WorkOutcome], None] | None = None,
                 blocks: Iterable[QWidget | QAction] = (), cancellable: bool = True):
        super().__init__(parent)
        self.worker = Worker(work)
        self.outcome: WorkOutcome | None = None
        self._done = done
        self._blocks = [(b, b.isEnabled()) for b in blocks]
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.dialog = None
        if title is None:
            return
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.worker.cancel)
        if not cancellable:
            self.dialog.setCancelButton(None)

    @property
    def running(self) -> bool:
        return self.outcome is None

    def start(self, on_start: Callable[[Worker], None] | None = None) -> Job:
        """`on_start` receives the worker before it starts (tests use it to press Cancel)."""
        for block, _enabled in self._blocks:
            block.setEnabled(False)
        if on_start:
            on_start(self.worker)
        self.worker.start()
        if self.dialog is not None:
            self.dialog.setValue(0)  # starts the dialog's clock: it shows after its minimum duration unless done by then
        self._timer.start()
        return self

    def cancel(self) -> None:
        self.worker.cancel()

    def drop(self, wait_s: float | None = None) -> None:
        """Let the work finish (up to `wait_s`) and hand its outcome to no one: whoever asked has gone
        (the daily backup of a ledger just closed)."""
        self._timer.stop()
        self.worker.wait(wait_s)
        self._close(WorkOutcome(False, message="dropped"))

    def _poll(self) -> None:
        done, total = self.worker.progress
        if total > 0 and self.dialog is not None:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if not self.worker.done.is_set():
            return
        self._timer.stop()
        self.worker.wait()
        self._close(self.worker.outcome or WorkOutcome(False, message="The work stopped without a result"))
        if self._done is not None:
            self._done(self.outcome)
        self.finished.emit(self.outcome)

    def _close(self, outcome: WorkOutcome) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        for block, enabled in self._blocks:
            block.setEnabled(enabled)
        self._blocks = []
        self.outcome = outcome


def start_work(parent: QObject | None, title: str | None, work, done: Callable[[WorkOutcome], None] | None = None,
               blocks: Iterable[QWidget | QAction] = (), on_start=None, cancellable: bool = True) -> Job:
    """Start `work(progress, cancelled)` in the background; `done(outcome)` runs on the GUI thread later."""
    return Job(parent, title, work, done, blocks, cancellable).start(on_start)
