"""Importing every kind in the app: the import wizard's Preview and Import, as a person waits for them.

    .venv/bin/python bench/bench_wizard.py [--rows 100000] [--repeat 3] [--cases packages,lines,...]

For each case of bench/bench_import.py (the same workbooks and base ledgers), a fresh process opens
the app's import wizard (offscreen) on a copy of the base ledger with the file chosen and "Rows are"
set as `main.py import --kind` would, then times what the person waits on: from Preview to the
preview shown, and from Import to "Imported" (warnings accepted as a person clicking Accept would).
Against it, side by side in the same run, the floor of bench_import.py: a fresh process reading the
file with python-calamine and writing it with one executemany per table. Target (issue #13): preview
+ import at most 1.5x the floor. Medians of --repeat runs, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import CASES, timed  # noqa: E402  (the cases, their files and their floor)


def wizard_child(case: str, book: Path, db: Path) -> None:
    """Preview and import `book` into `db` through the wizard; prints the seconds of each as JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ledger.service import Ledger
    from ui.app import make_app
    from ui.import_wizard import ImportWizard
    from ui.settings import Settings

    app = make_app()
    args = CASES[case].args
    kind = args[args.index("--kind") + 1] if "--kind" in args else None
    with Ledger.open(db) as led:
        wizard = ImportWizard(led, Settings(), str(book))
        wizard.confirm = lambda *_args: True  # Accept, for the warnings an import of this size raises
        wizard.kind.setCurrentIndex(wizard.kind.findData(kind))
        wizard.show()

        def waited(start) -> float:
            t = time.perf_counter()
            if not start():
                raise SystemExit("the wizard did not start")
            while wizard.busy:
                app.processEvents()
                time.sleep(0.001)
            return time.perf_counter() - t

        preview = waited(wizard.run_preview)
        if wizard.preview is None or not wizard.preview.ok:
            raise SystemExit(f"{case}: the preview failed: {wizard.summary.text()}")
        write = waited(wizard.apply)
        if wizard.result is None:
            raise SystemExit(f"{case}: the import failed: {wizard.summary.text()}")
    print(json.dumps({"preview": preview, "import": write, "added": sum(wizard.result.added.values())}))


def run_case(name: str, work: Path, rows: int, repeat: int, env: dict) -> dict[str, float]:
    case = CASES[name]
    book = case.make(work, rows)
    base = work / f"{name}.base.aidledger"
    out: dict[str, list[float]] = {"preview": [], "import": [], "floor": []}
    for r in range(repeat):
        for who in ("app", "floor"):
            db = work / f"{name}.{who}.{r}.aidledger"
            shutil.copy(base, db)
            if who == "app":
                done = subprocess.run([sys.executable, __file__, "--wizard-child", name, str(book), str(db)],
                                      capture_output=True, text=True, env=env)
                if done.returncode:
                    raise SystemExit(f"{name}: {done.stdout[-1000:]}{done.stderr[-2000:]}")
                got = json.loads(done.stdout.strip().splitlines()[-1])
                if got["added"] < rows:
                    raise SystemExit(f"{name}: only {got['added']} of {rows} rows were added")
                out["preview"].append(got["preview"])
                out["import"].append(got["import"])
            else:
                argv = [sys.executable, str(ROOT / "bench" / "bench_import.py"), "--floor-child", case.floor, str(book), str(db)]
                out["floor"].append(timed(argv, env)["seconds"])
            for p in work.glob(f"{db.name}*"):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
    return {k: statistics.median(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--wizard-child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.wizard_child:
        wizard_child(a.wizard_child[0], Path(a.wizard_child[1]), Path(a.wizard_child[2]))
        return
    env = {**os.environ, "AID_LEDGER_HOME": tempfile.mkdtemp(prefix="aidledger-bench-"), "QT_QPA_PLATFORM": "offscreen"}
    os.environ["AID_LEDGER_HOME"] = env["AID_LEDGER_HOME"]
    print(f"{a.rows:,} rows per case, medians of {a.repeat} (the wizard's Preview + Import, in the app)"
          " ratio target: app/floor <= 1.5x", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.cases.split(","):
            work = Path(tmp) / name
            work.mkdir()
            m = run_case(name, work, a.rows, a.repeat, env)
            app = m["preview"] + m["import"]
            print(f"{name:<13} {a.rows:>9,}  preview {m['preview']:6.2f} s  import {m['import']:6.2f} s  app {app:6.2f} s"
                  f"   floor {m['floor']:6.2f} s   app/floor {app / m['floor']:5.2f}x", flush=True)
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
