"""Table pages (ledger/browse.py): keyset pages read in turn give the whole order, empty values last;
search by any part of a text (full-text index), by a date's beginning and by id; filters; the last page;
the full-text index kept in step by its triggers through edits, deletes and undo; schema 5 on an old file."""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from ledger import browse, schema
from ledger.model import KINDS
from ledger.sample import build
from ledger.service import Ledger

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def sample():
    led = Ledger.memory()
    build(led)
    return led


def _key(name):
    """The order the pages promise, computed in Python from every record: values (then id), empties last."""
    def key(r):
        v = getattr(r, name)
        if isinstance(v, str) and name in ("number", "name"):
            v = v.casefold()  # these columns sort case-insensitively (COLLATE NOCASE)
        return v
    return key


def _expected(records, name, descending):
    if name == "id":
        return sorted(records, key=lambda r: r.id, reverse=descending)
    have = [r for r in records if getattr(r, name) is not None]
    empty = [r for r in records if getattr(r, name) is None]
    k = _key(name)
    have.sort(key=lambda r: (k(r), r.id), reverse=descending)
    return have + sorted(empty, key=lambda r: r.id, reverse=descending)


def _all_pages(led, kind, sort, descending, size, **kw):
    out, after = [], None
    while True:
        page = led.page(kind, sort=sort, descending=descending, after=after, limit=size, **kw)
        out += page
        if len(page) < size:
            return out
        after = page[-1]


@pytest.mark.parametrize("kind", ["package", "line", "disbursement", "observation", "adjustment", "authority"])
def test_pages_in_turn_give_every_record_in_order_for_every_sort(sample, kind):
    records = sample.records(kind)
    for f in ("id", *(f.name for f in KINDS[kind].fields if f.type != "aliases")):
        for descending in (False, True):
            got = _all_pages(sample, kind, f, descending, 7)
            assert [r.id for r in got] == [r.id for r in _expected(records, f, descending)], (f, descending)
            last = sample.page(kind, sort=f, descending=descending, limit=5, from_end=True)
            assert [r.id for r in last] == [r.id for r in got[-5:]], (f, descending)


@pytest.mark.parametrize("kind", ["line", "disbursement", "package"])
def test_pages_back_from_the_end_give_every_record_in_order_for_every_sort(sample, kind):
    """The last page, then each page before it (a table scrolled up from its end), ends where the first began."""
    records = sample.records(kind)
    for f in ("id", *(f.name for f in KINDS[kind].fields if f.type != "aliases")):
        for descending in (False, True):
            got = sample.page(kind, sort=f, descending=descending, limit=7, from_end=True)
            for _ in range(len(records) // 7 + 1):  # bounded: a wrong keyset could go round for ever
                earlier = sample.page(kind, sort=f, descending=descending, limit=7, before=got[0])
                got = earlier + got
                if len(earlier) < 7:
                    break
            assert [r.id for r in got] == [r.id for r in _expected(records, f, descending)], (f, descending)


def test_search_finds_parts_of_text_dates_by_their_beginning_and_ids(sample):
    lines = sample.records("line")
    part = "rtiller"  # inside "artillery", any case
    want = {r.id for r in lines if any(part in (getattr(r, f) or "").lower() for f in ("description", "qualifier", "unit", "notes"))}
    assert want and {r.id for r in sample.page("line", "RTILLER", limit=None)} == want
    assert sample.search_count("line", "rtiller") == len(want)
    pk = sample.records("package")
    month = pk[3].announced_on.isoformat()[:7]
    assert {r.id for r in sample.page("package", month, limit=None)} == {r.id for r in pk if r.announced_on.isoformat().startswith(month)}
    assert pk[2].id in {r.id for r in sample.page("package", str(pk[2].id), limit=None)}
    # Two characters: too short for the index, found by scanning all the same.
    short = {r.id for r in lines if "mm" in (r.description or "").lower() or "mm" in (r.unit or "").lower()
             or "mm" in (r.qualifier or "").lower() or "mm" in (r.notes or "").lower()}
    assert {r.id for r in sample.page("line", "mm", limit=None)} == short
    assert sample.page("line", 'quote " and % and _', limit=None) == []


def test_filters_and_search_together_page_like_the_whole(sample):
    pkg = sample.records("package")[0]
    want = [r for r in sample.records("line") if r.package_id == pkg.id]
    got = _all_pages(sample, "line", "value_cents", True, 3, filters={"package_id": pkg.id})
    assert [r.id for r in got] == [r.id for r in _expected(want, "value_cents", True)]
    assert sample.search_count("line", filters={"package_id": pkg.id}) == len(want)
    with pytest.raises(Exception, match="no field"):
        sample.page("line", filters={"nope": 1})


def test_full_text_index_follows_edits_deletes_and_undo(tmp_path):
    with Ledger.open(tmp_path / "l.aidledger") as led:
        build(led)
        line = led.records("line")[0]
        led.edit("line", line.id, accept_warnings=True, notes="Zebra-striped crates")
        assert [r.id for r in led.page("line", "bra-stri")] == [line.id]
        led.edit("line", line.id, accept_warnings=True, notes="plain")
        assert led.page("line", "bra-stri") == [] and line.id in {r.id for r in led.page("line", "plain", limit=None)}
        led.undo()
        assert [r.id for r in led.page("line", "bra-stri")] == [line.id]
        conn = led.conn
        for k in KINDS.values():
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (browse.fts_table(k),)).fetchone():
                conn.execute(f"INSERT INTO {browse.fts_table(k)} ({browse.fts_table(k)}) VALUES ('integrity-check')")


