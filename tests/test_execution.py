"""Execution as sources report it: reported figures beside the derived ones, and disbursements against
an authority or a program (rules, balances, the chart's and dashboard's arrays, the sample, workbooks)."""

import datetime as dt
import json

import openpyxl
import pytest
from cli_helpers import run_cli

from ledger import execution
from ledger.errors import ValidationError, WarningsNotAccepted
from ledger.excel import ImportRejected, apply_import, export_workbook, preview_import, read_import
from ledger.model import NOT_ATTRIBUTED, Authority, Disbursement, Package, ReportedFigure, ScopeDisbursement, SystemType
from ledger.sample import build
from ledger.service import Ledger

D = dt.date
B = 10**9 * 100  # a billion, in cents


@pytest.fixture
def led():
    """Two PDA authorities and one USAI, a package on each PDA one, a system type."""
    led = Ledger.memory()
    with led.action("setup", accept_warnings=True) as act:
        a22 = act.add(Authority("PDA", "PDA FY2022", 11 * B, D(2021, 10, 1)))
        a24 = act.add(Authority("PDA", "PDA FY2024", 8 * B, D(2024, 4, 24)))
        act.add(Authority("USAI", "USAI FY2024", 13 * B, D(2024, 4, 24)))
        act.add(Package("PDA 3", D(2022, 2, 25), a22.id, 1 * B))
        act.add(Package("PDA 56", D(2024, 4, 24), a24.id, 4 * B))
        act.add(SystemType("Fires"))
    yield led
    led.close()


def _auth(led, name):
    return led.find("authority", name).id


def _problems(exc):
    return [(p.level, p.field, p.message) for p in exc.value.problems]


# -- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("percent, ok", [(0, True), (100, True), (101, False), (-1, False)])
def test_a_share_is_0_to_100_percent(led, percent, ok):
    fig = ReportedFigure(D(2024, 10, 15), "delivered share", "PDA", percent=percent)
    if ok:
        assert led.add(fig).percent == percent
        return
    with pytest.raises(ValidationError) as exc:
        led.add(fig)
    assert any(f == "percent" for _l, f, _m in _problems(exc))
    assert led.count("reported_figure") == 0


def test_a_share_has_a_percentage_and_an_amount_has_a_value(led):
    with pytest.raises(ValidationError) as exc:
        led.add(ReportedFigure(D(2024, 10, 15), "delivered share", "PDA", value_cents=5))
    assert {f for _l, f, _m in _problems(exc)} == {"percent", "value_cents"}
    with pytest.raises(ValidationError) as exc:
        led.add(ReportedFigure(D(2024, 10, 15), "disbursed", "PDA", percent=50))
    assert {f for _l, f, _m in _problems(exc)} == {"value_cents", "percent"}


