"""Shared fixtures. Qt runs offscreen: set before any QApplication exists (no display in CI)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger.sample import build  # noqa: E402
from ledger.service import Ledger  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Never touch the real user data folder."""
    monkeypatch.setenv("AID_LEDGER_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def ledger():
    led = Ledger.memory()
    yield led
    led.close()


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory) -> Path:
    """A sample ledger on disk, built once; copy it before changing it."""
    path = tmp_path_factory.mktemp("sample") / "sample.aidledger"
    with Ledger.open(path) as led:
        build(led)
    return path


@pytest.fixture
def sample_copy(sample_file, tmp_path) -> Path:
    import shutil

    target = tmp_path / "sample.aidledger"
    shutil.copy(sample_file, target)
    return target


@pytest.fixture
def holder(sample_copy):
    """Another process holding the sample ledger open for writing."""
    import subprocess

    child = Path(__file__).resolve().parent / "crash_child.py"
    proc = subprocess.Popen([sys.executable, str(child), "hold", str(sample_copy)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    proc.stdout.close()


@pytest.fixture
def message_boxes(monkeypatch):
    """A modal box would wait for a click forever offscreen: record each (kind, title, text) and answer No."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def box(kind):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return QMessageBox.StandardButton.No

        return show

    for kind in ("question", "warning", "information", "critical", "about"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))
    return shown


@pytest.fixture
def sample_window(qtbot, sample_copy, message_boxes):
    """The main window on a copy of the sample, its dashboard as of 2024-12-02 (PDA 71's day)."""
    import datetime as dt

    from ui import app as ui_app

    ui_app.make_app()
    w = ui_app.build_window(str(sample_copy))
    qtbot.addWidget(w)
    w.show()
    w.dashboard.set_as_of(dt.date(2024, 12, 2))
    yield w
    w.close()
