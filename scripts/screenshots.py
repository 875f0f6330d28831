"""Screenshots of each main view into docs/screenshots/, as a user sees them.

    xvfb-run -a .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Runs in a temporary data folder (never the user's): the welcome view, then the sample ledger as of
2024-12-02 (the day PDA 71 was announced): dashboard, chart (also cumulative disbursed with the reported
figures), bars by system type, a table with the detail pane, and the import wizard's preview of a workbook. Without a display it falls back to Qt's
offscreen platform (same pixels, no window manager).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["AID_LEDGER_HOME"] = tempfile.mkdtemp(prefix="aidledger-shots-")
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

AS_OF = dt.date(2024, 12, 2)
SIZE = (1360, 860)


def settle(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    from ledger.excel import export_workbook
    from ledger.service import Ledger
    from ui.app import build_window, make_app
    from ui.import_wizard import ImportWizard

    app = make_app()
    shots = []

    def shoot(widget, name: str) -> None:
        settle(app)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        shots.append(path)

    w = build_window(None)
    w.resize(*SIZE)
    w.show()
    shoot(w, "welcome")

    w.open_sample()
    while w.ledger is None:  # the sample is made on a worker; the window opens it when it is done
        app.processEvents()
    w.resize(*SIZE)
    w.dashboard.set_as_of(AS_OF)
    shoot(w, "dashboard")

    w.show_view(1)
    w.chart.set_as_of(AS_OF.isoformat())
    shoot(w, "chart")
    w.chart.stacked.setChecked(True)
    shoot(w, "chart-stacked")
    w.chart.stacked.setChecked(False)
    # Cumulative disbursed per authority, with the reported figures beside it and the gap readout.
    w.chart.balance.setCurrentIndex(w.chart.balance.findData("disbursed_cents"))
    shoot(w, "chart-disbursed")
    w.chart.balance.setCurrentIndex(0)

    w.show_view(2)
    shoot(w, "by-system-type")

    view = w.show_table("package")
    view.select_id(w.ledger.find("package", "PDA 71").id)
    shoot(w, "packages")

    # The import wizard previewing the sample's own export into a new, empty ledger.
    workbook = Path(os.environ["AID_LEDGER_HOME"]) / "sample-export.xlsx"
    export_workbook(w.ledger, workbook)
    empty = Ledger.open(Path(os.environ["AID_LEDGER_HOME"]) / "empty.aidledger")
    wizard = ImportWizard(empty, w.settings, str(workbook), w)
    wizard.resize(1000, 700)
    wizard.show()
    wizard.run_preview()
    shoot(wizard, "import-preview")
    wizard.close()
    empty.close()

    w.close()
    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
