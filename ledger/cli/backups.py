"""Commands for backups: `backups` lists (and sets how many to keep), `backup` takes one, `restore` brings one back."""

from __future__ import annotations

import argparse
import sys

from .. import backups
from ..errors import LedgerError, LedgerLockedError, LedgerVersionError, ReadOnlyError
from .common import EXIT_OK, ledger_path


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("backups", parents=[common], help="list the ledger's backups, newest first")
    s.add_argument("--keep", type=int, metavar="N", help="keep the newest N backups from now on (default 20)")
    sub.add_parser("backup", parents=[common], help="back up the ledger now")
    s = sub.add_parser("restore", parents=[common], help="bring back a backup (the current state is backed up first)")
    s.add_argument("backup", metavar="BACKUP", help="its number in `backups` (1 = newest), file name or path")


def cmd_backups(args) -> int:
    from ..service import Ledger

    path = ledger_path(args)
    if args.keep is not None:
        with Ledger.open(path, create=False) as ledger:
            ledger.set_backups_keep(args.keep)
            print(f"Keeping the newest {ledger.backups_keep} backups of {path}")
    found = backups.list_backups(path)
    if not found:
        print(f"No backups of {path} yet (they go to {backups.folder_for(path)})")
        return EXIT_OK
    print(f"Backups of {path} in {backups.folder_for(path)}, newest first:")
    for i, b in enumerate(found, 1):
        print(f"{i:>4}  {b.describe()}")
    return EXIT_OK


def cmd_backup(args) -> int:
    from ..service import Ledger

    with Ledger.open(ledger_path(args), create=False) as ledger:
        b = ledger.backup("manual")
    print(f"Backed up to {b.path}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from ..service import Ledger

    path = ledger_path(args)
    source = backups.resolve(path, args.backup)
    try:
        ledger = Ledger.open(path, create=False)
    except (LedgerLockedError, ReadOnlyError, LedgerVersionError):
        raise
    except LedgerError as exc:
        # The ledger is missing or cannot be opened (damaged, not a ledger): put the backup in its place,
        # keeping whatever file was there.
        kept = backups.restore_over(path, source)
        print(f"Note: {exc}", file=sys.stderr)
        print(f"Restored {source.name} to {path}" + (f"; the previous file was kept as {kept}" if kept else ""))
        return EXIT_OK
    if ledger.damaged:
        ledger.close()
        kept = backups.restore_over(path, source)
        print(f"Restored {source.name} to {path}; the damaged file was kept as {kept}")
        return EXIT_OK
    with ledger:
        before = ledger.restore(source)
    print(f"Restored {source.name} to {path}; the state before was backed up as {before.name}")
    return EXIT_OK


COMMANDS = {"backups": cmd_backups, "backup": cmd_backup, "restore": cmd_restore}
