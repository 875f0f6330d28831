"""Importing every kind from the command line, whole processes, side by side in one run, as ratios.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--repeat 3] [--cases packages,lines,...] [--skip-pandas]

For each case a fresh process runs `main.py import FILE --ledger L --yes --accept-warnings ...` on a copy
of the case's base ledger, against, on the same file and another copy:
- the floor: a fresh Python process reading the file with python-calamine and writing its rows with one
  executemany per table in one transaction (references resolved by a dict; no checks, no history);
- pandas: a fresh process running pandas.read_excel + DataFrame.to_sql for every sheet.
Target (issue #13): our import at most 1.5x the floor and at least 6x faster than pandas; 1,000,000 rows
under 1 GB (peak resident memory of the process, from wait4). Medians of --repeat runs, each run
interleaving the three so a busy machine slows them alike; the ratio of CPU time (user + system, from
wait4) is printed beside the wall-time ratio: it moves less when other work shares the machine.

Cases (N rows each):
- packages: a foreign sheet "Date, Package, Amount, Notes" into a ledger holding one authority, with
  --set authority=...;
- lines: "Package, System type, Description, Quantity, Value" against 100 packages and 10 system types;
- deliveries: "Date, Package, Quantity, Value" against 100 packages (--kind disbursements);
- authorities: "Program, Name, Amount, Available from, Expires" into an empty ledger;
- observations: "Date, Metric, Value, Program, Reported by" into a ledger holding one authority;
- adjustments: our own export of a ledger holding N adjustments (a foreign sheet cannot hold them);
- export: our own export of an N-entry ledger (packages, lines, deliveries; bench/build_big.py).
pandas is for this benchmark only: `pip install -r requirements-bench.txt`.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

START = dt.date(2022, 1, 1)
PACKAGES = 100
TYPES = 10


def _day(i: int) -> dt.date:
    return START + dt.timedelta(days=i % 1000)


def _sheet(path: Path, title: str, header: list[str], rows, formats: dict[int, str]) -> None:
    """A foreign workbook as a colleague's tool writes one (openpyxl write-only, typed, formatted cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(header)
    cells = {i: WriteOnlyCell(ws) for i in formats}
    for i, fmt in formats.items():
        cells[i].number_format = fmt
    for row in rows:
        out = list(row)
        for i, c in cells.items():
            c.value = out[i]
            out[i] = c
        ws.append(out)
    wb.save(path)


def _base(path: Path, authority: bool = True, packages: int = 0, types: int = 0) -> None:
    from ledger.model import Authority, Package, SystemType
    from ledger.service import Ledger

    with Ledger.open(path) as led, led.action("bench base", accept_warnings=True) as act:
        if authority:
            auth = act.add(Authority("PDA", "PDA bench", 2 * 10**14, dt.date(2020, 1, 1)))
        if packages:
            act.add_many([Package(f"PDA {i}", dt.date(2021, 1, 1), auth.id, 10**12) for i in range(1, packages + 1)])
        if types:
            act.add_many([SystemType(f"Type {i}") for i in range(1, types + 1)])


def _export_of(work: Path, name: str, fill: Callable[[sqlite3.Connection], None]) -> Path:
    """Our own export of a ledger filled by raw SQL (not timed)."""
    from ledger.service import Ledger

    src = work / f"{name}-source.aidledger"
    with Ledger.open(src) as led:
        led.conn.execute("BEGIN")
        fill(led.conn)
        led.conn.execute("COMMIT")
    out = work / f"{name}.xlsx"
    from ledger.excel import export_workbook

    with Ledger.open(src, readonly=True) as led:
        export_workbook(led, out)
    return out


@dataclass
class Case:
    name: str
    args: list[str]  # extra arguments of `main.py import`
    make: Callable[[Path, int], Path]  # (work, rows) -> the workbook; also writes work/<name>.base.aidledger
    floor: str  # the floor's insert, in the floor child (see floor_child)
    extra: dict = field(default_factory=dict)


def make_packages(work: Path, n: int) -> Path:
    _base(work / "packages.base.aidledger")
    path = work / "packages.xlsx"
    _sheet(path, "Packages", ["Date", "Package", "Amount", "Notes"],
           ((_day(i), f"PDA {i + 1}", 1_000_000 + i * 1.25, f"Drawdown {i % 97}") for i in range(n)),
           {0: "yyyy-mm-dd", 2: "#,##0.00"})
    return path


