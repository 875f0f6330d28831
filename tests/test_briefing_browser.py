"""The HTML brief in a real browser: headless Chromium (Debian's `chromium`) opens it offline and a
screenshot shows the page with its chart drawn."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ledger import briefing
from ledger.service import Ledger

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium (Debian package chromium) is not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def colour_pixels(png, rgb, tol=40) -> int:
    import numpy as np
    from PySide6.QtGui import QImage

    img = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    assert not img.isNull()
    rows = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    pixels = rows[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) < tol).sum())


def test_chromium_shows_the_html_brief_with_its_chart(sample_file, tmp_path):
    with Ledger.open(sample_file, readonly=True) as led:
        page = tmp_path / "brief.html"
        page.write_text(briefing.to_html(briefing.build(led, "2024-12-02")), encoding="utf-8")
    shot = tmp_path / "brief.png"
    r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=900,1000",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=90)
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    assert colour_pixels(shot, (0xD5, 0x5E, 0x00)) > 100  # the reported balances' diamonds in the inline SVG
    assert colour_pixels(shot, (0xE6, 0x9F, 0x00)) > 100  # the PDA FY2022 line
    assert colour_pixels(shot, (0xE8, 0xE8, 0xE8), tol=6) > 500  # table headers: the tables were laid out
