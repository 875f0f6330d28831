"""Open a 1,000,000-entry ledger in the app: dashboard shown, then the chart drawn, then a table.

Measured in one process (Qt offscreen unless a display is set): the time from opening the file to the
painted dashboard, and on to the painted chart (target: under 2 s in all), then the disbursements
table's first page, a sort on value and a search (each pushed to SQLite). The baseline in the same run
is the core alone: Ledger.open + summary + series, the reads the views cannot avoid.

    .venv/bin/python bench/bench_open_big.py [--entries 1000000] [--ledger PATH] [--runs 3]

The ledger is built once with bench/build_big.py (raw executemany) and kept at --ledger.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def core_only(path: Path) -> float:
    from ledger.service import Ledger

    t0 = time.perf_counter()
    with Ledger.open(path) as led:
        led.summary(None, "authority")
        led.series("authority")
    return time.perf_counter() - t0


def in_app(path: Path) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.app import build_window, make_app

    app = make_app()
    import ui.chart  # noqa: F401  - imported before the clock starts, as at startup it would be

    t0 = time.perf_counter()
    w = build_window(str(path))
    w.show()
    w.repaint()
    app.processEvents()
    t1 = time.perf_counter()
    w.show_view(1)
    w.repaint()
    app.processEvents()
    t2 = time.perf_counter()
    view = w.show_table("disbursement")
    view.repaint()
    app.processEvents()
    t3 = time.perf_counter()
    view.table.sortByColumn(1 + [f.name for f in view.model.fields].index("value_cents"), Qt.SortOrder.DescendingOrder)
    app.processEvents()
    t4 = time.perf_counter()
    view.model.set_search("2023-05")
    app.processEvents()
    t5 = time.perf_counter()
    view.table.scrollToBottom()
    app.processEvents()
    t6 = time.perf_counter()
    rows = view.model.total
    w.close()
    del w, view
    QApplication.processEvents()
    gc.collect()
    return {
        "dashboard": t1 - t0,
        "dashboard + chart": t2 - t0,
        "table first page": t3 - t2,
        "sort by value": t4 - t3,
        "search": t5 - t4,
        "scroll (fetch next page)": t6 - t5,
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "aidledger-bench-1m.aidledger")
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    os.environ["AID_LEDGER_HOME"] = tempfile.mkdtemp(prefix="aidledger-bench-")
    if not opts.ledger.exists():
        from build_big import build

        t = time.perf_counter()
        build(opts.ledger, opts.entries)
        print(f"built {opts.ledger} ({opts.entries:,} entries) in {time.perf_counter() - t:.1f} s")
    from ledger.service import Ledger

    with Ledger.open(opts.ledger) as led:
        counts = {k: led.count(k) for k in ("package", "line", "disbursement")}
    print("entries: " + ", ".join(f"{n:,} {k}s" for k, n in counts.items()))
    core_only(opts.ledger)  # warm the file cache
    base = [core_only(opts.ledger) for _ in range(opts.runs)]
    runs = [in_app(opts.ledger) for _ in range(opts.runs)]
    b = statistics.median(base)
    print(f"baseline, core only (open + summary + series): median {b:.2f} s")
    for key in runs[0]:
        if key == "rows":
            continue
        m = statistics.median(r[key] for r in runs)
        extra = f"  ({m / b:.2f}x baseline)" if key.startswith("dashboard") else ""
        print(f"{key}: median {m:.2f} s{extra}")
    total = statistics.median(r["dashboard + chart"] for r in runs)
    print(f"open to dashboard and chart painted: {total:.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
