"""The app's preferences, in one typed wrapper over QSettings.

Every read names its type (`QSettings.value(key, default, type=...)`), so a stored "false" never
becomes True. Settings hold window state and display preferences, never ledger data.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from ledger.paths import data_dir

MAX_RECENT = 8
DATE_ORDERS = ("ask", "day_first", "month_first")
# The date-order choices as both Preferences and the import wizard word them: (text, setting, day_first).
DATE_ORDER_CHOICES = (
    ("Refuse to guess (1/2/2024 is rejected, 2024-01-02 is read)", "ask", None),
    ("Day first (31/12/2024)", "day_first", True),
    ("Month first (12/31/2024)", "month_first", False),
)
CURRENCY_DISPLAYS = ("short", "full")


class Settings:
    def __init__(self, path: str | None = None):
        path = path or str(data_dir() / "app-settings.ini")
        self.q = QSettings(path, QSettings.Format.IniFormat)

    def _str(self, key: str, default: str = "") -> str:
        return str(self.q.value(key, default, type=str))

    def sync(self) -> None:
        self.q.sync()

    # Ledgers -------------------------------------------------------------------------------------

    @property
    def last_ledger(self) -> str:
        return self._str("ledger/last")

    @last_ledger.setter
    def last_ledger(self, path: str) -> None:
        self.q.setValue("ledger/last", path)

    @property
    def recent(self) -> list[str]:
        value = self.q.value("ledger/recent", [], type=list)
        return [str(v) for v in value if v][:MAX_RECENT]

    def add_recent(self, path: str) -> None:
        paths = [path, *(p for p in self.recent if p != path)][:MAX_RECENT]
        self.q.setValue("ledger/recent", paths)
        self.last_ledger = path

    def remove_recent(self, path: str) -> None:
        self.q.setValue("ledger/recent", [p for p in self.recent if p != path])

    # Display preferences --------------------------------------------------------------------------

    @property
    def date_order(self) -> str:
        value = self._str("display/date_order", "ask")
        return value if value in DATE_ORDERS else "ask"

    @date_order.setter
    def date_order(self, value: str) -> None:
        if value not in DATE_ORDERS:
            raise ValueError(value)
        self.q.setValue("display/date_order", value)

    @property
    def day_first(self) -> bool | None:
        """How to read 1/2/2024 typed in a cell: None means refuse to guess."""
        return {"ask": None, "day_first": True, "month_first": False}[self.date_order]

    @property
    def currency_display(self) -> str:
        value = self._str("display/currency", "short")
        return value if value in CURRENCY_DISPLAYS else "short"

    @currency_display.setter
    def currency_display(self, value: str) -> None:
        if value not in CURRENCY_DISPLAYS:
            raise ValueError(value)
        self.q.setValue("display/currency", value)

    # Window state ---------------------------------------------------------------------------------

    def bytes(self, key: str) -> QByteArray | None:
        value = self.q.value(f"window/{key}", QByteArray(), type=QByteArray)
        return value if value and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self.q.setValue(f"window/{key}", value)

    def column_widths(self, kind: str) -> list[int]:
        value = self.q.value(f"columns/{kind}", [], type=list)
        out = []
        for v in value:
            try:
                out.append(int(v))
            except (TypeError, ValueError):
                return []
        return out

    def set_column_widths(self, kind: str, widths: list[int]) -> None:
        self.q.setValue(f"columns/{kind}", [str(w) for w in widths])

    # The import wizard: the last file and the column choices made for it ---------------------------

    @property
    def last_import(self) -> dict:
        """{"path", "kind", "mapping", "values"} of the wizard when it was last closed ({} if none)."""
        import json

        try:
            value = json.loads(self._str("import/last", "{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @last_import.setter
    def last_import(self, value: dict) -> None:
        import json

        self.q.setValue("import/last", json.dumps(value, ensure_ascii=False))
