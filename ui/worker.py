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

from PySide6.QtCore import QThread, Signal

from ledger.errors import LedgerError

log = logging.getLogger("aid_ledger.ui")


class Cancelled(Exception):
    """The user pressed Cancel; the work stopped and changed nothing."""


class Worker(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str, str)  # message, details (a traceback for unexpected errors, else "")

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
            self.failed.emit(str(exc), "")
        except Exception as exc:  # noqa: BLE001 - shown to the user with details, and logged
            log.exception("background work failed")
            self.failed.emit(f"Unexpected error: {exc}", traceback.format_exc())
        else:
            if self.is_cancelled():
                self.failed.emit("Cancelled: nothing was changed", "")
            else:
                self.succeeded.emit(result)
