"""Every benchmark in bench/ runs at tiny sizes, so none can rot (the figures themselves are not checked:
speed is measured by the benchmarks at full size, as ratios, never in unit tests)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def bench(tmp_path, script: str, *args: str, timeout: int = 240) -> str:
    env = {**os.environ, "AID_LEDGER_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    env.pop("DISPLAY", None)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_bench_import_every_kind(tmp_path):
    pandas = [] if importlib.util.find_spec("pandas") else ["--skip-pandas"]
    out = bench(tmp_path, "bench_import.py", "--rows", "40", "--repeat", "1", *pandas)
    for case in ("packages", "changes", "lines", "deliveries", "authorities", "observations", "adjustments", "export"):
        assert any(line.startswith(case) and "ours/floor" in line for line in out.splitlines()), out


def test_bench_wizard_every_kind(tmp_path):
    out = bench(tmp_path, "bench_wizard.py", "--rows", "40", "--repeat", "1")
    for case in ("packages", "changes", "lines", "deliveries", "authorities", "observations", "adjustments", "export"):
        assert any(line.startswith(case) and "app/floor" in line for line in out.splitlines()), out


def test_bench_export(tmp_path):
    out = bench(tmp_path, "bench_export.py", "--entries", "300", "--repeat", "1")
    assert "ours" in out and "rust floor" in out and "openpyxl" in out


def test_bench_open_big(tmp_path):
    out = bench(tmp_path, "bench_open_big.py", "--entries", "3000", "--runs", "1", "--ledger", str(tmp_path / "b.aidledger"))
    assert "sort by value" in out and "search" in out and "last page (Last page clicked" in out
    assert "after a record written elsewhere" in out and "after a setting changed elsewhere" in out
    # The ledger is left as the runs found it: nothing of theirs in its history, its name as built.
    import sqlite3

    conn = sqlite3.connect(tmp_path / "b.aidledger")
    try:
        assert conn.execute("SELECT count(*) FROM history_actions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM history_changes").fetchone()[0] == 0
        assert conn.execute("SELECT value FROM meta WHERE key = 'name'").fetchone() is None
    finally:
        conn.close()


def test_bench_upgrade_big(tmp_path):
    out = bench(tmp_path, "bench_upgrade_big.py", "--entries", "3000", "--runs", "1", "--ledger", str(tmp_path / "u.aidledger"))
    assert "open to painted dashboard" in out and "longest freeze" in out and "migration" in out


def test_bench_series(tmp_path):
    out = bench(tmp_path, "bench_series.py", "--entries", "3000", "--repeat", "1")
    assert "floor" in out


def test_bench_safety(tmp_path):
    out = bench(tmp_path, "bench_safety.py", "--entries", "3000", "--runs", "1", "--ledger", str(tmp_path / "s.aidledger"))
    assert "backup" in out


def test_bench_startup(tmp_path):
    out = bench(tmp_path, "bench_startup.py", "--runs", "1")
    assert "ratio app / bare" in out


@pytest.mark.skipif(not (ROOT / "dist" / "aid-ledger").is_dir(), reason="needs the bundle (scripts/build-linux)")
def test_bench_bundle(tmp_path):
    bench(tmp_path, "bench_bundle.py", "--repeat", "1", timeout=600)
