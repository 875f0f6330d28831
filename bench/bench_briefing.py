"""Briefs: the sample's and a 1,000,000-entry ledger's PDF brief, against a floor run side by side.

    .venv/bin/python bench/bench_briefing.py [--entries N] [--ledger PATH] [--repeat R]
    .venv/bin/python bench/bench_briefing.py --quick      # small sizes, no budgets: a test runs this

The floor is the least a brief must do: SQLite reading every stored value once (the fingerprint covers
them all) and the summary computed from freshly read movements. Ours is the whole brief: building it (figures,
tables, chart, fingerprint), its HTML and its PDF. Both run alternately in one process, so machine noise
hits both; prints medians and the ratio. Budgets: the sample's brief under 2 s (also end to end, as
`python main.py report`), the large ledger's under 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from build_big import build as build_big  # noqa: E402

from ledger import briefing, store  # noqa: E402
from ledger.model import KINDS  # noqa: E402
from ledger.money import format_cents  # noqa: E402
from ledger.sample import build as build_sample  # noqa: E402
from ledger.service import Ledger  # noqa: E402
from ui.briefing_pdf import pdf_bytes  # noqa: E402

SAMPLE_AS_OF = "2024-12-02"
BIG_AS_OF = "2025-06-01"


def floor(led: Ledger, as_of: str) -> None:
    for kind in KINDS.values():  # SQLite reads every stored value once, nothing comes back to Python
        total = " + ".join(f"coalesce(length({c}), 0)" for c in store.columns(kind))
        led.conn.execute(f"SELECT sum({total}) FROM {kind.table}").fetchone()
    led.forget_cache()
    led.summary(as_of)


def ours(led: Ledger, as_of: str) -> tuple[briefing.Brief, bytes]:
    led.forget_cache()  # measure the work, not the service's cache of the last read
    brief = briefing.build(led, as_of)
    briefing.to_html(brief)
    return brief, pdf_bytes(brief)


def measure(name: str, path: Path, as_of: str, repeat: int, budget: float | None) -> bool:
    with Ledger.open(path, readonly=True) as led:
        n = sum(led.count(k) for k in ("package", "line", "disbursement"))
        floor(led, as_of)  # warm the page cache for both
        floor_t, ours_t = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            floor(led, as_of)
            floor_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            brief, pdf = ours(led, as_of)
            ours_t.append(time.perf_counter() - t)
        # The brief says what the summary says.
        s = led.summary(as_of)
        assert dict(brief.headline)["Remaining authority"] == format_cents(s.totals.remaining_authority_cents, s.currency)
        assert pdf.startswith(b"%PDF") and brief.fingerprint == led.fingerprint()
    f, o = statistics.median(floor_t), statistics.median(ours_t)
    ok = budget is None or o < budget
    verdict = "" if budget is None else f"  budget {budget:.0f} s: {'ok' if ok else 'OVER'}"
    print(f"{name} ({n:,} entries): floor median {f:.3f} s, brief median {o:.3f} s (min {min(ours_t):.3f}), "
          f"ratio {o / f:.2f}x, PDF {len(pdf):,} bytes{verdict}")
    return ok


def end_to_end(path: Path, budget: float | None) -> bool:
    out = path.with_suffix(".pdf")
    t = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "report", "--ledger", str(path), "--as-of", SAMPLE_AS_OF,
                    "--output", str(out)], check=True, capture_output=True)
    took = time.perf_counter() - t
    ok = budget is None or took < budget
    print(f"sample, `python main.py report` end to end: {took:.3f} s"
          + ("" if budget is None else f"  budget {budget:.0f} s: {'ok' if ok else 'OVER'}"))
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--ledger", type=Path, help="reuse (or build) the large ledger at this path")
    ap.add_argument("--quick", action="store_true", help="20,000 entries, one run each, no budgets")
    a = ap.parse_args()
    if a.quick:
        a.entries, a.repeat = 20_000, 1
    tmp = Path(tempfile.mkdtemp())
    sample = tmp / "sample.aidledger"
    with Ledger.open(sample) as led:
        build_sample(led)
    big = a.ledger or tmp / "big.aidledger"
    if not big.exists():
        t = time.perf_counter()
        build_big(big, a.entries)
        print(f"built {a.entries:,}-entry ledger in {time.perf_counter() - t:.1f} s")
    ok = measure("sample", sample, SAMPLE_AS_OF, a.repeat, None if a.quick else 2.0)
    ok &= end_to_end(sample, None if a.quick else 2.0)
    ok &= measure("large", big, BIG_AS_OF, a.repeat, None if a.quick else 5.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
