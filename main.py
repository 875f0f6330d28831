"""Aid Ledger: `python main.py` opens the app; `python main.py COMMAND` runs a command (see --help)."""

import sys


def main(argv: list[str] | None = None) -> int:
    from ledger import cli

    args = cli.parse_args(argv)
    if args.self_test:
        from ui.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        from ui.app import run_app

        return run_app(args)
    if args.command == "report" and args.format == "pdf":
        from ui.briefing_pdf import pdf_bytes

        args.render_pdf = pdf_bytes  # the core writes the brief; Qt draws its pages
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
