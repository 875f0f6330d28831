"""Running the command line in-process, as the tests of several files do."""

import contextlib
import io

from ledger import cli


def run_cli(*args) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `main.py ARGS`; never a traceback or an unexpected error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
    text = err.getvalue()
    assert "Traceback" not in text and "unexpected" not in text, text
    return code, out.getvalue(), text