def make_lines(work: Path, n: int) -> Path:
    _base(work / "lines.base.aidledger", packages=PACKAGES, types=TYPES)
    path = work / "lines.xlsx"
    _sheet(path, "Lines", ["Package", "System type", "Description", "Quantity", "Value"],
           ((f"PDA {i % PACKAGES + 1}", f"Type {i % TYPES + 1}", f"item {i}", i % 500 + 1, (i % 1000) * 10.5) for i in range(n)),
           {4: "#,##0.00"})
    return path


def make_deliveries(work: Path, n: int) -> Path:
    _base(work / "deliveries.base.aidledger", packages=PACKAGES)
    path = work / "deliveries.xlsx"
    _sheet(path, "Deliveries", ["Date", "Package", "Quantity", "Value"],
           ((_day(i), f"PDA {i % PACKAGES + 1}", i % 500 + 1, (i % 100_000) * 1.25 + 0.5) for i in range(n)),
           {0: "yyyy-mm-dd", 3: "#,##0.00"})
    return path


def make_authorities(work: Path, n: int) -> Path:
    _base(work / "authorities.base.aidledger", authority=False)
    path = work / "authorities.xlsx"
    _sheet(path, "Authorities", ["Program", "Name", "Amount", "Available from", "Expires"],
           ((f"P{i % 20}", f"Authority {i}", 10**7 + i, _day(i), _day(i) + dt.timedelta(days=3000)) for i in range(n)),
           {2: "#,##0.00", 3: "yyyy-mm-dd", 4: "yyyy-mm-dd"})
    return path


def make_observations(work: Path, n: int) -> Path:
    _base(work / "observations.base.aidledger")
    path = work / "observations.xlsx"
    _sheet(path, "Observations", ["Date", "Metric", "Value", "Program", "Reported by"],
           ((_day(i), f"metric {i % 7}", 5_000_000 + i * 0.25, "PDA", "DoD") for i in range(n)),
           {0: "yyyy-mm-dd", 2: "#,##0.00"})
    return path


def make_adjustments(work: Path, n: int) -> Path:
    def fill(conn):
        conn.execute("INSERT INTO authorities (id, program, name, amount_cents, available_from) VALUES (1, 'PDA', 'PDA bench', 10, '2020-01-01')")
        conn.executemany(
            "INSERT INTO adjustments (adjusted_on, program, kind, amount_cents, reason, authority_id) VALUES (?,?,?,?,?,?)",
            ((_day(i).isoformat(), "PDA", ("revaluation", "rescission")[i % 2], (i % 1000 + 1) * 100_000, f"reason {i % 50}", 1)
             for i in range(n)),
        )

    book = _export_of(work, "adjustments", fill)
    _base(work / "adjustments.base.aidledger", authority=False)
    return book


def make_export(work: Path, n: int) -> Path:
    from build_big import build

    src = work / "export-source.aidledger"
    build(src, n)
    out = work / "export.xlsx"
    from ledger.excel import export_workbook
    from ledger.service import Ledger

    with Ledger.open(src, readonly=True) as led:
        export_workbook(led, out)
    _base(work / "export.base.aidledger", authority=False)
    return out


CASES = {c.name: c for c in (
    Case("packages", ["--kind", "packages", "--set", "authority=PDA bench"], make_packages, "packages"),
    Case("lines", ["--kind", "lines"], make_lines, "lines"),
    Case("deliveries", ["--kind", "disbursements"], make_deliveries, "deliveries"),
    Case("authorities", ["--kind", "authorities"], make_authorities, "authorities"),
    Case("observations", ["--kind", "observations"], make_observations, "observations"),
    Case("adjustments", [], make_adjustments, "own"),
    Case("export", [], make_export, "own"),
)}


# -- the floor and pandas, each run as a child process -----------------------------------------------


def _iso(v) -> str | None:
    return None if v is None or v == "" else v.isoformat()[:10]


def _cents(v) -> int | None:
    return None if v is None or v == "" else round(v * 100)


def _fill(store, conn: sqlite3.Connection, sql: str, rows) -> None:
    """One executemany; the table's full-text index filled once after the rows, as the import does (a
    trigger per row costs ten times the insert): the floor reaches the same file the fastest way."""
    with store.text_index_deferred(conn, sql.split()[2], 10**9):
        conn.executemany(sql, rows)


