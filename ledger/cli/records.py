"""Commands on records and balances: sample, summary, series, list, add, edit, delete, undo, redo, history."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields as dc_fields
from dataclasses import replace
from typing import Any

from .. import convert
from ..model import KINDS
from ..money import format_cents
from ..words import article
from .common import (
    EXIT_OK,
    KIND_NAMES,
    InputError,
    UsageError,
    date_arg,
    day_order,
    ledger_path,
    open_ledger,
    print_warnings,
)


def add_parsers(sub, common) -> None:
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


def cmd_sample(args) -> int:
    from ..sample import write_sample

    path = ledger_path(args)
    ledger, warnings = write_sample(path)
    with ledger:
        s = ledger.summary(by="program")
        print(f"Wrote the sample ledger to {path}: {ledger.count('package')} packages, "
              f"{ledger.count('line')} package lines, {ledger.count('authority')} authorities, "
              f"{ledger.count('observation')} reported balances, {ledger.count('reported_figure')} reported execution figures.")
        for g in s.groups:
            print(f"  {g.name}: committed {format_cents(g.figures.committed_cents, s.currency)}, "
                  f"disbursed {format_cents(g.figures.disbursed_cents, s.currency)}")
        if warnings:
            print(f"The reference data raises {len(warnings)} warnings (kept, as real data does); e.g. {warnings[0]}")
    return EXIT_OK


def cmd_summary(args) -> int:
    from .. import report

    with open_ledger(args, readonly=True) as ledger:
        s = ledger.summary(date_arg(args.as_of, "--as-of"), args.by.replace("-", "_"), date_arg(args.deadline, "--deadline"))
    print({"json": report.summary_json, "csv": report.summary_csv, "text": report.summary_text}[args.format](s), end="")
    if args.format == "json":
        print()
    return EXIT_OK


def cmd_series(args) -> int:
    from .. import report

    by = args.by.replace("-", "_")
    with open_ledger(args, readonly=True) as ledger:
        points = report.series_points(ledger.series(by), args.every_day, date_arg(args.start, "--from"), date_arg(args.end, "--to"))
        currency = ledger.currency
    writer = report.series_json if args.format == "json" else report.series_csv
    sys.stdout.write(writer(points, currency, by))
    return EXIT_OK


def cmd_list(args) -> int:
    kind = KIND_NAMES[args.kind]
    with open_ledger(args, readonly=True) as ledger:
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
            raise UsageError(f"{article(kind.replace('_', ' '))} has no field {name!r} (fields: {names})")
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
    """ledger.convert's rules; a reference by name or id."""
    try:
        if f.type == "ref" and not convert.is_blank(text):
            return convert.reference(ledger, f, text)
        return convert.to_value(f, text.strip(), day_first)
    except convert.ConvertError as exc:
        raise InputError(f"{f.label}: {exc}") from None


def cmd_add(args) -> int:
    kind = KIND_NAMES[args.kind]
    cls = KINDS[kind].cls
    with open_ledger(args) as ledger:
        values = parse_values(ledger, kind, args.values, day_order(args))
        missing = [f for f in KINDS[kind].fields if f.required and f.name not in values]
        if missing:
            given = ", ".join(f"{_short(f.name)}=…" for f in missing)
            raise InputError(
                f"a new {kind.replace('_', ' ')} needs {', '.join(f.label for f in missing)} (give {given})"
            )
        defaults = {f.name: (() if f.type == "aliases" else None) for f in KINDS[kind].fields}
        with ledger.action(f"Add {kind.replace('_', ' ')}", args.accept_warnings) as act:
            record = act.add(cls(**{**defaults, **values}))
        print_warnings(act.warnings)
        print(f"Added {kind.replace('_', ' ')} id {record.id}")
    return EXIT_OK


def cmd_edit(args) -> int:
    kind = KIND_NAMES[args.kind]
    with open_ledger(args) as ledger:
        values = parse_values(ledger, kind, args.values, day_order(args))
        with ledger.action(f"Edit {kind.replace('_', ' ')}", args.accept_warnings) as act:
            act.update(replace(ledger.get(kind, args.id), **values))
        print_warnings(act.warnings)
        print(f"Changed {kind.replace('_', ' ')} id {args.id}")
    return EXIT_OK


def cmd_delete(args) -> int:
    kind = KIND_NAMES[args.kind]
    with open_ledger(args) as ledger:
        n = ledger.delete(kind, args.id)
    print(f"Deleted {n} record{'s' if n > 1 else ''}")
    return EXIT_OK


def cmd_undo(args) -> int:
    with open_ledger(args) as ledger:
        label = ledger.undo() if args.command == "undo" else ledger.redo()
    if label is None:
        print(f"Nothing to {args.command}")
    else:
        print(f"{args.command.capitalize()}: {label}")
    return EXIT_OK


def cmd_history(args) -> int:
    with open_ledger(args, readonly=True) as ledger:
        for a in ledger.history(args.limit):
            print(f"{a.id:>6}  {a.at}  {a.state:<9}  {a.label} ({a.changes} change{'s' if a.changes != 1 else ''})")
    return EXIT_OK


COMMANDS = {
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
}
