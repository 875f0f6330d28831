"""A crash that takes the app's process down (a fault in Qt's C++, say) leaves its Python stacks in the
crash log, named in Help > About, where a quiet exit would leave nothing to report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX signal stands in for the fault")
def test_a_fault_in_the_running_app_leaves_its_stacks_in_the_crash_log(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "AID_LEDGER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--ledger", str(tmp_path / "l.aidledger")],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        log = home / "aid-ledger.log"
        deadline = time.monotonic() + 60
        while not (log.exists() and (tmp_path / "l.aidledger").exists()) and time.monotonic() < deadline:
            assert app.poll() is None, app.stderr.read().decode()
            time.sleep(0.2)
        time.sleep(1.0)  # the window up and its event loop running
        app.send_signal(signal.SIGSEGV)  # what a fault in compiled code raises
        app.wait(30)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode != 0
    crash = (home / "aid-ledger-crash.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in crash
    assert "run_app" in crash  # the main thread's stack, down to the event loop
