"""`--self-test`: check that this installation works, offscreen, on a temporary ledger.

Each check prints one line, `ok` or `FAIL`, with what it found; the exit code is 0 when every check
passed and 1 otherwise. A frozen bundle copies system libraries from the build machine and leaves
others (fonts, GL, xcb) to the target, so the checks load what a real start loads: the Qt platform
plugins, a font, the sample data, the workbook round-trip and the chart, in a throwaway folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# Millions of USD committed by program in the bundled reference data (README, "The sample ledger").
EXPECTED_COMMITTED_M = {"PDA": 34_085, "USAI": 33_208}
PLOT_RGB = (214, 39, 40)  # a colour nothing else in the chart uses, to find the curve in the image
NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request")


class CheckFailed(Exception):
    """A check found something wrong; the message says what and how to fix it."""


class SelfTest:
    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.failures = 0
        self.network: list[str] = []
        self.qt_messages: list[str] = []

    def check(self, name: str, fn: Callable[[], str]) -> bool:
        try:
            detail = fn()
        except CheckFailed as exc:
            return self._fail(name, str(exc))
        except Exception as exc:  # an unexpected error is a failed check, never a traceback
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            # Long messages (numpy's import advice) end with the cause: keep that one line.
            return self._fail(name, f"unexpected {type(exc).__name__}: {lines[-1] if lines else ''}")
        print(f"ok    {name}: {detail}", file=self.out, flush=True)
        return True

    def _fail(self, name: str, why: str) -> bool:
        self.failures += 1
        print(f"FAIL  {name}: {why}", file=self.out, flush=True)
        return False

    def skip(self, name: str, why: str) -> None:
        print(f"skip  {name}: {why}", file=self.out, flush=True)

    def audit(self, event: str, args) -> None:
        if event in NETWORK_EVENTS:
            self.network.append(f"{event}{args!r}"[:200])


def run_self_test(out=None) -> int:
    try:
        return _run(out)
    except BrokenPipeError:  # output piped into `head` and cut off
        return 1


def _run(out) -> int:
    from ledger import __version__

    test = SelfTest(out)
    sys.addaudithook(test.audit)  # records any attempt to reach the network, from any module
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    print(
        f"Aid Ledger {__version__} self-test ({frozen}, {sys.platform}, Python {sys.version.split()[0]})", file=test.out
    )

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    with tempfile.TemporaryDirectory(prefix="aid-ledger-selftest-") as tmp:
        os.environ["AID_LEDGER_HOME"] = tmp  # never touch the user's own ledger
        run_checks(test, Path(tmp))
    test.check("offline", lambda: check_offline(test))
    verdict = "all checks passed" if test.failures == 0 else f"{test.failures} check(s) failed"
    print(f"Self-test: {verdict}", file=test.out, flush=True)
    return 0 if test.failures == 0 else 1


def run_checks(test: SelfTest, tmp: Path) -> None:
    test.check("resources", check_resources)
    test.check("components", check_components)
    if not test.check("Qt platform plugins", check_platform_plugins):
        return  # without the offscreen plugin Qt would abort the process: stop here, cleanly
    app = make_app(test)
    test.check("fonts", check_fonts)
    opened: dict = {}
    test.check("sample ledger", lambda: load_sample(tmp, opened))
    ledger = opened.get("ledger")
    if ledger is None:
        return
    try:
        test.check("committed totals", lambda: check_totals(ledger))
        test.check("groups add up", lambda: check_groups_add_up(ledger))
        if workbook_support():
            test.check("workbook export and re-import", lambda: check_workbook(ledger, tmp))
        else:
            test.skip("workbook export and re-import", "this build has no workbook export yet")
        test.check("chart", lambda: check_chart(app, ledger, tmp))
    finally:
        ledger.close()


def check_resources() -> str:
    from ledger.paths import resources_dir

    root = resources_dir()
    needed = ["reference/pda_tranches.csv", "reference/usai_packages.csv", "system_types.csv"]
    missing = [n for n in needed if not (root / n).is_file()]
    if missing:
        raise CheckFailed(f"{root} lacks {', '.join(missing)}: the installation is incomplete, reinstall it")
    return str(root)


def check_components() -> str:
    """Versions from package metadata: a bundle built without it cannot say what it holds."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for dist in ("pyside6-essentials", "pyqtgraph", "numpy", "sqlite-utils"):
        try:
            found.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            raise CheckFailed(f"no package metadata for {dist}: the bundle was built without it") from None
    return ", ".join(found)


def platform_plugin_files() -> dict[str, str]:
    """The platform plugins a start needs here: offscreen (this test) and the windowing system's."""
    if sys.platform == "win32":
        return {"offscreen": "qoffscreen.dll", "windows": "qwindows.dll"}
    if sys.platform == "darwin":
        return {"offscreen": "libqoffscreen.dylib", "cocoa": "libqcocoa.dylib"}
    return {"offscreen": "libqoffscreen.so", "xcb": "libqxcb.so"}


