"""Fuzz the command line: hypothesis-generated arguments and values for add, edit, summary and series.

Every run must end with exit code 0, 1 or 2 and one-line messages: no traceback, no "Error: unexpected"
(the message for a bug). Every rejected run (exit code 1 or 2) must leave the ledger exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ledger import cli
from ledger.model import KINDS

EXAMPLES = 150
KIND_ARGS = sorted(cli.KIND_NAMES)


def fingerprint(path: Path) -> str:
    """A digest of every row of every table (the ledger's whole content)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    h = hashlib.sha256()
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            # Sorted rows: the full-text index's shadow tables include one WITHOUT ROWID.
            for row in sorted(repr(r) for r in conn.execute(f"SELECT * FROM {t}")):
                h.update(row.encode())
        h.update(repr(conn.execute("PRAGMA user_version").fetchone()).encode())
    finally:
        conn.close()
    return h.hexdigest()


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse: usage errors
            code = exc.code
    return code, err.getvalue()


@pytest.fixture(scope="module")
def fuzz_ledger(sample_file, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.aidledger"
    shutil.copy(sample_file, path)
    return path


AMOUNTS = st.one_of(
    st.sampled_from(["125M", "$1.25 billion", "-5", "1e9", "99999999999999999999999M", "1e20", "1,000,000.005", "0", "9" * 25, "USD 3", "nan", "inf",
                     "-inf", "½", "1_000", "0x10", "(5)", "5-", "$", "M", "1.2.3", "1 000", "١٢٣", "10**9", "-0"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
DATES = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2024-02-30", "31/12/2024", "12/2/2024", "1899-12-31", "2200-01-01", "yesterday", "0000-00-00",
                     "2024-13-01", "2024-1-1", "20240101", "Dec 2 2024", "2 December 2024", "2024-W01", "2024"]),
)
IDS = st.one_of(st.integers(min_value=-3, max_value=120).map(str), st.sampled_from(["PDA 71", "PDA FY2024", "Fires",
                                                                                     "Other", "nosuch", "0", "1e3"]))
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25)
VALUE = st.one_of(AMOUNTS, DATES, IDS, TEXT, st.just(""))


PLAUSIBLE = {"cents": AMOUNTS, "signed_cents": AMOUNTS, "int": AMOUNTS, "date": DATES, "ref": IDS}


@st.composite
def field_values(draw, kind: str) -> list[str]:
    """Mostly the kind's own fields with values of their type (so some runs are accepted), some junk."""
    fields = KINDS[cli.KIND_NAMES[kind]].fields
    out = []
    for f in draw(st.lists(st.sampled_from(fields), max_size=len(fields) + 1)):
        short = f.name.removesuffix("_cents").removesuffix("_id").removesuffix("_on")
        name = draw(st.sampled_from([f.name, short]))
        value = draw(PLAUSIBLE.get(f.type, TEXT) if draw(st.integers(0, 4)) else VALUE)
        out.append(f"{name}={value}")
    if draw(st.integers(0, 5)) == 0:
        out.append(draw(st.one_of(st.sampled_from(["id=1", "nosuch=1", "=5", "x"]), TEXT)))  # junk
    return out


FLAGS = st.lists(st.sampled_from(["--accept-warnings"] * 4 + ["--day-first", "--month-first", "--nosuch"]), max_size=2)


@st.composite
def add_or_edit(draw) -> list[str]:
    command = draw(st.sampled_from(["add", "edit"]))
    kind = draw(st.sampled_from(KIND_ARGS))
    argv = [command, draw(st.one_of(st.just(kind), TEXT)) if draw(st.integers(0, 9)) == 0 else kind]
    if command == "edit":
        argv.append(draw(st.integers(min_value=-3, max_value=120).map(str)) if draw(st.integers(0, 5)) else draw(IDS))
    return argv + draw(field_values(kind)) + draw(FLAGS)


@st.composite
def summary_or_series(draw) -> list[str]:
    command = draw(st.sampled_from(["summary", "series"]))
    argv = [command]
    by = st.one_of(st.sampled_from(["authority", "program", "system-type"]), TEXT)
    opts = {"--by": by, "--format": st.sampled_from(["text", "csv", "json", "xml"])}
    if command == "summary":
        opts |= {"--as-of": DATES, "--deadline": DATES}
    else:
        opts |= {"--from": DATES, "--to": DATES}
    for opt, values in opts.items():
        if draw(st.booleans()):
            argv += [opt, draw(values)]
    if command == "series" and draw(st.booleans()):
        argv.append("--every-day")
    return argv + draw(st.lists(TEXT, max_size=1))


def check(argv: list[str], ledger: Path) -> int:
    before = fingerprint(ledger)
    code, err = run([*argv, "--ledger", str(ledger)])
    with contextlib.suppress(Exception):  # outside a hypothesis test there is no statistics to add to
        event(f"exit code {code}")
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err and "unexpected" not in err, (argv, err)
    if code != 0:
        assert fingerprint(ledger) == before, (argv, err)
        assert err.strip(), (argv, "rejected without a message")
    return code


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=add_or_edit())
def test_add_and_edit_never_crash_and_change_nothing_when_rejected(fuzz_ledger, argv):
    check(argv, fuzz_ledger)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=summary_or_series())
def test_summary_and_series_never_crash_and_change_nothing(fuzz_ledger, argv):
    before = fingerprint(fuzz_ledger)
    check(argv, fuzz_ledger)
    assert fingerprint(fuzz_ledger) == before  # reading never writes


def test_the_fuzzer_reaches_both_outcomes(fuzz_ledger):
    """The strategies produce accepted and rejected inputs (a fuzzer that only hits errors proves little)."""
    assert check(["add", "system-type", "name=Fuzz check type"], fuzz_ledger) == 0
    assert check(["add", "package", "number=Z1", "announced=2024-02-30", "authority=PDA FY2024", "value=5M"], fuzz_ledger) == 1
    assert check(["edit", "package", "1", "value=-5"], fuzz_ledger) == 1
    assert check(["summary", "--as-of", "yesterday"], fuzz_ledger) == 2


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.floats(), st.integers(min_value=-(10**40), max_value=10**40), AMOUNTS,
                       st.from_regex(r"\A-?[0-9]{1,40}(\.[0-9]{1,5})?\s?(k|M|bn|million|billion)?\Z")),
       unit=st.sampled_from([1, 1000, 10**6, 10**9]))
def test_any_amount_is_either_cents_or_a_clear_error(value, unit):
    """Found by the importer fuzz: 1e20 in a '(USD M)' column overflowed Decimal.quantize."""
    from ledger.money import MAX_CENTS, AmountError, parse_amount

    try:
        cents = parse_amount(value, unit)
    except AmountError as exc:
        assert str(exc)
    else:
        assert isinstance(cents, int) and abs(cents) <= MAX_CENTS
