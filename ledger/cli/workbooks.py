"""Commands for workbooks: `export FILE.xlsx` and `import FILE` (a preview first, then the write).

A real import prints the preview, then writes (after asking, when run at a terminal without --yes).
`--dry-run` prints the preview only. Rejected rows: nothing is written and the exit code is 1,
unless --skip-invalid. Progress goes to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import WarningsNotAccepted
from ..words import first_few
from .common import EXIT_OK, EXIT_REJECTED, Progress, UsageError, day_order, open_ledger, pairs, print_warnings

SHOW_CHANGED = 20  # changed rows printed in full; the rest are counted


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("export", parents=[common], help="write the whole ledger as an Excel workbook")
    s.add_argument("file", metavar="FILE.xlsx")
    s = sub.add_parser("import", parents=[common], help="import a workbook or CSV file (shows a preview first)")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    s.add_argument("--kind", help="what a foreign sheet holds: packages, lines, disbursements, authorities, observations, "
                   "reported-figures, disbursements-by-authority")
    s.add_argument("--sheet", help="import only this sheet (name or number)")
    s.add_argument("--profile", metavar="NAME", help="map columns with a saved profile")
    s.add_argument("--save-profile", metavar="NAME", help="save this file's column mapping as a profile")
    s.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD", help="map a column to a field (FIELD empty: ignore it)")
    s.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a value for a field the sheet lacks (e.g. authority='PDA FY2024')")
    s.add_argument("--map-type", action="append", default=[], metavar="NAME=TYPE", help="map an unknown system type to an existing one")
    s.add_argument("--create-types", action="store_true", help="add unknown system types as new types")
    s.add_argument("--day-first", action="store_true", help="read 2/12/2024 as 2 December")
    s.add_argument("--month-first", action="store_true", help="read 12/2/2024 as 2 December")
    s.add_argument("--skip-invalid", action="store_true", help="import the valid rows, leave out the rejected ones")
    s.add_argument("--accept-warnings", action="store_true", help="write even if records raise warnings")
    s.add_argument("--yes", action="store_true", help="do not ask before writing")


def cmd_export(args) -> int:
    with open_ledger(args, readonly=True) as ledger:
        progress = Progress("Exporting")
        try:
            from ..excel import export_workbook

            result = export_workbook(ledger, args.file, progress=progress)
        finally:
            progress.end()
    from ..model import KINDS

    parts = ", ".join(f"{n:,} {KINDS[k].plural if n != 1 else k.replace('_', ' ')}" for k, n in result.counts.items() if n)
    print(f"Exported {result.total:,} records to {args.file}" + (f" ({parts})" if parts else ""))
    if result.replaced_characters:
        print(f"Note: {result.replaced_characters} texts held control characters a workbook cannot store; they were replaced by \ufffd",
              file=sys.stderr)
    return EXIT_OK


def cmd_import(args) -> int:
    from ..excel import ImportRejected, apply_import, preview_import, read_import, save_profile

    day_first = day_order(args)
    if args.sheet is not None and args.sheet.isdigit():
        args.sheet = int(args.sheet)
    with open_ledger(args, create=True) as ledger:
        progress = Progress("Reading")
        try:
            plan = read_import(args.file, kind=args.kind, sheet=args.sheet, profile=args.profile, day_first=day_first,
                               mapping=pairs(args.map, "--map"), defaults=pairs(args.set, "--set"), progress=progress)
            progress.what = "Comparing"
            preview = preview_import(ledger, plan, type_map=pairs(args.map_type, "--map-type"),
                                            create_types=args.create_types, progress=progress)
        finally:
            progress.end()
        if args.save_profile:
            if not plan.shapes:
                raise UsageError("--save-profile: the file is one of our own exports; it needs no profile")
            sheet, (kind, shape) = next(iter(plan.shapes.items()))
            save_profile(args.save_profile, kind, plan.mappings[sheet], shape, day_first)
            print(f"Saved the column mapping of sheet {sheet!r} as profile {args.save_profile!r}")
        _print_preview(preview, ledger.currency)
        if preview.rejected and not args.skip_invalid:
            from ..excel.problems import rows_rejected

            bad = rows_rejected(preview.rejected)
            print(f"Error: {bad:,} row{'s' if bad != 1 else ''} rejected: nothing was imported"
                  " (fix them, or use --skip-invalid to import the other rows)", file=sys.stderr)
            return EXIT_REJECTED
        if args.dry_run:
            print("Dry run: nothing was written")
            return EXIT_OK
        if not preview.has_changes:
            print(f"Nothing to import: the ledger already holds everything in {args.file}")
            return EXIT_OK
        if not args.yes and sys.stdin.isatty():
            answer = input("Import these changes? [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                print("Nothing was imported")
                return EXIT_REJECTED
        progress = Progress("Writing")
        try:
            result = apply_import(ledger, preview, skip_invalid=args.skip_invalid, accept_warnings=args.accept_warnings, progress=progress)
        except ImportRejected as exc:
            progress.end()
            for r in exc.rejected:
                print(f"Rejected: {r}", file=sys.stderr)
            print(f"Error: {exc}", file=sys.stderr)
            return EXIT_REJECTED
        except WarningsNotAccepted:
            progress.end()
            raise
        progress.end()
        print_warnings(result.warnings)
        left_out = f"; {len(result.rejected)} rows left out (listed above)" if result.rejected else ""
        print(f"Imported {args.file}: {sum(result.added.values()):,} added, {sum(result.changed.values()):,} changed{left_out}"
              " (python main.py undo reverses it)")
    return EXIT_OK


def _print_preview(preview, currency: str) -> None:
    from ..model import KINDS

    plan = preview.plan
    what = {"aid-ledger": "an Aid Ledger workbook", "xlsx": "a workbook", "csv": "a CSV file"}[plan.format]
    how = {"copy": "rows keep their ids", "by id": "rows matched by ID", "by label": "rows matched by name or number where they have one"}[preview.mode]
    print(f"{plan.path.name}: {what}, {plan.row_count:,} rows read; {how}")
    for note in plan.notes:
        print(f"Note: {note}")
    if plan.format != "aid-ledger":
        from ..excel.columns_report import column_lines

        for line in column_lines(plan):
            print(line)
    counts = preview.counts()
    if counts:
        wide = max(16, *(len(KINDS[kind].plural) + 1 for kind in counts))  # "disbursements by authority" too
        print(f"{'':<{wide}}{'added':>10}{'changed':>10}{'unchanged':>11}{'missing':>9}")
        for kind, c in counts.items():
            print(f"{KINDS[kind].plural:<{wide}}{c['added']:>10,}{c['changed']:>10,}{c['unchanged']:>11,}{c['missing']:>9,}")
    from ..excel.preview import describe_change

    changed, more = first_few(preview.changed, SHOW_CHANGED)
    for ch in changed:
        diffs = describe_change(ch, currency)
        print(f"Changed {ch.kind.replace('_', ' ')} id {ch.new.id} (sheet {ch.sheet!r}, row {ch.row}): {diffs}")
    if more:
        print(f"... and {more:,} more changed rows")
    if preview.missing:
        missing, more = first_few(preview.missing, 10)
        shown = ", ".join(f"{m.kind.replace('_', ' ')} {m.label!r} (id {m.id})" for m in missing)
        print(f"In the ledger but not in the file (kept, never deleted by an import): {shown}{f' and {more:,} more' if more else ''}")
    if preview.unknown_system_types:
        names = ", ".join(repr(n) for n in preview.unknown_system_types)
        print(f"Unknown system types: {names} (map with --map-type NAME=TYPE, or add them with --create-types)")
    from ..excel.problems import summarise

    for m in summarise(preview.rejected, plan.sheet_rows()):
        print(f"Rejected: {m.text}", file=sys.stderr)


COMMANDS = {"export": cmd_export, "import": cmd_import}
