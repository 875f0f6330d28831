"""Execution figures in the app: cumulative Committed and Disbursed on the chart with reported markers
and the gap readout, the dashboard's reported-beside-derived table, reported shares by system type."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pytestqt")

from ledger.service import Ledger  # noqa: E402
from ui.chart import day_x, step_arrays  # noqa: E402

AS_OF = "2024-12-02"  # the sample window's as-of date (conftest.sample_window)


@pytest.fixture
def window(sample_window):
    return sample_window


def _balance(chart, attr):
    chart.balance.setCurrentIndex(chart.balance.findData(attr))


def test_cumulative_disbursed_line_and_reported_markers(window, sample_copy):
    window.show_view(1)
    chart = window.chart
    chart.set_as_of(AS_OF)
    _balance(chart, "disbursed_cents")
    with Ledger.open(sample_copy, readonly=True) as led:
        series = led.series("authority")
    days, cents = chart.data["PDA FY2024"]
    # The chart shows the ledger as it stood on the as-of date: nothing recorded later is drawn.
    shown = [f.disbursed_cents for d, f in series["PDA FY2024"] if d <= AS_OF]
    assert cents == shown and cents[-1] == 370_000_000_000
    x, y = chart.curves["PDA FY2024"].getOriginalDataset()
    ex, ey = step_arrays(days, cents, chart.end_day())
    assert list(x) == list(ex) and list(y) == list(ey)
    assert not chart.projections  # a running total is not projected to zero
    # Ryder's USD 3.7 B beside the FY2024 line; PDA 3's USD 240 M beside the FY2022 line.
    marks = {(m.group, m.day, m.cents) for m in chart.execution_marks.points}
    assert marks == {("PDA FY2024", "2024-10-15", 370_000_000_000), ("PDA FY2022", "2022-03-04", 24_000_000_000)}
    scatter = chart.execution_marks.items["PDA FY2024"]
    sx, sy = scatter.getData()
    assert list(sx) == [day_x("2024-10-15")] and list(sy) == [3_700_000_000.0]
    (tip,) = list(scatter.data["data"])
    assert "Ryder" in tip and "as of 2024-10-15 (month)" in tip and "PDA FY2024" in tip and "renewz.de" in tip
    assert "PDA FY2024: derived USD 3.7 B on 2024-10-15, latest reported USD 3.7 B, gap USD 0" in chart.execution_marks.readout.text()


def test_cumulative_committed_per_program_has_the_obligated_markers(window):
    window.show_view(1)
    chart = window.chart
    chart.by.setCurrentIndex(chart.by.findData("program"))
    chart.set_as_of(AS_OF)
    _balance(chart, "committed_cents")
    obligated = [m for m in chart.execution_marks.points if m.group == "USAI"]
    # The verified USD 22.9 B (2024-09-30) and the unverified USD 23.29 B (2025-03-31).
    assert [(m.day, m.cents) for m in obligated] == [("2024-09-30", 2_290_000_000_000), ("2025-03-31", 2_329_000_000_000)]
    assert "Confidence: unverified" in obligated[-1].tooltip
    assert not any("distributed" in m.tooltip for m in chart.execution_marks.points)
    (gap,) = [g for g in chart.execution_marks.gaps if g.group == "USAI"]
    assert gap.reported_cents == 2_329_000_000_000 and gap.derived_cents == chart.data["USAI"][1][-1]
    assert chart.observation_points == []  # reported balances belong to the balance lines only
    chart.stacked.setChecked(True)
    assert chart.execution_marks.points == [] and chart.execution_marks.readout.text().strip() == ""


def test_dashboard_shows_reported_beside_derived(window):
    panel = window.dashboard.execution
    assert panel.isVisible()
    rows = {(c.scope, c.measure): c for c in panel.rows}
    model = panel.model
    col = {model.headerData(i, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Orientation.Horizontal): i
           for i in range(model.columnCount())}

    def cell(key, header):
        return model.index(panel.rows.index(rows[key]), col[header]).data()

    assert cell(("PDA FY2024", "delivered"), "Reported") == "USD 3.7 B"
    assert cell(("PDA FY2024", "delivered"), "Derived") == "USD 3.7 B disbursed"
    assert cell(("PDA FY2024", "delivered"), "As of") == "2024-10-15 (month)"
    assert cell(("USAI", "distributed"), "Derived") == "none (a budget step)"
    assert cell(("USAI", "distributed"), "Gap") == ""
    # As of 2024-12-02 the 2025 figures are not reported yet: USAI obligated is the Lead IG's 2024-09-30 one.
    assert cell(("USAI", "obligated"), "Reported") == "USD 22.9 B"
    assert cell(("PDA", "remaining funds"), "Reported by").startswith("Deputy Pentagon Press Secretary Sabrina Singh")
    assert "Not attributed to a package: USD 3.7 B" in panel.note.text()
    window.dashboard.set_as_of(dt.date(2021, 1, 1))
    assert panel.rows == [] and not panel.isVisible()


def test_by_system_type_shows_reported_shares_and_quantities_per_unit(window):
    window.show_view(2)
    bars = window.bars
    bars.set_as_of(AS_OF)
    model = bars.model
    headers = [model.headerData(i, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Orientation.Horizontal)
               for i in range(model.columnCount())]
    share_col, qty_col = headers.index("Reported share delivered"), headers.index("Quantity in packages")
    by_name = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    assert model.index(by_name["Air defense"], share_col).data().startswith("67 % (2024-10-15")
    assert model.index(by_name["Fires"], share_col).data().startswith("60 %")
    assert model.index(by_name["Fires"], qty_col).data().endswith(" rounds")  # added per unit
    shares = bars.shares.model
    assert shares.rowCount() == 3
    names = {shares.index(r, 0).data(): shares.index(r, 1).data() for r in range(3)}
    assert names == {"Air defense": "67 %", "Fires": "60 %", "(several or none named)": "83 %"}
    assert {shares.index(r, 2).data() for r in range(3)} == {"no values by type"}


def test_hovering_a_marker_shows_who_when_scope_figure_and_source(window, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtTest import QTest

    window.resize(1360, 860)
    window.show_view(1)
    chart = window.chart
    chart.set_as_of(AS_OF)
    _balance(chart, "disbursed_cents")
    qtbot.wait(50)
    vb = chart.plot.getPlotItem().vb
    x, y = chart.execution_marks.items["PDA FY2024"].getData()
    spot = chart.plot.mapFromScene(vb.mapViewToScene(QPointF(x[0], y[0])))
    QTest.mouseMove(chart.plot.viewport(), spot)
    qtbot.waitUntil(lambda: "Ryder" in vb.toolTip(), timeout=3000)
    tip = vb.toolTip().splitlines()
    assert tip[0].endswith("as of 2024-10-15 (month)")
    assert tip[1].startswith("PDA FY2024: drawdowns from DoD stocks")
    assert tip[2] == "delivered: USD 3.7 B"
    assert tip[3].startswith("Source: ") and tip[3].endswith("https://renewz.de/pentagon-gibt-umfang-der-us-hilfe-fuer-die-ukraine-aus-dem-60-milliarden-dollar-paket-bekannt")
