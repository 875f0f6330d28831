"""Unexpected errors become a readable dialog with details to copy, and a line in the log file."""

from __future__ import annotations

import faulthandler
import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ledger.errors import LedgerError
from ledger.paths import data_dir

log = logging.getLogger("aid_ledger.ui")


def log_path() -> Path:
    return data_dir() / "aid-ledger.log"


def crash_log_path() -> Path:
    return data_dir() / "aid-ledger-crash.log"


_crash_file = None  # kept open: a crash inside Qt's C++ writes the Python stacks into it as the process dies


def record_crashes() -> Path | None:
    """A crash that takes the process down (a fault in Qt or another compiled library) leaves every
    thread's Python stack in the crash log, where a quiet exit would leave nothing to report."""
    global _crash_file
    path = crash_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open for the process's life)
    except OSError:
        return None
    faulthandler.enable(file=fh, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = fh
    return path


def setup_logging() -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("aid_ledger")
    for old in [h for h in root.handlers if getattr(h, "aid_ledger_log", False)]:
        root.removeHandler(old)  # another data folder (AID_LEDGER_HOME changed): log where it now points
        old.close()
    handler.aid_ledger_log = True
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def show_problem(parent: QWidget | None, title: str, message: str) -> None:
    """A problem the user can act on (a LedgerError): its one-line message, no details."""
    QMessageBox.warning(parent, title, message)


def show_unexpected(parent: QWidget | None, exc: BaseException, details: str | None = None) -> None:
    details = details or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error: %s\n%s", exc, details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    box.setText(f"Something went wrong: {exc}")
    box.setInformativeText(
        "The ledger was not left half-changed: a change is written completely or not at all.\n"
        f"The details are logged in {log_path()}."
    )
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.disconnect()  # keep the box open after copying
    copy.clicked.connect(lambda: QApplication.clipboard().setText(f"{exc}\n\n{details}"))
    box.exec()


def install_excepthook() -> None:
    """Route exceptions escaping Qt slots to the dialog instead of stderr (or an abort)."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        parent = QApplication.activeWindow()
        if isinstance(exc, LedgerError):
            show_problem(parent, "Aid Ledger", str(exc))
        else:
            show_unexpected(parent, exc, "".join(traceback.format_exception(exc_type, exc, tb)))

    sys.excepthook = hook
