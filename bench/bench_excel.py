"""Excel import and export, measured side by side in one run against baselines, as ratios.

    .venv/bin/python bench/bench_excel.py [--rows 100000,1000000] [--skip-pandas] [--repeat R]

The sheet: N deliveries (Date, Package, Quantity, Value) against 100 packages, as analysts keep them.
- import: read_import + preview_import + apply_import (one undoable action, every row checked, history)
  vs the floor (python-calamine reading the same file + a raw executemany in one transaction; target:
  at most 1.5x) and vs pandas.read_excel + DataFrame.to_sql (target: at least 6x faster);
- export: export_workbook of the resulting ledger (every sheet) vs openpyxl write-only writing the same
  deliveries cells with the same formats (target: at most 1.2x) and vs DataFrame.to_excel;
- peak memory of each, in its own subprocess (ru_maxrss): 1,000,000-row export under 200 MB, import
  under 1 GB.
pandas is for this benchmark only: `pip install -r requirements-bench.txt`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
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

PACKAGES = 100
START = dt.date(2022, 1, 1)


def _row(i: int) -> tuple:
    return (START + dt.timedelta(days=i % 1000), f"PDA {i % PACKAGES + 1}", i % 500 + 1, (i % 100_000) * 1.25 + 0.5)


def prepare(work: Path, rows: int) -> None:
    """The base ledger (an authority, 100 packages) and the sheet of deliveries (not timed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from ledger.model import Authority, Package
    from ledger.service import Ledger

    with Ledger.open(work / "base.aidledger") as led:
        with led.action("bench base", accept_warnings=True) as act:
            auth = act.add(Authority("PDA", "PDA bench", 2 * 10**14, dt.date(2020, 1, 1)))
            act.add_many([Package(f"PDA {i}", dt.date(2021, 1, 1), auth.id, 10**12) for i in range(1, PACKAGES + 1)])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Deliveries")
    ws.append(["Date", "Package", "Quantity", "Value"])
    day = WriteOnlyCell(ws)
    day.number_format = "yyyy-mm-dd"
    money = WriteOnlyCell(ws)
    money.number_format = "#,##0.00"
    for i in range(rows):
        d, p, q, v = _row(i)
        day.value, money.value = d, v
        ws.append([day, p, q, money])
    wb.save(work / "deliveries.xlsx")


# -- the measured work, each run in a child process ------------------------------------------------


def import_ours(work: Path) -> None:
    from ledger.excel import apply_import, preview_import, read_import
    from ledger.service import Ledger

    with Ledger.open(work / "ours.aidledger") as led:
        plan = read_import(work / "deliveries.xlsx", kind="disbursements")
        preview = preview_import(led, plan)
        assert preview.ok, preview.rejected[:3]
        del plan
        result = apply_import(led, preview, accept_warnings=True)
        assert sum(result.added.values()) == preview.plan.row_count


def import_floor(work: Path) -> None:
    from python_calamine import CalamineWorkbook

    conn = sqlite3.connect(work / "floor.aidledger", isolation_level=None)
    ids = {n: i for i, n in conn.execute("SELECT id, number FROM packages")}
    sheet = CalamineWorkbook.from_path(str(work / "deliveries.xlsx")).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    next(rows)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO disbursements (disbursed_on, package_id, quantity, value_cents) VALUES (?, ?, ?, ?)",
        ((d.isoformat(), ids[p], int(q), round(v * 100)) for d, p, q, v in rows),
    )
    conn.execute("COMMIT")
    conn.close()


def import_pandas(work: Path) -> None:
    import pandas as pd

    conn = sqlite3.connect(work / "pandas.aidledger")
    df = pd.read_excel(work / "deliveries.xlsx")
    df.to_sql("pandas_import", conn, if_exists="replace", index=False)
    conn.commit()
    conn.close()


def export_ours(work: Path) -> None:
    from ledger.excel import export_workbook
    from ledger.service import Ledger

    with Ledger.open(work / "ours.aidledger", readonly=True) as led:
        export_workbook(led, work / "ours.xlsx")


