"""Screenshots of the import wizard on an empty ledger, before and after the authority is created.

    xvfb-run -a .venv/bin/python scripts/screenshots_first_contact.py [--out docs/screenshots]

A new ledger and a fact-sheet style sheet that names no authority (tests/usai_sheet.py): the preview with its packages waiting for an authority and the Create
authority button (import-empty-before.png), the Create authority form (import-empty-authority.png),
then the preview again with the authority found by program and date, and the Added tab showing what
will be stored (import-empty-after.png); the Columns tab with each match's confidence
(import-empty-columns.png) and the wizard once imported (import-empty-imported.png). Runs in a
temporary data folder. Every shot is checked for cut text as `screenshots.py` checks its own; the
script exits 1 if any was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import ROOT, clipped, settle  # noqa: E402  (its import sets the data folder and the platform)

sys.path.insert(0, str(ROOT / "tests"))
from usai_sheet import usai_sheet  # noqa: E402  (the sheet the first-contact tests build too)


def sheet(path: Path) -> Path:
    return usai_sheet(path, sheet="USAI announcements", title="Ukraine Security Assistance Initiative (USAI): announcements, 2024", rows=[
        (dt.date(2024, 4, 26), 6000, "Patriot interceptors; NASAMS munitions; up to 2,000 Javelin anti-armor systems"),
        (dt.date(2024, 7, 3), "2,200", "HAWK interceptors; counter-UAS systems"),
        (dt.date(2024, 7, 29), 1500, "additional 155mm artillery rounds; spare parts"),
    ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QDialog

    from ledger.service import Ledger
    from ui.app import make_app
    from ui.import_wizard import ImportWizard

    app = make_app()

    problems: list[str] = []

    def done(wizard) -> None:  # a preview or an import runs on a worker: the shot waits for its outcome
        while wizard.busy:
            app.processEvents()

    def shoot(widget, name: str) -> None:
        settle(app, 8)
        problems.extend(f"{name}: {p}" for p in clipped(widget))
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        print(path)

    tmp = Path(tempfile.mkdtemp(prefix="first-contact-"))
    led = Ledger.open(tmp / "new.aidledger")
    wizard = ImportWizard(led, None, str(sheet(tmp / "usai.xlsx")))
    wizard.resize(1100, 720)
    wizard.show()
    wizard.run_preview()
    done(wizard)
    wizard.tabs.setCurrentWidget(wizard.columns)
    shoot(wizard, "import-empty-columns")
    wizard.tabs.setCurrentWidget(wizard.lists["added"])
    shoot(wizard, "import-empty-before")

    def answer(dialog) -> int:
        dialog.name.setText("USAI FY2024")
        dialog.amount.setText("13.77B")
        dialog.available_from.setText("2024-04-24")
        dialog.show()
        dialog.resize(520, dialog.sizeHint().height())
        shoot(dialog, "import-empty-authority")
        dialog.accept()
        return QDialog.DialogCode.Accepted

    wizard.open_authority_dialog = answer
    wizard.create_authority()
    done(wizard)
    wizard.tabs.setCurrentWidget(wizard.lists["added"])
    shoot(wizard, "import-empty-after")
    wizard.apply()
    done(wizard)
    wizard.tabs.setCurrentWidget(wizard.lists["notes"])
    shoot(wizard, "import-empty-imported")
    s = led.summary("2024-12-31")
    print({g.name: g.figures.committed_cents for g in s.groups})
    led.close()
    for p in problems:
        print("cut:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