def test_a_figures_scope_must_exist(led):
    with pytest.raises(ValidationError) as exc:
        led.add(ReportedFigure(D(2023, 12, 31), "disbursed", "all agencies", value_cents=675 * B // 10))
    ((level, field, message),) = _problems(exc)
    assert (level, field) == ("error", "program") and "not the program of any authority" in message
    with pytest.raises(ValidationError) as exc:
        led.add(ReportedFigure(D(2024, 9, 30), "obligated", "USAI", value_cents=1, authority_id=_auth(led, "PDA FY2024")))
    assert "differs from PDA FY2024's program" in _problems(exc)[0][2]
    with pytest.raises(ValidationError):
        led.add(ScopeDisbursement(D(2024, 10, 15), "FMF", 1))
    assert led.count("reported_figure") == led.count("disbursement_by_authority") == 0


def test_a_scope_disbursement_above_what_its_scope_committed_warns(led):
    a24 = _auth(led, "PDA FY2024")
    led.add(ScopeDisbursement(D(2024, 10, 15), "PDA", 4 * B, D(2024, 4, 24), a24))  # all of it: no warning
    with pytest.raises(WarningsNotAccepted) as exc:
        led.add(ScopeDisbursement(D(2024, 12, 15), "PDA", 1, authority_id=a24))
    ((level, field, message),) = _problems(exc)
    assert (level, field) == ("warning", "value_cents") and "more than it committed" in message and "PDA FY2024" in message
    # The program committed 5 B in all; 4 B of it is disbursed against FY2024 already.
    led.add(ScopeDisbursement(D(2024, 12, 15), "PDA", 1 * B))
    with pytest.raises(WarningsNotAccepted) as exc:
        led.add(ScopeDisbursement(D(2024, 12, 16), "pda", 1))
    assert "program pda" in _problems(exc)[0][2]


def test_a_package_disbursement_counts_against_its_scope_too(led):
    pkg = led.find("package", "PDA 56")
    led.add(Disbursement(D(2024, 6, 1), pkg.id, value_cents=3 * B))
    with pytest.raises(WarningsNotAccepted):
        led.add(ScopeDisbursement(D(2024, 10, 15), "PDA", 2 * B, authority_id=_auth(led, "PDA FY2024")))


def test_a_period_ends_after_it_starts(led):
    with pytest.raises(ValidationError) as exc:
        led.add(ScopeDisbursement(D(2024, 4, 1), "PDA", 1, D(2024, 5, 1)))
    assert _problems(exc)[0][1] == "period_from"


def test_an_import_checks_scope_disbursements_against_the_rows_before_them(led):
    a24 = _auth(led, "PDA FY2024")
    with led.action("import", accept_warnings=True) as act:
        act.add_many([ScopeDisbursement(D(2024, 10, 15), "PDA", 3 * B, authority_id=a24) for _ in range(2)])
    assert [(p.field, p.record_id) for p in act.warnings] == [("value_cents", 2)]
    with pytest.raises(ValidationError), led.action("bad import") as act:
        act.add_many([ReportedFigure(D(2024, 1, 1), "delivered share", "PDA", percent=p) for p in (10, 120)])
    assert led.count("reported_figure") == 0


# -- balances ------------------------------------------------------------------------------------


def test_scope_disbursements_count_by_authority_and_program_not_by_package(led):
    a24 = _auth(led, "PDA FY2024")
    led.add(ScopeDisbursement(D(2024, 10, 15), "PDA", 37 * B // 10, D(2024, 4, 24), a24, "month"))
    led.add(ScopeDisbursement(D(2024, 11, 1), "PDA", 1 * B))  # the program only
    by_auth = {g.name: g.figures for g in led.summary("2025-01-01", "authority").groups}
    assert by_auth["PDA FY2024"].disbursed_cents == 37 * B // 10
    assert by_auth["PDA (no authority)"].disbursed_cents == 1 * B
    assert by_auth["PDA FY2022"].disbursed_cents == 0
    assert {g.name: g.figures.disbursed_cents for g in led.summary("2025-01-01", "program").groups}["PDA"] == 47 * B // 10
    assert {g.name: g.figures.disbursed_cents for g in led.summary("2025-01-01", "system_type").groups}["Unallocated"] == 47 * B // 10
    assert led.summary("2024-10-14", "authority").totals.disbursed_cents == 0  # dated at the end of its period
    rows = led.disbursed_by_package()
    assert rows[-1] == (NOT_ATTRIBUTED, 0, 47 * B // 10)
    assert all(disbursed == 0 for _n, _v, disbursed in rows[:-1])


def test_reported_figures_are_never_netted_with_derived_ones(led):
    before = led.summary("2025-01-01", "authority")
    for measure in ("obligated", "distributed", "disbursed", "delivered", "remaining funds"):
        led.add(ReportedFigure(D(2024, 9, 30), measure, "PDA", value_cents=2 * B))
    led.add(ReportedFigure(D(2024, 9, 30), "delivered share", "PDA", percent=60))
    assert led.summary("2025-01-01", "authority") == before


def test_distributed_is_never_counted_as_disbursed(led):
    led.add(ReportedFigure(D(2024, 9, 30), "distributed", "USAI", value_cents=227 * B // 10))
    led.add(ReportedFigure(D(2024, 9, 30), "disbursed", "USAI", value_cents=1 * B))
    (dist,) = [c for c in led.execution_comparisons() if c.measure == "distributed"]
    assert dist.derived_cents is None and dist.gap_cents is None
    marks = led.execution_markers("program", "disbursed_cents", ["USAI", "PDA"], str)
    assert [(m.group, m.cents) for m in marks] == [("USAI", 1 * B)]
    assert all("distributed" not in m.tooltip for m in marks)


# -- the dashboard's and the chart's arrays ------------------------------------------------------------


def test_comparisons_hold_the_latest_figure_beside_the_derived_one_on_its_date(led):
    a24 = _auth(led, "PDA FY2024")
    led.add(ScopeDisbursement(D(2024, 10, 15), "PDA", 37 * B // 10, authority_id=a24))
    led.add(ReportedFigure(D(2024, 6, 30), "delivered", "PDA", value_cents=1 * B, authority_id=a24))
    led.add(ReportedFigure(D(2024, 10, 15), "delivered", "PDA", value_cents=35 * B // 10, authority_id=a24,
                           reported_by="Ryder"))
    led.add(ReportedFigure(D(2024, 11, 12), "remaining funds", "PDA", value_cents=71 * B // 10, reported_by="Ryder"))
    got = {(c.scope, c.measure): c for c in led.execution_comparisons()}
    delivered = got[("PDA FY2024", "delivered")]
    assert delivered.reported.reported_on == D(2024, 10, 15)
    assert delivered.derived_cents == 37 * B // 10 and delivered.gap_cents == 2 * B // 10
    remaining = got[("PDA", "remaining funds")]
    # The whole program on 2024-11-12: 19 B authorized - 5 B committed.
    assert remaining.derived_cents == 14 * B and remaining.gap_cents == 14 * B - 71 * B // 10


def test_a_derived_share_needs_values_by_system_type(led):
    fires = led.find("system_type", "Fires").id
    led.add(ReportedFigure(D(2024, 10, 15), "delivered share", "PDA", percent=60, system_type_id=fires))
    (share,) = led.execution_comparisons()
    assert share.derived_percent is None and share.gap_percent is None
    from ledger.model import PackageLine

    pkg = led.find("package", "PDA 56")
    line = led.add(PackageLine(pkg.id, fires, "155mm rounds", 1000, unit="rounds", value_cents=2 * B))
    led.add(Disbursement(D(2024, 9, 1), pkg.id, line.id, quantity=400, value_cents=B))
    (share,) = led.execution_comparisons()
    assert share.derived_percent == 50.0 and share.gap_percent == -10.0
    led.add(PackageLine(pkg.id, fires, "M777 howitzers", 18))
    led.add(PackageLine(pkg.id, fires, "HIMARS", 4))
    ((fig, derived),) = led.reported_shares()
    assert fig.percent == 60 and derived == 50.0


def test_markers_sit_on_the_line_of_the_same_measure_and_scope(led):
    a24 = _auth(led, "PDA FY2024")
    src = led.add(__import__("ledger.model", fromlist=["Source"]).Source("Briefing", "https://example.org/b"))
    led.add(ReportedFigure(D(2024, 10, 15), "delivered", "PDA", value_cents=37 * B // 10, authority_id=a24,
                           scope="from stocks", date_precision="month", reported_by="Ryder", source_id=src.id))
    led.add(ReportedFigure(D(2024, 9, 30), "obligated", "PDA", value_cents=2 * B))
    by_auth = led.execution_markers("authority", "disbursed_cents", ["PDA FY2024"], lambda c: f"{c / 100 / 10**9:.1f} B")
    (m,) = by_auth
    assert (m.group, m.day, m.cents) == ("PDA FY2024", "2024-10-15", 37 * B // 10)
    assert m.tooltip.splitlines() == [
        "Ryder, as of 2024-10-15 (month)",
        "PDA FY2024: from stocks",
        "delivered: 3.7 B",
        "Source: Briefing https://example.org/b",
    ]
    assert led.execution_markers("authority", "disbursed_cents", ["PDA FY2022"], str) == []  # not drawn: no marker
    assert led.execution_markers("program", "disbursed_cents", ["PDA"], str) == []  # an authority's figure
    (ob,) = led.execution_markers("program", "committed_cents", ["PDA"], str)
    assert ob.cents == 2 * B
    assert led.execution_markers("system_type", "committed_cents", ["Unallocated"], str) == []


def test_gap_readout_takes_the_latest_marker_against_the_line_on_its_day():
    marks = [execution.Marker("A", "2024-01-10", 50, ""), execution.Marker("A", "2024-03-01", 90, ""),
             execution.Marker("B", "2024-02-01", 10, "")]
    lines = {"A": (["2024-01-01", "2024-02-15", "2024-04-01"], [10, 70, 100]), "B": (["2024-03-01"], [5])}
    got = [(g.group, g.day, g.reported_cents, g.derived_cents, g.gap_cents) for g in execution.gaps(marks, lines)]
    assert got == [("A", "2024-03-01", 90, 70, -20), ("B", "2024-02-01", 10, 0, -10)]


# -- the sample ----------------------------------------------------------------------------------


def test_sample_summary_shows_disbursed_with_its_sources(tmp_path):
    path = tmp_path / "s.aidledger"
    assert run_cli("sample", "--ledger", path)[0] == 0
    code, out, _err = run_cli("summary", "--ledger", path, "--as-of", "2025-01-20", "--format", "json")
    data = json.loads(out)
    groups = {g["name"]: g for g in data["groups"]}
    assert data["totals"]["disbursed_cents"] == 394_000_000_000
    assert groups["PDA FY2024"]["disbursed_cents"] == 370_000_000_000  # Ryder: USD 3.7 B delivered from stocks
    assert groups["PDA FY2022"]["disbursed_cents"] == 24_000_000_000  # PDA 3: about USD 240 M delivered
    with Ledger.open(path, readonly=True) as led:
        (sd,) = led.records("disbursement_by_authority")
        assert "renewz.de" in led.get("source", sd.source_id).url and sd.period_from == D(2024, 4, 24)
        figs = led.records("reported_figure")
        assert {f.program for f in figs} == {"PDA", "USAI"}  # all-agency and all-DoD figures stay out
        unverified = [f for f in figs if f.confidence == "unverified"]
        assert len(unverified) == 2 and not any(d.value_cents == f.value_cents for f in unverified
                                                for d in led.records("disbursement_by_authority"))
        assert all(led.get("source", f.source_id).url.startswith("https://") for f in figs)
        shares = {(led.get("system_type", f.system_type_id).name if f.system_type_id else None): f.percent
                  for f, _d in led.reported_shares()}
        assert shares == {"Air defense": 67, "Fires": 60, None: 83}


# -- workbooks -----------------------------------------------------------------------------------


def test_a_foreign_sheet_of_reported_figures_imports(led, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Execution"
    ws.append(["Execution of Ukraine security assistance, as reported"])
    ws.append([])
    ws.append(["Date", "Program", "Measure", "Amount (USD M)", "Source"])
    ws.append([dt.datetime(2024, 9, 30), "USAI", "Obligated", 22_900, "Lead IG"])
    ws.append([dt.datetime(2024, 9, 30), "USAI", "distributed", 22_700, "Lead IG"])
    ws.append(["2024-10-15", "PDA", "Delivered", "3,700", "Ryder briefing"])
    path = tmp_path / "execution.xlsx"
    wb.save(path)
    from ledger.model import Source

    ig = led.add(Source("Lead IG")).id
    led.add(Source("Ryder briefing"))
    preview = preview_import(led, read_import(path))
    assert preview.ok, preview.rejected
    apply_import(led, preview)
    got = [(f.reported_on, f.program, f.measure, f.value_cents) for f in led.records("reported_figure")]
    assert got == [(D(2024, 9, 30), "USAI", "obligated", 229 * B // 10), (D(2024, 9, 30), "USAI", "distributed", 227 * B // 10),
                   (D(2024, 10, 15), "PDA", "delivered", 37 * B // 10)]
    assert led.records("reported_figure")[0].source_id == ig
    assert led.summary("2025-01-01").totals.disbursed_cents == 0  # reported, not derived


def test_a_foreign_sheet_with_a_measure_the_ledger_does_not_know_is_rejected_in_words(led, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Date,Program,Measure,Amount\n2024-09-30,USAI,spent,100\n", encoding="utf-8")
    preview = preview_import(led, read_import(path))
    assert not preview.ok
    ((column, why),) = [(r.column, r.why) for r in preview.rejected]
    assert column == "Measure" and why.startswith("'spent' is not one of obligated, distributed, disbursed")
    path.write_text("Date,Program,Measure,Amount\n2024-09-30,FMF,disbursed,100\n", encoding="utf-8")
    preview = preview_import(led, read_import(path))
    with pytest.raises(ImportRejected) as exc:
        apply_import(led, preview)
    ((column, why),) = [(r.column, r.why) for r in exc.value.rejected]
    assert column == "Program" and "'FMF' is not the program of any authority" in why and "_" not in why
    assert led.count("reported_figure") == 0


def test_new_records_round_trip_through_a_workbook(tmp_path):
    src = Ledger.memory()
    build(src)
    path = tmp_path / "sample.xlsx"
    export_workbook(src, path)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert {"Reported figures", "Disbursements by authority"} <= set(wb.sheetnames)
    dst = Ledger.memory()
    preview = preview_import(dst, read_import(path))
    apply_import(dst, preview, accept_warnings=True)
    for kind in ("reported_figure", "disbursement_by_authority"):
        assert dst.records(kind) == src.records(kind)
    assert dst.summary("2025-01-20").totals == src.summary("2025-01-20").totals


def test_measures_as_sources_word_them_import_and_add(led, tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("As of,Program,Measure,Value (USD B),Share (%)\n"
                    "2024-12-31,USAI,Outlays,1.5,\n"
                    "2024-11-12,PDA,Remaining authority,7.1,\n"
                    "2024-10-15,PDA,percent-delivered,,83\n", encoding="utf-8")
    preview = preview_import(led, read_import(path))
    assert preview.ok, preview.rejected
    apply_import(led, preview)
    got = [(f.measure, f.value_cents, f.percent) for f in led.records("reported_figure")]
    assert got == [("disbursed", 15 * B // 10, None), ("remaining funds", 71 * B // 10, None), ("delivered share", None, 83)]
    lpath = tmp_path / "l.aidledger"
    with Ledger.open(lpath) as other:
        other.add(Authority("USAI", "USAI FY2024", 13 * B, D(2024, 4, 24)))
    code, out, err = run_cli("add", "reported-figure", "--ledger", lpath, "reported_on=2025-03-31", "measure=expended",
                             "program=USAI", "value=12.469B", "confidence=unverified")
    assert code == 0, err
    code, _out, err = run_cli("add", "reported-figure", "--ledger", lpath, "reported_on=2025-03-31",
                              "measure=delivered share", "program=USAI", "percent=120")
    assert code != 0 and "a share is 0 to 100 %" in err
    with Ledger.open(lpath, readonly=True) as other:
        (fig,) = other.records("reported_figure")
        assert (fig.measure, fig.value_cents, fig.confidence) == ("disbursed", 12_469 * B // 1000, "unverified")


def test_a_ledger_of_the_schema_before_takes_reported_figures_after_its_migration(tmp_path):
    import shutil
    import sqlite3
    from pathlib import Path

    from ledger import schema

    # The newest fixture from before the execution tables (later migrations may follow them).
    fixtures = [Path(__file__).resolve().parent / "fixtures" / f"schema_v{v}.aidledger" for v in range(schema.SCHEMA_VERSION - 1, 0, -1)]
    older = next(f for f in fixtures if not sqlite3.connect(f"{f.as_uri()}?immutable=1", uri=True).execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'reported_figures'").fetchone())
    path = tmp_path / "older.aidledger"
    shutil.copy(older, path)
    with Ledger.open(path) as led:
        before = led.summary("2025-01-20").totals
        assert led.count("reported_figure") == led.count("disbursement_by_authority") == 0
        a24 = led.find("authority", "PDA FY2024").id
        led.add(ReportedFigure(D(2024, 10, 15), "delivered", "PDA", value_cents=37 * B // 10, authority_id=a24))
        led.add(ScopeDisbursement(D(2024, 10, 15), "PDA", 37 * B // 10, authority_id=a24), accept_warnings=True)
        after = led.summary("2025-01-20").totals
    assert after.disbursed_cents == before.disbursed_cents + 37 * B // 10
    assert after.committed_cents == before.committed_cents
