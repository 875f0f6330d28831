"""Start the desktop app: `python main.py [--ledger PATH]`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def make_app():
    """The QApplication, styled to follow the system's light or dark palette."""
    from PySide6.QtWidgets import QApplication

    from ledger import APP_NAME, __version__

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")  # Fusion follows the system colour scheme (light or dark) in Qt 6
    return app


def initial_ledger(arg: str | None, settings) -> str | None:
    """--ledger PATH, else the last ledger used, else the default ledger if it exists (else: welcome)."""
    from ledger.paths import default_ledger

    if arg:
        return arg
    last = settings.last_ledger
    if last and Path(last).exists():
        return last
    if default_ledger().exists():
        return str(default_ledger())
    return None


def build_window(ledger_arg: str | None = None, settings=None):
    from .errors import install_excepthook, setup_logging
    from .mainwindow import MainWindow
    from .settings import Settings

    setup_logging()
    install_excepthook()
    settings = settings or Settings()
    window = MainWindow(settings)
    path = initial_ledger(ledger_arg, settings)
    if path:
        window.open_ledger(path, create=True)
    return window


def run_app(args) -> int:
    from .errors import record_crashes

    record_crashes()  # the app's own process only: under a test runner its faults stay on the runner's stderr
    app = make_app()
    window = build_window(getattr(args, "ledger", None))
    window.show()
    code = app.exec()
    # Tear the widgets down while Python is still whole: PySide objects collected during interpreter
    # shutdown can crash it.
    del window
    import gc

    gc.collect()
    return code