def check_platform_plugins() -> str:
    """Load each platform plugin the way Qt would, so a missing library is named instead of Qt aborting."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = []
    for name, filename in platform_plugin_files().items():
        path = plugins / filename
        if not path.is_file():
            raise CheckFailed(f"the Qt platform plugin {name!r} is missing: no {path}")
        loader = QPluginLoader(str(path))
        if not loader.load():
            hint = " (install the packages the .deb depends on, e.g. libxcb-cursor0)" if name == "xcb" else ""
            raise CheckFailed(f"the Qt platform plugin {name!r} cannot be loaded: {loader.errorString()}{hint}")
        found.append(name)
    return f"{', '.join(found)} load from {plugins}"


def make_app(test: SelfTest):
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(lambda _mode, _ctx, msg: test.qt_messages.append(msg))
    return QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])


def check_fonts() -> str:
    from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics, QGuiApplication

    families = QFontDatabase.families()
    if not families:
        raise CheckFailed(
            "no font found: text would show as boxes; install fontconfig and a font (libfontconfig1, fonts-dejavu-core)"
        )
    font = QGuiApplication.font()
    metrics = QFontMetrics(font)
    missing = [c for c in "0123456789$.,-ABCMUSDabc" if not metrics.inFontUcs4(ord(c))]
    if missing:
        family = QFontInfo(font).family() or "(none)"
        raise CheckFailed(
            f"no usable font: {family!r} lacks the glyphs {''.join(missing)!r}; install libfontconfig1 and fonts-dejavu-core"
        )
    return f"{len(families)} families; the app's font is {QFontInfo(font).family()!r}"


def load_sample(tmp: Path, out: dict) -> str:
    from ledger.sample import write_sample

    ledger, warnings = write_sample(tmp / "selftest.aidledger")
    out["ledger"] = ledger
    n = ledger.count("package")
    if n != 97:
        raise CheckFailed(f"the sample holds {n} packages, expected 97 (74 PDA + 23 USAI)")
    return f"{n} packages, {ledger.count('line')} lines, {len(warnings)} accepted warnings"


def check_totals(ledger) -> str:
    from ledger.money import format_cents

    groups = {g.name: g.figures for g in ledger.summary(by="program").groups}
    found = []
    for program, millions in EXPECTED_COMMITTED_M.items():
        got = groups.get(program)
        want = millions * 1_000_000 * 100
        if got is None or got.committed_cents != want:
            have = "nothing" if got is None else format_cents(got.committed_cents)
            raise CheckFailed(f"{program} committed is {have}, expected {format_cents(want)}")
        found.append(f"{program} USD {millions:,} M")
    return "committed " + ", ".join(found)


def check_groups_add_up(ledger) -> str:
    from ledger.balances import total

    for by in ("authority", "program", "system_type"):
        s = ledger.summary(by=by)
        summed = total({g.name: g.figures for g in s.groups})
        if summed != s.totals:
            raise CheckFailed(f"by {by}, the groups add up to {summed}, the totals are {s.totals}")
    return "by authority, program and system type"


def workbook_support() -> bool:
    import importlib.util

    return importlib.util.find_spec("ledger.excel") is not None


def check_workbook(ledger, tmp: Path) -> str:
    raise CheckFailed("workbook round-trip check not written yet")


def check_chart(app, ledger, tmp: Path) -> str:
    import pyqtgraph as pg
    from PySide6.QtGui import QColor

    series = ledger.series("program")
    if not series:
        raise CheckFailed("the sample gives no series to chart")
    plot = pg.PlotWidget(background="w")
    plot.resize(800, 500)
    for _group, points in series.items():
        xs = list(range(len(points)))
        ys = [fig.remaining_authority_cents / 1e11 for _day, fig in points]
        plot.plot(xs, ys, pen=pg.mkPen(QColor(*PLOT_RGB), width=1))
    plot.show()
    app.processEvents()
    image = plot.grab().toImage()
    plot.close()
    path = tmp / "chart.png"
    if image.isNull() or not image.save(str(path)):
        raise CheckFailed("the chart could not be rendered to an image")
    curve = _count_colour(image, PLOT_RGB)
    if curve < 100:
        raise CheckFailed(f"the chart image holds {curve} pixels of the curve: nothing was drawn")
    return f"{image.width()}x{image.height()} image, {curve} curve pixels, {len(series)} series"


def _count_colour(image, rgb: tuple[int, int, int]) -> int:
    import numpy as np
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    pixels = rows[:, : img.width() * 3].reshape(img.height(), img.width(), 3)
    return int(np.all(pixels == np.array(rgb, np.uint8), axis=2).sum())


def check_offline(test: SelfTest) -> str:
    if test.network:
        raise CheckFailed(f"the program tried to reach the network: {test.network[0]}")
    return "no network access attempted"
