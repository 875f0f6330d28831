"""The window refreshes only the views a change may alter (listeners hear kinds and records)."""

import dataclasses

import pytest

pytest.importorskip("PySide6")

from ui import app as ui_app  # noqa: E402


@pytest.fixture
def window(qtbot, sample_copy):
    ui_app.make_app()
    w = ui_app.build_window(str(sample_copy))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_editing_a_source_marks_the_tables_that_show_sources_not_the_balances(window):
    window._dirty.clear()
    source = window.ledger.records("source", limit=1)[0]
    window.ledger.update(dataclasses.replace(source, notes="checked"))
    assert {"source", "package", "history"} <= window._dirty
    assert not window._dirty & {"dashboard", "chart", "bars", "system_type", "line"}


def test_editing_a_package_marks_the_balances_and_its_tables(window):
    window._dirty.clear()
    package = window.ledger.find("package", "PDA 71")
    window.ledger.update(dataclasses.replace(package, notes="checked"), accept_warnings=True)
    assert {"package", "line", "disbursement", "dashboard", "chart", "bars", "history"} <= window._dirty
    assert not window._dirty & {"source", "authority", "system_type"}
