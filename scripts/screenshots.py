"""Screenshots of each view into docs/screenshots/, as a user sees them, at 1440x900 and at 1024x700.

    xvfb-run -a .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Runs in a temporary data folder (never the user's): the welcome view, then the sample ledger as of
2024-12-02 (the day PDA 71 was announced): dashboard, chart (line and stacked, and cumulative disbursed with the reported figures), bars by system type, a
table with the detail pane, the delivery form, Preferences, Backups and the import wizard's preview of a
workbook. Each size is shot in turn (`name.png` at 1440x900, `name-1024.png` at 1024x700).

Every shot is checked: no visible label or button whose text does not fit (Qt would cut or elide it),
and a window no wider than asked. The script lists what it found and exits 1 if anything was. Without
a display it falls back to Qt's offscreen platform (same pixels, no window manager).
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
SIZES = {"": (1440, 900), "-1024": (1024, 700)}


def settle(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def clipped(root) -> list[str]:
    """Visible labels and buttons of `root` whose text does not fit in the room they have."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QLabel

    out = []
    for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        if not w.isVisibleTo(root) or not w.text().strip() or type(w).__name__ == "QToolButton":
            continue
        if isinstance(w, QLabel) and (w.textFormat() == Qt.TextFormat.RichText or "<" in w.text()):
            continue
        if w.width() <= 1 or w.height() <= 1:
            continue  # not laid out yet (a view not shown)
        fm = w.fontMetrics()
        text = w.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        room = w.contentsRect()
        if isinstance(w, QLabel) and w.wordWrap():
            need = w.heightForWidth(room.width())
            if need > room.height() + 1:
                out.append(f"{type(w).__name__} {text[:60]!r}: needs {need} px of height, has {room.height()}")
            continue
        extra = 0 if isinstance(w, QLabel) else w.sizeHint().width() - fm.horizontalAdvance(text)
        widest = max(fm.horizontalAdvance(line) for line in text.splitlines())
        if widest + extra > room.width() + 1:
            out.append(f"{type(w).__name__} {text[:60]!r}: needs {widest + extra} px, has {room.width()}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    from ledger.excel import export_workbook
    from ledger.service import Ledger
    from ui.app import build_window, make_app

    app = make_app()
    shots, problems = [], []

    def shoot(widget, name: str, size: tuple[int, int], with_popups: bool = False) -> None:
        settle(app)
        if widget.isWindow() and widget.width() > size[0]:
            problems.append(f"{name}: the window widened itself to {widget.width()} px (asked for {size[0]})")
        problems.extend(f"{name}: {p}" for p in clipped(widget))
        path = out / f"{name}.png"
        if with_popups:  # from the screen, so an open popup list is in the picture
            g = widget.frameGeometry()  # the form is tall enough to hold its popup list
            app.primaryScreen().grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(path))
        else:
            widget.grab().save(str(path))
        shots.append(path)

    for suffix, size in SIZES.items():
        w = build_window(None)
        w.set_ledger(None)  # the second round would reopen the sample: show the first-run view again
        w.resize(*size)
        w.show()
        shoot(w, f"welcome{suffix}", size)
        w.open_sample()
        while w.ledger is None:  # the sample is made on a worker; the window opens it when it is done
            app.processEvents()
        w.resize(*size)
        w.dashboard.set_as_of(AS_OF)
        shoot(w, f"dashboard{suffix}", size)
        w.show_view(1)
        w.chart.set_as_of(AS_OF.isoformat())
        shoot(w, f"chart{suffix}", size)
        w.chart.stacked.setChecked(True)
        shoot(w, f"chart-stacked{suffix}", size)
        w.chart.stacked.setChecked(False)
        # Cumulative disbursed per authority, with the reported figures beside it and the gap readout.
        w.chart.balance.setCurrentIndex(w.chart.balance.findData("disbursed_cents"))
        shoot(w, f"chart-disbursed{suffix}", size)
        w.chart.balance.setCurrentIndex(0)
        w.show_view(2)
        shoot(w, f"by-system-type{suffix}", size)
        view = w.show_table("package")
        view.select_id(w.ledger.find("package", "PDA 71").id)
        shoot(w, f"packages{suffix}", size)
        view = w.show_table("disbursement")
        shoot(w, f"deliveries{suffix}", size)
        shoot_dialogs(w, suffix, shoot, size)

        # The import wizard previewing the sample's own export into a new, empty ledger.
        from ui.import_wizard import ImportWizard

        home = Path(os.environ["AID_LEDGER_HOME"])
        workbook = home / "sample-export.xlsx"
        export_workbook(w.ledger, workbook)
        empty = Ledger.open(home / f"empty{suffix}.aidledger")
        wizard = ImportWizard(empty, w.settings, str(workbook), w)
        wizard.resize(min(1000, size[0]), min(700, size[1]))
        wizard.show()
        wizard.run_preview()
        while wizard.busy:  # previewed on a worker; shown when it is done
            app.processEvents()
        shoot(wizard, f"import-preview{suffix}", size)
        wizard.close()
        empty.close()
        w.close()
        w.deleteLater()
        settle(app)

    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    for p in problems:
        print("CLIPPED", p)
    sys.exit(1 if problems else 0)


def shoot_dialogs(w, suffix: str, shoot, size) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.backups_dialog import BackupsDialog
    from ui.preferences import PreferencesDialog
    from ui.tables import RecordDialog

    form = RecordDialog(w.ledger, "disbursement", None, w)
    form.edits["package_id"].setText("PDA 5")
    form.show()
    settle(QApplication.instance())
    line = form.edits["line_id"]
    line.setFocus()
    line.completer().setCompletionPrefix("")
    line.completer().complete()  # the line picker open, as a user sees it after choosing the package
    shoot(form, f"delivery-form{suffix}", size, with_popups=True)
    form.close()
    prefs = PreferencesDialog(w.settings, w.ledger, w)
    prefs.show()
    shoot(prefs, f"preferences{suffix}", size)
    prefs.close()
    backups = BackupsDialog(w.ledger, w)
    backups.show()
    shoot(backups, f"backups{suffix}", size)
    backups.close()


if __name__ == "__main__":
    main()
