"""The window on a small laptop's screen: the dashboard's cards never run over each other or over
their own figures, whatever the window's size; what does not fit scrolls."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.ui_helpers import overlapping  # noqa: E402
from ui.chart import PLOT_MIN_HEIGHT  # noqa: E402

# Screens people have, less what a window manager takes for the title bar and a panel.
WINDOWS = {"1024x600": (1008, 552), "1366x768": (1350, 720), "1920x1080": (1280, 800)}


def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def card_parts(card):
    return [card.title, card.value, card.detail]


@pytest.mark.parametrize("screen", list(WINDOWS))
def test_cards_and_their_notes_never_overlap(sample_window, screen):
    w = sample_window
    w.resize(*WINDOWS[screen])
    w.show_view(0)
    settle()
    cards = list(w.dashboard.cards.values())
    note = w.dashboard.cards["remaining_authority_cents"].detail.text()
    assert "overcommitted" in note  # the sample's longest note: it wraps on a narrow card
    assert overlapping(cards) == []
    for card in cards:
        assert overlapping(card_parts(card)) == [], card.title.text()
        # Each part has the height its text needs at its width, and lies inside its card.
        detail = card.detail
        assert detail.height() >= detail.heightForWidth(detail.width()), card.title.text()
        assert card.value.height() >= card.value.sizeHint().height(), card.title.text()
        assert card.rect().contains(detail.geometry()), card.title.text()


def test_a_short_window_scrolls_the_dashboard_instead_of_squeezing_it(sample_window):
    w = sample_window
    w.resize(*WINDOWS["1024x600"])
    w.show_view(0)
    settle()
    d = w.dashboard
    assert d.scroll.verticalScrollBar().maximum() > 0
    # The tables keep a few rows each, reached by scrolling.
    row = d.table.verticalHeader().defaultSectionSize()
    assert d.table.height() > d.table.horizontalHeader().height() + 3 * row
    assert d.execution.table.height() > d.execution.table.horizontalHeader().height() + 3 * row


def test_tab_goes_from_the_grouping_to_the_first_card_and_scrolls_to_the_tables(qtbot, sample_window):
    w = sample_window
    w.resize(*WINDOWS["1024x600"])
    w.show_view(0)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    d = w.dashboard
    d.by.setFocus()
    qtbot.keyClick(d.by, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is d.cards["authorized_cents"]  # no stop on the scrolling area itself
    for _ in range(len(d.cards)):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is d.table
    below = d.execution.table
    top = below.mapTo(d.scroll.widget(), below.rect().topLeft()).y()
    assert top > d.scroll.viewport().height()  # the reported figures start below the fold
    qtbot.keyClick(d.table, Qt.Key.Key_Tab)
    settle()
    assert QApplication.focusWidget() is below
    shown = d.scroll.verticalScrollBar().value()
    assert shown <= top < shown + d.scroll.viewport().height()  # scrolled into view


def test_the_window_is_never_made_too_short_for_the_chart(sample_window):
    w = sample_window
    w.show_view(1)
    settle()
    w.resize(WINDOWS["1024x600"][0], 200)  # what dragging the bottom edge up asks for
    settle()
    plot = w.chart.plot
    assert w.height() >= w.minimumSizeHint().height() > PLOT_MIN_HEIGHT
    assert plot.height() >= PLOT_MIN_HEIGHT
    view = plot.getPlotItem().getViewBox()
    assert view.height() > 100  # a plot, between the axes, the deadline names and the legend


def test_dialogs_fit_the_screen_with_their_buttons_on_it(sample_window, monkeypatch):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    from ui.backups_dialog import BackupsDialog
    from ui.import_wizard import ImportWizard

    area = QRect(0, 0, 1024, 600)  # a small laptop's screen, shorter than the wizard would like
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: area)
    w = sample_window
    w.move(0, 0)
    w.resize(*WINDOWS["1024x600"])
    wizard = ImportWizard(w.ledger, w.settings, None, w)
    backups = BackupsDialog(w.ledger, w)
    for dialog, button in ((wizard, wizard.apply_button), (backups, backups.restore_button)):
        dialog.show()
        settle()
        assert area.contains(dialog.frameGeometry()), type(dialog).__name__
        corner = button.mapToGlobal(button.rect().bottomRight())
        assert area.contains(corner), button.text()
        dialog.close()
