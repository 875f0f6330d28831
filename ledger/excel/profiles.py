"""Named column mappings for foreign sheets, kept in the user's data folder for the next file of that shape.

A profile holds the kind of records, header -> field (a field of "" ignores the column), the day/month
order, and the headers it was made from (its shape), so a file with the same headers finds it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..paths import data_dir
from .errors import ExcelError

FILE_NAME = "import_profiles.json"


def _path() -> Path:
    return data_dir() / FILE_NAME


def _load_all() -> dict[str, dict[str, Any]]:
    path = _path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExcelError(f"{path} cannot be read ({exc}): remove or repair it") from None
    return data if isinstance(data, dict) else {}


def _save_all(data: dict[str, dict[str, Any]]) -> None:
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ExcelError(f"cannot save import profiles to {path}: {exc.strerror or exc}") from None


def list_profiles() -> list[str]:
    return sorted(_load_all())


def load_profile(name: str) -> dict[str, Any]:
    data = _load_all()
    if name not in data:
        known = ", ".join(sorted(data)) or "none saved yet"
        raise ExcelError(f"no import profile named {name!r} (profiles: {known})")
    return data[name]


def save_profile(name: str, kind: str, mapping: dict[str, str], shape: list[str], day_first: bool | None = None) -> None:
    if not name.strip():
        raise ExcelError("a profile needs a name")
    data = _load_all()
    data[name.strip()] = {"kind": kind, "mapping": mapping, "shape": shape, "day_first": day_first}
    _save_all(data)


def delete_profile(name: str) -> None:
    data = _load_all()
    if data.pop(name, None) is not None:
        _save_all(data)


def profile_for_shape(shape: list[str]) -> str | None:
    """The name of a saved profile made from a sheet with exactly these headers."""
    key = [s.strip().casefold() for s in shape if s.strip()]
    for name, p in sorted(_load_all().items()):
        if [s.strip().casefold() for s in p.get("shape", []) if s.strip()] == key:
            return name
    return None
