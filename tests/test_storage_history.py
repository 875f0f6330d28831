"""Storage keeps every int64 and every text; the history replays to the same state."""

import datetime as dt

from builders import build_ledger, ledger_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import history, store
from ledger.model import KINDS, Adjustment, Authority, Observation, Package, PackageLine, Source, SystemType
from ledger.service import Ledger

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
TEXT = st.text()  # any Unicode text but lone surrogates (which no file format can hold)


@settings(max_examples=200, deadline=None)
@given(cents=INT64, text=TEXT)
def test_any_int64_and_text_survive_storage(cents, text):
    with Ledger.memory() as led:
        k = KINDS["adjustment"]
        adj = Adjustment(dt.date(2024, 1, 2), "PDA", "revaluation", cents, reason=text or "x", notes=text)
        row = store.to_row(k, adj)
        row["id"] = store.insert_row(led.conn, k, row)
        back = store.from_row(k, store.fetch_row(led.conn, k, row["id"]))
        assert back.amount_cents == cents and type(back.amount_cents) is int
        assert back.notes == text and back.reason == (text or "x")
        obs = Observation(dt.date(2024, 1, 2), metric=text or "m", value_cents=cents, scope=text)
        k = KINDS["observation"]
        row = store.to_row(k, obs)
        row["id"] = store.insert_row(led.conn, k, row)
        back = store.from_row(k, store.fetch_row(led.conn, k, row["id"]))
        assert (back.value_cents, back.scope, back.metric) == (cents, text, text or "m")


@settings(max_examples=100, deadline=None)
@given(text=TEXT.filter(lambda t: t.strip()), cents=st.integers(0, 10**17), aliases=st.lists(
    st.text(min_size=1).filter(lambda t: t.strip() and ";" not in t), max_size=3, unique_by=lambda t: t.strip().casefold()))
def test_text_and_amounts_survive_the_service(tmp_path_factory, text, cents, aliases):
    path = tmp_path_factory.mktemp("l") / "t.aidledger"
    with Ledger.open(path) as led:
        src = led.add(Source(text, url=text, notes=text))
        a = led.add(Authority("PDA", "A", cents, dt.date(2024, 1, 1), notes=text, source_id=src.id))
        t = led.add(SystemType("Fires", tuple(a.strip() for a in aliases if a.strip().casefold() != "fires")))
    with Ledger.open(path) as led:  # read back from the file, not from memory
        assert led.get("source", src.id) == src
        assert led.get("authority", a.id) == a and led.get("authority", a.id).amount_cents == cents
        assert led.get("system_type", t.id) == t


def snapshot(led):
    return {k.table: [store.fetch_row(led.conn, k, r.id) for r in led.records(k.name)] for k in KINDS.values()}


OPS = st.lists(st.sampled_from(["add_line", "edit_package", "delete_line", "delete_package", "undo", "redo"]), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledger_specs(max_packages=4), ops=OPS, data=st.data())
def test_history_replays_to_the_same_state(spec, ops, data):
    with Ledger.memory() as led:
        build_ledger(led, spec)
        for op in ops:
            pkgs = led.records("package")
            lines = led.records("line")
            types = led.records("system_type")
            if op == "add_line" and pkgs:
                p = data.draw(st.sampled_from(pkgs))
                led.add(PackageLine(p.id, types[0].id, data.draw(TEXT.filter(str.strip)), quantity=data.draw(st.integers(0, 9))), accept_warnings=True)
            elif op == "edit_package" and pkgs:
                p = data.draw(st.sampled_from(pkgs))
                led.edit("package", p.id, value_cents=data.draw(st.integers(0, 10**12)), notes=data.draw(TEXT), accept_warnings=True)
            elif op == "delete_line" and lines:
                led.delete("line", data.draw(st.sampled_from(lines)).id)
            elif op == "delete_package" and pkgs:
                led.delete("package", data.draw(st.sampled_from(pkgs)).id)
            elif op == "undo":
                led.undo()
            elif op == "redo":
                led.redo()
        with Ledger.memory() as fresh:
            history.replay(led.conn, fresh.conn)
            assert snapshot(fresh) == snapshot(led)


def test_undo_redo_round_trip(ledger):
    a = ledger.add(Authority("PDA", "PDA FY2024", 100, dt.date(2024, 4, 24)))
    p = ledger.add(Package("PDA 71", dt.date(2024, 12, 2), a.id, 50))
    ledger.edit("package", p.id, value_cents=60)
    assert ledger.undo_label() == "Edit package"
    assert ledger.undo() == "Edit package"
    assert ledger.get("package", p.id).value_cents == 50
    assert ledger.redo() == "Edit package"
    assert ledger.get("package", p.id).value_cents == 60
    ledger.undo()
    ledger.add(Source("new"))  # a new change abandons what was undone
    assert ledger.redo() is None
    states = [x.state for x in ledger.history()]
    assert states[:2] == ["done", "abandoned"]
    (act, change), *_ = ledger.record_history("package", p.id)
    assert change.op == "insert" and change.new["number"] == "PDA 71"


def test_delete_package_cascades_and_undo_restores(ledger):
    a = ledger.add(Authority("PDA", "A", 10**6, dt.date(2024, 1, 1)))
    t = ledger.add(SystemType("Fires"))
    p = ledger.add(Package("P1", dt.date(2024, 2, 1), a.id, 1000))
    ledger.add(PackageLine(p.id, t.id, "HIMARS", quantity=4))
    assert ledger.delete("package", p.id) == 2
    assert ledger.count("line") == 0
    ledger.undo()
    assert ledger.count("line") == 1 and ledger.get("package", p.id).number == "P1"
