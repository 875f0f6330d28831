"""`new PATH`: start an empty ledger (its currency and a name), the way to begin before any import."""

from __future__ import annotations

from pathlib import Path

from .common import EXIT_OK


def add_parsers(sub, common=None) -> None:
    s = sub.add_parser("new", help="create an empty ledger: new PATH [--currency USD] [--name TEXT]")
    s.add_argument("path", metavar="PATH")
    s.add_argument("--currency", default="USD", help="ISO code of the ledger's amounts (default USD)")
    s.add_argument("--name", help="a name shown in the app and in exports")


def cmd_new(args) -> int:
    from ..service import Ledger
    from .common import UsageError

    path = Path(args.path)
    currency = args.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise UsageError(f"--currency {args.currency!r} is not a three-letter code such as USD or EUR")
    if path.exists():
        raise UsageError(f"{path} exists already: open it with --ledger {path}, or choose another name")
    with Ledger.open(path, create=True, currency=currency) as ledger:
        if args.name and args.name.strip():
            ledger.set_meta("name", args.name.strip())
    print(f"Created an empty ledger at {path} ({currency}). Next: python main.py import FILE --ledger {path}, "
          f"or python main.py add authority ... --ledger {path}")
    return EXIT_OK


COMMANDS = {"new": cmd_new}