def test_schema_5_on_a_version_2_file_indexes_what_was_there(tmp_path):
    path = tmp_path / "v2.aidledger"
    shutil.copy(FIXTURES / "schema_v2.aidledger", path)
    raw = sqlite3.connect(path)
    some = raw.execute("SELECT id, description FROM package_lines ORDER BY id LIMIT 1").fetchone()
    raw.close()
    with Ledger.open(path) as led:
        assert schema.file_version(led.conn) == schema.SCHEMA_VERSION
        assert some[0] in {r.id for r in led.page("line", some[1][1:8], limit=None)}
        plan = led.conn.execute("EXPLAIN QUERY PLAN SELECT id FROM disbursements ORDER BY value_cents, id LIMIT 5").fetchall()
        assert "disbursements_by_value_cents" in " ".join(str(r) for r in plan)


def test_search_on_a_ledger_without_the_index_falls_back_to_scanning():
    conn = sqlite3.connect(":memory:")  # a schema-2 ledger, as a read-only open leaves an old file
    for version in (1, 2):
        for statement in schema._statements(schema.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute("INSERT INTO authorities (id, program, name, amount_cents, available_from) VALUES (1, 'PDA', 'A', 1, '2024-01-01')")
    conn.execute("INSERT INTO packages (number, announced_on, authority_id, value_cents) VALUES ('PDA 7', ?, 1, 5)",
                 (dt.date(2024, 1, 2).isoformat(),))
    assert [p.number for p in browse.page(conn, "package", "da 7")] == ["PDA 7"]


def test_a_bulk_insert_fills_the_full_text_index_once_and_keeps_its_trigger(tmp_path):
    from ledger.model import Authority, Package, PackageLine, SystemType
    from ledger.store import BULK_ROWS

    with Ledger.open(tmp_path / "b.aidledger") as led:
        with led.action("setup", accept_warnings=True) as act:
            auth = act.add(Authority("PDA", "PDA FY2024", 10**15, dt.date(2020, 1, 1)))
            pkg = act.add(Package("PDA 1", dt.date(2021, 1, 1), auth.id, 10**12))
            st = act.add(SystemType("Fires"))
            act.add(PackageLine(pkg.id, st.id, "kept as it was"))
        with led.action("bulk", accept_warnings=True) as act:
            act.add_many([PackageLine(pkg.id, st.id, f"crate {i}", notes="of ammunition" if i % 2 else None)
                          for i in range(BULK_ROWS)])
        assert [p.description for p in led.page("line", f"rate {BULK_ROWS - 7}")] == [f"crate {BULK_ROWS - 7}"]
        assert led.search_count("line", "ammunition") == BULK_ROWS // 2
        assert [p.description for p in led.page("line", "as it was")] == ["kept as it was"]
        conn = led.conn
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'package_lines_fts_insert'").fetchone()
        conn.execute("INSERT INTO package_lines_fts (package_lines_fts) VALUES ('integrity-check')")
        led.add(PackageLine(pkg.id, st.id, "zebra"), accept_warnings=True)
        assert [p.description for p in led.page("line", "zebra")] == ["zebra"]
