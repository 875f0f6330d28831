"""The daily backup while the app is open: checked shortly after a ledger opens, then every hour, and
taken on a worker thread.

The window opens ledgers without the core's daily routine (`Ledger.open(daily=False)`): it would hold
the first view back. The check (`Ledger.backup_due`) only looks at the backups folder. When a backup is
due, a worker opens its own Ledger on the same file: opening for writing runs the daily routine (a
quick_check, then the backup; about 1 s for a 100 MB ledger, 2 s for 1,000,000 entries), which would
freeze the window on the GUI thread. The worker shares this process's writer lock, and its SQLite
connection stays on its thread. A crash is still checked for on the window's own open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

from ledger.service import Backup, Ledger

from .worker import Job, WorkOutcome, start_work

CHECK_EVERY_MS = 60 * 60 * 1000
FIRST_CHECK_MS = 1500  # after opening: once the first view is drawn, not competing with it


@dataclass(frozen=True)
class Outcome:
    """What the worker found: a backup taken, a damaged file, or why it failed."""

    backup: Backup | None = None
    damaged: bool = False
    problem: str | None = None


class DailyBackup(QObject):
    """Calls `done(Outcome)` on the GUI thread after each backup attempt."""

    def __init__(self, done: Callable[[Outcome], None], parent: QObject | None = None):
        super().__init__(parent)
        self._done = done
        self.ledger: Ledger | None = None
        self.job: Job | None = None
        self.timer = QTimer(self, interval=CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.first = QTimer(self, interval=FIRST_CHECK_MS, singleShot=True)
        self.first.timeout.connect(self.check)

    def watch(self, ledger: Ledger | None) -> None:
        """Check `ledger` every hour from now on (nothing for a read-only ledger or one in memory)."""
        self.stop()
        self.ledger = ledger
        if ledger is not None and not ledger.readonly and ledger.path is not None:
            self.timer.start()
            self.first.start()  # the window opens ledgers without the daily routine: it runs from here

    def stop(self, wait_s: float = 30.0) -> None:
        """Stop checking; a backup under way is let finish (a cut one would only leave a .part file)."""
        self.timer.stop()
        self.first.stop()
        if self.job is not None and self.job.running:
            self.job.drop(wait_s)
        self.job = None
        self.ledger = None

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def check(self) -> bool:
        """Start the daily backup if it is due; True when a worker was started."""
        led = self.ledger
        if led is None or self.running or not led.backup_due:
            return False
        where = led.where

        def work(progress, cancelled) -> Outcome:
            with Ledger.open(where, create=False) as own:
                if own.damaged or own.note:  # damaged, or the backup (or the open for writing) failed
                    return Outcome(damaged=own.damaged, problem=own.note)
                if own.backup_due:
                    return Outcome()  # nothing written yet: nothing to back up
                return Outcome(backup=own.backups()[0])

        self.job = start_work(self, None, work, self._collect)  # quiet: no dialog
        return True

    def _collect(self, out: WorkOutcome) -> None:
        if out.ok:
            self._done(out.result)
        else:
            self._done(Outcome(problem=f"the daily backup failed: {out.message}"))
