"""Exporting a ledger from the command line, whole processes, side by side in one run, as ratios.

    .venv/bin/python bench/bench_export.py [--entries 100000] [--repeat 3] [--before TREE] [--skip-openpyxl]

On a ledger of N entries (bench/build_big.py: packages, lines, deliveries), each a fresh process:
- ours: `main.py export FILE --ledger L` (every sheet: About, the eight kinds, Summary, Balance over time);
- rust floor: sqlite3 reading every kind's rows (names of referenced records joined) and
  rustpy_xlsxwriter.write_worksheets writing the same data cells with the same number formats, bold
  headers, frozen header row and autofilter (dates and amounts converted in Python, as a plain script
  does); the fastest writer found (target: ours at most 1.5x);
- openpyxl: the same cells with openpyxl's write-only mode (what the export used before);
- before (with --before TREE, a checkout of an earlier commit): that tree's `main.py export` of a
  ledger made by that tree's build_big.py (an earlier tree may not read a newer schema).
Peak memory is each process's own (wait4); target for 1,000,000 entries: at most 600 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import timed  # noqa: E402


def _sheets(db: Path):
    """(sheet name, columns, row iterator) per kind: the export's data cells, converted in Python."""
    from ledger.excel import layout
    from ledger.model import KINDS

    conn = sqlite3.connect(db)
    for kind in layout.DATA_KINDS:
        cols = layout.columns(kind)
        table = KINDS[kind].table
        exprs, joins = [], []
        for i, c in enumerate(cols):
            if c.type == "ref_name":
                ref = KINDS[c.ref]
                joins.append(f"LEFT JOIN {ref.table} j{i} ON j{i}.id = t.{c.ref_field}")
                exprs.append(f"j{i}.{ref.label_field}")
            else:
                exprs.append(f"t.{c.field}")
        cur = conn.execute(f"SELECT {', '.join(exprs)} FROM {table} t {' '.join(joins)} ORDER BY t.id")
        convert = []
        for c in cols:
            if c.type == "date":
                convert.append(lambda v: v and dt.date.fromisoformat(v))
            elif c.type in ("cents", "signed_cents"):
                convert.append(lambda v: None if v is None else v / 100)
            elif c.type == "aliases":
                convert.append(lambda v: v and "; ".join(__import__("json").loads(v)) or None)
            else:
                convert.append(None)
        yield layout.SHEET_NAMES[kind], cols, cur, convert


def _formats(cols, money):
    from ledger.excel import layout

    def fmt(c):
        return {"cents": money, "signed_cents": money, "date": layout.DATE_FORMAT, "int": layout.INT_FORMAT,
                "id": "0", "ref": "0"}.get(c.type)

    return [fmt(c) for c in cols]


MONEY = '"USD" #,##0.00;[Red]"USD" (#,##0.00)'


def rust_floor(db: Path, out: Path) -> None:
    import rustpy_xlsxwriter as rx

    sheets, formats = [], {}
    for name, cols, cur, convert in _sheets(db):
        keys = [c.header for c in cols]
        at = [(i, f) for i, f in enumerate(convert) if f]

        def rows(cur=cur, keys=keys, at=at):
            for r in cur:
                r = list(r)
                for i, f in at:
                    r[i] = f(r[i])
                yield dict(zip(keys, r))

        sheets.append((name, rows()))
        formats[name] = [rx.Format().set_num_format(f) if f else rx.Format() for f in _formats(cols, MONEY)]
    names = [s[0] for s in sheets]
    rx.write_worksheets(sheets, str(out), bold_headers=True, column_formats=formats,
                        freeze_panes={"general": {"row": 1, "col": 0}}, autofilter=dict.fromkeys(names, True))


def openpyxl_writer(db: Path, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, cols, cur, convert in _sheets(db):
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:M{1048576}"
        header = []
        for c in cols:
            h = WriteOnlyCell(ws, c.header)
            h.font = bold
            header.append(h)
        ws.append(header)
        cells = []
        for f in _formats(cols, MONEY):
            cell = WriteOnlyCell(ws)
            if f:
                cell.number_format = f
            cells.append(cell)
        for r in cur:
            row = []
            for v, f, cell in zip(r, convert, cells):
                if f:
                    v = f(v)
                if v is None:
                    row.append(None)
                    continue
                cell.value = v
                if isinstance(v, str):
                    cell.data_type = "s"
                row.append(cell)
            ws.append(row)
    wb.save(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", type=Path, help="a checkout of an earlier commit: its export is measured too")
    ap.add_argument("--skip-openpyxl", action="store_true")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        {"rust": rust_floor, "openpyxl": openpyxl_writer}[a.child[0]](Path(a.child[1]), Path(a.child[2]))
        return
    from build_big import build

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = build(work / "big.aidledger", a.entries)
        who = {"ours": [sys.executable, str(ROOT / "main.py"), "export", "{out}", "--ledger", str(db)],
               "rust floor": [sys.executable, __file__, "--child", "rust", str(db), "{out}"]}
        if not a.skip_openpyxl:
            who["openpyxl"] = [sys.executable, __file__, "--child", "openpyxl", str(db), "{out}"]
        if a.before:
            # An earlier tree may not read this schema: it exports a ledger its own build_big.py made.
            old = work / "before.aidledger"
            subprocess.run([sys.executable, str(a.before / "bench" / "build_big.py"), str(old), "--entries", str(a.entries)],
                           check=True, capture_output=True)
            who["before"] = [sys.executable, str(a.before / "main.py"), "export", "{out}", "--ledger", str(old)]
        runs: dict[str, list[dict]] = {w: [] for w in who}
        for r in range(a.repeat):
            for w, argv in who.items():
                out = work / f"{w.replace(' ', '-')}-{r}.xlsx"
                runs[w].append(timed([str(out) if x == "{out}" else x for x in argv]) | {"mb": out.stat().st_size / 1e6})
                out.unlink()
        med = {w: {k: statistics.median(x[k] for x in rs) for k in ("seconds", "peak_mb", "mb")} for w, rs in runs.items()}
        print(f"export of {a.entries:,} entries, medians of {a.repeat} whole processes")
        for w, m in med.items():
            print(f"  {w:<11} {m['seconds']:7.2f} s   peak {m['peak_mb']:6.0f} MB   file {m['mb']:6.1f} MB"
                  f"   {m['seconds'] / med['rust floor']['seconds']:5.2f}x the rust floor")
        print("  targets: ours at most 1.5x the rust floor; 1,000,000 entries at most 600 MB peak")


if __name__ == "__main__":
    main()
