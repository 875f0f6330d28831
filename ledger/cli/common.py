"""What every command shares: exit codes (defined here only), errors that choose them, opening the
ledger named by --ledger, dates and day/month order given as options, NAME=VALUE pairs, progress."""

from __future__ import annotations

import os
import sys
import time

from ..dates import DateError, parse_date
from ..errors import LedgerError
from ..model import KINDS
from ..paths import default_ledger

# 0 done; 1 the input was rejected and nothing changed; 2 usage error or unreadable file.
EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
# Kinds by the names people type: singular or plural ("package", "packages", "package-lines", "lines").
KIND_NAMES = {
    **{k.replace("_", "-"): k for k in KINDS},
    **{kind.plural.replace(" ", "-"): k for k, kind in KINDS.items()},
    "package-line": "line",
    "lines": "line",
}


class UsageError(Exception):
    """A mistake in how the command was called (exit code 2)."""


class InputError(Exception):
    """A value given on the command line is not acceptable (exit code 1)."""


def ledger_path(args):
    return args.ledger or default_ledger()


def open_ledger(args, create: bool = False, readonly: bool = False):
    from ..service import Ledger

    path = ledger_path(args)
    create = create or args.ledger is None
    if not create and not readonly and not os.path.exists(path):
        raise LedgerError(f"{path} does not exist: create it with python main.py new {path} (or import into it)")
    return Ledger.open(path, create=create, readonly=readonly)


def date_arg(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    try:
        return parse_date(text).isoformat()
    except DateError as exc:
        raise UsageError(f"{what} {exc}") from None


def day_order(args) -> bool | None:
    """--day-first / --month-first: True, False, or None (ask, never guess)."""
    if args.day_first and args.month_first:
        raise UsageError("choose one of --day-first and --month-first")
    return True if args.day_first else False if args.month_first else None


def pairs(items: list[str], what: str) -> dict[str, str]:
    """NAME=VALUE options (--map, --set, --map-type) as a dict."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} {item!r} is not NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


def print_problems(problems, accepted: bool = False) -> None:
    """Problems to stderr, each group said once (ledger.problem_summary)."""
    from ..problem_summary import said_once

    for level, text in said_once(problems):
        print(f"{level.capitalize()}{' (accepted)' if accepted else ''}: {text}", file=sys.stderr)


def print_warnings(warnings) -> None:
    print_problems(warnings, accepted=True)


class Progress:
    """`progress(done, total)` printing to stderr at a terminal, at most a few times a second."""

    def __init__(self, what: str):
        self.what = what
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.tty or now - self.last < 0.2:
            return
        self.last = now
        of = f" of {total:,}" if total else ""
        print(f"\r{self.what}: {done:,}{of} rows", end="", file=sys.stderr, flush=True)
        self.shown = True

    def end(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self.shown = False
