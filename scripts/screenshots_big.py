"""Screenshots of a 1,000,000-entry ledger in the window, taken from the X screen (`import -window root`).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python scripts/screenshots_big.py LEDGER [--out docs/screenshots]

LEDGER is the big ledger bench/build_big.py builds. Shots:
- `table-1m-last-page.png`: its deliveries sorted by value (largest first), Last page clicked: the
  smallest deliveries and those without a value, the count saying which rows show;
- `upgrade-1m.png`: the app started on a schema-4 copy of it: the dialog naming the file and the step
  while the upgrade runs on a worker (the window behind it still paints).
Runs in a temporary data folder (never the user's).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["AID_LEDGER_HOME"] = tempfile.mkdtemp(prefix="aidledger-shots-")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def settle(app, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def grab(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True)
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    opts = ap.parse_args()
    opts.out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs a display: run it under xvfb-run -a")
    from bench_upgrade_big import schema4_copy
    from PySide6.QtCore import Qt

    from ui.app import build_window, make_app

    app = make_app()
    w = build_window(str(opts.ledger))
    w.resize(1440, 900)
    w.move(0, 0)
    w.show()
    settle(app)
    view = w.show_table("disbursement")
    view.table.sortByColumn(1 + [f.name for f in view.model.fields].index("value_cents"), Qt.SortOrder.DescendingOrder)
    view.last_button.click()
    settle(app)
    grab(opts.out / "table-1m-last-page.png")
    w.close()

    older = schema4_copy(opts.ledger, Path(tempfile.mkdtemp(prefix="aidledger-upgrade-")) / "aid-2022-2025.aidledger")
    w = build_window(str(older))  # as the app starts on the ledger it had open, now of an older version
    w.resize(1440, 900)
    w.move(0, 0)
    w.show()
    settle(app, 2.0)  # the dialog shows once the work has run for a moment
    grab(opts.out / "upgrade-1m.png")
    while w.upgrade_job.running:
        settle(app, 0.2)
    w.close()


if __name__ == "__main__":
    main()