EXPORT_SQL = """SELECT d.id, d.disbursed_on, d.package_id, p.number, d.line_id, NULL, d.system_type_id, NULL,
                       d.quantity, d.value_cents, d.source_id, NULL, d.notes
                FROM disbursements d JOIN packages p ON p.id = d.package_id ORDER BY d.id"""


def export_openpyxl(work: Path) -> None:
    """The same deliveries cells, values and number formats, the plain write-only way."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    conn = sqlite3.connect(work / "ours.aidledger")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Disbursements")
    ws.append(["ID", "Date", "Package ID", "Package", "Line ID", "Line", "System type ID", "System type", "Quantity",
               "Value", "Source ID", "Source", "Notes"])

    def cell(value, fmt):
        c = WriteOnlyCell(ws, value)
        c.number_format = fmt
        return c

    money = '"USD" #,##0.00;[Red]"USD" (#,##0.00)'
    for rid, day, pid, number, lid, _, tid, _, qty, cents, sid, _, notes in conn.execute(EXPORT_SQL):
        ws.append([cell(rid, "0"), cell(dt.date.fromisoformat(day), "yyyy-mm-dd"), cell(pid, "0"), number, lid, None, tid, None,
                   cell(qty, "#,##0"), cell(cents // 100 if cents % 100 == 0 else cents / 100, money), sid, None, notes])
    wb.save(work / "openpyxl.xlsx")
    conn.close()


def export_pandas(work: Path) -> None:
    import pandas as pd

    conn = sqlite3.connect(work / "ours.aidledger")
    df = pd.read_sql(EXPORT_SQL, conn)
    df.to_excel(work / "pandas.xlsx", index=False)
    conn.close()


WORK = {f.__name__: f for f in (import_ours, import_floor, import_pandas, export_ours, export_openpyxl, export_pandas)}


def child(name: str, work: Path) -> None:
    start = time.perf_counter()
    WORK[name](work)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def measure(name: str, work: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", name, "--work", str(work)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fresh_copies(work: Path) -> None:
    for name in ("ours", "floor", "pandas"):
        target = work / f"{name}.aidledger"
        for p in work.glob(f"{name}.aidledger*"):
            p.unlink() if p.is_file() else shutil.rmtree(p)
        shutil.copy(work / "base.aidledger", target)


def run(rows: int, repeat: int, pandas: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        prepare(work, rows)
        print(f"\n{rows:,} rows (sheet {(work / 'deliveries.xlsx').stat().st_size / 1e6:.1f} MB, made in {time.perf_counter() - t:.0f} s)")
        results: dict[str, list[dict]] = {n: [] for n in WORK}
        for _ in range(repeat):
            fresh_copies(work)
            for name in ("import_ours", "import_floor", *(["import_pandas"] if pandas else []),
                         "export_ours", "export_openpyxl", *(["export_pandas"] if pandas else [])):
                results[name].append(measure(name, work))
        med = {n: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mb")} for n, rs in results.items() if rs}
        for n, m in med.items():
            print(f"  {n:<16} {m['seconds']:8.2f} s   peak {m['peak_mb']:7.0f} MB")
        s = {n: m["seconds"] for n, m in med.items()}
        print(f"  import / floor            {s['import_ours'] / s['import_floor']:.2f}x   (target <= 1.5x)")
        if pandas:
            print(f"  pandas import / import    {s['import_pandas'] / s['import_ours']:.1f}x faster   (target >= 6x)")
        print(f"  export / openpyxl         {s['export_ours'] / s['export_openpyxl']:.2f}x   (target <= 1.2x)")
        if pandas:
            print(f"  to_excel / export         {s['export_pandas'] / s['export_ours']:.2f}x faster   (target > 1x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="100000", help="comma-separated row counts (default 100000; the issue asks 100000,1000000)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.work))
        return
    for n in (int(x) for x in args.rows.split(",")):
        run(n, args.repeat, not args.skip_pandas)


if __name__ == "__main__":
    main()
