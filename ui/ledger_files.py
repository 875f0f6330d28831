"""The window's ledger files: opening one (offering read-only when another program writes it, the
backups when it is damaged), making a new one or the sample (on a worker), the Backups dialog and
restoring into a ledger open read-only, the daily backup's outcome. A part of `MainWindow`
(`ui/mainwindow.py`), which shows the ledger it is given (`set_ledger`, `close_ledger`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ledger.errors import LedgerError, LedgerInUseError
from ledger.paths import data_dir, default_ledger
from ledger.service import Backup, Ledger
from ledger.words import capital

from .daily_backup import Outcome
from .errors import show_problem

LEDGER_FILTER = "Aid Ledger files (*.aidledger);;All files (*)"


class LedgerFiles:
    """Mixed into MainWindow: what opens, makes and restores its ledger file."""

    def open_ledger(self, path: str | Path, create: bool = False, readonly: bool = False, upgrade_first: bool = True) -> bool:
        """Open `path` in the window; True if it opened (or its upgrade started: it opens when done)."""
        path = str(path)
        if upgrade_first and not readonly and Ledger.needs_upgrade(path):
            self._upgrade_then_open(path)
            return True
        try:
            ledger, why = self._open(path, create, readonly)
        except LedgerError as exc:
            show_problem(self, "Cannot open the ledger", str(exc))
            if not Path(path).exists():
                self.settings.remove_recent(path)
            return False
        if ledger is None:
            return False
        self.set_ledger(ledger, why)
        self.settings.add_recent(str(Path(path).resolve()))
        if ledger.damaged:
            self._offer_backups(ledger.note)
        return True

    def _upgrade_then_open(self, path: str) -> None:
        """A ledger of an older version: the backup and the migration run on a worker (a million entries
        take seconds) behind a dialog that says so; the window opens the upgraded file when they are done."""
        from .worker import start_work

        def work(progress, cancelled):
            try:
                with Ledger.open(path, create=False) as own:  # its own connection; this process's writer lock
                    own.movements("authority")  # summed here and kept in the file: the dashboard reads them at once
                    return True
            except LedgerInUseError:
                return False  # another program writes it: the open below says who and offers read-only

        def done(outcome) -> None:
            if outcome.ok:
                self.open_ledger(path, upgrade_first=False)
            else:
                show_problem(self, "Cannot upgrade the ledger", outcome.message)

        # One transaction: it cannot stop part-way (a failure leaves the file as it was).
        self.upgrade_job = start_work(
            self, f"Upgrading {Path(path).name} to this version's format; a backup is taken first…", work, done,
            cancellable=False, blocks=(*self.welcome.buttons.values(), self.act_new, self.act_open, self.act_import,
                                       self.recent_menu.menuAction(), self.act_backups))

    def _open(self, path: str, create: bool = False, readonly: bool = False) -> tuple[Ledger | None, str | None]:
        """Open `path`; if another program writes it, say who and offer to open it read-only.

        Returns the ledger (None when the user declined) and why it is read-only when it is.
        Raises LedgerError for anything else.
        """
        try:
            # The daily check and backup follow on a worker once the ledger shows (ui/daily_backup.py).
            ledger = Ledger.open(path, create=create, readonly=readonly, daily=False)
            return ledger, ledger.note or ("opened read-only" if ledger.readonly else None)
        except LedgerInUseError as exc:
            who = exc.holder.describe() if exc.holder else "another program (the lock file does not say which)"
            answer = QMessageBox.question(
                self,
                "Ledger in use",
                f"{Path(path).name} is open for writing in {who}.\n\n"
                "Open it read-only? You can read and export it, but not change it until it is closed there.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None, None
            ledger = Ledger.open(path, readonly=True)
            why = f"open for writing in {who}"
            return ledger, f"{why}; {ledger.note}" if ledger.note else why

    def _offer_backups(self, note: str | None) -> None:
        """A damaged ledger opened read-only: offer its backups (restoring one puts it right)."""
        answer = QMessageBox.question(self, "Damaged ledger", f"{note}\n\nShow its backups to restore one?")
        if answer == QMessageBox.StandardButton.Yes:
            self.show_backups()

    def open_sample(self) -> None:
        from ledger.desktop import build_sample as build

        path = data_dir() / "sample.aidledger"
        fresh = not path.exists()
        try:
            ledger, why = self._open(str(path), create=True)
        except LedgerError as exc:
            show_problem(self, "Cannot open the sample ledger", str(exc))
            return
        if ledger is None:
            return
        if ledger.readonly or not (fresh or ledger.count("authority") == 0):
            self._sample_ready(ledger, why)
            return
        from .worker import start_work

        where = ledger.where

        def work(progress, cancelled):  # on its own connection (this process holds the writer lock)
            with Ledger.open(where) as own:
                build(own)

        def built(outcome) -> None:
            if outcome.ok:
                self._sample_ready(ledger, why)
                return
            ledger.close()
            show_problem(self, "Cannot make the sample ledger", outcome.message)

        # One transaction: nothing to cancel part-way; nothing that opens or makes a ledger meanwhile.
        self.sample_job = start_work(self, "Making the sample ledger…", work, built, cancellable=False, blocks=(
            *self.welcome.buttons.values(), self.act_new, self.act_open, self.act_import, self.recent_menu.menuAction()))

    def _sample_ready(self, ledger: Ledger, why: str | None) -> None:
        self.set_ledger(ledger, why)
        self.settings.add_recent(str(Path(ledger.where).resolve()))

    def new_default_ledger(self) -> None:
        self.create_ledger(default_ledger())

    def create_ledger(self, path: str | Path) -> bool:
        from ledger.desktop import load_system_types

        path = Path(path)
        existed = path.exists()
        if not self.open_ledger(path, create=True):
            return False
        if not existed and not self.ledger.readonly and self.ledger.count("system_type") == 0:
            with self.ledger.action("Add the default system types") as act:
                load_system_types(act)
        return True

    def new_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New ledger", str(data_dir() / "new.aidledger"), LEDGER_FILTER)
        if path:
            if not path.endswith(".aidledger"):
                path += ".aidledger"
            if Path(path).exists():
                show_problem(self, "New ledger", f"{path} already exists: open it with File > Open")
                return
            self.create_ledger(path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open ledger", str(data_dir()), LEDGER_FILTER)
        if path:
            self.open_ledger(path)

    # -- backups and notes -------------------------------------------------------------------------

    def _show_note(self, text: str | None) -> None:
        self.note_label.setText(text or "")
        self.note_label.setToolTip(text or "")

    def show_backups(self):
        """File > Backups: list, take and restore backups (non-modal: the window stays usable)."""
        if self.ledger is None or self.ledger.backups_folder is None:
            return None
        from .backups_dialog import BackupsDialog

        if self.backups_dialog is not None:
            self.backups_dialog.close()
        dialog = BackupsDialog(self.ledger, self, restore_file=lambda backup: self._restore_file(dialog, backup))
        self.backups_dialog = dialog
        dialog.open()
        return dialog

    def _restore_file(self, dialog, backup: Backup) -> None:
        """Restore into a ledger open read-only (damaged, or left by another program): close it, put the
        backup in its place, open it again. Raises LedgerError (shown by the dialog) if it cannot."""
        where = self.ledger.where
        readonly_by_choice = self.ledger.readonly and not self.ledger.damaged
        self.backups_dialog = None  # closing the ledger must not close the dialog showing the outcome
        self.close_ledger()
        try:
            kept = Ledger.restore_file(where, backup.path)
        except LedgerError:
            # Nothing was restored: open the ledger again as it was, so the window keeps working.
            if self.open_ledger(where, readonly=readonly_by_choice):
                dialog.ledger = self.ledger
                self.backups_dialog = dialog
            raise
        self.open_ledger(where)
        done = f"Restored the {backup.words()}"
        # The file replaced is kept whether it was damaged or only held by another program meanwhile.
        self.statusBar().showMessage(f"{done}; the file it replaced is kept beside it as {kept.name}" if kept else done,
                                     15000)

    def backup_if_due(self) -> bool:
        """The daily backup, on a worker thread; also run by the hourly timer. True if one was started."""
        return self.daily_backup.check()

    def _daily_backup_done(self, outcome: Outcome) -> None:
        if self.ledger is None:
            return
        if outcome.damaged:
            self.open_ledger(self.ledger.where)  # opens it read-only, says so and offers the backups
        elif outcome.problem:
            self._show_note(outcome.problem)
        elif outcome.backup:
            self.statusBar().showMessage(f"{capital(outcome.backup.words())}; File > Backups lists every backup", 5000)
