"""The ledger's backups: list them, take one now, restore one, choose how many are kept.

Everything goes through `ledger.service.Ledger` (see docs/data-safety.md). A damaged or read-only
ledger cannot restore into itself: the window passes `restore_file(backup)`, which closes the
ledger, puts the backup in its place (`Ledger.restore_file`) and opens it again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ledger.errors import LedgerError
from ledger.service import Backup, Ledger
from ledger.words import capital

from . import screen_room

COL_WHEN, COL_REASON, COL_SIZE, COL_FILE = range(4)


class BackupsDialog(QDialog):
    def __init__(self, ledger: Ledger, parent=None, restore_file: Callable[[Backup], None] | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.restore_file = restore_file
        self.restore_job = None  # the restore running on a worker, if one is
        self.setWindowTitle("Backups")
        self.resize(screen_room.fitted(parent or self, 720, 420))
        lay = QVBoxLayout(self)
        folder = ledger.backups_folder
        self.where = QLabel(
            f"Backups of {ledger.where} are kept in {folder}." if folder else "A ledger in memory has no backups."
        )
        self.where.setWordWrap(True)
        lay.addWidget(self.where)
        if ledger.note:
            note = QLabel(ledger.note)
            note.setWordWrap(True)
            note.setStyleSheet("color: #c0392b")
            lay.addWidget(note)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Taken", "Why", "Size", "File"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Backups, newest first")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.table)
        self.empty = QLabel(
            "No backups yet. One is taken once a day while the ledger is open for writing and has changes "
            "(checked every hour), before each import or bulk change, before undoing a large change and "
            "before a restore. Back up now takes one at once."
        )
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("When backups are taken")
        lay.addWidget(self.empty)

        row = QHBoxLayout()
        row.addWidget(QLabel("Keep the newest"))
        self.keep = QSpinBox()
        self.keep.setRange(1, 999)
        self.keep.setValue(ledger.backups_keep)
        self.keep.setAccessibleName("Number of backups to keep")
        self.keep.setEnabled(not ledger.readonly and folder is not None)
        self.keep.editingFinished.connect(self.set_keep)
        row.addWidget(self.keep)
        row.addWidget(QLabel("backups"))
        row.addStretch(1)
        self.backup_button = QPushButton("Back up now")
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_button.setEnabled(folder is not None)
        row.addWidget(self.backup_button)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.clicked.connect(self.restore_selected)
        row.addWidget(self.restore_button)
        self.folder_button = QPushButton("Show folder")
        self.folder_button.clicked.connect(self.show_folder)
        self.folder_button.setEnabled(folder is not None)
        row.addWidget(self.folder_button)
        lay.addLayout(row)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        # The selection stays on the backup it was on: a new backup comes in above it, and the row
        # selected by number would be another backup, one click away from Restore.
        was = self.selected()
        self.table.clearSelection()
        self.backups = self.ledger.backups()
        self.table.setRowCount(len(self.backups))
        for i, b in enumerate(self.backups):
            local = b.taken_at.astimezone()
            cells = {
                COL_WHEN: local.strftime("%Y-%m-%d %H:%M:%S"),
                COL_REASON: b.why,
                COL_SIZE: f"{b.size / 1e6:.2f} MB",
                COL_FILE: b.name,
            }
            for col, text in cells.items():
                item = QTableWidgetItem(text)
                if col == COL_SIZE:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        self.table.resizeColumnsToContents()
        paths = [b.path for b in self.backups]
        if was is not None and was.path in paths:
            self.table.selectRow(paths.index(was.path))
        self.empty.setVisible(not self.backups)
        self._update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        can_restore = not self.ledger.readonly or self.restore_file is not None
        self.restore_button.setEnabled(self.selected() is not None and can_restore)

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setStyleSheet("color: #c0392b" if problem else "")
        self.message.setText(text)

    def backup_now(self) -> None:
        try:
            b = self.ledger.backup("manual")
        except LedgerError as exc:
            self._say(str(exc), problem=True)
            return
        self.refresh()
        self._say(f"{capital(b.words())}.")

    def set_keep(self) -> None:
        if self.ledger.readonly or self.keep.value() == self.ledger.backups_keep:
            return
        try:
            self.ledger.set_backups_keep(self.keep.value())
        except LedgerError as exc:
            self._say(str(exc), problem=True)
            return
        self.refresh()
        self._say(f"The newest {self.keep.value()} backups are kept.")

    def restore_selected(self) -> None:
        b = self.selected()
        if b is None:
            return
        answer = QMessageBox.question(
            self,
            "Restore backup",
            f"Bring back the ledger as it was in the {b.words()}?\n\n"
            "The current state is backed up first, so this can itself be undone by restoring that backup.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.ledger.readonly:
            try:
                self.restore_file(b)  # the window closes the ledger, puts the file in place, opens it
            except LedgerError as exc:
                self._say(str(exc), problem=True)
                return
            self._say(f"Restored the {b.words()}.")
            self.accept()
            return
        self.restore_job = self._restore_in_background(b)

    def _restore_in_background(self, b):
        """Copying a large ledger twice (the backup first, then the restore) takes seconds: on a worker,
        over its own connection, while the window paints; nothing else that writes can start meanwhile."""
        from .worker import start_work

        where = self.ledger.where

        def work(progress, cancelled):
            with Ledger.open(where, create=False) as own:
                own.restore(b.path)

        def done(outcome) -> None:
            if not outcome.ok:
                self._say(outcome.message, problem=True)
                return
            self.ledger.written_elsewhere("Restore backup")  # every view reloads
            self.refresh()
            self._say(f"Restored the {b.words()}; the ledger as it was just before is the newest backup above.")

        window = self.parent()
        blocks = [self.restore_button, self.backup_button, self.keep]
        blocks += [getattr(window, name) for name in ("act_open", "act_new", "act_import", "act_undo", "act_redo")
                   if hasattr(window, name)]
        # One copy through the backup API: it cannot stop part-way, so no Cancel.
        return start_work(self, f"Restoring the {b.words()}: the ledger as it is now is backed up first…", work, done,
                          blocks=blocks, cancellable=False)

    def show_folder(self) -> None:
        folder = self.ledger.backups_folder
        if folder is not None:
            folder.mkdir(exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
