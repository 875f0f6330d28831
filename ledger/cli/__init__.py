"""The command line: `python main.py COMMAND --ledger PATH ...`.

Exit codes (`common.EXIT_*`): 0 done; 1 the input was rejected and nothing changed; 2 usage error or
unreadable file. Errors are printed as one line each, `Error: what, where, why`; never a traceback.
Commands live in modules by subject (records, backups, workbooks), each adding its parsers and its
COMMANDS; what they share is in `common`.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
from collections.abc import Callable

from .. import __version__
from ..errors import (
    LedgerError,
    LedgerLockedError,
    NotFoundError,
    ReadOnlyError,
    ValidationError,
    WarningsNotAccepted,
)
from ..paths import default_ledger
from ..sqlite_errors import translate
from . import backups, new, records, report, workbooks
from .common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, KIND_NAMES, InputError, UsageError, print_problems

__all__ = ["COMMANDS", "EXIT_OK", "EXIT_REJECTED", "EXIT_USAGE", "KIND_NAMES", "build_parser", "main", "parse_args", "run"]

SUBJECTS = (new, records, backups, workbooks, report)


def build_parser() -> argparse.ArgumentParser:
    ledger_help = f"ledger file (default: {default_ledger()})"
    # --ledger is taken before or after the command; the command's copy must not reset a value given
    # before it (argparse lets a subparser's default overwrite the main parser's), hence SUPPRESS there.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--ledger", metavar="PATH", default=argparse.SUPPRESS, help=ledger_help)
    p = argparse.ArgumentParser(
        prog="aid-ledger",
        description="Aid Ledger: authorized versus disbursed aid, by system type. Without a command, opens the app.",
    )
    p.add_argument("--ledger", metavar="PATH", help=ledger_help)
    p.add_argument("--version", action="version", version=f"Aid Ledger {__version__}")
    p.add_argument("--self-test", action="store_true", help="check this installation offscreen (sample, workbook, chart, fonts, Qt plugins); exit 0 if all pass")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    for subject in SUBJECTS:
        subject.add_parsers(sub, common)
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line; field=value pairs may come before or after options."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if hasattr(args, "values") and all("=" in e and not e.startswith("-") for e in extra):
            args.values += extra
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command is None:
        print("Error: no command given (python main.py --help lists them)", file=sys.stderr)
        return EXIT_USAGE
    return run(args)


# Allocations between runs of the cyclic garbage collector while a command runs (Python's default:
# 700). An import allocates its rows by the hundred thousand, none of them in a cycle, and at 700 the
# collector went over them again and again: some 30 ms of 100,000 rows. Cycles are still collected.
GC_ALLOCATIONS = 50_000


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; turn every failure into a message and an exit code."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(GC_ALLOCATIONS, thresholds[0]), *thresholds[1:])
    try:
        return _run(args)
    finally:
        gc.set_threshold(*thresholds)  # the caller's (tests run commands in their own process)


def _run(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    except (ValidationError, WarningsNotAccepted) as exc:
        print_problems(exc.problems)
        if isinstance(exc, WarningsNotAccepted):
            print("Error: nothing was changed; repeat with --accept-warnings to write it anyway", file=sys.stderr)
        return EXIT_REJECTED
    except (InputError, NotFoundError, LedgerLockedError, ReadOnlyError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except (UsageError, LedgerError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Error: interrupted; nothing half-done was kept", file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:
        return EXIT_OK
    except sqlite3.Error as exc:  # e.g. a damaged page met while reading
        print(f"Error: {translate(exc, str(args.ledger or default_ledger()))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in one line, never a traceback
        print(f"Error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    name: command for subject in SUBJECTS for name, command in subject.COMMANDS.items()
}
