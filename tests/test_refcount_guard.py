"""ui/refcount_guard.py stays only while PySide drops references to None: a loop of QPainter calls that
aborts an unguarded Python 3.11 finishes with the guard. When a PySide release fixes the bug, the first
test fails: drop the guard then (Python 3.12+ makes None immortal, and the guard does nothing there)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

ROOT = Path(__file__).resolve().parent.parent
CALLS = 20_000  # each call drops one reference to None; a fresh interpreter holds about 5,000

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, {root!r})
if {guard}:
    from ui import refcount_guard
    refcount_guard.apply()
from PySide6.QtGui import QGuiApplication, QImage, QPainter
app = QGuiApplication([])
image = QImage(8, 8, QImage.Format.Format_ARGB32)
painter = QPainter(image)
for _ in range({calls}):
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
painter.end()
print("survived", flush=True)
"""

needs_guard = pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")


def _run(guard: bool) -> subprocess.CompletedProcess:
    code = SCRIPT.format(root=str(ROOT), guard=guard, calls=CALLS)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@needs_guard
def test_this_pyside_still_drops_references_to_none():
    run = _run(guard=False)
    assert run.returncode != 0 and "survived" not in run.stdout
    assert "none_dealloc" in run.stderr or "bool_dealloc" in run.stderr


@needs_guard
def test_with_the_guard_the_same_calls_finish():
    run = _run(guard=True)
    assert run.returncode == 0 and "survived" in run.stdout, run.stderr[-2000:]
