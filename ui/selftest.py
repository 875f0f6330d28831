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
    fonts = test.check("fonts", check_fonts)
    opened: dict = {}
    test.check("sample ledger", lambda: load_sample(tmp, opened))
    ledger = opened.get("ledger")
    if ledger is None:
        return
    try:
        test.check("committed totals", lambda: check_totals(ledger))
        test.check("groups add up", lambda: check_groups_add_up(ledger))
        test.check("workbook export and re-import", lambda: check_workbook(ledger, tmp))
        test.check("chart", lambda: check_chart(app, ledger, tmp))
        if fonts:
            test.check("brief", lambda: check_brief(ledger))
        else:
            test.skip("brief", "a PDF brief embeds the fonts: see the fonts check")
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
    for dist in ("pyside6-essentials", "pyqtgraph", "numpy", "openpyxl", "python-calamine"):
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
    try:
        from PySide6.QtCore import QLibraryInfo, QPluginLoader
    except ImportError as exc:  # a system library Qt links against is missing (a tarball on a bare system)
        raise CheckFailed(
            f"Qt cannot load: {exc}; install the system libraries it needs (the .deb's Depends, docs/packaging.md)"
        ) from None

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
    from ledger.desktop import write_sample

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


def check_workbook(ledger, tmp: Path) -> str:
    """Export the sample, import the workbook into an empty ledger: every record and balance must match."""
    from ledger import desktop
    from ledger.model import KINDS
    from ledger.service import Ledger

    path = tmp / "sample.xlsx"
    exported = desktop.export_workbook(ledger, path)
    if not path.is_file() or path.stat().st_size == 0:
        raise CheckFailed(f"the export wrote no workbook at {path}")
    with Ledger.open(tmp / "reimported.aidledger") as copy:
        plan = desktop.read_import(path)
        if plan.rejected:
            raise CheckFailed(f"re-import rejected {len(plan.rejected)} rows, e.g. {plan.rejected[0]}")
        desktop.apply_import(copy, desktop.preview_import(copy, plan), accept_warnings=True)
        for kind in KINDS:
            before, after = ledger.records(kind), copy.records(kind)
            if before != after:
                diff = next(
                    (f"{a} became {b}" for a, b in zip(before, after) if a != b), f"{len(before)} -> {len(after)}"
                )
                raise CheckFailed(f"{kind} records differ after the round-trip: {diff}"[:300])
        for by in ("authority", "system_type"):
            if ledger.summary(by=by) != copy.summary(by=by):
                raise CheckFailed(f"balances by {by} differ after the round-trip")
    return f"{exported.total} rows written, read back into a new ledger: every record and balance equal"


def check_chart(app, ledger, tmp: Path) -> str:
    """The app's own chart: its curves come from the ledger, and its PNG export holds them."""
    from PySide6.QtGui import QColor, QImage

    from ui.chart import COLOURS, TOTAL, ChartView
    from ui.fmt import Display

    chart = ChartView(Display(ledger.currency))
    chart.resize(1000, 600)
    chart.set_ledger(ledger)
    chart.show()
    app.processEvents()
    try:
        if TOTAL not in chart.data or len(chart.data) < 2:
            raise CheckFailed(f"the chart drew {sorted(chart.data)}: expected the groups and a total")
        days, cents = chart.data[TOTAL]
        want = ledger.summary(as_of=days[-1], by=chart.by_key).totals.remaining_authority_cents
        if cents[-1] != want:
            raise CheckFailed(f"the chart's last total is {cents[-1]} cents, the summary says {want}")
        path = tmp / "chart.png"
        chart.export(str(path))
    finally:
        chart.close()
    image = QImage(str(path))
    if image.isNull():
        raise CheckFailed(f"the chart export {path.name} is not a readable image")
    groups = len(chart.data) - 1
    drawn = sum(_count_colour(image, QColor(c).getRgb()[:3]) for c in COLOURS[: min(groups, len(COLOURS))])
    if drawn < 500:
        raise CheckFailed(f"the chart image holds {drawn} pixels in the groups' colours: the curves were not drawn")
    return f"{groups} groups and the total; PNG {image.width()}x{image.height()}, {drawn} pixels of group curves"


def check_brief(ledger) -> str:
    """The PDF brief through Qt's PDF writer and SVG renderer: pages, embedded fonts, the chart as paths."""
    import re

    from ledger import briefing
    from ui.briefing_pdf import chart_rect, layout, pdf_bytes

    brief = briefing.build(ledger, "2024-12-02")
    pdf = pdf_bytes(brief)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    if not pdf.startswith(b"%PDF") or pages < 2:
        raise CheckFailed(f"the brief is not a PDF of several pages ({len(pdf)} bytes, {pages} pages)")
    if b"/FontFile2" not in pdf:
        raise CheckFailed("the brief's PDF embeds no font: its text would not show on another machine")
    from PySide6.QtGui import QPdfWriter

    if chart_rect(layout(brief, QPdfWriter(os.devnull))[0]) is None:  # laid out, never written
        raise CheckFailed("the brief's layout has no place for the chart")
    return f"{pages} pages, {len(pdf):,} bytes, fonts embedded"


def _count_colour(image, rgb: tuple[int, int, int], tolerance: int = 24) -> int:
    """Pixels within `tolerance` of a colour per channel (the export is antialiased)."""
    import numpy as np
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    pixels = rows[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(np.int16)
    return int((np.abs(pixels - np.array(rgb, np.int16)) <= tolerance).all(axis=2).sum())


def check_offline(test: SelfTest) -> str:
    if test.network:
        raise CheckFailed(f"the program tried to reach the network: {test.network[0]}")
    return "no network access attempted"
