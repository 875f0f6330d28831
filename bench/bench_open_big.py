"""Open a 1,000,000-entry ledger in the app: dashboard, chart, then the tables a user works in.

Measured in one process (Qt offscreen unless a display is set), each a median of --runs:
- open to the painted dashboard, and on to the painted chart (target: under 1 s): the usual open
  (nothing written since the last one: the daily movements are read from the file); after a record
  written elsewhere (a delivery added by a whole `main.py add` process, as a colleague's command-line
  change or import would come: the movements are summed from the records again, then kept); after a
  setting changed elsewhere (no record changed: the movements kept in the file still count); the
  first open of a day (the daily check and backup due: the window leaves them to a worker);
- the deliveries table: first page; a sort on every column, both ways (each reloads: count + first
  page, painted); the next page after a sort (the view scrolled to its end: fetchMore); the last
  page (Last page clicked), the page before it (scrolled up), the first page again; searches of
  notes, dates and ids; the lines table searched by description; the sources table by title;
- through the service, as the model asks: the last page of a sort, and a filter (one package's
  deliveries by value) with its count.
Target for each table action: under 100 ms. The baseline in the same run is the core alone: Ledger.open
+ summary + series, the reads the views cannot avoid.

    .venv/bin/python bench/bench_open_big.py [--entries 1000000] [--ledger PATH] [--runs 3]

The ledger is built once with bench/build_big.py (raw executemany) and kept at --ledger; the runs
leave it as they found it (the delivery they add is undone, its history and the name they set put back).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import sqlite3
import statistics
import subprocess
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


def _timed(app, action) -> float:
    t = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - t


def set_elsewhere(path: Path) -> None:
    """A setting changed by another connection (the ledger's name, as Preferences or `new --name` would)."""
    from ledger.service import Ledger

    with Ledger.open(path) as led:
        led.set_meta("name", f"Benchmark ledger, renamed {time.time():.0f}")


def main_py(path: Path, *args: str) -> None:
    """A whole command-line process writing the ledger, as a colleague's would."""
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--ledger", str(path), *args], check=True,
                   capture_output=True, timeout=600)


def record_elsewhere(path: Path) -> None:
    """One delivery added by `main.py add` (undone by `undo_elsewhere` once measured)."""
    from ledger.service import Ledger

    with Ledger.open(path, readonly=True) as led:
        day = (led.find("package", "P1").announced_on + dt.timedelta(days=30)).isoformat()
    main_py(path, "add", "--accept-warnings", "disbursement", f"disbursed_on={day}", "package=P1", "value=1000")
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:  # what this open must not skip
        count = conn.execute("SELECT n FROM write_count").fetchone()[0]
        assert count not in {n for (n,) in conn.execute("SELECT at_write FROM cached_groupings")}, "nothing to sum"


def undo_elsewhere(path: Path) -> None:
    main_py(path, "undo")


def mark(path: Path) -> tuple[int, str | None]:
    """What the runs change and `put_back` restores: the last history action, and the ledger's name."""
    from ledger.service import Ledger

    with Ledger.open(path, readonly=True) as led:
        last = led.conn.execute("SELECT COALESCE(MAX(id), 0) FROM history_actions").fetchone()[0]
        return last, led.meta("name")


def put_back(path: Path, marked: tuple[int, str | None]) -> None:
    """The ledger as it was before the runs, so each run measures the same file: the name set back, and
    the history of the deliveries added and undone forgotten (no record changes, so the movements kept
    in the file still count; the service has no call for forgetting history, a user never should)."""
    from ledger.service import Ledger

    last, name = marked
    with Ledger.open(path) as led:
        led.set_meta("name", name)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM history_changes WHERE action_id > ?", (last,))
        conn.execute("DELETE FROM history_actions WHERE id > ?", (last,))
    conn.close()


def open_views(app, path: Path):
    """The window opened on `path` to its painted dashboard, then its painted chart: the two times."""
    from ui.app import build_window

    t0 = time.perf_counter()
    w = build_window(str(path))
    w.show()
    w.repaint()
    app.processEvents()
    dashboard = time.perf_counter() - t0
    w.show_view(1)
    w.repaint()
    app.processEvents()
    return w, dashboard, time.perf_counter() - t0


