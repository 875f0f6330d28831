"""Where ledgers live by default: the user's data folder, per platform."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "aid-ledger"


def data_dir() -> Path:
    """$AID_LEDGER_HOME, else the platform's per-user data folder."""
    if env := os.environ.get("AID_LEDGER_HOME"):
        return Path(env)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "Aid Ledger"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Aid Ledger"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_DIR


def default_ledger() -> Path:
    return data_dir() / "ledger.aidledger"


def resources_dir() -> Path:
    """The bundled resources: beside the code, also inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "resources" if bundle else Path(__file__).resolve().parent.parent / "resources"
