"""Daily balance series by system type over a 1,000,000-entry ledger, against the floor: the plain SQL
query that computes the same numbers (daily running sums per system type with window functions).

    .venv/bin/python bench/bench_series.py [--entries N] [--repeat R]

Both run side by side in one process, alternating, so machine noise hits both; prints medians and the
ratio (target: at most 1.3x the floor, and under 1 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_big import build  # noqa: E402

from ledger.service import Ledger  # noqa: E402

FLOOR_SQL = """
WITH moves (g, day, committed, disbursed) AS (
    SELECT NULL, available_from, 0, 0 FROM authorities
    UNION ALL
    SELECT l.system_type_id, p.announced_on, SUM(l.value_cents), 0
      FROM package_lines l JOIN packages p ON p.id = l.package_id WHERE l.value_cents IS NOT NULL GROUP BY 1, 2
    UNION ALL
    SELECT NULL, p.announced_on, SUM(p.value_cents - COALESCE(
             (SELECT SUM(l.value_cents) FROM package_lines l WHERE l.package_id = p.id), 0)), 0
      FROM packages p GROUP BY 2
    UNION ALL
    SELECT system_type_id, disbursed_on, 0, SUM(value_cents) FROM disbursements
     WHERE value_cents IS NOT NULL GROUP BY system_type_id, disbursed_on
), daily AS (
    SELECT g, day, SUM(committed) AS c, SUM(disbursed) AS d FROM moves GROUP BY g, day
)
SELECT g, day,
       SUM(c) OVER w AS committed, SUM(d) OVER w AS disbursed, SUM(c - d) OVER w AS undelivered
  FROM daily WINDOW w AS (PARTITION BY g ORDER BY day ROWS UNBOUNDED PRECEDING)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--ledger", type=Path, help="reuse (or build) the ledger at this path")
    a = ap.parse_args()
    path = a.ledger or Path(tempfile.mkdtemp()) / "big.aidledger"
    if not path.exists():
        t = time.perf_counter()
        build(path, a.entries)
        print(f"built {a.entries:,}-entry ledger in {time.perf_counter() - t:.1f} s")
    with Ledger.open(path, readonly=True) as led:
        counts = {k: led.count(k) for k in ("package", "line", "disbursement")}
        print("entries:", counts, "total", f"{sum(counts.values()):,}")
        floor_t, ours_t = [], []
        led.conn.execute(FLOOR_SQL).fetchall()  # warm the page cache for both
        for _ in range(a.repeat):
            t = time.perf_counter()
            floor_rows = led.conn.execute(FLOOR_SQL).fetchall()
            floor_t.append(time.perf_counter() - t)
            led.forget_cache()  # measure the work, not the service's cache of the last read
            t = time.perf_counter()
            series = led.series("system_type")
            ours_t.append(time.perf_counter() - t)
        # Same numbers: the last point of each group agrees with the floor's last row for it.
        names = dict(led.conn.execute("SELECT id, name FROM system_types"))
        last = {}
        for g, _day, c, d, _undelivered in floor_rows:
            last[names.get(g, "Unallocated")] = (c, d)
        for name, points in series.items():
            fig = points[-1][1]
            assert (fig.committed_cents, fig.disbursed_cents) == last[name], name
    f, o = statistics.median(floor_t), statistics.median(ours_t)
    print(f"floor (plain SQL, {len(floor_rows):,} rows): median {f:.3f} s  (min {min(floor_t):.3f})")
    print(f"series by system type:             median {o:.3f} s  (min {min(ours_t):.3f})")
    print(f"ratio: {o / f:.2f}x the floor (target <= 1.3x); under 1 s: {'yes' if o < 1 else 'NO'}")


if __name__ == "__main__":
    main()
