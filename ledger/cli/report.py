"""Command line for briefs: `report --format pdf|html --output FILE` writes the ledger as a brief.

The HTML is written here; a PDF is drawn by the app's Qt renderer, which main.py hands in as
`args.render_pdf` (a function of a Brief giving PDF bytes): the core never imports Qt or the UI.
"""

from __future__ import annotations

import argparse

from ..dates import DateError, parse_date
from ..errors import LedgerError
from ..papers import PAPERS
from .common import EXIT_OK, ledger_path


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("report", parents=[common], help="write the ledger as a brief (PDF or HTML) to hand over")
    s.add_argument("--as-of", metavar="DATE", help="count what is dated on or before DATE (default: today)")
    s.add_argument("--by", choices=["authority", "program", "system-type"], default="authority")
    s.add_argument("--format", choices=["pdf", "html"], default="pdf")
    s.add_argument("--paper", choices=sorted(PAPERS), default="a4", help="page size (default: a4)")
    s.add_argument("--output", metavar="FILE", required=True, help="the file to write")
    s.set_defaults(render_pdf=None)


def cmd_report(args) -> int:
    from .. import briefing
    from ..service import Ledger

    as_of = None
    if args.as_of is not None:
        try:
            as_of = parse_date(args.as_of).isoformat()
        except DateError as exc:
            raise LedgerError(f"--as-of {exc}") from None
    if args.format == "pdf" and args.render_pdf is None:
        raise LedgerError("a PDF brief needs the app's renderer: run it as `python main.py report ...`")
    with Ledger.open(ledger_path(args), create=False, readonly=True) as ledger:
        brief = briefing.build(ledger, as_of, args.by.replace("-", "_"), args.paper)
    data = briefing.to_html(brief).encode() if args.format == "html" else args.render_pdf(brief)
    briefing.write_file(args.output, data)
    print(f"Wrote the brief as of {brief.as_of} ({args.format.upper()}, {PAPERS[args.paper]}) to {args.output}")
    return EXIT_OK


COMMANDS = {"report": cmd_report}
