"""Listeners hear what a change touched (kinds and records), so a view refreshes only what it shows."""

import datetime as dt

from ledger.model import Authority, Package, Source, SystemType
from ledger.service import Ledger


def _heard(led: Ledger) -> list:
    seen: list = []
    led.subscribe(seen.append)
    return seen


def test_an_edit_names_its_kind_and_record_and_the_tables_that_show_it():
    led = Ledger.memory()
    auth = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1)))
    seen = _heard(led)
    pkg = led.add(Package("PDA 1", dt.date(2024, 1, 10), auth.id, 10**9))
    (changed,) = seen
    assert changed.label == "Add package" and changed.kinds == {"package"}
    assert list(changed.ids("package")) == [pkg.id] and changed.has("package", pkg.id)
    assert not changed.has("package", pkg.id + 1)
    assert changed.touches("package") and changed.touches("line")  # a line table shows its package
    assert not changed.touches("authority") and not changed.touches("source")
    assert changed.balances


def test_a_source_moves_no_balance():
    led = Ledger.memory()
    seen = _heard(led)
    led.add(Source("a release"))
    assert not seen[0].balances and seen[0].touches("package") and not seen[0].touches("system_type")


def test_undo_and_redo_name_what_they_wrote():
    led = Ledger.memory()
    auth = led.add(Authority("PDA", "PDA FY2024", 10**12, dt.date(2023, 10, 1)))
    with led.action("Add two", accept_warnings=True) as work:
        a = work.add(SystemType("Fires"))
        b = work.add(SystemType("Air defense"))
    seen = _heard(led)
    led.undo()
    led.redo()
    assert [c.label for c in seen] == ["Undo Add two", "Redo Add two"]
    assert all(c.kinds == {"system_type"} and sorted(c.ids("system_type")) == [a.id, b.id] for c in seen)
    led.delete("authority", auth.id)
    assert seen[-1].kinds == {"authority"}


def test_a_big_import_is_said_as_a_run_of_ids():
    led = Ledger.memory()
    seen = _heard(led)
    with led.action("Import") as work:
        work.add_columns("source", {"title": [f"s{i}" for i in range(5000)]}, {"url": None, "published_on": None, "notes": None},
                         range(1, 5001))
    (changed,) = seen
    assert changed.has("source", 4321) and not changed.has("source", 5001)
    assert isinstance(changed.records["source"][0], range)
