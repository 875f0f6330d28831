"""The command line: `python main.py COMMAND --ledger PATH ...`.

Exit codes: 0 done; 1 the input was rejected and nothing changed; 2 usage error or unreadable file.
Errors are printed as one line each, `Error: what, where, why`; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import fields as dc_fields
from typing import Any

from . import __version__, cli_backups, cli_excel
from .dates import DateError, parse_date
from .errors import (
    LedgerError,
    LedgerLockedError,
    NotFoundError,
    ReadOnlyError,
    ValidationError,
    WarningsNotAccepted,
)
from .model import KINDS
from .money import AmountError, format_cents, parse_amount
from .paths import default_ledger

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


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--ledger", metavar="PATH", help=f"ledger file (default: {default_ledger()})")
    p = argparse.ArgumentParser(
        prog="aid-ledger",
        description="Aid Ledger: authorized versus disbursed aid, by system type. Without a command, opens the app.",
        parents=[common],
    )
    p.add_argument("--version", action="version", version=f"Aid Ledger {__version__}")
    p.add_argument("--self-test", action="store_true", help="check this installation offscreen (sample, workbook, chart, fonts, Qt plugins); exit 0 if all pass")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("sample", parents=[common], help="write a ledger holding the bundled reference data")
    s.add_argument("--accept-warnings", action="store_true", help=argparse.SUPPRESS)

    s = sub.add_parser("summary", parents=[common], help="balances as of a date")
    s.add_argument("--as-of", metavar="DATE", help="count what is dated on or before DATE (default: today)")
    s.add_argument("--by", choices=["authority", "program", "system-type"], default="authority")
    s.add_argument("--deadline", metavar="DATE", help="deadline for the pace needed (default: the ledger's)")
    s.add_argument("--format", choices=["text", "csv", "json"], default="text")

    s = sub.add_parser("series", parents=[common], help="balances over time, for charts and other tools")
    s.add_argument("--by", choices=["authority", "program", "system-type"], default="authority")
    s.add_argument("--format", choices=["csv", "json"], default="csv")
    s.add_argument("--from", dest="start", metavar="DATE")
    s.add_argument("--to", dest="end", metavar="DATE")
    s.add_argument("--every-day", action="store_true", help="one point per calendar day, not only days with changes")

    kinds = sorted(KIND_NAMES)
    s = sub.add_parser("list", parents=[common], help="list records of one kind")
    s.add_argument("kind", choices=kinds)
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--limit", type=int, default=None)

    for name, helptext in (("add", "add a record: add KIND field=value ..."), ("edit", "change a record: edit KIND ID field=value ...")):
        s = sub.add_parser(name, parents=[common], help=helptext)
        s.add_argument("kind", choices=kinds)
        if name == "edit":
            s.add_argument("id", type=int)
        s.add_argument("values", nargs="*", metavar="field=value")
        s.add_argument("--accept-warnings", action="store_true", help="write even if the record raises warnings")
        s.add_argument("--day-first", action="store_true", help="read 2/12/2024 as 2 December (default: ask)")
        s.add_argument("--month-first", action="store_true", help="read 12/2/2024 as 2 December")

    s = sub.add_parser("delete", parents=[common], help="delete a record (a package with its lines and deliveries)")
    s.add_argument("kind", choices=kinds)
    s.add_argument("id", type=int)

    sub.add_parser("undo", parents=[common], help="undo the last change")
    sub.add_parser("redo", parents=[common], help="redo the last undone change")
    s = sub.add_parser("history", parents=[common], help="recent changes")
    s.add_argument("--limit", type=int, default=20)
    cli_backups.add_parsers(sub, common)
    cli_excel.add_parsers(sub, common)
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


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; turn every failure into a message and an exit code."""
    try:
        return COMMANDS[args.command](args)
    except (ValidationError, WarningsNotAccepted) as exc:
        for p in exc.problems:
            print(f"{p.level.capitalize()}: {p}", file=sys.stderr)
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
        from .service import _translate

        print(f"Error: {_translate(exc, str(args.ledger or default_ledger()))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so in one line, never a traceback
        print(f"Error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _open(args, create: bool = False, readonly: bool = False):
    from .service import Ledger

    path = args.ledger or default_ledger()
    return Ledger.open(path, create=create or args.ledger is None, readonly=readonly)


def _date_arg(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    try:
        return parse_date(text).isoformat()
    except DateError as exc:
        raise UsageError(f"{what} {exc}") from None


def cmd_sample(args) -> int:
    from .sample import write_sample

    path = args.ledger or default_ledger()
    ledger, warnings = write_sample(path)
    with ledger:
        s = ledger.summary(by="program")
        print(f"Wrote the sample ledger to {path}: {ledger.count('package')} packages, "
              f"{ledger.count('line')} package lines, {ledger.count('authority')} authorities, "
              f"{ledger.count('observation')} reported balances.")
        for g in s.groups:
            print(f"  {g.name}: committed {format_cents(g.figures.committed_cents, s.currency)}")
        if warnings:
            print(f"The reference data raises {len(warnings)} warnings (kept, as real data does); e.g. {warnings[0]}")
    return EXIT_OK


def cmd_summary(args) -> int:
    from . import report

    with _open(args, readonly=True) as ledger:
        s = ledger.summary(_date_arg(args.as_of, "--as-of"), args.by.replace("-", "_"), _date_arg(args.deadline, "--deadline"))
    print({"json": report.summary_json, "csv": report.summary_csv, "text": report.summary_text}[args.format](s), end="")
    if args.format == "json":
        print()
    return EXIT_OK


def cmd_series(args) -> int:
    from . import report

    by = args.by.replace("-", "_")
    with _open(args, readonly=True) as ledger:
        points = report.series_points(ledger.series(by), args.every_day, _date_arg(args.start, "--from"), _date_arg(args.end, "--to"))
        currency = ledger.currency
    writer = report.series_json if args.format == "json" else report.series_csv
    sys.stdout.write(writer(points, currency, by))
    return EXIT_OK


def cmd_list(args) -> int:
    kind = KIND_NAMES[args.kind]
    with _open(args, readonly=True) as ledger:
        records = ledger.records(kind, limit=args.limit)
    if args.format == "json":
        print(json.dumps([_jsonable(r) for r in records], indent=1, ensure_ascii=False))
    else:
        for r in records:  # one line per record; --format json has every field in full
            print("  ".join(f"{k}={_one_line(v)}" for k, v in _jsonable(r).items() if v not in (None, "", [])))
    return EXIT_OK


def _one_line(value: Any, width: int = 60) -> str:
    text = " | ".join(str(value).splitlines()) if not isinstance(value, list) else "; ".join(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _jsonable(record) -> dict[str, Any]:
    out = {}
    for f in dc_fields(record):
        v = getattr(record, f.name)
        out[f.name] = v.isoformat() if hasattr(v, "isoformat") else list(v) if isinstance(v, tuple) else v
    return out


def parse_values(ledger, kind: str, pairs: list[str], day_first: bool | None) -> dict[str, Any]:
    """field=value texts -> typed field values; references may be given by id or by name."""
    k = KINDS[kind]
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise UsageError(f"{pair!r} is not field=value")
        f = _field(k, name)
        if f is None:
            names = ", ".join(_short(fl.name) for fl in k.fields)
            raise UsageError(f"a {kind.replace('_', ' ')} has no field {name!r} (fields: {names})")
        out[f.name] = _convert(ledger, f, text, day_first)
    return out


def _short(name: str) -> str:
    for suffix in ("_cents", "_id", "_on"):
        name = name.removesuffix(suffix)
    return name


def _field(kind, name: str):
    """A field by its name, its short name (value, authority, announced) or its label (date)."""
    for f in kind.fields:
        if name in (f.name, _short(f.name)) or name == f.label.casefold():
            return f
    return None


def _convert(ledger, f, text: str, day_first: bool | None) -> Any:
    text = text.strip()
    if text == "":
        return () if f.type == "aliases" else None
    try:
        if f.type in ("cents", "signed_cents"):
            return parse_amount(text)
        if f.type == "int":
            return int(text.replace(",", ""))
        if f.type == "date":
            return parse_date(text, day_first)
        if f.type == "aliases":
            return tuple(a.strip() for a in text.split(";") if a.strip())
        if f.type == "ref":
            if text.isdigit():
                return int(text)
            found = ledger.find(f.ref, text)
            if found is None:
                raise InputError(f"{f.label}: no {f.ref.replace('_', ' ')} named {text!r}")
            return found.id
    except (AmountError, DateError) as exc:
        raise InputError(f"{f.label}: {exc}") from None
    except ValueError:
        raise InputError(f"{f.label}: {text!r} is not a whole number") from None
    return text


def _order(args) -> bool | None:
    if args.day_first and args.month_first:
        raise UsageError("choose one of --day-first and --month-first")
    return True if args.day_first else False if args.month_first else None


def cmd_add(args) -> int:
    kind = KIND_NAMES[args.kind]
    cls = KINDS[kind].cls
    with _open(args) as ledger:
        values = parse_values(ledger, kind, args.values, _order(args))
        missing = [f for f in KINDS[kind].fields if f.required and f.name not in values]
        if missing:
            given = ", ".join(f"{_short(f.name)}=…" for f in missing)
            raise InputError(
                f"a new {kind.replace('_', ' ')} needs {', '.join(f.label for f in missing)} (give {given})"
            )
        defaults = {f.name: (() if f.type == "aliases" else None) for f in KINDS[kind].fields}
        with ledger.action(f"Add {kind.replace('_', ' ')}", args.accept_warnings) as act:
            record = act.add(cls(**{**defaults, **values}))
        _print_warnings(act.warnings)
        print(f"Added {kind.replace('_', ' ')} id {record.id}")
    return EXIT_OK


def cmd_edit(args) -> int:
    from dataclasses import replace

    kind = KIND_NAMES[args.kind]
    with _open(args) as ledger:
        values = parse_values(ledger, kind, args.values, _order(args))
        with ledger.action(f"Edit {kind.replace('_', ' ')}", args.accept_warnings) as act:
            act.update(replace(ledger.get(kind, args.id), **values))
        _print_warnings(act.warnings)
        print(f"Changed {kind.replace('_', ' ')} id {args.id}")
    return EXIT_OK


def _print_warnings(warnings) -> None:
    for w in warnings:
        print(f"Warning (accepted): {w}", file=sys.stderr)


def cmd_delete(args) -> int:
    kind = KIND_NAMES[args.kind]
    with _open(args) as ledger:
        n = ledger.delete(kind, args.id)
    print(f"Deleted {n} record{'s' if n > 1 else ''}")
    return EXIT_OK


def cmd_undo(args) -> int:
    with _open(args) as ledger:
        label = ledger.undo() if args.command == "undo" else ledger.redo()
    if label is None:
        print(f"Nothing to {args.command}")
    else:
        print(f"{args.command.capitalize()}: {label}")
    return EXIT_OK


def cmd_history(args) -> int:
    with _open(args, readonly=True) as ledger:
        for a in ledger.history(args.limit):
            print(f"{a.id:>6}  {a.at}  {a.state:<9}  {a.label} ({a.changes} change{'s' if a.changes != 1 else ''})")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "sample": cmd_sample,
    "summary": cmd_summary,
    "series": cmd_series,
    "list": cmd_list,
    "add": cmd_add,
    "edit": cmd_edit,
    "delete": cmd_delete,
    "undo": cmd_undo,
    "redo": cmd_undo,
    "history": cmd_history,
    **cli_backups.COMMANDS,
    **cli_excel.COMMANDS,
}
