"""The chart as a user reads it: the readout gives each group's own figure (the core's summary) in line
and stacked mode, for every grouping and balance, at several dates and after switching options."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from ledger.service import Ledger  # noqa: E402
from ui.chart import BALANCES, day_x  # noqa: E402

AS_OF = "2024-12-02"
DAYS = ("2022-03-01", "2022-09-30", "2023-06-30", "2024-06-30", AS_OF)


@pytest.fixture(autouse=True)
def no_modal_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def chart(sample_window):
    sample_window.show_view(1)  # conftest: the main window on a copy of the sample, as of AS_OF
    return sample_window.chart


def expected_reading(led: Ledger, chart, day: str) -> dict[str, str]:
    """name -> text the readout should give on `day`: each group's own figure from the summary."""
    attr = chart.balance_attr
    s = led.summary(day, chart.by_key)
    started = {name for name, points in led.series(chart.by_key).items() if points[0][0] <= day}
    out = {
        g.name: chart.display.money(getattr(g.figures, attr))
        for g in s.groups
        if g.name in started and g.name in chart.picked()
    }
    out["Total"] = chart.display.money(getattr(s.totals, attr))
    if chart.stacked.isChecked() and len(chart.picked()) < chart.groups.count():
        stack = sum(getattr(g.figures, attr) for g in s.groups if g.name in started and g.name in chart.picked())
        out["Stack of the ticked groups"] = chart.display.money(stack)
    return out


def readout_parts(text: str) -> dict[str, str]:
    parts = text.split("  |  ")[1:]
    return dict(p.split(": ", 1) for p in parts if not p.startswith("reported"))


def check_readout(led, chart) -> None:
    for day in DAYS:
        chart._read_day = day
        chart.redraw()
        got = readout_parts(chart.readout.text())
        assert got == expected_reading(led, chart, day), (chart.by_key, chart.balance_attr, day)


@pytest.mark.parametrize("stacked", [False, True])
def test_readout_is_each_groups_summary_figure(chart, sample_copy, stacked):
    with Ledger.open(sample_copy, readonly=True) as led:
        chart.stacked.setChecked(stacked)
        for by in ("authority", "program", "system_type"):
            chart.by.setCurrentIndex(chart.by.findData(by))
            for _text, attr, _key in BALANCES:
                chart.balance.setCurrentIndex(chart.balance.findData(attr))
                check_readout(led, chart)
        # Switching options keeps the readout right (it is read again, not kept from before).
        chart.stacked.setChecked(not stacked)
        check_readout(led, chart)
        chart.by.setCurrentIndex(chart.by.findData("authority"))
        chart.groups.item(0).setCheckState(Qt.CheckState.Unchecked)
        check_readout(led, chart)


def test_readout_leaves_out_groups_that_do_not_exist_yet(chart, sample_copy):
    chart.stacked.setChecked(True)
    with Ledger.open(sample_copy, readonly=True) as led:
        first = {name: points[0][0] for name, points in led.series("authority").items()}
    late = max(first, key=first.get)
    before = (dt.date.fromisoformat(first[late]) - dt.timedelta(days=1)).isoformat()
    assert f"{late}:" not in chart.reading(before)
    assert f"{late}:" in chart.reading(first[late])


@pytest.mark.parametrize("by", ["authority", "program"])
def test_stacked_bands_never_overlap_and_keep_each_groups_height(chart, by):
    """Negative groups stack below zero, positive ones above: each band's height is its own figure."""
    chart.by.setCurrentIndex(chart.by.findData(by))
    chart.stacked.setChecked(True)
    negative = False
    for name, (days, lower, upper) in chart.bands.items():
        own_days, own = chart.data[name]
        for i, d in enumerate(days):
            value = chart.figure_on(name, d) or 0
            assert upper[i] - lower[i] == abs(value)
            assert (lower[i] >= 0) if value > 0 else (upper[i] <= 0) if value < 0 else True
            negative |= value < 0
    # Bands of one day tile [min, max] without gaps or overlaps.
    days = next(iter(chart.bands.values()))[0]
    for i, _d in enumerate(days):
        spans = sorted((b[1][i], b[2][i]) for b in chart.bands.values() if b[1][i] != b[2][i])
        for (_lo1, hi1), (lo2, _hi2) in zip(spans, spans[1:]):
            assert hi1 == lo2
    if by == "authority":
        assert negative  # the sample has overcommitted authorities: the case the rule is for


