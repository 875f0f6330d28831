"""Tables of ledger records: a lazily fetching model, search and sort done by the service, inline
editing with validation messages, add/delete, and a detail pane with the record's source and history."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ledger.errors import LedgerError, ValidationError, WarningsNotAccepted
from ledger.model import KINDS, Field, Kind
from ledger.service import Ledger
from ledger.words import article

from .confirm import Confirm, ask_accept_warnings
from .convert import InputProblem, to_text, to_value
from .fmt import Display
from .record_detail import DETAILS_LINK, detail_html
from .record_dialog import RecordDialog

NO_PARENT = QModelIndex()  # the invisible root: these models are flat tables

PAGE = 200
ROLE_RECORD = Qt.ItemDataRole.UserRole
ROLE_SORT = Qt.ItemDataRole.UserRole + 1
ERROR_BRUSH = QColor(220, 80, 80, 90)
FIRST_TIP = "The first rows in this order (Ctrl+Home)"
LAST_TIP = "The last rows in this order (Ctrl+End); scroll up for the ones before"

class RecordModel(QAbstractTableModel):
    """Records of one kind, fetched a page at a time as the view scrolls (never all at once)."""

    problem = Signal(str)  # a validation message to show beside the table ("" clears it)

    def __init__(
        self,
        ledger: Ledger,
        kind: str,
        display: Display,
        day_first: Callable[[], bool | None] = lambda: None,
        confirm: Confirm = ask_accept_warnings,
        parent=None,
    ):
        super().__init__(parent)
        self.ledger = ledger
        self.kind: Kind = KINDS[kind]
        self.display = display
        self.day_first = day_first
        self.confirm = confirm
        self.fields: tuple[Field, ...] = self.kind.fields
        self.search_text = ""
        self.sort_field = "id"
        self.descending = False
        self.rows: list[Any] = []
        self.total = 0
        self.offset = 0  # where rows[0] stands in the whole order: above 0 once the last page was asked for
        self.labels: dict[str, dict[int, str]] = {}
        self.cell_problems: dict[tuple[int, str], str] = {}
        self.reload()

    # -- fetching ---------------------------------------------------------------------------------

    def reload(self, keep: int = 0) -> None:
        """Query again from the top, keeping at least `keep` rows loaded (the view's scroll depth)."""
        self._reset(keep, at_end=False)

    def last_page(self, keep: int = 0) -> None:
        """The last rows of the order (at least a page, or `keep`); scrolling up brings the ones before."""
        self._reset(keep, at_end=True)

    def _reset(self, keep: int, at_end: bool) -> None:
        self.beginResetModel()
        self.total = self.ledger.search_count(self.kind.name, self.search_text)
        want = min(max(keep, PAGE), self.total)
        if not want:
            self.rows = []
        elif at_end:
            self.rows = self.ledger.page(self.kind.name, self.search_text, self.sort_field, self.descending,
                                         limit=want, from_end=True)
        else:
            self.rows = self._page(0, want)
        self.offset = self.total - len(self.rows) if at_end else 0
        self.labels = {}
        self._load_labels(self.rows)
        self.endResetModel()

    def refresh(self) -> None:
        """After a change: the same stretch again, from the top or from the end as it was."""
        self._reset(len(self.rows), at_end=self.offset > 0)

    def _page(self, offset: int, limit: int) -> list[Any]:
        # Keyset paging: the next page starts after the last row loaded (no OFFSET to read through).
        after = self.rows[offset - 1] if offset else None
        return self.ledger.page(self.kind.name, self.search_text, self.sort_field, self.descending, after, limit)

    def _load_labels(self, rows: list[Any]) -> None:
        for f in self.fields:
            if f.type == "ref":
                ids = {getattr(r, f.name) for r in rows} - set(self.labels.get(f.ref, {}))
                if ids - {None}:
                    self.labels.setdefault(f.ref, {}).update(self.ledger.labels(f.ref, ids))

    def canFetchMore(self, parent=NO_PARENT) -> bool:
        return not parent.isValid() and self.offset + len(self.rows) < self.total

    def fetchMore(self, parent=NO_PARENT) -> None:
        if parent.isValid():
            return
        more = self._page(len(self.rows), PAGE)
        if not more:
            self.total = self.offset + len(self.rows)
            return
        self._load_labels(more)
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def fetch_earlier(self) -> int:
        """After the last page: the page before the first row loaded, put above it. Returns how many came."""
        if self.offset <= 0 or not self.rows:
            return 0
        more = self.ledger.page(self.kind.name, self.search_text, self.sort_field, self.descending,
                                limit=PAGE, before=self.rows[0])
        if not more:
            self.offset = 0
            return 0
        self._load_labels(more)
        self.beginInsertRows(QModelIndex(), 0, len(more) - 1)
        self.rows[:0] = more
        self.offset = 0 if len(more) < PAGE else max(0, self.offset - len(more))
        self.endInsertRows()
        return len(more)

    def set_search(self, text: str) -> None:
        self.search_text = text
        self.reload()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_field = "id" if column <= 0 else self.fields[column - 1].name
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- reading ---------------------------------------------------------------------------------

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.fields) + 1

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if section == 0:
                return "Id"
            if 0 < section <= len(self.fields):
                f = self.fields[section - 1]
                return f.label + (" *" if f.required else "")
            return None
        return None

    def record(self, row: int) -> Any:
        return self.rows[row]

    def row_of(self, record_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r.id == record_id:
                return i
        return None

    def label(self, f: Field, value: Any) -> str | None:
        if value is None:
            return None
        return self.labels.get(f.ref, {}).get(value)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        rec = self.rows[index.row()]
        col = index.column()
        if col == 0:
            if role in (Qt.ItemDataRole.DisplayRole, ROLE_SORT):
                return rec.id
            if role == ROLE_RECORD:
                return rec
            return None
        f = self.fields[col - 1]
        value = getattr(rec, f.name)
        problem = self.cell_problems.get((rec.id, f.name))
        if role == Qt.ItemDataRole.DisplayRole:
            if f.type in ("cents", "signed_cents"):
                return self.display.money(value)
            if f.type == "ref":
                return self.label(f, value) or ("" if value is None else f"#{value}")
            if f.type == "text" and value:
                return value.splitlines()[0]
            return to_text(f, value)
        if role == Qt.ItemDataRole.EditRole:
            return to_text(f, value, self.label(f, value))
        if role == Qt.ItemDataRole.ToolTipRole:
            if problem:
                return problem
            if f.type in ("cents", "signed_cents") and value is not None:
                return self.display.full(value)
            if f.type == "text" and value and ("\n" in value or len(value) > 40):
                return value
            return None
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return ERROR_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and f.type in ("cents", "signed_cents", "int"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROLE_SORT:
            return value
        if role == ROLE_RECORD:
            return rec
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() > 0 and not self.ledger.readonly:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    # -- editing ---------------------------------------------------------------------------------

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        rec = self.rows[index.row()]
        f = self.fields[index.column() - 1]
        key = (rec.id, f.name)
        try:
            new_value = to_value(self.ledger, f, str(value), self.day_first())
        except InputProblem as exc:
            return self._reject(index, key, str(exc))
        if new_value == getattr(rec, f.name):
            self._clear(index, key)
            return False
        changed = replace(rec, **{f.name: new_value})
        try:
            try:
                self.ledger.update(changed)
            except WarningsNotAccepted as exc:
                if not self.confirm(None, exc.problems):
                    return self._reject(index, key, "Not written: " + "; ".join(p.message for p in exc.problems))
                self.ledger.update(changed, accept_warnings=True)
        except ValidationError as exc:
            return self._reject(index, key, "; ".join(f"{p.label}: {p.message}" for p in exc.problems))
        except LedgerError as exc:
            return self._reject(index, key, str(exc))
        self._clear(index, key)
        # The ledger's listeners reload views; make sure this row shows the stored record meanwhile.
        row = self.row_of(rec.id)
        if row is not None and self.ledger.exists(self.kind.name, rec.id):
            self.rows[row] = self.ledger.get(self.kind.name, rec.id)
            self._load_labels([self.rows[row]])
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        return True

    def _reject(self, index, key, message: str) -> bool:
        self.cell_problems[key] = message
        self.dataChanged.emit(index, index)
        self.problem.emit(message)
        return False

    def _clear(self, index, key) -> None:
        if self.cell_problems.pop(key, None) is not None:
            self.dataChanged.emit(index, index)
        self.problem.emit("")


def empty_note(kind: str, search: str) -> str:
    """What the pane says while the table has no rows: why, and how to add some."""
    plural = KINDS[kind].plural
    if search:
        return f"<p>No {plural} match “{html.escape(search)}”.</p>"
    what = {
        "disbursement": "No deliveries or payments recorded yet: Disbursed stays at zero on the dashboard "
        "until some are.",
    }.get(kind, f"No {plural} yet.")
    return f"<p>{html.escape(what)}</p><p>Add one with Add…, or import a workbook with File &gt; Import workbook.</p>"


class RecordsView(QWidget):
    """Search box, table, add/delete buttons and the detail pane for one kind of record."""

    def __init__(self, ledger: Ledger, kind: str, display: Display, settings=None, parent=None):
        super().__init__(parent)
        self.ledger = ledger
        self.kind = kind
        self.settings = settings
        plural = KINDS[kind].plural
        day_first = (lambda: settings.day_first) if settings else (lambda: None)
        self.model = RecordModel(ledger, kind, display, day_first, parent=self)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(f"Search {plural}…")
        self.search.setAccessibleName(f"Search {plural}")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.count = QLabel("")
        bar.addWidget(self.count)
        # A million rows are not scrolled through: these jump to either end of the order (and the keys).
        self.first_button = QPushButton("First page")
        self.last_button = QPushButton("Last page")
        bar.addWidget(self.first_button)
        bar.addWidget(self.last_button)
        self.add_button = QPushButton("Add…")
        self.add_button.setAccessibleName(f"Add {article(kind.replace('_', ' '))}")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName(f"Delete the selected {plural}")
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        if kind == "package":  # packages imported without an authority get one here, several at a time
            from .assign_authority import assign_selected

            self.assign_button = QPushButton("Assign authority…")
            self.assign_button.setAccessibleName("Assign an authority to the selected packages")
            self.assign_button.clicked.connect(lambda: assign_selected(self, ask_accept_warnings))
            bar.addWidget(self.assign_button)
        lay.addLayout(bar)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(f"{plural.capitalize()} table")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        self.split.addWidget(self.table)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._link_clicked)
        self._details_open = False
        self.detail.setAccessibleName(f"Details of the selected {kind.replace('_', ' ')}")
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 1)
        # The pane needs room for a whole figure ("USD 725,000,000.00"): it never wraps, so at least that.
        self.detail.setMinimumWidth(self.detail.fontMetrics().horizontalAdvance("Announced  USD 725,000,000,000.00") + 40)
        self.split.setSizes([600, 340])
        lay.addWidget(self.split, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b")
        self.message.setAccessibleName("Validation message")
        lay.addWidget(self.message)

        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.model.problem.connect(self.message.setText)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_detail(cur.row()))
        self.add_button.clicked.connect(lambda: self.add_record())
        self.first_button.clicked.connect(lambda: self.first_page())
        self.last_button.clicked.connect(lambda: self.last_page())
        self._jumping = False
        self.table.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.table.installEventFilter(self)
        # Not connected directly: clicked(bool) would arrive as confirm=False and delete without asking.
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.readonly_reason = ""
        self.add_button.setEnabled(not ledger.readonly)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_delete())
        self.model.modelReset.connect(self._update_delete)
        # Ctrl+C copies the selected rows as a spreadsheet pastes them; a right-click offers the same
        # as the buttons above, on the rows under the pointer. A cell being edited keeps Ctrl+C for its text.
        self.copy_action = QAction("Copy rows", self.table)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(lambda: self.copy_rows())
        self.table.addAction(self.copy_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._update_delete()
        self._update_count()
        self._restore_columns()

    def set_readonly_reason(self, why: str) -> None:
        self.readonly_reason = why
        self.add_button.setToolTip(why)
        self._update_delete()

    def _update_delete(self) -> None:
        """Delete and Assign authority work on the selected rows: disabled, saying so, while none is."""
        has = bool(self.table.selectionModel().selectedRows()) or self.table.currentIndex().isValid()
        buttons = [(self.delete_button, "Select the rows to delete first")]
        if hasattr(self, "assign_button"):
            buttons.append((self.assign_button, "Select the packages first (Shift or Ctrl and click for several)"))
        for button, first in buttons:
            button.setEnabled(not self.ledger.readonly and has)
            button.setToolTip(self.readonly_reason or ("" if has else first))
        if hasattr(self, "copy_action"):  # copying writes nothing: a read-only ledger copies too
            self.copy_action.setEnabled(has)
            self.copy_action.setToolTip("" if has else "Select the rows to copy first")

    def _update_count(self, *args) -> None:
        m = self.model
        if m.total == 0 or self.current_record() is None:
            self.show_detail(-1)  # why the table is empty, or nothing: never a note of a search gone by
        plural, one = KINDS[self.kind].plural, self.kind.replace("_", " ")
        text = f"{m.total:,} {plural if m.total != 1 else one}"
        if m.offset:  # from the last page: say where these rows stand
            text += f" (showing {m.offset + 1:,}–{m.offset + len(m.rows):,})"
        self.count.setText(text)
        if m.total > PAGE:
            why = ""
        elif m.total:  # a page holds them all (the keys still jump)
            held = f"All {m.total:,} {plural} are" if m.total > 1 else f"The only {one} is"
            why = f"{held} in the table: scroll, or Ctrl+Home and Ctrl+End"
        else:
            why = "Nothing matches the search" if m.search_text else f"No {plural} yet"
        for button, tip in ((self.first_button, FIRST_TIP), (self.last_button, LAST_TIP)):
            button.setEnabled(not why)
            button.setToolTip(why or tip)

    # -- either end of the order ---------------------------------------------------------------

    def first_page(self) -> None:
        """The first rows of the current order and search, the first row current."""
        if self.model.offset:
            self.model.reload()
        self.table.scrollToTop()
        self._go_to_row(0)

    def last_page(self) -> None:
        """The last rows of the current order and search, the last row current."""
        self._jumping = True  # the reset scrolls to the top: that must not load the rows before
        try:
            if self.model.canFetchMore():  # else the last row is loaded already
                self.model.last_page()
            self.table.scrollToBottom()
        finally:
            self._jumping = False
        self._go_to_row(self.model.rowCount() - 1)

    def _go_to_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, max(self.table.currentIndex().column(), 0)))

    def _scrolled(self, value: int) -> None:
        """Scrolled to the top of rows loaded from the end: the page before comes in above, in place."""
        bar = self.table.verticalScrollBar()
        if self._jumping or value != bar.minimum() or not self.model.offset:
            return
        self._jumping = True
        try:
            came = self.model.fetch_earlier()
            if came:
                per_pixel = self.table.verticalScrollMode() == QTableView.ScrollMode.ScrollPerPixel
                bar.setValue(came * (self.table.verticalHeader().defaultSectionSize() if per_pixel else 1))
        finally:
            self._jumping = False

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.key() == Qt.Key.Key_End:
                self.last_page()
                return True
            if event.key() == Qt.Key.Key_Home:
                self.first_page()
                return True
        return super().eventFilter(obj, event)

    def _restore_columns(self) -> None:
        """Widths the user set are kept; otherwise columns follow their content, also once rows arrive
        (a table first shown empty would keep header-wide columns: "USD 350…", "2022-0…")."""
        header = self.table.horizontalHeader()
        widths = self.settings.column_widths(self.kind) if self.settings else []
        self._user_sized = len(widths) == self.model.columnCount()
        self._sizing = False
        if self._user_sized:
            for i, w in enumerate(widths):
                header.resizeSection(i, max(30, w))
        else:
            self.fit_columns()
        header.sectionResized.connect(self._section_resized)
        self.model.modelReset.connect(self._rows_loaded)
        self.model.rowsInserted.connect(self._rows_loaded)

    def _section_resized(self, *_args) -> None:
        if not self._sizing:
            self._user_sized = True

    def _rows_loaded(self, *_args) -> None:
        if not self._user_sized:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its header and the cells in view, up to 320 px (long notes have tooltips).
        The cells in view only: every loaded row cost a Python call per cell, 0.25 s at 400 rows."""
        if not self.table.isVisible():  # Qt would measure every row of a table not shown: wait for it
            self._fit_when_shown = True
            return
        self._fit_when_shown = False
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)
        self._sizing = True
        try:
            self.table.resizeColumnsToContents()
            for i in range(self.model.columnCount()):
                header.resizeSection(i, min(header.sectionSize(i), 320))
        finally:
            self._sizing = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_fit_when_shown", False) and not self._user_sized:
            self.fit_columns()

    def save_columns(self) -> None:
        if self.settings and self._user_sized:
            header = self.table.horizontalHeader()
            self.settings.set_column_widths(self.kind, [header.sectionSize(i) for i in range(self.model.columnCount())])

    def refresh(self) -> None:
        """After a change to the ledger: reload, keeping the scroll depth and the selected record."""
        current = self.current_record()
        self.model.refresh()
        if current is not None:
            self.select_id(current.id)
        else:
            self.show_detail(-1)

    def current_record(self) -> Any:
        idx = self.table.currentIndex()
        return self.model.record(idx.row()) if idx.isValid() and idx.row() < self.model.rowCount() else None

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            self.show_detail(-1)
            return False
        self.table.setCurrentIndex(self.model.index(row, max(self.table.currentIndex().column(), 0)))
        self.show_detail(row)
        return True

    def show_detail(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            rec = self.model.record(row)
            self.detail.setHtml(
                detail_html(self.ledger, self.kind, rec, self.model.display, self.model.labels, self._details_open)
            )
        elif self.model.total == 0:  # an empty table keeps saying why and how to add rows (also after an undo)
            self.detail.setHtml(empty_note(self.kind, self.model.search_text))
        else:
            self.detail.clear()

    def _link_clicked(self, url) -> None:
        if url.toString() == DETAILS_LINK:
            self._details_open = not self._details_open
            self.show_detail(self.table.currentIndex().row())
        else:
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)

    def add_record(self) -> None:
        dialog = RecordDialog(self.ledger, self.kind, self.settings.day_first if self.settings else None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.record is not None:
            self.model.refresh()  # the window refreshes its views a moment later: the new row is needed now
            self.select_id(dialog.record.id)

    def _selected_rows(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return rows

    def copy_rows(self) -> str:
        """The selected rows as the table shows them, a tab between cells: pasted into a spreadsheet,
        each lands in its own cell. Returns the text put on the clipboard."""
        columns = [c for c in range(self.model.columnCount()) if not self.table.isColumnHidden(c)]
        lines = []
        for row in self._selected_rows():
            cells = (self.model.index(row, c).data(Qt.ItemDataRole.DisplayRole) for c in columns)
            lines.append("\t".join("" if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in cells))
        text = "\n".join(lines)
        if text:
            QApplication.clipboard().setText(text)
        return text

    def _context_menu(self, pos) -> QMenu:
        menu = QMenu(self.table)
        cell = self.table.indexAt(pos)
        for button in (self.add_button, self.delete_button, getattr(self, "assign_button", None)):
            if button is not None:
                act = menu.addAction(button.text(), button.click)
                act.setEnabled(button.isEnabled())
                act.setToolTip(button.toolTip())
        menu.addSeparator()
        copy = menu.addAction(self.copy_action.text(), self.copy_rows)
        copy.setShortcut(self.copy_action.shortcut())
        copy.setEnabled(self.copy_action.isEnabled())
        text = cell.data(Qt.ItemDataRole.DisplayRole) if cell.isValid() else None
        one = menu.addAction("Copy cell", lambda: QApplication.clipboard().setText(str(text)))
        one.setEnabled(text not in (None, ""))
        self.context_menu = menu  # kept for tests, which look at it instead of clicking a popup
        menu.popup(self.table.viewport().mapToGlobal(pos))
        return menu

    def selected_ids(self) -> list[int]:
        return [self.model.record(r).id for r in self._selected_rows()]

    def delete_selected(self, confirm: bool = True) -> int:
        ids = self.selected_ids()
        if not ids:
            return 0
        k = KINDS[self.kind]
        if len(ids) > 1:
            what = f"{len(ids)} {k.plural}"
        else:  # by the name the table shows ("package PDA 4"): its id is a number the user never typed
            label = getattr(self.ledger.get(self.kind, ids[0]), k.label_field, None)
            what = f"{self.kind.replace('_', ' ')} {label if label not in (None, '') else ids[0]}"
        if confirm:
            extra = (" with its lines and disbursements" if len(ids) == 1 else " with their lines and disbursements"
                     ) if self.kind == "package" else ""
            answer = QMessageBox.question(self, "Delete", f"Delete {what}{extra}? Undo brings it back.")
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        try:
            with self.ledger.action(f"Delete {what}") as act:
                removed = sum(act.delete(self.kind, i) for i in ids)
        except ValidationError as exc:
            self.message.setText("; ".join(f"{p.record}: {p.message}" for p in exc.problems))
            return 0
        except LedgerError as exc:
            self.message.setText(str(exc))
            return 0
        self.message.clear()  # the status bar says what was deleted
        return removed
