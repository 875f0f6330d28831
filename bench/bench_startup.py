"""Startup: process start to the first painted window, the app against a bare PySide6 + pyqtgraph window.

Each run is a fresh process; the time runs from just before the process is started to the moment the
child reports its first paint event. Runs alternate (bare, app, bare, app...) so both see the same
machine load; the result is the ratio of medians (target: at most 1.3).

    .venv/bin/python bench/bench_startup.py [--runs 7] [--ledger PATH]

Without --ledger the app opens the sample ledger (built once into a temporary folder), as a user
who has used it before sees it. Uses the offscreen platform unless a display is set.
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

# Both children stop at the first paint of any widget, reported on stdout.
PAINT_HOOK = """
from PySide6.QtCore import QObject, QEvent, QTimer
class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.window().isVisible():
            print("painted", flush=True)
            os._exit(0)
        return False
"""

BARE = (
    """
import os, sys
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
"""
    + PAINT_HOOK
    + """
app = QApplication(sys.argv[:1])
hook = _FirstPaint(); app.installEventFilter(hook)
w = QMainWindow(); w.setCentralWidget(pg.PlotWidget()); w.resize(1280, 800); w.show()
app.exec()
"""
)

APP = (
    """
import os, sys
sys.path.insert(0, {root!r})
from ledger import cli
args = cli.build_parser().parse_args(sys.argv[1:])
from ui.app import make_app, build_window
app = make_app()
"""
    + PAINT_HOOK
    + """
hook = _FirstPaint(); app.installEventFilter(hook)
w = build_window(args.ledger); w.show()
app.exec()
"""
)


def run_once(code: str, args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60)
    t1 = time.perf_counter()
    if "painted" not in out.stdout:
        raise SystemExit(f"the child never painted:\n{out.stderr[-2000:]}")
    return t1 - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--ledger", help="ledger the app opens (default: the sample)")
    opts = ap.parse_args()
    home = tempfile.mkdtemp(prefix="aidledger-bench-")
    env = {**os.environ, "AID_LEDGER_HOME": home, "PYQTGRAPH_QT_LIB": "PySide6"}
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = env.get("QT_QPA_PLATFORM", "offscreen")
    ledger = opts.ledger
    if not ledger:
        sys.path.insert(0, str(ROOT))
        from ledger.sample import write_sample

        ledger = str(Path(home) / "sample.aidledger")
        led, _warnings = write_sample(ledger)
        led.close()
    app_code = APP.format(root=str(ROOT))
    bare, app = [], []
    run_once(BARE, [], env)  # warm the file cache for both
    run_once(app_code, ["--ledger", ledger], env)
    for _ in range(opts.runs):
        bare.append(run_once(BARE, [], env))
        app.append(run_once(app_code, ["--ledger", ledger], env))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"platform: {env.get('QT_QPA_PLATFORM') or 'display ' + env.get('DISPLAY', '')}; runs: {opts.runs}")
    print(f"bare PySide6 + pyqtgraph window: median {b * 1000:.0f} ms (min {min(bare) * 1000:.0f})")
    print(f"Aid Ledger main window ({Path(ledger).name}): median {a * 1000:.0f} ms (min {min(app) * 1000:.0f})")
    print(f"ratio app / bare: {a / b:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
