"""The first open of a 1,000,000-entry ledger after an upgrade: a schema-4 copy of the big ledger.

Measured, each a median of --runs on a fresh copy:
- in the app (Qt offscreen unless a display is set): from File > Open to the painted dashboard, the
  upgrade running on a worker behind its dialog; and how long the GUI thread was kept from running
  in that time (the longest gap between ticks of a 10 ms timer: the window's worst freeze);
- the core alone, Ledger.open split into its steps: the backup taken first, the migration.

    .venv/bin/python bench/bench_upgrade_big.py [--ledger PATH] [--runs 3]

The schema-4 copy is made from the ledger bench/build_big.py builds (bench_open_big.py's --ledger) by
dropping what schemas 5 and 6 added: its tables' indexes, full-text search, the cached movements.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
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

ADDED_AFTER_4 = ("SELECT type, name FROM sqlite_master WHERE (type = 'index' AND name GLOB '*_by_*')"
                 " OR (type = 'table' AND name GLOB '*_fts') OR type = 'trigger'"
                 " OR name IN ('write_count', 'cached_groupings', 'cached_movements')")


def schema4_copy(big: Path, out: Path) -> Path:
    """`big` as a schema-4 ledger (the data as it was; what later versions added, dropped)."""
    shutil.copy(big, out)
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for kind, name in conn.execute(ADDED_AFTER_4).fetchall():
            conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        conn.execute("PRAGMA user_version = 4")
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return out


def fresh(template: Path, folder: Path) -> Path:
    path = folder / "upgrade.aidledger"
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    shutil.rmtree(f"{path}.backups", ignore_errors=True)
    shutil.copy(template, path)
    return path


def core(path: Path) -> dict[str, float]:
    from ledger import backups, schema
    from ledger.service import Ledger

    took: dict[str, float] = {}
    take, migrate = backups.take, schema.migrate

    def timed(name, fn):
        def run(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                took[name] = time.perf_counter() - t
        return run

    backups.take, schema.migrate = timed("backup first", take), timed("migration (DDL)", migrate)
    try:
        t = time.perf_counter()
        Ledger.open(path).close()
        took["Ledger.open, all of it"] = time.perf_counter() - t
    finally:
        backups.take, schema.migrate = take, migrate
    return took


def in_app(path: Path) -> dict[str, float]:
    from PySide6.QtCore import QTimer

    from ui.app import make_app
    from ui.mainwindow import MainWindow

    app = make_app()
    w = MainWindow()
    w.show()
    app.processEvents()
    ticks = [time.perf_counter()]
    timer = QTimer(interval=10, timeout=lambda: ticks.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    w.open_ledger(path)
    job = w.upgrade_job
    while job.running:
        app.processEvents()
        time.sleep(0.005)
    if w.ledger is None:
        raise SystemExit(f"the upgrade failed: {job.outcome.message}")
    w.repaint()
    app.processEvents()
    out = {"open to painted dashboard (in the app)": time.perf_counter() - t0}
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:]) if b > t0]
    out["longest freeze of the window meanwhile"] = max(gaps) if gaps else 0.0
    w.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "aidledger-bench-1m.aidledger",
                    help="the big ledger (built by bench/build_big.py if missing)")
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    os.environ["AID_LEDGER_HOME"] = tempfile.mkdtemp(prefix="aidledger-bench-")
    if not opts.ledger.exists():
        from build_big import build

        build(opts.ledger, opts.entries)
    work = Path(tempfile.mkdtemp(prefix="aidledger-upgrade-"))
    template = schema4_copy(opts.ledger, work / "schema4.aidledger")
    runs = [core(fresh(template, work)) for _ in range(opts.runs)]
    runs = [r | in_app(fresh(template, work)) for r in runs]
    for key in runs[0]:
        print(f"{key:<44} {statistics.median(r[key] for r in runs):6.2f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
