"""The command line as a user drives it: real processes, real files, exit codes and one-line errors."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import __version__

ROOT = Path(__file__).resolve().parent.parent


def run(*args, check_code=None):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check_code is not None:
        assert proc.returncode == check_code, (proc.stdout, proc.stderr)
    return proc


def summary(path, *extra):
    return json.loads(run("summary", "--ledger", path, "--format", "json", *extra, check_code=0).stdout)


def test_sample_reproduces_the_reference_totals(tmp_path):
    path = tmp_path / "s.aidledger"
    run("sample", "--ledger", path, check_code=0)
    data = summary(path, "--by", "program")
    groups = {g["name"]: g for g in data["groups"]}
    assert groups["PDA"]["committed_cents"] == 34_085 * 10**6 * 100
    assert groups["USAI"]["committed_cents"] == 33_208 * 10**6 * 100
    assert data["totals"]["committed_cents"] == (34_085 + 33_208) * 10**8
    assert data["currency"] == "USD" and data["as_of"]
    for key in ("authorized_cents", "committed_cents", "disbursed_cents", "remaining_authority_cents", "undelivered_cents"):
        assert isinstance(data["totals"][key], int)
        assert all(isinstance(g[key], int) for g in data["groups"])
    assert set(data["pace"]) >= {"committed_per_day_cents", "needed_commit_per_day_cents", "projected_zero_authority"}
    # every package, with its source; PDA 71 with its items
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM packages WHERE number LIKE 'PDA %'").fetchone()[0] == 74
        assert conn.execute("SELECT count(*) FROM packages WHERE number LIKE 'USAI %'").fetchone()[0] == 23
        assert conn.execute("SELECT count(*) FROM packages WHERE source_id IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM observations").fetchone()[0] == 18
        lines = [r[0] for r in conn.execute(
            "SELECT l.description FROM package_lines l JOIN packages p ON p.id = l.package_id WHERE p.number = 'PDA 71'")]
        assert "Stinger" in lines and "non-persistent (anti-personnel) land mines" in lines


def test_as_of_counts_pda_71_from_its_day(sample_file):
    before = summary(sample_file, "--by", "authority", "--as-of", "2024-12-01")
    after = summary(sample_file, "--by", "authority", "--as-of", "2024-12-02")
    fy24 = lambda d: next(g for g in d["groups"] if g["name"] == "PDA FY2024")  # noqa: E731
    assert fy24(after)["committed_cents"] - fy24(before)["committed_cents"] == 725 * 10**8
    assert after["totals"]["committed_cents"] - before["totals"]["committed_cents"] == 725 * 10**8
    assert after["as_of"] == "2024-12-02"
    assert after["pace"]["deadline"] == "2025-01-20" and after["pace"]["days_to_deadline"] == 49


def test_text_and_csv_summaries(sample_file):
    text = run("summary", "--ledger", sample_file, "--by", "system-type", check_code=0).stdout
    assert "Unallocated" in text and "USD 67.29 B" in text
    csv_out = run("summary", "--ledger", sample_file, "--format", "csv", check_code=0).stdout.splitlines()
    assert csv_out[0].startswith("as_of,currency,authority,authorized_cents")
    assert csv_out[-1].split(",")[2] == "Total"


def test_series(sample_file):
    out = run("series", "--ledger", sample_file, "--by", "program", check_code=0).stdout.splitlines()
    assert out[0].startswith("date,program,currency,authorized_cents")
    last_total = [r for r in out if ",Total," in r][-1].split(",")
    assert int(last_total[5]) == (34_085 + 33_208) * 10**8
    data = json.loads(run("series", "--ledger", sample_file, "--format", "json", "--every-day", "--from", "2024-12-01", "--to", "2024-12-03", check_code=0).stdout)
    total = next(s for s in data["series"] if s["name"] == "Total")
    assert [p["date"] for p in total["points"]] == ["2024-12-01", "2024-12-02", "2024-12-03"]


def test_add_edit_undo(sample_copy):
    p = run("add", "package", "--ledger", sample_copy, "number=PDA 75", "announced=Feb. 1, 2025", "authority=PDA FY2024", "value=$125 million")
    assert p.returncode == 1 and "after PDA FY2024's deadline" in p.stderr and "nothing was changed" in p.stderr
    run("add", "package", "--ledger", sample_copy, "number=PDA 75", "announced=Feb. 1, 2025", "authority=PDA FY2024", "value=$125 million", "--accept-warnings", check_code=0)
    assert summary(sample_copy)["totals"]["committed_cents"] == (34_085 + 33_208 + 125) * 10**8
    assert "Undo: Add package" in run("undo", "--ledger", sample_copy, check_code=0).stdout
    assert summary(sample_copy)["totals"]["committed_cents"] == (34_085 + 33_208) * 10**8
    assert "Add package" in run("history", "--ledger", sample_copy, check_code=0).stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["add", "package", "number=PDA 71", "announced=2025-01-01", "authority=PDA FY2024", "value=1M"], 1, "package PDA 71, Number: 'PDA 71' is already used"),
        (["add", "package", "number=X", "announced=2025-01-01", "authority=PDA FY2099", "value=1M"], 1, "Authority: no authority named 'PDA FY2099'"),
        (["add", "package", "number=X", "announced=2025-01-01", "authority=PDA FY2024", "value=lots"], 1, "Value: 'lots' is not an amount"),
        (["add", "package", "number=X", "announced=2025-01-01", "authority=PDA FY2024", "value=-5"], 1, "Value: is negative"),
        (["add", "package", "number=X", "announced=3/4/2025", "authority=PDA FY2024", "value=5"], 1, "choose the date order"),
        (["add", "package", "number=X", "announced=2525-01-01", "authority=PDA FY2024", "value=5"], 1, "out of range"),
        (["add", "package", "number=X"], 1, "needs Announced, Value (give announced=…, value=…)"),
        (["add", "package", "colour=red"], 2, "a package has no field 'colour'"),
        (["edit", "package", "9999", "value=5"], 1, "no package with id 9999"),
        (["delete", "authority", "1"], 1, "is still used by"),
        (["summary", "--as-of", "someday"], 2, "--as-of 'someday' is not a date"),
    ],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(sample_copy, args, code, message):
    before = sample_copy.read_bytes()
    p = run(*args[:1], "--ledger", sample_copy, *args[1:])
    assert p.returncode == code, p.stderr
    assert message in p.stderr
    assert all(line.startswith(("Error: ", "Warning: ")) for line in p.stderr.splitlines())
    assert summary(sample_copy)["totals"]["committed_cents"] == (34_085 + 33_208) * 10**8
    assert sample_copy.read_bytes() == before or len(run("history", "--ledger", sample_copy).stdout.splitlines()) == 2


def test_unreadable_files(tmp_path):
    bad = tmp_path / "bad.aidledger"
    bad.write_bytes(b"PK\x03\x04 not a database")
    p = run("summary", "--ledger", bad, check_code=2)
    assert p.stderr.strip() == f"Error: {bad} is not a ledger: it is not an SQLite database"
    p = run("summary", "--ledger", tmp_path / "missing.aidledger", check_code=2)
    assert "does not exist" in p.stderr
    assert run("summary", "--by", "colour", check_code=2).stderr.startswith("usage:")


def test_locked_ledger(sample_copy):
    conn = sqlite3.connect(sample_copy)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        p = run("add", "source", "--ledger", sample_copy, "title=x", check_code=1)
        assert "is locked by another program" in p.stderr
    finally:
        conn.rollback()
        conn.close()


def test_version():
    assert run("--version", check_code=0).stdout.strip() == f"Aid Ledger {__version__}"


@pytest.mark.parametrize("before", [True, False])
def test_ledger_option_is_taken_before_or_after_the_command(tmp_path, monkeypatch, before):
    from cli_helpers import run_cli

    monkeypatch.setenv("AID_LEDGER_HOME", str(tmp_path / "home"))  # the default ledger does not exist
    path = tmp_path / "l.aidledger"
    assert run_cli("new", path)[0] == 0
    args = ("--ledger", path, "summary") if before else ("summary", "--ledger", path)
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert "Balances as of" in out
