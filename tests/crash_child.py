"""A process for tests/test_crash.py to kill: a large import, or a burst of single edits, on a ledger.

    python tests/crash_child.py import LEDGER ROWS   # one action adding ROWS disbursements
    python tests/crash_child.py edits LEDGER         # edit one package again and again until killed
    python tests/crash_child.py hold LEDGER          # keep the ledger open for writing until killed

Prints "ready" once the ledger is open (and locked), "done" when the import has committed.
"""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.model import Disbursement  # noqa: E402
from ledger.service import Ledger  # noqa: E402

IMPORT_LABEL = "Import deliveries"
EDIT_LABEL = "Edit package"


def rows(ledger: Ledger, n: int) -> list[Disbursement]:
    package = ledger.find("package", "P1")
    fires = ledger.find("system_type", "Fires")
    start = dt.date(2024, 3, 1)
    return [
        Disbursement(start + dt.timedelta(days=i % 365), package.id, None, fires.id, i % 7 or None, 100 + i)
        for i in range(n)
    ]


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    ledger = Ledger.open(path, create=False)
    print("ready", flush=True)
    if mode == "hold":
        import time

        time.sleep(3600)
    elif mode == "import":
        records = rows(ledger, int(sys.argv[3]))
        with ledger.action(IMPORT_LABEL, accept_warnings=True, backup=True) as act:
            act.add_many(records)
        print("done", flush=True)
    else:
        package = ledger.find("package", "P1")
        i = int(package.notes.split()[1])  # carry on from the last edit that survived
        while True:
            i += 1
            ledger.edit("package", package.id, notes=f"edit {i}", value_cents=1000 + i, accept_warnings=True)
    ledger.close()


if __name__ == "__main__":
    main()
