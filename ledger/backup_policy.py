"""When backups are taken and how many are kept (the copying itself is `ledger.backups`). Mixed into
`Ledger`; see docs/data-safety.md."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from . import backups, movement_cache, opening, schema
from .changed import Changed
from .errors import LedgerError, ReadOnlyError
from .sqlite_errors import translate


class BackupPolicy:
    """Needs `self.conn`, `self.path` (None in memory), `self.readonly`, `self.where`, `self.meta`,
    `self.set_meta`, `self.currency`, `self._notify` and `self._writes` (SummaryCache)."""

    conn: sqlite3.Connection
    path: Path | None

    @staticmethod
    def restore_file(path: str | os.PathLike, backup: str | os.PathLike) -> Path | None:
        """Put a backup in place of a ledger that cannot be opened or is damaged; the file found there is
        kept under a `.damaged-<time>` name, returned (None if there was no file)."""
        return backups.restore_over(path, backups.resolve(path, str(backup)))

    def backup(self, reason: str = "manual") -> backups.Backup | None:
        """Copy the committed ledger into `<ledger>.backups/` and keep the newest `backups_keep`.

        Returns None for a ledger in memory. Raises LedgerError if the copy cannot be made.
        """
        if self.path is None:
            return None
        taken = backups.take(self.conn, self.path, reason)
        backups.prune(self.path, self.backups_keep)
        return taken

    def backups(self) -> list[backups.Backup]:
        """This ledger's backups, newest first."""
        return backups.list_backups(self.path) if self.path else []

    @property
    def backups_folder(self) -> Path | None:
        return backups.folder_for(self.path) if self.path else None

    @property
    def backups_keep(self) -> int:
        try:
            return max(1, int(self.meta(backups.KEEP_KEY, str(backups.DEFAULT_KEEP))))
        except ValueError:
            return backups.DEFAULT_KEEP

    def set_backups_keep(self, keep: int) -> None:
        if not isinstance(keep, int) or keep < 1:
            raise LedgerError(f"the number of backups to keep must be a whole number of at least 1, not {keep!r}")
        self.set_meta(backups.KEEP_KEY, str(keep))
        if self.path:
            backups.prune(self.path, keep)

    @property
    def backup_due(self) -> bool:
        """The daily backup is due (looks at the backups folder only: cheap enough for a timer)."""
        return self.path is not None and not self.readonly and backups.due(self.path)

    def backup_if_due(self) -> backups.Backup | None:
        """The daily backup: taken when the newest backup is a day old (call it now and then while open)."""
        if not self.backup_due:
            return None
        if self.conn.execute("SELECT 1 FROM history_actions LIMIT 1").fetchone() is None:
            return None  # nothing written yet: nothing to lose
        return self.backup("daily")

    def _daily_backup(self) -> None:
        try:
            self.backup_if_due()
        except LedgerError as exc:  # opening must not fail for it; say so instead
            self.note = f"the daily backup failed: {exc}"

    def restore(self, backup: str | os.PathLike) -> backups.Backup:
        """Bring back a backup (a path, a file name or its number in `backups()`, 1 = newest).

        The current state is backed up first; returns that backup. The restored ledger's history is the
        backup's: undo does not reach across a restore, the backup taken first does.
        """
        if self.path is None or self.readonly:
            raise ReadOnlyError(f"{self.where} is open read-only: nothing was restored")
        source = backups.resolve(self.path, str(backup))
        backups.check(source)
        current = self.backup("before restore")
        try:
            self._writes += 1  # whatever was summed in memory was the state before (SummaryCache)
            count = movement_cache.write_count(self.conn)
            backups.copy_into(source, self.conn)
            version = schema.check_identity(self.conn, self.where)
            if version < schema.SCHEMA_VERSION:
                opening.migrate(self.conn, version, self.currency)
            movement_cache.move_past(self.conn, count)
        except sqlite3.Error as exc:
            raise translate(exc, self.where) from None
        self._notify(Changed.of_everything("Restore backup"))
        return current
