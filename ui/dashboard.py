"""Dashboard: the headline figures as cards and, per authority or program, deadline and pace."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ledger.money import format_cents
from ledger.service import Group, Ledger, Summary

from .date_field import DateField
from .execution_panel import ExecutionPanel
from .fmt import Display, date_text, days_text

NO_PARENT = QModelIndex()  # the invisible root: these models are flat tables

# (label, Figures attribute, what it means): the cards in reading order.
CARDS = (
    ("Authorized", "authorized_cents", "Ceilings and appropriations available by this date"),
    ("Committed", "committed_cents", "Announced packages and contracts"),
    ("Disbursed", "disbursed_cents", "Delivered or paid"),
    (
        "Remaining authority",
        "remaining_authority_cents",
        "Authorized + adjustments - committed: what can still be announced",
    ),
    ("Undelivered", "undelivered_cents", "Committed - disbursed: promised, not yet arrived"),
    ("Authorized minus disbursed", "authorized_minus_disbursed_cents", "The headline: authorized - disbursed"),
)

CARD_COLUMNS = 3  # two rows of three read as stages, left to right
TABLE_ROWS_SHOWN = 4  # the least a dashboard table shows before the dashboard scrolls instead

ROLE_SORT = Qt.ItemDataRole.UserRole
ROLE_GROUP = Qt.ItemDataRole.UserRole + 1


class GroupModel(QAbstractTableModel):
    """One row per group of a Summary: what is left, deadline and pace first, then the balances."""

    # (header, value of a Group, how it is shown, header tooltip)
    SPEC = (
        ("Group", lambda g: g.name, "text", None),
        (
            "Remaining",
            lambda g: g.figures.remaining_authority_cents,
            "money",
            "Remaining authority: authorized + adjustments - committed",
        ),
        ("Deadline", lambda g: g.pace.deadline, "date", "The authority's expiry, moved by a preservation"),
        ("Days left", lambda g: g.pace.days_to_deadline, "days", "Days from the as-of date to the deadline"),
        (
            "Pace 30 d",
            lambda g: g.pace.committed_per_day_cents.get(30),
            "pace",
            "Committed per day over the last 30 days",
        ),
        (
            "Pace 90 d",
            lambda g: g.pace.committed_per_day_cents.get(90),
            "pace",
            "Committed per day over the last 90 days",
        ),
        (
            "Needed",
            lambda g: g.pace.needed_commit_per_day_cents,
            "pace",
            "Committed per day needed to use the remaining authority by the deadline",
        ),
        (
            "Zero on",
            lambda g: g.pace.projected_zero_authority,
            "date",
            "The day the remaining authority reaches zero at the 30-day pace",
        ),
        ("Authorized", lambda g: g.figures.authorized_cents, "money", None),
        (
            "Adjustments",
            lambda g: g.figures.adjustments_cents,
            "money",
            "Revaluations restore authority; rescissions and expiries remove it",
        ),
        ("Committed", lambda g: g.figures.committed_cents, "money", None),
        ("Disbursed", lambda g: g.figures.disbursed_cents, "money", None),
        ("Undelivered", lambda g: g.figures.undelivered_cents, "money", "Committed - disbursed"),
    )
    COLUMNS = tuple(c[0] for c in SPEC)

    def __init__(self, display: Display, parent=None):
        super().__init__(parent)
        self.display = display
        self.groups: tuple[Group, ...] = ()

    def set_summary(self, summary: Summary | None) -> None:
        self.beginResetModel()
        self.groups = summary.groups if summary else ()
        self.endResetModel()

    def column(self, header: str) -> int:
        return self.COLUMNS.index(header)

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.SPEC)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            # The group names again as row headers: they stay in view when the table scrolls sideways.
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.groups):
                return self.groups[section].name
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return None
        if not 0 <= section < len(self.SPEC):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.SPEC[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.SPEC[section][3]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.groups)):
            return None
        g = self.groups[index.row()]
        _header, value, how, _tip = self.SPEC[index.column()]
        raw = value(g)
        if role == Qt.ItemDataRole.DisplayRole:
            if how == "money":
                return self.display.money(raw)
            if how == "date":
                return date_text(raw)
            if how == "days":
                return days_text(raw)
            if how == "pace":
                return self.display.per_day(raw)
            return raw
        if role == Qt.ItemDataRole.ToolTipRole:
            if how == "money" and raw is not None and raw < 0 and _header == "Remaining":
                return f"{self.display.full(raw)}: overcommitted (more announced than authorized)"
            if how == "money":
                return self.display.full(raw)
            if how == "days" and raw is not None and raw < 0:
                return f"The deadline passed {-raw:,} days before the as-of date"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and how != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROLE_SORT:
            return raw
        if role == ROLE_GROUP:
            return g
        return None


class Card(QFrame):
    def __init__(self, title: str, tip: str, parent=None):
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches each figure (a screen reader reads it)
        self.setToolTip(tip)
        lay = QVBoxLayout(self)
        self.title = QLabel(title)
        self.value = QLabel("")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        lay.addWidget(self.title)
        lay.addWidget(self.value)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        lay.addWidget(self.detail)
        lay.addStretch(1)  # figures of a row of cards line up, whatever the length of their notes
        self.setAccessibleName(title)

    def set(self, text: str, full: str, detail: str = "", short: str | None = None) -> None:
        """`text` as the user chose to see it, `short` the compact form used when it does not fit."""
        self._texts = (text, short or text)
        self.value.setToolTip(full)
        self.detail.setText(detail)
        self.setAccessibleDescription(f"{full}. {detail}" if detail else full)
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
        # As tall as its note needs at this width: a layout may then squeeze the card no further, so
        # a wrapped note never runs over the figure (the dashboard scrolls instead).
        self.setMinimumHeight(self.layout().totalHeightForWidth(event.size().width()))

    def _fit(self) -> None:
        text, short = getattr(self, "_texts", ("", ""))
        room = self.contentsRect().width() - self.layout().contentsMargins().left() * 2
        fits = self.value.fontMetrics().horizontalAdvance(text) <= room
        self.value.setText(text if fits else short)

    def minimumSizeHint(self):
        # The compact figure is what the card must hold: a long full figure shrinks to it, never clips.
        hint = super().minimumSizeHint()
        short = getattr(self, "_texts", ("", ""))[1]
        need = self.value.fontMetrics().horizontalAdvance(short) + self.layout().contentsMargins().left() * 3
        hint.setWidth(max(need, self.title.minimumSizeHint().width()))
        return hint


def _rows_tall(table: QTableView, rows: int) -> int:
    """The height of `table` showing its header, `rows` rows and a horizontal scroll bar."""
    bar = table.horizontalScrollBar().sizeHint().height()
    return table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize() + bar + 4


def stage_notes(s: Summary, counts: dict[str, int], display: Display) -> dict[str, str]:
    """A word under a card whose figure needs one: why a stage is empty, what a negative figure means.
    `counts` holds how many authorities, packages and disbursements the ledger has."""
    t = s.totals
    # Deliveries against a package, or disbursed against an authority or a program as sources give them.
    deliveries = counts["disbursement"] + counts.get("disbursement_by_authority", 0)
    notes = {"remaining_authority_cents": f"incl. adjustments {display.money(t.adjustments_cents)}"}
    if counts["authority"] == 0:
        notes["authorized_cents"] = "No authorities recorded yet (Records > Authorities, or File > Import)"
    elif t.authorized_cents == 0:
        notes["authorized_cents"] = f"No authority is available yet on {s.as_of}"
    if counts["package"] == 0:
        notes["committed_cents"] = "No packages announced yet (Records > Packages, or File > Import)"
    if t.remaining_authority_cents < 0:
        notes["remaining_authority_cents"] = (
            f"Overcommitted: {display.money(-t.remaining_authority_cents)} more announced than authorized"
        )
    over = [g.name for g in s.groups if g.figures.remaining_authority_cents < 0]
    if over and t.remaining_authority_cents >= 0:
        notes["remaining_authority_cents"] += f"; overcommitted: {', '.join(over)}"
    if deliveries == 0:
        notes["disbursed_cents"] = "No deliveries or payments recorded yet (Records > Disbursements)"
        notes["undelivered_cents"] = "All of the committed value, until deliveries are recorded"
        notes["authorized_minus_disbursed_cents"] = "All of the authorized value, until deliveries are recorded"
    elif t.disbursed_cents == 0:
        notes["disbursed_cents"] = f"Nothing delivered by {s.as_of}"
    return notes


class Dashboard(QWidget):
    as_of_changed = Signal(str)

    def __init__(self, display: Display, parent=None):
        super().__init__(parent)
        self.display = display
        self.ledger: Ledger | None = None
        self.summary: Summary | None = None
        lay = QVBoxLayout(self)
        # Where the keyboard is, visibly: the focused card or table gets the highlight colour's border.
        self.setStyleSheet(
            "QFrame#card:focus { border: 2px solid palette(highlight); }"
            "QTableView:focus { border: 2px solid palette(highlight); }"
        )

        bar = QHBoxLayout()
        self.heading = QLabel("")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.heading.setFont(font)
        bar.addWidget(self.heading, 1)
        bar.addWidget(QLabel("As of:"))
        self.as_of = DateField(QDate.currentDate())
        self.as_of.setToolTip("Figures as they stood on this date: type a date (2024-06-30) or pick one")
        self.as_of.setAccessibleName("As of date")
        self.as_of.dateChanged.connect(self._as_of_edited)
        bar.addWidget(self.as_of)
        today = QPushButton("Today")
        today.setAccessibleName("Set the as-of date to today")
        today.clicked.connect(lambda: self.as_of.setDate(QDate.currentDate()))
        bar.addWidget(today)
        bar.addWidget(QLabel("Per:"))
        self.by = QComboBox()
        self.by.addItem("Authority", "authority")
        self.by.addItem("Program", "program")
        self.by.setAccessibleName("Group figures per")
        self.by.currentIndexChanged.connect(self.refresh)
        bar.addWidget(self.by)
        lay.addLayout(bar)

        # Below the bar, everything scrolls: on a short screen (1024x600) the cards keep the height
        # their notes need and the tables a few rows, rather than being squeezed over each other.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from Per: to the first card (and scrolls to it)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(body)
        lay.addWidget(self.scroll, 1)

        grid = QGridLayout()
        self.cards: dict[str, Card] = {}
        for i, (title, attr, tip) in enumerate(CARDS):
            card = Card(title, tip)
            self.cards[attr] = card
            grid.addWidget(card, i // CARD_COLUMNS, i % CARD_COLUMNS)
        inner.addLayout(grid)

        self.pace = QLabel("")
        self.pace.setWordWrap(True)
        self.pace.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(self.pace)

        self.model = GroupModel(display, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Balances, deadline and pace per group")
        self.table.setAlternatingRowColors(True)
        # Column 0 (Group) lives in the row headers, so the names stay in view when scrolled sideways.
        self.table.setColumnHidden(0, True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)  # a figure on one line; the column is sized to it
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next control, arrows move in the table
        self.table.setMinimumHeight(_rows_tall(self.table, TABLE_ROWS_SHOWN))
        inner.addWidget(self.table, 1)
        self.execution = ExecutionPanel(display)  # reported figures beside the derived ones
        self.execution.table.setMinimumHeight(_rows_tall(self.execution.table, TABLE_ROWS_SHOWN))
        inner.addWidget(self.execution, 1)

    def as_of_text(self) -> str:
        return self.as_of.date().toString("yyyy-MM-dd")

    def set_as_of(self, day: dt.date) -> None:
        self.as_of.setDate(QDate(day.year, day.month, day.day))

    def _as_of_edited(self) -> None:
        self.refresh()
        self.as_of_changed.emit(self.as_of_text())

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self.refresh()

    def refresh(self) -> None:
        if self.ledger is None:
            self.summary = None
            self.model.set_summary(None)
            self.execution.refresh(None, self.as_of_text())
            return
        self.summary = s = self.ledger.summary(self.as_of_text(), self.by.currentData())
        self.display.currency = s.currency
        # A ledger not yet named goes by its file's name (the title bar names the file too): never a blank heading.
        path = self.ledger.path
        name = self.ledger.meta("name") or (path.stem if path else "")
        self.heading.setText(name)
        kinds = ("authority", "package", "disbursement", "disbursement_by_authority")
        counts = {kind: self.ledger.count(kind) for kind in kinds}
        notes = stage_notes(s, counts, self.display)
        for _title, attr, _tip in CARDS:
            cents = getattr(s.totals, attr)
            short = format_cents(cents, s.currency, short=True)
            self.cards[attr].set(self.display.money(cents), self.display.full(cents), notes.get(attr, ""), short)
        p = s.pace
        parts = [
            f"Committed per day: {self.display.per_day(p.committed_per_day_cents.get(30))} (last 30 days), "
            f"{self.display.per_day(p.committed_per_day_cents.get(90))} (last 90 days)."
        ]
        if p.deadline:
            parts.append(f"Deadline {p.deadline} ({days_text(p.days_to_deadline)}).")
            if p.needed_commit_per_day_cents is not None:
                parts.append(
                    f"Needed to commit the rest by then: {self.display.per_day(p.needed_commit_per_day_cents)}."
                )
        else:
            parts.append("No default deadline: set one in Preferences.")
        if p.projected_zero_authority:
            parts.append(f"At the 30-day pace the remaining authority reaches zero on {p.projected_zero_authority}.")
        self.pace.setText(" ".join(parts))
        self.model.set_summary(s)
        self.execution.refresh(self.ledger, self.as_of_text())
