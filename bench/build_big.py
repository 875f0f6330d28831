"""Build a large ledger for benchmarks: N entries (packages + lines + disbursements), made with raw
executemany into a ledger created by the app (same schema, indexes and pragmas). Deterministic."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.service import Ledger  # noqa: E402

TYPES = ["Air defense", "Fires", "Anti-armor", "Mines", "Armored vehicles", "UAS and counter-UAS",
         "Small arms and ammunition", "Sustainment and services", "Other", "Engineering"]
NOTES = ["delivered by rail via Rzeszow", "convoy of trucks", "partial delivery", "from stocks", "airlifted", "replacement parts"]
SOURCES = 50
START = dt.date(2022, 1, 1)
DAYS = 4 * 365


def build(path: Path, entries: int = 1_000_000, seed: int = 7) -> Path:
    rnd = random.Random(seed)
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    n_packages = max(10, entries // 500)
    n_lines = n_packages * 20
    n_disb = entries - n_packages - n_lines
    day = lambda i: (START + dt.timedelta(days=i)).isoformat()  # noqa: E731
    with Ledger.open(path) as led:
        conn = led.conn
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO system_types (id, name) VALUES (?, ?)", enumerate(TYPES, 1))
        conn.executemany("INSERT INTO sources (id, title, url) VALUES (?, ?, ?)",
                         [(i, f"DoD release {i}: {TYPES[i % len(TYPES)]}", f"https://example.org/releases/{i}") for i in range(1, SOURCES + 1)])
        conn.executemany(
            "INSERT INTO authorities (id, program, name, amount_cents, available_from, expires_on) VALUES (?,?,?,?,?,?)",
            [(i, "PDA", f"PDA FY{2021 + i}", 10**13, day((i - 1) * 365), day(i * 365 - 1)) for i in range(1, 5)],
        )
        pkgs = []
        for i in range(1, n_packages + 1):
            d = rnd.randrange(DAYS)
            pkgs.append((i, f"P{i}", day(d), d // 365 + 1, rnd.randrange(10**8, 10**11)))
        conn.executemany("INSERT INTO packages (id, number, announced_on, authority_id, value_cents) VALUES (?,?,?,?,?)", pkgs)
        lines = []
        for i in range(1, n_lines + 1):
            p = pkgs[(i - 1) // 20]
            value = p[4] // 40 if rnd.random() < 0.3 else None
            lines.append((i, p[0], rnd.randrange(1, len(TYPES) + 1), f"item {i}", rnd.randrange(1, 1000), value))
        conn.executemany(
            "INSERT INTO package_lines (id, package_id, system_type_id, description, quantity, value_cents) VALUES (?,?,?,?,?,?)",
            lines,
        )

        def disbursements():
            for i in range(1, n_disb + 1):
                line = lines[rnd.randrange(n_lines)]
                p = pkgs[line[1] - 1]
                d = min(DAYS - 1, int(p[2][:4]) * 0 + (dt.date.fromisoformat(p[2]) - START).days + rnd.randrange(0, 400))
                note = f"{rnd.choice(NOTES)} {i}" if i % 10 == 0 else None  # one in ten has a note, as in real ledgers
                yield (i, day(d), p[0], line[0], line[2], rnd.randrange(1, 50), rnd.randrange(10**4, 10**7), i % SOURCES + 1, note)

        conn.executemany(
            "INSERT INTO disbursements (id, disbursed_on, package_id, line_id, system_type_id, quantity, value_cents, source_id, notes)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            disbursements(),
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("path", type=Path)
    ap.add_argument("--entries", type=int, default=1_000_000)
    a = ap.parse_args()
    t = time.perf_counter()
    build(a.path, a.entries)
    print(f"built {a.path} with {a.entries:,} entries in {time.perf_counter() - t:.1f} s")