def shut(w) -> None:
    """Close the window and delete it now: each window filters every event of the app (ui/undo_keys.py),
    so windows left closed but alive would slow each later open, as no user's one window does."""
    from PySide6.QtCore import QCoreApplication, QEvent

    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def in_app(path: Path) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.app import make_app

    app = make_app()
    import ui.chart  # noqa: F401  - imported before the clock starts, as at startup it would be

    out: dict[str, float] = {}
    record_elsewhere(path)  # a record written by another process: the movements summed again, then kept
    w, out["dashboard, after a record written elsewhere"], out["dashboard + chart, after a record written elsewhere"] = \
        open_views(app, path)
    shut(w)
    undo_elsewhere(path)  # the ledger as built again (a record write too: the next open sums and keeps)
    w, _, _ = open_views(app, path)
    shut(w)
    w, out["dashboard"], out["dashboard + chart"] = open_views(app, path)  # the usual open: nothing changed since
    shut(w)
    set_elsewhere(path)  # a setting changed by another connection: no record, the kept movements still count
    w, out["dashboard, after a setting changed elsewhere"], out["dashboard + chart, after a setting changed elsewhere"] = \
        open_views(app, path)
    shut(w)
    # The first open of a day: the daily check and backup are due (the backups set aside meanwhile).
    folder = path.with_name(path.name + ".backups")
    aside = folder.with_name(folder.name + "-aside")
    if folder.exists():
        folder.rename(aside)
    try:
        w, out["dashboard, first open of the day"], out["dashboard + chart, first open of the day"] = open_views(app, path)
        shut(w)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if aside.exists():
            aside.rename(folder)
    w, _, _ = open_views(app, path)
    holder = {}
    out["table first page"] = _timed(app, lambda: holder.setdefault("v", w.show_table("disbursement")).repaint())
    view = holder["v"]
    names = [f.name for f in view.model.fields]
    sorts = {}
    for i, name in enumerate(["id", *names]):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            sorts[(name, order)] = _timed(app, lambda i=i, order=order: (view.table.sortByColumn(i, order), view.table.viewport().repaint()))
    out["sort (median of every column, both ways)"] = statistics.median(sorts.values())
    slowest = max(sorts, key=sorts.get)
    out["sort (slowest column)"] = sorts[slowest]
    print(f"  this run's slowest sort: {slowest[0]}{' descending' if slowest[1] == Qt.SortOrder.DescendingOrder else ''}")
    out["sort by value"] = sorts[("value_cents", Qt.SortOrder.DescendingOrder)]
    out["next page (after the sort)"] = _timed(app, lambda: view.model.fetchMore())
    out["last page (Last page clicked, painted)"] = _timed(app, lambda: (view.last_button.click(), view.table.viewport().repaint()))
    bar = view.table.verticalScrollBar()
    out["page before the last (scrolled up, painted)"] = _timed(app, lambda: (bar.setValue(bar.minimum()), view.table.viewport().repaint()))
    out["first page (First page clicked, painted)"] = _timed(app, lambda: (view.first_button.click(), view.table.viewport().repaint()))
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    out["reload alone (count + first page + names)"] = _timed(app, lambda: view.model.reload())
    for label, text in (("search notes 'convoy'", "convoy"), ("search a date '2023-05'", "2023-05"),
                        ("search an id", "777777"), ("search notes, rare ('Rzeszow 99')", "Rzeszow 99")):
        out[label] = _timed(app, lambda text=text: (view.model.set_search(text), view.table.viewport().repaint()))
    view.table.sortByColumn(1 + names.index("value_cents"), Qt.SortOrder.DescendingOrder)
    out["search '2023-05' sorted by value"] = _timed(app, lambda: (view.model.set_search("2023-05"), view.table.viewport().repaint()))
    view.model.set_search("")
    lines = w.show_table("line")
    out["lines: search description 'item 1234'"] = _timed(app, lambda: lines.model.set_search("item 1234"))
    sources = w.show_table("source")
    out["sources: search title 'Fires'"] = _timed(app, lambda: sources.model.set_search("Fires"))
    led = w.ledger
    out["last page (service, by value)"] = _timed(app, lambda: led.page("disbursement", sort="value_cents", from_end=True))
    out["filter: one package by value + count (service)"] = _timed(
        app, lambda: (led.page("disbursement", sort="value_cents", descending=True, filters={"package_id": 7}),
                      led.search_count("disbursement", filters={"package_id": 7})))
    out["rows"] = view.model.total
    shut(w)
    w = view = lines = sources = None
    QApplication.processEvents()
    gc.collect()
    return out


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
    marked = mark(opts.ledger)
    try:
        runs = [in_app(opts.ledger) for _ in range(opts.runs)]
    finally:
        put_back(opts.ledger, marked)
    b = statistics.median(base)
    print(f"baseline, core only (open + summary + series): median {b:.2f} s")
    for key in runs[0]:
        if key == "rows":
            continue
        m = statistics.median(r[key] for r in runs)
        if key.startswith("dashboard"):
            print(f"{key:<56} {m:7.2f} s    ({m / b:.2f}x baseline; target < 1 s)")
        else:
            print(f"{key:<56} {m * 1000:7.0f} ms   {'ok' if m < 0.1 else 'OVER 100 ms'}")


if __name__ == "__main__":
    main()
