"""`main.py --self-test`: every check passes here, and a broken installation fails with a clear line."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import selftest

ROOT = Path(__file__).resolve().parent.parent
CHECKS = [
    "resources", "components", "Qt platform plugins", "fonts", "sample ledger", "committed totals",
    "groups add up", "workbook export and re-import", "chart", "brief", "offline",
]  # fmt: skip


def run_self_test(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-test"],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )  # fmt: skip


def test_self_test_passes_and_prints_every_check():
    done = run_self_test()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in CHECKS:
        assert any(line.startswith(f"ok    {name}: ") for line in lines), f"no passing line for {name}:\n{done.stdout}"
    assert "PDA USD 34,085 M, USAI USD 33,208 M" in done.stdout
    assert lines[-1] == "Self-test: all checks passed"
    assert "Traceback" not in done.stderr


def test_missing_fonts_fail_with_a_clear_message(tmp_path):
    # A fontconfig set-up that knows no font folder: what a machine without a font package looks like.
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?>\n<fontconfig><dir>{tmp_path}</dir><cachedir>{tmp_path}</cachedir></fontconfig>\n'
    )
    done = run_self_test(FONTCONFIG_FILE=str(conf))
    assert done.returncode == 1
    fonts = [line for line in done.stdout.splitlines() if line.startswith("FAIL  fonts: ")]
    assert fonts and "fonts-dejavu-core" in fonts[0], done.stdout
    assert done.stdout.splitlines()[-1] == "Self-test: 1 check(s) failed"
    assert "Traceback" not in done.stderr


def test_a_missing_platform_plugin_is_named(monkeypatch):
    monkeypatch.setattr(selftest, "platform_plugin_files", lambda: {"xcb": "libqxcb-not-there.so"})
    with pytest.raises(selftest.CheckFailed, match=r"platform plugin 'xcb' is missing: no .*libqxcb-not-there\.so"):
        selftest.check_platform_plugins()


def test_a_plugin_that_cannot_load_says_why(monkeypatch, tmp_path):
    bogus = tmp_path / "platforms" / "libqbogus.so"
    bogus.parent.mkdir()
    bogus.write_bytes(b"not a shared library")
    monkeypatch.setattr(selftest, "platform_plugin_files", lambda: {"bogus": bogus.name})
    from PySide6.QtCore import QLibraryInfo

    monkeypatch.setattr(QLibraryInfo, "path", lambda _which: str(tmp_path))
    with pytest.raises(selftest.CheckFailed, match="platform plugin 'bogus' cannot be loaded: .+"):
        selftest.check_platform_plugins()


def test_a_check_that_raises_prints_one_fail_line():
    out = io.StringIO()
    test = selftest.SelfTest(out)

    def broken():
        raise ImportError("Importing failed.\n\nAdvice over\nseveral lines\nOriginal error was: libx.so: bad ELF")

    assert test.check("broken", broken) is False
    assert test.check("fine", lambda: "all good") is True
    assert out.getvalue().splitlines() == [
        "FAIL  broken: unexpected ImportError: Original error was: libx.so: bad ELF",
        "ok    fine: all good",
    ]
    assert test.failures == 1


def test_network_attempts_fail_the_offline_check():
    test = selftest.SelfTest(io.StringIO())
    test.audit("open", ("/tmp/x", "r", 0))
    assert selftest.check_offline(test) == "no network access attempted"
    test.audit("socket.connect", (None, ("192.0.2.1", 443)))
    with pytest.raises(selftest.CheckFailed, match="tried to reach the network: socket.connect"):
        selftest.check_offline(test)


def test_qt_that_cannot_load_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "PySide6.QtCore", None)  # importing it now fails, as without libglib
    with pytest.raises(selftest.CheckFailed, match=r"Qt cannot load: .*install the system libraries"):
        selftest.check_platform_plugins()
