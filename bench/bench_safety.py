"""What data safety costs on a large ledger, as ratios against reading it, in the same run.

    .venv/bin/python bench/bench_safety.py [--entries 1000000] [--ledger PATH] [--runs 3]

Baseline: Ledger.open(readonly=True) + summary (what every view needs). Measured:
- open for writing, the usual case (the lock; no check: the last close was clean, a backup is recent);
- open for writing after a crash (a -wal left behind): PRAGMA quick_check as well;
- a backup (SQLite backup API into the backups folder, fsync, rename);
- the same summary through a writable ledger (the lock must not slow reading).
The ledger is built once with bench/build_big.py and kept at --ledger. Medians of --runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ledger import backups  # noqa: E402
from ledger.service import Ledger  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def read_only(path: Path) -> None:
    with Ledger.open(path, readonly=True) as led:
        led.summary(None, "authority")


def writable(path: Path) -> None:
    with Ledger.open(path) as led:
        led.summary(None, "authority")


def after_crash(path: Path) -> None:
    path.with_name(path.name + "-wal").write_bytes(b"frames" * 100)  # not valid frames: SQLite ignores them
    writable(path)


def one_backup(path: Path) -> None:
    with Ledger.open(path) as led:
        t = timed(lambda: led.backup("bench"))
    one_backup.last = t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "aid-ledger-bench-safety.aidledger")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not args.ledger.exists():
        from build_big import build

        build(args.ledger, args.entries)
    path = args.ledger
    shutil.rmtree(backups.folder_for(path), ignore_errors=True)
    with Ledger.open(path) as led:
        led.backup("bench")  # a recent backup: the daily one is not due during the runs
    results: dict[str, list[float]] = {k: [] for k in ("read-only open + summary", "writable open + summary",
                                                       "writable open after a crash + summary", "backup")}
    for _ in range(args.runs):
        results["read-only open + summary"].append(timed(lambda: read_only(path)))
        results["writable open + summary"].append(timed(lambda: writable(path)))
        results["writable open after a crash + summary"].append(timed(lambda: after_crash(path)))
        one_backup(path)
        results["backup"].append(one_backup.last)
    base = statistics.median(results["read-only open + summary"])
    size = path.stat().st_size / 1e6
    print(f"ledger: {path} ({size:.0f} MB), medians of {args.runs} runs")
    print(f"{'measure':<42}{'seconds':>9}{'ratio':>8}")
    for name, values in results.items():
        m = statistics.median(values)
        print(f"{name:<42}{m:>9.3f}{m / base:>8.2f}")
    shutil.rmtree(backups.folder_for(path), ignore_errors=True)


if __name__ == "__main__":
    main()
