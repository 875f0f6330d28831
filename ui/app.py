"""Start the desktop app."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def run_app(args) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from ledger import APP_NAME, __version__
    from ledger.paths import default_ledger

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    path = args.ledger or str(default_ledger())
    window.setWindowTitle(f"{path} - {APP_NAME}")
    window.setCentralWidget(QLabel(f"{APP_NAME} {__version__}: the desktop window is being built."))
    window.resize(900, 600)
    window.show()
    return app.exec()
