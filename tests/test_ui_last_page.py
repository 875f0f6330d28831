"""The record tables reach either end of their order: Last page / First page, Ctrl+End / Ctrl+Home, and
scrolling up from the end brings the rows before it, in order, without a gap or a repeat."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from ledger.model import Disbursement  # noqa: E402
from ui.tables import PAGE  # noqa: E402

EXTRA = 2 * PAGE + 57  # deliveries added to the sample: several pages, the last one short


@pytest.fixture
def deliveries(sample_window):
    """The sample window's deliveries table, holding a few pages of deliveries, some without a value."""
    led = sample_window.ledger
    pkg = led.find("package", "PDA 71")
    with led.action("Add test deliveries", accept_warnings=True) as act:
        act.add_many([Disbursement(dt.date(2024, 12, 2) + dt.timedelta(days=i % 90), pkg.id, quantity=i % 7 + 1,
                                   value_cents=None if i % 5 == 0 else 1000 * (i % 13 + 1)) for i in range(EXTRA)])
    sample_window.refresh_all()
    return sample_window.show_table("disbursement")


def ids(records) -> list[int]:
    return [r.id for r in records]


def test_last_page_shows_the_end_of_the_order_and_scrolling_up_brings_the_rest(qtbot, qtmodeltester, deliveries):
    view, model, led = deliveries, deliveries.model, deliveries.ledger
    view.table.sortByColumn(1 + [f.name for f in model.fields].index("value_cents"), Qt.SortOrder.DescendingOrder)
    whole = led.page("disbursement", sort="value_cents", descending=True, limit=None)
    assert len(whole) == model.total > 2 * PAGE and ids(model.rows) == ids(whole[:PAGE])

    qtbot.mouseClick(view.last_button, Qt.MouseButton.LeftButton)
    assert model.offset == len(whole) - PAGE and ids(model.rows) == ids(whole[-PAGE:])
    assert view.table.currentIndex().row() == model.rowCount() - 1  # the very last delivery is current
    assert f"(showing {len(whole) - PAGE + 1:,}–{len(whole):,})" in view.count.text()
    assert not model.canFetchMore()
    qtmodeltester.check(model)

    bar = view.table.verticalScrollBar()
    bar.setValue(bar.minimum())  # scrolled up to the first loaded row: the page before comes in above
    assert ids(model.rows) == ids(whole[-2 * PAGE:])
    assert bar.value() > bar.minimum()  # the rows that were at the top stay in view
    while model.offset:
        bar.setValue(bar.minimum())
    assert ids(model.rows) == ids(whole)  # every delivery once, in order
    assert "showing" not in view.count.text()

    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.table.currentIndex().row() == 0 and model.record(0).id == whole[0].id


def test_ctrl_end_and_ctrl_home_jump_and_a_change_keeps_the_end_in_view(qtbot, deliveries):
    view, model, led = deliveries, deliveries.model, deliveries.ledger
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = led.page("disbursement", limit=1, from_end=True)[0]
    assert model.offset > 0 and model.rows[-1].id == last.id
    assert view.current_record().id == last.id

    led.delete("disbursement", last.id)  # the window refreshes the table: still its end
    deliveries.window().refresh_all()
    assert model.offset > 0 and model.rows[-1].id == led.page("disbursement", limit=1, from_end=True)[0].id

    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert model.offset == 0 and view.current_record().id == led.page("disbursement", limit=1)[0].id
    qtbot.mouseClick(view.last_button, Qt.MouseButton.LeftButton)
    view.search.setText("2024-12")
    qtbot.waitUntil(lambda: model.search_text == "2024-12")
    assert model.offset == 0  # a new search starts from the top again
    assert 0 < model.total <= PAGE and not view.last_button.isEnabled()  # one page holds them: says so
    assert view.last_button.toolTip().startswith(f"All {model.total} disbursements are in the table")
    qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # the keys still jump
    assert view.current_record().id == led.page("disbursement", "2024-12", limit=1, from_end=True)[0].id
    view.search.setText("")
    qtbot.waitUntil(lambda: model.search_text == "")
    assert view.first_button.isEnabled()
    qtbot.mouseClick(view.first_button, Qt.MouseButton.LeftButton)
    assert view.current_record().id == led.page("disbursement", limit=1)[0].id


def test_columns_fit_the_rows_in_view_once_the_table_is_shown(qtbot, deliveries):
    """Sized from the cells in view, not every loaded row (a Python call per cell), and only once shown:
    Qt measures every row of a table that is not."""
    from dataclasses import replace

    view, model = deliveries, deliveries.model
    quantity = 1 + [f.name for f in model.fields].index("quantity")
    qtbot.waitUntil(lambda: view.table.isVisible())
    model.fetchMore()  # two pages loaded; the last row far out of view gets a very wide quantity
    model.rows[-1] = replace(model.rows[-1], quantity=10**15)
    wide = view.table.fontMetrics().horizontalAdvance(model.index(len(model.rows) - 1, quantity).data())
    view.fit_columns()
    assert view.table.columnWidth(quantity) < wide  # not measured: out of view
    model.rows[0] = replace(model.rows[0], quantity=10**15)
    view.fit_columns()
    assert view.table.columnWidth(quantity) >= wide  # in view: measured