def floor_child(case: str, book: Path, db: Path) -> None:
    from python_calamine import CalamineWorkbook

    from ledger import store

    wb = CalamineWorkbook.from_path(str(book))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    fill = lambda sql, rows: _fill(store, conn, sql, rows)  # noqa: E731
    ids = lambda sql: {n: i for i, n in conn.execute(sql)}  # noqa: E731
    if case == "own":
        _floor_own(conn, wb, fill)
    else:
        rows = wb.get_sheet_by_index(0).iter_rows()
        next(rows)
        if case == "packages":
            auth = conn.execute("SELECT id FROM authorities").fetchone()[0]
            fill("INSERT INTO packages (announced_on, number, authority_id, value_cents, notes) VALUES (?,?,?,?,?)",
                             ((_iso(d), p, auth, _cents(a), n) for d, p, a, n in rows))
        elif case == "lines":
            pk, ty = ids("SELECT id, number FROM packages"), ids("SELECT id, name FROM system_types")
            fill("INSERT INTO package_lines (package_id, system_type_id, description, quantity, value_cents) VALUES (?,?,?,?,?)",
                             ((pk[p], ty[t], d, int(q), _cents(v)) for p, t, d, q, v in rows))
        elif case == "deliveries":
            pk = ids("SELECT id, number FROM packages")
            fill("INSERT INTO disbursements (disbursed_on, package_id, quantity, value_cents) VALUES (?,?,?,?)",
                             ((_iso(d), pk[p], int(q), _cents(v)) for d, p, q, v in rows))
        elif case == "authorities":
            fill("INSERT INTO authorities (program, name, amount_cents, available_from, expires_on) VALUES (?,?,?,?,?)",
                             ((p, n, _cents(a), _iso(f), _iso(e)) for p, n, a, f, e in rows))
        elif case == "observations":
            fill("INSERT INTO observations (observed_on, metric, value_cents, program, reported_by) VALUES (?,?,?,?,?)",
                             ((_iso(d), m, _cents(v), p, r) for d, m, v, p, r in rows))
    conn.execute("COMMIT")
    conn.close()


def _floor_own(conn: sqlite3.Connection, wb, fill) -> None:
    """Our own layout: every data sheet, columns by header, ids kept, the name columns skipped."""
    from ledger.excel import layout
    from ledger.model import KINDS

    for kind in layout.DATA_KINDS:
        name = layout.SHEET_NAMES[kind]
        if name not in wb.sheet_names:
            continue
        rows = wb.get_sheet_by_name(name).iter_rows()
        header = next(rows, None)
        if not header:
            continue
        cols = [c for c in layout.columns(kind) if c.field]
        at = [header.index(c.header) for c in cols]
        conv = [_aliases if c.type == "aliases" else _iso if c.type == "date" else _cents if c.type in ("cents", "signed_cents") else
                (lambda v: None if v == "" else int(v)) if c.type in ("id", "ref", "int") else
                (lambda v: v or None) for c in cols]
        sql = f"INSERT INTO {KINDS[kind].table} ({', '.join(c.field for c in cols)}) VALUES ({', '.join('?' * len(cols))})"
        fill(sql, ([f(r[i]) for f, i in zip(conv, at)] for r in rows if any(r)))


def _aliases(v) -> str:
    return json.dumps([a.strip() for a in v.split(";")] if v else [])


def pandas_child(book: Path, db: Path) -> None:
    import pandas as pd

    conn = sqlite3.connect(db)
    for name, df in pd.read_excel(book, sheet_name=None).items():
        df.to_sql(f"pandas_{name}", conn, if_exists="replace", index=False)
    conn.commit()
    conn.close()


# -- measuring ---------------------------------------------------------------------------------------


class _Popen(subprocess.Popen):
    """A Popen that reaps its child with wait4, so the child's own peak memory and CPU time are known."""

    peak_mb = float("nan")
    cpu = float("nan")

    def _try_wait(self, wait_flags):
        pid, status, usage = os.wait4(self.pid, wait_flags)
        if pid:
            self.peak_mb = usage.ru_maxrss / 1024
            self.cpu = usage.ru_utime + usage.ru_stime
        return pid, status


