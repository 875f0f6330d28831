"""The briefing benchmark's quick mode runs, so the benchmark cannot rot unnoticed (no timing asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_briefing_quick_mode_runs():
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_briefing.py"), "--quick"], capture_output=True,
                       text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("built 20,000-entry ledger") and "\nsample (" in r.stdout
    assert "large (20,000 entries)" in r.stdout and "end to end" in r.stdout
