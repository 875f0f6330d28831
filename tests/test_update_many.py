"""An import's changed records are checked as one batch (`UnitOfWork.update_many`): one record gives
what `update` gives; many are judged against the ledger as the batch leaves it, never against their
own old values; history, undo and the deliveries that follow a line's system type stay as they are."""

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from builders import build_ledger, ledger_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.changes import BATCH_UPDATES
from ledger.errors import ValidationError
from ledger.model import Authority, Disbursement, Package, PackageLine, SystemType
from ledger.service import Ledger


def _key(problems):
    """Problems compared by what they say (one edit's carry no record id; a batch's do)."""
    return Counter((p.level, p.kind, p.field, p.message) for p in problems)


def _changed(record, factor: int):
    """The record with its figures scaled (what a colleague's updated sheet changes)."""
    out = {}
    for name in ("value_cents", "amount_cents", "quantity"):
        value = getattr(record, name, None)
        if isinstance(value, int):
            out[name] = value * factor
    if hasattr(record, "title"):
        out["title"] = f"{record.title} (revised)"
    return dataclasses.replace(record, **out)


def _copy(src: Ledger) -> Ledger:
    dst = Ledger.memory()
    with dst.action("copy", accept_warnings=True) as act:
        for kind in ("source", "authority", "system_type", "adjustment", "package", "line", "disbursement", "observation"):
            act.add_many(src.records(kind), keep_ids=True)
    return dst


def _rows(led: Ledger) -> dict:
    return {kind: led.records(kind) for kind in BATCH_UPDATES}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs(max_packages=6), factor=st.sampled_from([0, 2, 3, 1000]))
def test_one_changed_record_gives_what_update_gives(spec, factor):
    src = Ledger.memory()
    build_ledger(src, spec)
    for kind in BATCH_UPDATES:
        for record in src.records(kind):
            new = _changed(record, factor)
            got = {}
            for way in ("single", "batch"):
                led = _copy(src)
                try:
                    with led.action("edit", accept_warnings=True) as act:
                        if way == "single":
                            act.update(new)
                        else:
                            act.update_many([new])
                    got[way] = ("ok", _key(act.warnings), _rows(led))
                except ValidationError as exc:
                    got[way] = ("refused", _key(exc.problems), _rows(led))
            assert got["batch"] == got["single"], (kind, record)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs(max_packages=6), factor=st.sampled_from([0, 2, 3]))
def test_many_changed_records_end_where_updates_one_by_one_end(spec, factor):
    src = Ledger.memory()
    build_ledger(src, spec)
    for kind in BATCH_UPDATES:
        news = [_changed(r, factor) for r in src.records(kind)]
        ends = {}
        for way in ("single", "batch"):
            led = _copy(src)
            try:
                with led.action("edit", accept_warnings=True) as act:
                    if way == "single":
                        for new in news:
                            act.update(new)
                    else:
                        act.update_many(news)
                ends[way] = ("ok", _rows(led))
            except ValidationError as exc:
                ends[way] = ("refused", Counter((p.kind, p.record_id, p.field, p.message) for p in exc.problems if p.level == "error"))
        assert ends["batch"] == ends["single"], kind


def _ledger():
    led = Ledger.memory()
    with led.action("base", accept_warnings=True) as act:
        a = act.add(Authority("PDA", "PDA FY2024", 100_00, dt.date(2023, 10, 1)))
        act.add(SystemType("Fires"))
        act.add(SystemType("Air defense"))
        act.add_many([Package(f"PDA {i}", dt.date(2024, 1, i), a.id, 30_00) for i in (1, 2, 3)])
    return led


def test_packages_growing_together_are_judged_against_what_the_batch_leaves():
    led = _ledger()
    p1, p2, p3 = led.records("package", order_by="id")
    # 30 + 30 + 30 of 100: growing the first two to 40 each leaves 100 - 110 = -10 once both are in.
    with led.action("import", accept_warnings=True) as act:
        act.update_many([dataclasses.replace(p1, value_cents=40_00), dataclasses.replace(p2, value_cents=40_00)])
    assert [(p.record_id, p.field) for p in act.warnings] == [(p2.id, "value_cents")]
    # Shrinking one while another grows by as much leaves what is left as it was: no warning.
    with led.action("import", accept_warnings=False) as act:
        act.update_many([dataclasses.replace(p1, value_cents=10_00), dataclasses.replace(p3, value_cents=50_00)])
    assert not act.warnings


def test_labels_a_batch_frees_can_be_taken_by_another_record_of_it():
    led = _ledger()
    p1, p2, _p3 = led.records("package", order_by="id")
    with led.action("renumber") as act:  # PDA 1 -> PDA 9, and PDA 2 takes the freed PDA 1
        act.update_many([dataclasses.replace(p1, number="PDA 9"), dataclasses.replace(p2, number="pda 1")])
    assert [p.number for p in led.records("package", order_by="id")] == ["PDA 9", "pda 1", "PDA 3"]
    with pytest.raises(ValidationError) as exc, led.action("clash") as act:
        act.update_many([dataclasses.replace(led.get("package", p1.id), number="PDA 3")])
    assert [p.message for p in exc.value.problems] == ["'PDA 3' is already used by another package"]


def test_a_line_changing_type_takes_its_deliveries_along_and_undo_takes_the_batch_back():
    led = _ledger()
    p1 = led.records("package", order_by="id")[0]
    with led.action("lines", accept_warnings=True) as act:
        line = act.add(PackageLine(p1.id, 1, "rounds", quantity=10, value_cents=5_00))
        act.add(Disbursement(dt.date(2024, 2, 1), p1.id, line_id=line.id, quantity=4, value_cents=2_00))
    with led.action("import") as act:
        act.update_many([dataclasses.replace(line, system_type_id=2, value_cents=6_00)])
    (d,) = led.records("disbursement")
    assert d.system_type_id == 2 and led.get("line", line.id).value_cents == 6_00
    led.undo()
    (d,) = led.records("disbursement")
    assert d.system_type_id == 1 and led.get("line", line.id).value_cents == 5_00