def test_a_past_as_of_date_hides_later_data_and_bounds_the_projection(chart, sample_copy):
    chart.set_as_of("2023-06-30")
    for name, (days, _cents) in chart.data.items():
        assert max(days) <= "2023-06-30", name
        x, _y = chart.curves[name].getOriginalDataset()
        assert x.max() == day_x("2023-06-30")
    assert all(r.day <= "2023-06-30" for r in chart.observation_points)
    bound = day_x(chart.projection_bound())
    for curve in chart.projections.values():
        x, _y = curve.getOriginalDataset()
        assert x.max() <= bound
    assert bound <= day_x("2025-01-20") + 200 * 86400
    assert "after the as-of date" in chart.reading("2024-01-01")
    assert "later records hidden" in chart.title_text()


def test_reported_markers_take_their_scopes_colour_and_say_who_when_where(chart):
    colours = chart.colours()
    seen = 0
    for name, scatter in chart.marks.items.items():
        for spot in scatter.points():
            tip = spot.data()
            assert "Reported 20" in tip and "Scope:" in tip and "USD" in tip
            seen += 1
        group = name.removeprefix("Reported: ")
        brush = scatter.opts["brush"].color().name()
        assert brush == (colours[group].lower() if group in colours else chart._fg.name())
        assert group in colours or group.startswith(("program ", "all programs"))
    assert seen == len(chart.observation_points) > 0
    assert any(r.group for r in chart.observation_points)
    assert any("by " in r.tooltip(chart.display.money) for r in chart.observation_points)


def test_legend_is_outside_the_plot_and_deadlines_are_named_on_the_top_axis(chart):
    plot_rect = chart.plot.getPlotItem().sceneBoundingRect()
    legend_rect = chart.legend.sceneBoundingRect()
    assert not plot_rect.intersects(legend_rect)
    ticks = chart.plot.getPlotItem().getAxis("top")._tickLevels[0]
    assert any("default deadline" in text for _x, text in ticks)
    assert {x for x, _t in ticks} == {day_x(d) for d in chart.deadline_lines}


def test_export_buttons_ask_then_write_with_title_and_legend(chart, tmp_path, monkeypatch, qtbot):
    from PySide6.QtWidgets import QFileDialog

    for fmt, button in (("png", chart.png), ("svg", chart.svg)):
        target = tmp_path / f"out.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        with qtbot.waitSignal(chart.exported):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert target.stat().st_size > 1000
    svg = (tmp_path / "out.svg").read_text(errors="replace")
    title = chart.title_text()
    assert "Remaining authority per authority" in title and AS_OF in title and "sample" in title
    assert "<title>" in svg and "Remaining authority per authority" in svg
    assert "Total" in svg and "USAI FY2024" in svg  # the legend, with every group, is in the image
    on_screen = [label.text for _sample, label in chart.legend.items]
    assert "USAI FY2024" not in on_screen  # on screen the coloured group list names the groups
    assert not chart.groups.item(0).icon().isNull()


def test_deadline_names_close_together_never_overlap(chart, qtbot):
    from PySide6.QtGui import QImage, QPainter

    chart.set_as_of("2023-06-30")  # PDA FY2024's deadline (2024-09-30) is then near the default one
    chart.plot.resize(700, 500)
    qtbot.wait(50)
    axis = chart.plot.getPlotItem().getAxis("top")
    image = QImage(800, 600, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    names = [t for _r, _f, t in texts]
    assert any("PDA FY2024" in n for n in names) and any("default deadline" in n for n in names)
    rects = [r for r, _f, _t in texts]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b), names
    room = axis.mapRectFromParent(axis.geometry())
    assert all(r.left() >= room.left() - 0.5 and r.right() <= room.right() + 0.5 for r in rects)
