"""File > Export briefing… and File > Print… in the real main window, with the dialogs answered."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtPrintSupport import QPrintDialog  # noqa: E402
from PySide6.QtWidgets import QDialog, QFileDialog  # noqa: E402

from ui import app as ui_app  # noqa: E402

AS_OF = "2024-06-11"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


@pytest.fixture
def window(qtbot, sample_copy, message_boxes):
    ui_app.make_app()
    w = ui_app.build_window(str(sample_copy))
    qtbot.addWidget(w)
    w.show()
    w.dashboard.set_as_of(dt.date.fromisoformat(AS_OF))
    w.dashboard.by.setCurrentIndex(w.dashboard.by.findData("program"))
    yield w
    w.close()


def file_menu_action(window, text: str):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text().replace("&", "") == text)


def text_of(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_export_briefing_writes_the_dashboards_date_and_grouping(window, tmp_path, monkeypatch):
    asked = []

    def save_as(parent, title, default, filters, selected):
        asked.append((title, filters, selected))
        return str(tmp_path / "brief"), "PDF, US Letter (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    act = file_menu_action(window, "Export briefing…")
    assert act.isEnabled()
    act.trigger()
    assert asked and asked[0][0] == "Export briefing" and "HTML page (*.html)" in asked[0][1]
    out = tmp_path / "brief.pdf"  # the chosen form's extension is added
    text = text_of(out)
    assert f"Brief as of {AS_OF} · by program" in text
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "letter" in info
    assert window.statusBar().currentMessage() == f"Brief saved as {out}"


def test_export_briefing_as_html(window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "brief.html"), "HTML page (*.html)"))
    file_menu_action(window, "Export briefing…").trigger()
    text = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert f"Brief as of {AS_OF}</b> · by program" in text and "<svg" in text


def test_export_briefing_to_an_unwritable_place_says_why(window, tmp_path, monkeypatch, message_boxes):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "no" / "brief.pdf"), "PDF, A4 (*.pdf)"))
    file_menu_action(window, "Export briefing…").trigger()
    ((kind, title, message),) = message_boxes
    assert (kind, title) == ("warning", "Export briefing")
    assert message.startswith(f"cannot write {tmp_path / 'no' / 'brief.pdf'}")
    assert not (tmp_path / "no").exists()


def test_cancelled_export_writes_nothing(window, tmp_path, monkeypatch):
    before = set(tmp_path.rglob("*"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    file_menu_action(window, "Export briefing…").trigger()
    assert set(tmp_path.rglob("*")) == before
    assert window.statusBar().currentMessage() == ""


@needs_poppler
def test_print_goes_through_the_print_dialog(window, tmp_path, monkeypatch):
    out = tmp_path / "printed.pdf"
    shown = []

    def accept(dialog):
        shown.append(dialog.windowTitle())
        dialog.printer().setOutputFileName(str(out))  # "Print to file", as a user may pick in the dialog
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    act = file_menu_action(window, "Print…")
    assert act.isEnabled()
    act.trigger()
    assert shown == ["Print briefing"]
    text = text_of(out)
    assert f"Brief as of {AS_OF} · by program" in text and "Page 1 of" in text
    assert window.statusBar().currentMessage().startswith("Printed ")


def test_print_cancelled_prints_nothing(window, tmp_path, monkeypatch):
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    file_menu_action(window, "Print…").trigger()
    assert window.statusBar().currentMessage() == ""


def test_briefing_actions_wait_for_a_ledger(qtbot):
    ui_app.make_app()
    w = ui_app.build_window(None)
    qtbot.addWidget(w)
    if w.ledger is None:
        assert not file_menu_action(w, "Export briefing…").isEnabled()
        assert not file_menu_action(w, "Print…").isEnabled()
    w.close()