def timed(argv: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU time (user + system) and peak resident memory of one whole process."""
    start = time.perf_counter()
    proc = _Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return {"seconds": seconds, "cpu": proc.cpu, "peak_mb": proc.peak_mb}


def run_case(case: Case, work: Path, rows: int, repeat: int, pandas: bool, env: dict) -> dict[str, dict]:
    t = time.perf_counter()
    book = case.make(work, rows)
    base = work / f"{case.name}.base.aidledger"
    made = time.perf_counter() - t
    results: dict[str, list[dict]] = {"ours": [], "floor": [], "pandas": []}
    for r in range(repeat):
        for who in ("ours", "floor", *(["pandas"] if pandas else [])):
            db = work / f"{case.name}.{who}.{r}.aidledger"
            shutil.copy(base, db)
            if who == "ours":
                argv = [sys.executable, str(ROOT / "main.py"), "import", str(book), "--ledger", str(db), "--yes",
                        "--accept-warnings", *case.args]
            elif who == "floor":
                argv = [sys.executable, __file__, "--floor-child", case.floor, str(book), str(db)]
            else:
                argv = [sys.executable, __file__, "--pandas-child", str(book), str(db)]
            results[who].append(timed(argv, env))
            if who == "ours" and r == 0:
                _check_added(db, base, rows, case)
            for p in work.glob(f"{db.name}*"):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
    med = {w: {k: statistics.median(x[k] for x in rs) for k in ("seconds", "cpu", "peak_mb")} for w, rs in results.items() if rs}
    med["_made"] = {"seconds": made, "peak_mb": book.stat().st_size / 1e6}
    return med


def _check_added(db: Path, base: Path, rows: int, case: Case) -> None:
    """The import really added the rows (a benchmark of a failing import would measure nothing)."""
    from ledger.model import KIND_ORDER, KINDS

    def total(path):
        c = sqlite3.connect(path)
        n = sum(c.execute(f"SELECT count(*) FROM {KINDS[k].table}").fetchone()[0] for k in KIND_ORDER)
        c.close()
        return n

    added = total(db) - total(base)
    if added < rows:
        raise SystemExit(f"{case.name}: only {added} of {rows} rows were added")


def report(name: str, rows: int, med: dict, pandas: bool) -> None:
    o, f = med["ours"], med["floor"]
    line = (f"{name:<13} {rows:>9,}  ours {o['seconds']:6.2f} s {o['peak_mb']:5.0f} MB   floor {f['seconds']:6.2f} s"
            f"   ours/floor {o['seconds'] / f['seconds']:5.2f}x (CPU {o['cpu'] / f['cpu']:4.2f}x)")
    if pandas and "pandas" in med:
        p = med["pandas"]
        line += f"   pandas {p['seconds']:6.2f} s  pandas/ours {p['seconds'] / o['seconds']:4.1f}x"
    print(line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--work", type=Path, help="folder for the files (default: a temporary one, removed after)")
    ap.add_argument("--floor-child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--pandas-child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.floor_child:
        floor_child(a.floor_child[0], Path(a.floor_child[1]), Path(a.floor_child[2]))
        return
    if a.pandas_child:
        pandas_child(Path(a.pandas_child[0]), Path(a.pandas_child[1]))
        return
    # The app's modules compiled once, as an installed app's are (PYTHONDONTWRITEBYTECODE, set on some
    # machines, would otherwise have every run of ours compile them again; the floor imports few).
    compileall.compile_dir(ROOT / "ledger", quiet=1)
    env = {**os.environ, "AID_LEDGER_HOME": tempfile.mkdtemp(prefix="aidledger-bench-")}
    os.environ["AID_LEDGER_HOME"] = env["AID_LEDGER_HOME"]
    print(f"{a.rows:,} rows per case, medians of {a.repeat} (ours = main.py import, whole process)"
          " ratio targets: ours/floor <= 1.5x, pandas/ours >= 6x", flush=True)
    with tempfile.TemporaryDirectory(dir=a.work) as tmp:
        for name in a.cases.split(","):
            work = Path(tmp) / name
            work.mkdir()
            report(name, a.rows, run_case(CASES[name], work, a.rows, a.repeat, not a.skip_pandas, env), not a.skip_pandas)
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
