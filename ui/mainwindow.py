"""The main window: welcome view or the ledger's dashboard, chart, bars and tables; menus; history."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
)

from ledger import APP_NAME, __version__
from ledger.errors import LedgerError
from ledger.model import KINDS
from ledger.paths import data_dir, default_ledger
from ledger.service import Changed, Ledger

from . import screen_room
from .daily_backup import DailyBackup
from .dashboard import Dashboard
from .errors import crash_log_path, log_path, show_problem
from .fmt import Display
from .history_view import HistoryPanel
from .ledger_files import LedgerFiles
from .settings import Settings
from .undo_keys import UndoKeys
from .welcome import Welcome

log = logging.getLogger("aid_ledger.ui")

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".csv")
# Tables in the order people look for them.
TABLE_KINDS = ("package", "line", "disbursement", "authority", "adjustment", "observation", "reported_figure",
               "disbursement_by_authority", "system_type", "source")


class MainWindow(LedgerFiles, QMainWindow):
    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.display = Display(short=self.settings.currency_display == "short")
        self.ledger: Ledger | None = None
        self.readonly_reason: str | None = None  # why the open ledger cannot be changed, in words
        self.backups_dialog = None
        self.daily_backup = DailyBackup(self._daily_backup_done, self)
        self.records: dict[str, object] = {}  # kind -> RecordsView, made when first shown
        self._dirty: set[str] = set()
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh_all)
        self.setAcceptDrops(True)

        self.stack = QStackedWidget()
        self.welcome = Welcome(str(default_ledger()))
        self.welcome.sample.connect(self.open_sample)
        self.welcome.empty.connect(self.new_default_ledger)
        self.welcome.import_workbook.connect(self.import_into_new)
        self.welcome.open_file.connect(self.open_dialog)
        self.stack.addWidget(self.welcome)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Views")
        self.dashboard = Dashboard(self.display)
        self.tabs.addTab(self.dashboard, "&Dashboard")
        self.chart = None  # the chart and bars import pyqtgraph: made when first shown
        self.bars = None
        self.tabs.addTab(_Placeholder(), "&Chart")
        self.tabs.addTab(_Placeholder(), "By &system type")
        self.tables = QTabWidget()
        self.tables.setAccessibleName("Record tables")
        for kind in TABLE_KINDS:
            self.tables.addTab(_Placeholder(), KINDS[kind].plural.capitalize())
        self.tabs.addTab(self.tables, "&Records")
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.tabs.currentChanged.connect(self._view_shown)
        self.tables.currentChanged.connect(self._view_shown)
        self.dashboard.as_of_changed.connect(self._as_of_changed)

        self.history = HistoryPanel()
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("history")
        self.history_dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.history.setMinimumWidth(240)
        self.resizeDocks([self.history_dock], [260], Qt.Orientation.Horizontal)

        # Why the ledger is read-only, or a failed backup: stays in the status bar (a temporary
        # message covers it while shown).
        self.note_label = QLabel()
        self.note_label.setAccessibleName("Ledger status")
        self.note_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.note_label, 1)

        self._make_actions()
        self._undo_keys = UndoKeys(self)
        QApplication.instance().installEventFilter(self._undo_keys)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._palette_changed)
        self._restore_window()
        self._update_title()
        self.stack.setCurrentWidget(self.welcome)
        self.history_dock.hide()

    # -- menus -------------------------------------------------------------------------------------

    def _action(self, menu: QMenu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        menu.addAction(act)
        return act

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.act_new = self._action(file, "&New ledger…", self.new_dialog, QKeySequence.StandardKey.New)
        self.act_open = self._action(file, "&Open ledger…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        self.act_import = self._action(file, "&Import workbook…", self.import_dialog, "Ctrl+I")
        self.act_export = self._action(file, "&Export workbook…", self.export_dialog, "Ctrl+E")
        self.act_export_chart = self._action(file, "Export &chart…", self.export_chart_dialog, "Ctrl+Shift+E")
        self.act_export_brief = self._action(file, "Export &briefing…", lambda: self._brief("export"),
                                             tip="The figures as of the dashboard's date as a PDF or HTML brief")
        self.act_print = self._action(file, "&Print…", lambda: self._brief("print"), QKeySequence.StandardKey.Print,
                                      tip="Print the brief as of the dashboard's date")
        file.addSeparator()
        self.act_backups = self._action(
            file, "&Backups…", self.show_backups, tip="List, take and restore the ledger's backups"
        )
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        self.act_undo = self._action(edit, "&Undo", self.undo, [QKeySequence("Ctrl+Z")])
        self.act_redo = self._action(edit, "&Redo", self.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addSeparator()
        self.act_find = self._action(edit, "&Find…", self.find, QKeySequence.StandardKey.Find)
        edit.addSeparator()
        self.act_prefs = self._action(edit, "&Preferences…", self.preferences, "Ctrl+,")

        view = bar.addMenu("&View")
        for i, name in enumerate(("Dashboard", "Chart", "By system type", "Records")):
            self._action(view, name, lambda i=i: self.show_view(i), f"Ctrl+{i + 1}")
        view.addSeparator()
        toggle = self.history_dock.toggleViewAction()
        toggle.setText("&History")
        toggle.setShortcut(QKeySequence("Ctrl+H"))
        view.addAction(toggle)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Aid Ledger", self.about)
        self._update_actions()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent:
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_ledger(p))
        if not self.settings.recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _update_actions(self) -> None:
        has = self.ledger is not None
        writable = has and not self.ledger.readonly
        undo = self.ledger.undo_label() if has else None
        redo = self.ledger.redo_label() if has else None
        self.act_undo.setText(f"&Undo {undo}" if undo else "&Undo")
        self.act_redo.setText(f"&Redo {redo}" if redo else "&Redo")
        self.act_undo.setEnabled(writable and undo is not None)
        self.act_redo.setEnabled(writable and redo is not None)
        for act in (self.act_export, self.act_export_chart, self.act_export_brief, self.act_print, self.act_find):
            act.setEnabled(has)
        self.act_import.setEnabled(writable or not has)
        self.act_backups.setEnabled(has and self.ledger.backups_folder is not None)
        why = self.readonly_reason if has and not writable else ""
        for act in (self.act_undo, self.act_redo, self.act_import):
            act.setToolTip(why)
            act.setStatusTip(why)
        for view in self.records.values():
            view.set_readonly_reason(why)

    def _update_title(self) -> None:
        if self.ledger is None:
            self.setWindowTitle(APP_NAME)
            return
        path = Path(self.ledger.where)
        ro = " (read-only)" if self.ledger.readonly else ""
        self.setWindowTitle(f"{path.name}{ro} — {path.parent} — {APP_NAME}")

    # -- the views of a ledger (opening, making, restoring files: ledger_files.py) --------------------

    def set_ledger(self, ledger: Ledger | None, why: str | None = None) -> None:
        self.close_ledger()
        self.ledger = ledger
        self.readonly_reason = None
        self._show_note(None)
        if ledger is not None:
            note = why or ledger.note
            self.readonly_reason = f"The ledger is read-only: {note or 'opened read-only'}" if ledger.readonly else None
            self._show_note(self.readonly_reason or note)
            self.daily_backup.watch(ledger)
        if ledger is None:
            self.stack.setCurrentWidget(self.welcome)
            self.history_dock.hide()  # no ledger, no history to show
        else:
            self.display.currency = ledger.currency
            ledger.subscribe(self._ledger_changed)
            self.stack.setCurrentWidget(self.tabs)
            self.history_dock.show()
            self.dashboard.set_ledger(ledger)
            self._dirty = {"chart", "bars", *TABLE_KINDS, "history"}
            self._view_shown()
            self.history.set_ledger(ledger)
            self._dirty.discard("history")
        self._update_title()
        self._update_actions()

    def close_ledger(self) -> None:
        if self.ledger is None:
            return
        self.daily_backup.stop()
        if self.backups_dialog is not None:
            self.backups_dialog.close()
            self.backups_dialog = None
        for view in self.records.values():
            view.save_columns()
        self.records.clear()
        for i in range(self.tables.count()):
            old = self.tables.widget(i)
            self.tables.removeTab(i)
            self.tables.insertTab(i, _Placeholder(), KINDS[TABLE_KINDS[i]].plural.capitalize())
            old.deleteLater()
        self.dashboard.set_ledger(None)
        if self.chart:
            self.chart.set_ledger(None)
        if self.bars:
            self.bars.set_ledger(None)
        self.history.set_ledger(None)
        self.ledger.close()
        self.ledger = None

    # -- refreshing after changes ------------------------------------------------------------------

    def _ledger_changed(self, change: Changed | str) -> None:
        """A committed change (what it touched), or a label when anything may differ (an import
        written through its own connection, preferences)."""
        if isinstance(change, str):
            change = Changed.of_everything(change)
        self.statusBar().showMessage(change.label, 5000)
        for view in self.records.values():
            view.message.clear()  # a change went through: a problem shown under a table is past
        self._dirty |= {"history", *(kind for kind in TABLE_KINDS if change.touches(kind))}
        if change.balances:
            self._dirty |= {"dashboard", "chart", "bars"}
        self._refresh_timer.start()

    def refresh_all(self) -> None:
        """Refresh what is on screen now; the rest when it is next shown."""
        if self.ledger is None:
            return
        self.display.short = self.settings.currency_display == "short"
        self._view_shown()
        if "history" in self._dirty:
            self.history.set_ledger(self.ledger)
            self._dirty.discard("history")
        self._update_actions()

    def _view_shown(self, *_args) -> None:
        if self.ledger is None:
            return
        current = self.tabs.currentWidget()
        if current is self.dashboard and "dashboard" in self._dirty:
            self.dashboard.refresh()
        elif self.tabs.currentIndex() == 1:
            self._ensure_chart()
            if "chart" in self._dirty:
                self.chart.as_of = self.dashboard.as_of_text()
                self.chart.set_ledger(self.ledger)
                self._dirty.discard("chart")
        elif self.tabs.currentIndex() == 2:
            self._ensure_bars()
            if "bars" in self._dirty:
                self.bars.as_of = self.dashboard.as_of_text()
                self.bars.set_ledger(self.ledger)
                self._dirty.discard("bars")
        elif current is self.tables:
            kind = TABLE_KINDS[self.tables.currentIndex()]
            view = self.records_view(kind)
            if kind in self._dirty:
                view.refresh()
                self._dirty.discard(kind)
        if current is self.dashboard:
            self._dirty.discard("dashboard")

    def _palette_changed(self, *_args) -> None:
        """The system switched between light and dark: Fusion follows by itself, the plots are told."""
        for plot in (self.chart, self.bars):
            if plot is not None:
                plot.apply_palette()
        if self.chart is not None:
            self.chart.redraw()

    def _as_of_changed(self, as_of: str) -> None:
        self._dirty |= {"chart", "bars"}

    def _ensure_chart(self):
        if self.chart is None:
            from .chart import ChartView

            self.chart = ChartView(self.display)
            self.chart.exported.connect(lambda path: self.statusBar().showMessage(f"Chart saved as {path}", 5000))
            self._swap_tab(self.tabs, 1, self.chart, "&Chart")
            self._restore_splitter("chart", self.chart.split)
        return self.chart

    def _ensure_bars(self):
        if self.bars is None:
            from .bars import BarsView

            self.bars = BarsView(self.display)
            self._swap_tab(self.tabs, 2, self.bars, "By &system type")
            self._restore_splitter("bars", self.bars.split)
        return self.bars

    def _swap_tab(self, tabs: QTabWidget, index: int, widget, text: str) -> None:
        old = tabs.widget(index)
        tabs.blockSignals(True)
        current = tabs.currentIndex()
        tabs.removeTab(index)
        tabs.insertTab(index, widget, text)
        tabs.setCurrentIndex(current)
        tabs.blockSignals(False)
        old.deleteLater()

    def records_view(self, kind: str):
        """The table view of one kind (made on first use)."""
        if kind not in self.records:
            from .tables import RecordsView

            view = RecordsView(self.ledger, kind, self.display, self.settings)
            self.records[kind] = view
            i = TABLE_KINDS.index(kind)
            self._swap_tab(self.tables, i, view, KINDS[kind].plural.capitalize())
            self._restore_splitter(f"table_{kind}", view.split)
            self._dirty.discard(kind)
            self._update_actions()  # the reason its Add and Delete are disabled, if they are
        return self.records[kind]

    def show_view(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def show_table(self, kind: str):
        # Its tab first, then the Records view: else the table shown last is built on the way.
        self.tables.setCurrentIndex(TABLE_KINDS.index(kind))
        self.tabs.setCurrentWidget(self.tables)
        return self.records_view(kind)

    # -- edit menu ---------------------------------------------------------------------------------

    def undo(self) -> None:
        self._step(forward=False)

    def redo(self) -> None:
        self._step(forward=True)

    def _step(self, forward: bool) -> None:
        if self.ledger is None:
            return
        try:
            label = self.ledger.redo() if forward else self.ledger.undo()
        except LedgerError as exc:
            show_problem(self, "Redo" if forward else "Undo", str(exc))
            return
        if label is None:
            self.statusBar().showMessage("Nothing to redo" if forward else "Nothing to undo", 3000)

    def find(self) -> None:
        if self.ledger is None:
            return
        if self.tabs.currentWidget() is not self.tables:
            self.tabs.setCurrentWidget(self.tables)
        view = self.records_view(TABLE_KINDS[self.tables.currentIndex()])
        view.search.setFocus()
        view.search.selectAll()

    def preferences(self) -> None:
        from .preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self.ledger, self)
        if dialog.exec():
            self.apply_preferences()

    def apply_preferences(self) -> None:
        self.display.short = self.settings.currency_display == "short"
        self._ledger_changed("Preferences changed")

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>A ledger of authorized versus disbursed aid, kept offline.</p>"
            f"<p>Data folder: {data_dir()}<br>Log file: {log_path()}<br>Crash log: {crash_log_path()}</p>",
        )

    # -- import / export ---------------------------------------------------------------------------

    def import_dialog(self, path: str | None = None) -> None:
        if self.ledger is None:
            self.import_into_new(path)
            return
        from .import_wizard import ImportWizard

        wizard = ImportWizard(self.ledger, self.settings, path, self)
        wizard.imported.connect(self._ledger_changed)
        self.import_wizard = wizard
        if path:
            QTimer.singleShot(0, wizard.run_preview)
        wizard.exec()

    def import_into_new(self, path: str | None = None) -> None:
        if self.ledger is None and not self.create_ledger(default_ledger()):
            return
        self.import_dialog(path)

    def export_dialog(self) -> None:
        if self.ledger is None:
            return
        from .export import export_with_dialog

        # Until the file is written: no second export, and the file it reads stays (no restore, no other ledger).
        export_with_dialog(self, self.ledger, blocks=(self.act_export, self.act_open, self.act_new,
                                                      self.recent_menu.menuAction(), self.act_backups))

    def export_chart_dialog(self) -> None:
        if self.ledger is None:
            return
        self.show_view(1)
        self._ensure_chart().export_dialog("png")

    def _brief(self, how: str) -> None:
        if self.ledger is None:
            return
        from . import briefing_actions

        act = briefing_actions.export_briefing if how == "export" else briefing_actions.print_briefing
        done = act(self, self.ledger, self.dashboard.as_of_text(), self.dashboard.by.currentData())
        if done:
            self.statusBar().showMessage(f"Brief saved as {done}" if how == "export" else f"Printed {done} pages", 5000)

    # -- drag and drop -----------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if (
            urls
            and urls[0].isLocalFile()
            and urls[0].toLocalFile().lower().endswith((*WORKBOOK_SUFFIXES, ".aidledger"))
        ):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = event.mimeData().urls()[0].toLocalFile()
        event.acceptProposedAction()
        if path.lower().endswith(".aidledger"):
            QTimer.singleShot(0, lambda: self.open_ledger(path))
        else:
            QTimer.singleShot(0, lambda: self.import_dialog(path))

    # -- window state --------------------------------------------------------------------------------

    def _restore_window(self) -> None:
        if geometry := self.settings.bytes("geometry"):
            self.restoreGeometry(geometry)
        else:
            self._first_size()
        if state := self.settings.bytes("state"):
            self.restoreState(state)

    def _first_size(self) -> None:
        """1280x800, or less on a smaller screen (a 1366x768 laptop): a window taller than the screen
        hides its status bar and the chart's readout, and without a window manager nothing shrinks it."""
        self.resize(screen_room.fitted(self, 1280, 800))
        if (area := screen_room.room(self)) is not None:
            self.move(area.topLeft())

    def _restore_splitter(self, key: str, splitter) -> None:
        if state := self.settings.bytes(f"splitter_{key}"):
            splitter.restoreState(state)

    def save_window(self) -> None:
        self.settings.set_bytes("geometry", self.saveGeometry())
        self.settings.set_bytes("state", self.saveState())
        splitters = {f"table_{k}": v.split for k, v in self.records.items()}
        if self.chart:
            splitters["chart"] = self.chart.split
        if self.bars:
            splitters["bars"] = self.bars.split
        for key, splitter in splitters.items():
            self.settings.set_bytes(f"splitter_{key}", splitter.saveState())
        for view in self.records.values():
            view.save_columns()
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_window()
        self.close_ledger()
        super().closeEvent(event)


class _Placeholder(QStackedWidget):
    """Stands in for a view that is made the first time it is shown (keeps startup quick)."""
