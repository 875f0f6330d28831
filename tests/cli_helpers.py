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


def damage_page(path, page: int) -> None:
    """Overwrite the 4096-byte page `page` (counted from 0) of a ledger file, or the first page after it
    that does not hold the schema: a damaged schema is a file SQLite cannot open at all, another case."""
    import sqlite3

    conn = sqlite3.connect(path)
    schema_pages = {p - 1 for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")}
    conn.close()
    while page in schema_pages:
        page += 1
    data = bytearray(path.read_bytes())
    data[page * 4096:(page + 1) * 4096] = b"\xa5" * 4096
    path.write_bytes(bytes(data))
