"""Import a workbook or CSV file: pick the file, sheet, kind and profile; preview what would be added,
changed, left unchanged, missed or rejected (with reasons); then apply, on a worker thread with
progress and Cancel (the wizard stays responsive; its buttons that start work wait for the outcome).
The whole import is one undoable action. For a foreign sheet the Columns tab
says what each column holds (changed choices apply at the next preview) and saves them as a profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ledger import desktop
from ledger.errors import LedgerError
from ledger.model import kind_of
from ledger.money import format_cents
from ledger.service import Ledger
from ledger.words import first_few

from . import screen_room
from .authority_dialog import AuthorityDialog
from .column_mapping import ColumnMapping
from .confirm import ask_accept_warnings
from .errors import show_problem, show_unexpected
from .item_mapping import ItemMappingDialog
from .settings import DATE_ORDER_CHOICES
from .worker import WorkOutcome, start_work

WORKBOOK_FILTER = "Workbooks and CSV (*.xlsx *.xlsm *.csv);;All files (*)"
KINDS_OFFERED = (
    ("Find out from the headers", None),
    ("Packages", "packages"),
    ("Package lines", "lines"),
    ("Disbursements", "disbursements"),
    ("Authorities", "authorities"),
    ("Observations", "observations"),
    ("Reported figures", "reported-figures"),
    ("Disbursements by authority", "disbursements-by-authority"),
)
SHOWN = 1000  # rows listed per tab (all of them where one is left over); the counts say how many in all
LISTED = SHOWN + 1  # rows a tab is given: enough to tell


def _word(kind: str) -> str:
    """A kind as people say it: "reported figure", not reported_figure."""
    return kind.replace("_", " ")


class ImportWizard(QDialog):
    imported = Signal(str)  # the import wrote through its own connection: the window refreshes

    def __init__(self, ledger: Ledger, settings, path: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.settings = settings
        self.plan = None
        self.preview = None
        self.result = None
        self.job = None  # the preview or import under way
        self.last_outcome: WorkOutcome | None = None  # of the last preview or import (tests wait for it)
        self.confirm = ask_accept_warnings
        self.setWindowTitle("Import a workbook")
        self.resize(screen_room.fitted(parent or self, 900, 640))  # its Import button stays on a 600-px screen
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)

        form = QFormLayout()
        row = QHBoxLayout()
        self.path = QLineEdit(path or "")
        self.path.setPlaceholderText("an .xlsx or .csv file (or drop one here)")
        self.path.setAccessibleName("File to import")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse_button)
        form.addRow("File:", row)
        self.sheet = QComboBox()
        self.sheet.addItem("All sheets", None)
        self.sheet.setAccessibleName("Sheet")
        form.addRow("Sheet:", self.sheet)
        self.kind = QComboBox()
        for text, key in KINDS_OFFERED:
            self.kind.addItem(text, key)
        self.kind.setAccessibleName("What the sheet holds")
        form.addRow("Rows are:", self.kind)
        self.profile = QComboBox()
        self.profile.setAccessibleName("Mapping profile")
        self.profile.addItem("Match columns by their headers", None)
        self._list_profiles()
        form.addRow("Mapping profile:", self.profile)
        self.day_first = QComboBox()
        for text, _setting, key in DATE_ORDER_CHOICES:
            self.day_first.addItem(text, key)
        self.day_first.setCurrentIndex(self.day_first.findData(settings.day_first) if settings else 0)
        self.day_first.setAccessibleName("Date order in the file")
        form.addRow("Dates like 1/2/2024:", self.day_first)
        self.create_types = QCheckBox("Add system types the ledger does not know yet")
        form.addRow("", self.create_types)
        self.skip_invalid = QCheckBox("Import the valid rows and leave out the rejected ones")
        form.addRow("", self.skip_invalid)
        lay.addLayout(form)

        buttons = QHBoxLayout()
        self.preview_button = QPushButton("&Preview")
        self.preview_button.setDefault(True)
        self.apply_button = QPushButton("&Import")
        self.apply_button.setEnabled(False)
        self.create_authority_button = QPushButton("Create &authority…")
        self.create_authority_button.setToolTip("Add the authority these packages draw on, from what the preview found")
        self.create_authority_button.hide()
        self.create_authority_button.clicked.connect(self.create_authority)
        self.item_map: dict[str, str] = {}  # item -> system type chosen under Map items
        self.map_items_button = QPushButton("Map &items…")
        self.map_items_button.setToolTip("Choose the system type of items no type matched")
        self.map_items_button.hide()
        self.map_items_button.clicked.connect(self.map_items)
        close = QPushButton("Close")
        buttons.addWidget(self.create_authority_button)
        buttons.addWidget(self.map_items_button)
        buttons.addStretch(1)
        for b in (self.preview_button, self.apply_button, close):
            buttons.addWidget(b)
        self.preview_button.clicked.connect(lambda _checked=False: self.run_preview())
        self.apply_button.clicked.connect(lambda _checked=False: self.apply())
        close.clicked.connect(self.reject)

        self.summary = QLabel("Choose a file, then Preview: nothing is written until you press Import.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("Import summary")
        lay.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.lists: dict[str, QListWidget] = {}
        for key, title in (
            ("added", "Added"),
            ("changed", "Changed"),
            ("unchanged", "Unchanged"),
            ("missing", "Missing"),
            ("rejected", "Rejected"),
            ("notes", "Notes"),
        ):
            lst = QListWidget()
            lst.setAccessibleName(f"{title} rows")
            lst.setWordWrap(True)
            self.lists[key] = lst
            self.tabs.addTab(lst, title)
        self.columns = ColumnMapping()
        self.columns.setAccessibleName("Columns of the file")
        self.tabs.addTab(self.columns, "Columns")
        self.columns.save_button.clicked.connect(self.save_profile)
        self.columns.changed.connect(self._columns_changed)
        # Choices made for one file, kind or profile are not carried to another.
        self.path.textChanged.connect(lambda _text: self.columns.forget(values=True))
        self.kind.currentIndexChanged.connect(lambda _i: self.columns.forget())
        self.profile.currentIndexChanged.connect(lambda _i: self.columns.forget())
        self.sheet.currentIndexChanged.connect(lambda _i: self.columns.set_reading(self.sheet.currentData()))
        lay.addWidget(self.tabs, 1)
        lay.addLayout(buttons)
        self._restore(path)

    # -- remembered between openings ---------------------------------------------------------------

    def _restore(self, path: str | None) -> None:
        """The file and the column choices of the last time the wizard was closed (same file only)."""
        last = self.settings.last_import if self.settings is not None else {}
        known = last.get("path")
        if not known or (path and Path(path) != Path(known)) or not Path(known).exists():
            return
        if not path:
            self.path.setText(known)
        at = self.kind.findData(last.get("kind"))
        if at >= 0:
            self.kind.setCurrentIndex(at)
        self.columns.restore(last.get("mapping"), last.get("values"))

    def reject(self) -> None:
        """Close, Escape or the title bar's X while work runs: cancel it and stay open for its outcome."""
        if self.busy:
            self.job.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.settings is not None and self.path.text().strip():
            mapping, values = self.columns.remembered()
            self.settings.last_import = {"path": self.path.text().strip(), "kind": self.kind.currentData(),
                                         "mapping": mapping, "values": values}
        super().done(result)

    # -- choosing the file ---------------------------------------------------------------------

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a workbook", str(Path.home()), WORKBOOK_FILTER)
        if path:
            self.path.setText(path)
            self.run_preview()

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        self.path.setText(event.mimeData().urls()[0].toLocalFile())
        self.run_preview()

    def options(self) -> dict[str, Any]:
        kind, sheet = self.kind.currentData(), self.sheet.currentData()
        mapping, kinds = self.columns.mapping(), self.columns.kinds()
        if mapping and kind is None and len(kinds) == 1:
            kind = next(iter(kinds))  # given a kind, the reader finds the header row by the mapping
        return {
            "kind": kind,
            "sheet": sheet,
            "profile": self.profile.currentData(),
            "day_first": self.day_first.currentData(),
            "mapping": mapping,
            "defaults": self.columns.defaults(),
        }

    # -- work in the background ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.running

    def _start(self, title: str, work, done, on_start) -> None:
        """Run `work` on a worker; `done(outcome)` continues on the GUI thread when it ends. The
        buttons that would start other work are disabled meanwhile."""
        self.last_outcome = None

        def finish(outcome: WorkOutcome) -> None:
            self.last_outcome = outcome
            done(outcome)

        blocks = (self.preview_button, self.apply_button, self.browse_button, self.create_authority_button,
                  self.map_items_button, self.columns.save_button)
        self.job = start_work(self, title, work, finish, blocks, on_start)

    # -- preview ----------------------------------------------------------------------------------

    def run_preview(self, on_start=None) -> bool:
        """Read the file and compare it with the ledger, off the GUI thread (nothing is written).
        True when the preview started; it is shown when it ends (`last_outcome` says how)."""
        path = self.path.text().strip()
        if self.busy:
            return False
        if not path:
            self.summary.setText("Choose a file first.")
            return False
        where, options, create = self.ledger.where, self.options(), self.create_types.isChecked()
        item_map = dict(self.item_map)

        def work(progress, cancelled):
            with Ledger.open(where, readonly=True) as own:
                plan = desktop.read_import(path, progress=progress, cancelled=cancelled, **options)
                return plan, desktop.preview_import(own, plan, type_map=item_map, create_types=create, progress=progress)

        self._start(f"Reading {Path(path).name}…", work, self._previewed, on_start)
        return True

    def _previewed(self, outcome: WorkOutcome) -> None:
        self.apply_button.setEnabled(False)
        if not outcome.ok:
            self._forget_preview()  # what the tabs showed was another file's (or this one's before it changed)
            self._failed(outcome)
            return
        self.plan, self.preview = outcome.result
        self.columns.suggestions = {"authority_id": [a.name for a in self.ledger.records("authority", order_by="available_from, id")]}
        self.columns.show_plan(self.plan)
        self._show_preview()

    def _show_preview(self) -> None:
        plan, p = self.plan, self.preview
        names = [b.sheet for b in plan.batches]
        current = self.sheet.currentData()
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItem("All sheets", None)
        for name in dict.fromkeys(names):
            self.sheet.addItem(name, name)
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(current)))
        self.sheet.blockSignals(False)
        self.columns.set_reading(self.sheet.currentData())

        counts = p.counts()
        parts = [
            f"{kind.replace('_', ' ')}: " + ", ".join(f"{n:,} {what}" for what, n in c.items() if n)
            for kind, c in counts.items()
        ]
        parts = [x for x in parts if not x.endswith(": ")]
        text = [f"{Path(plan.path).name} ({plan.format}, {plan.row_count:,} rows, matched {p.mode})."]
        text.append("; ".join(parts) if parts else "Nothing to import.")
        if p.rejected:
            text.append(
                f"{desktop.rows_rejected(p.rejected):,} rows rejected (see Rejected): "
                + (
                    "they will be left out."
                    if self.skip_invalid.isChecked()
                    else "nothing will be written unless you choose to leave them out."
                )
            )
        if p.unknown_system_types:
            text.append(
                "Unknown system types: "
                + ", ".join(p.unknown_system_types[:10])
                + (" …" if len(p.unknown_system_types) > 10 else "")
                + " (tick 'Add system types' and Preview again, or rename them in the file"
                + (", or pick the right column under Columns)." if plan.shapes else ").")
            )
        lacking = self.columns.missing_required()
        if lacking:
            # A workbook's other table (a summary by year) is most often the one to leave out.
            others = [n for n in dict.fromkeys(names) if n not in {sheet for sheet, _ in lacking}]
            text.append(
                "No column holds "
                + ", ".join(f"{label} (sheet {sheet!r})" for sheet, label in lacking)
                + ": choose the column under Columns, or give a value for every row there"
                + (f"; or import only {'the sheet ' + repr(others[0]) if len(others) == 1 else 'another sheet'} (choose it under Sheet)."
                   if others and self.sheet.currentData() is None else ".")
            )
        waiting = p.added.records_where("package", "authority_id", None)
        if waiting:
            total = sum(r.value_cents for r in waiting)
            text.append(
                f"{len(waiting):,} package{'s' if len(waiting) != 1 else ''} ({format_cents(total, self.ledger.currency)}) "
                "will be stored without an authority: Create authority adds the one they draw on (then Preview again "
                "finds it by program and date), or give one on the Columns tab; or import now and assign one later "
                "(select them in Packages, Assign authority)."
            )
        self.create_authority_button.setVisible(bool(waiting) and not self.ledger.readonly)
        unknown = self._unknown_items()
        if unknown:
            text.append(f"{len(unknown):,} item{'s' if len(unknown) != 1 else ''} matched no system type and count under Other "
                        "(Map items chooses their type; the import remembers it).")
        self.map_items_button.setVisible(bool(unknown) or bool(self.item_map))
        self.summary.setText("\n".join(text))

        fill = self._fill
        shown = p.added[:LISTED]
        describe = _describer(self.ledger, [a.record for a in shown])
        fill("added", [(f"{_word(a.kind)} from sheet {a.sheet!r} row {a.row}: " if a.row else
                        f"{_word(a.kind)} the rows need: ") + describe(a.record) for a in shown], len(p.added))
        fill(
            "changed",
            [
                f"{_word(c.kind)} {_label(c.new)} (row {c.row}): " + desktop.describe_change(c, self.ledger.currency)
                for c in p.changed[:LISTED]
            ],
            len(p.changed),
        )
        fill("unchanged", [f"{_word(kind)}: {n:,}" for kind, n in p.unchanged.items() if n], sum(p.unchanged.values()))
        fill(
            "missing",
            [f"{_word(m.kind)} {m.label} (id {m.id}): in the ledger, not in the file; it stays" for m in p.missing[:LISTED]],
            len(p.missing),
        )
        messages = desktop.problem_messages(p.rejected, plan.sheet_rows())
        fill("rejected", messages[:LISTED], len(messages))
        notes = list(plan.notes) + ([] if plan.own else desktop.column_lines(plan))
        fill("notes", notes, len(notes))
        can = p.has_changes and (not p.rejected or self.skip_invalid.isChecked()) and not self.ledger.readonly
        self.apply_button.setEnabled(can)
        if lacking:
            self.tabs.setCurrentWidget(self.columns)
        elif p.rejected and not self.skip_invalid.isChecked():
            self.tabs.setCurrentWidget(self.lists["rejected"])
        elif not p.added and p.changed and self.tabs.currentWidget() is self.lists["added"]:
            self.tabs.setCurrentWidget(self.lists["changed"])  # an updated sheet adds nothing: show what it changes

    # -- an authority for packages that have none ---------------------------------------------------

    def create_authority(self) -> bool:
        """Add the authority the previewed packages without one draw on (filled in from them), then
        preview again: the packages find it by their program and date."""
        if self.preview is None:
            return False
        waiting = self.preview.added.records_where("package", "authority_id", None)
        if not waiting:
            return False
        dialog = AuthorityDialog(self, desktop.suggest_authority(self.plan, waiting), self.ledger.currency)
        if self.open_authority_dialog(dialog) != QDialog.DialogCode.Accepted:
            return False
        try:
            record = dialog.record()
            self.ledger.add(record, accept_warnings=True)
        except (LedgerError, ValueError) as exc:
            show_problem(self, "Create authority", f"The authority was not added: {exc}")
            return False
        return self.run_preview()

    def _unknown_items(self) -> list[str]:
        return [item for found in (self.plan.inferred or []) for item in found.unknown_items] if self.plan is not None else []

    def map_items(self) -> bool:
        """Choose the system type of items no type matched, then preview again with those choices."""
        items = list(dict.fromkeys(self._unknown_items() + list(self.item_map)))
        if not items:
            return False
        types = [t.name for t in self.ledger.records("system_type", order_by="id")] or desktop.default_system_types()
        dialog = ItemMappingDialog(self, items, types, self.item_map)
        if self.open_authority_dialog(dialog) != QDialog.DialogCode.Accepted:
            return False
        self.item_map = dialog.mapping()
        return self.run_preview()

    def open_authority_dialog(self, dialog: QDialog) -> int:
        """Shown modally (the Create authority and Map items forms); tests answer it instead."""
        return dialog.exec()

    # -- columns and profiles ---------------------------------------------------------------------

    def _columns_changed(self) -> None:
        """The choices no longer match the preview: Import waits for the next Preview."""
        if self.apply_button.isEnabled():
            self.apply_button.setEnabled(False)
            self.summary.setText(self.summary.text() + "\nThe columns changed: Preview again before importing.")

    def save_profile(self) -> bool:
        """Save the column choices of the sheet shown in Columns as a named profile."""
        sheet = self.columns.current_sheet()
        if self.plan is None or sheet is None or sheet not in self.plan.shapes:
            return False
        kind, shape = self.plan.shapes[sheet]
        suggested = self.profile.currentData() or Path(self.plan.path).stem
        name, ok = QInputDialog.getText(
            self,
            "Save as profile",
            f"A name for the columns of sheet {sheet!r}\n(a file with the same headers is then read with them):",
            QLineEdit.EchoMode.Normal,
            suggested,
        )
        if not ok:
            return False
        name = name.strip()
        if name and name in _profiles():
            answer = QMessageBox.question(self, "Save as profile", f"A profile named {name!r} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            desktop.save_profile(
                name, kind, self.columns.sheet_mapping(sheet), list(shape), self.day_first.currentData()
            )
        except LedgerError as exc:
            show_problem(self, "Save as profile", f"The profile was not saved: {exc}")
            return False
        self.profile.blockSignals(True)  # the choices shown are the profile's: nothing to forget
        self._list_profiles()
        self.profile.setCurrentIndex(max(0, self.profile.findData(name)))
        self.profile.blockSignals(False)
        self.columns.hint.setText(f"Saved as profile {name!r}: a file with the same columns is read with it.")
        return True

    def _list_profiles(self) -> None:
        while self.profile.count() > 1:
            self.profile.removeItem(1)
        for name in _profiles():
            self.profile.addItem(name, name)

    # -- apply ------------------------------------------------------------------------------------

    def apply(self, on_start=None, accept_warnings: bool = False) -> bool:
        """Write the previewed import on a worker. True when it started; the outcome is shown when it
        ends (warnings the person accepts start it again with them accepted)."""
        if self.preview is None or self.busy:
            return False
        where, preview, skip = self.ledger.where, self.preview, self.skip_invalid.isChecked()

        def work(progress, cancelled):
            with Ledger.open(where) as own:
                return desktop.apply_import(
                    own, preview, skip_invalid=skip, accept_warnings=accept_warnings, progress=progress, cancelled=cancelled
                )

        def applied(outcome: WorkOutcome) -> None:
            if outcome.ok:
                self._applied(outcome.result)
            elif outcome.warnings_only and self.confirm(self, list(outcome.problems)):
                self.apply(on_start, accept_warnings=True)
            else:
                self._failed(outcome)

        self._start("Importing…", work, applied, on_start)
        return True

    def _fill(self, key: str, items: list[str], total: int) -> None:
        """One tab's list: its first items (`items`, LISTED at most), and how many there are in all."""
        lst = self.lists[key]
        lst.clear()
        few, more = first_few(items, SHOWN, total)
        lst.addItems(few)
        if more:
            lst.addItem(f"… and {more:,} more")
        self.tabs.setTabText(self.tabs.indexOf(lst), f"{key.capitalize()} ({total:,})")

    def _applied(self, r) -> None:
        self.result = r
        if r.rejected:  # the rows the ledger's rules refused on writing join those the preview refused
            messages = desktop.problem_messages(r.rejected, self.plan.sheet_rows())
            self._fill("rejected", messages[:LISTED], len(messages))
        added = sum(r.added.values())
        changed = sum(r.changed.values())
        self.summary.setText(
            f"Imported: {added:,} added, {changed:,} changed"
            + (f", {len(r.rejected):,} rows left out" if r.rejected else "")
            + ". Undo (Ctrl+Z) takes the whole import back."
        )
        self.apply_button.setEnabled(False)
        self.imported.emit(f"Import {Path(self.plan.path).name}")

    def _forget_preview(self) -> None:
        """No preview: the tabs empty, and no button left acting on the last one (Create authority
        would add the authority another file's packages needed)."""
        self.plan = self.preview = None
        for key in self.lists:
            self._fill(key, [], 0)
        self.create_authority_button.setVisible(False)
        self.map_items_button.setVisible(bool(self.item_map))

    def _failed(self, outcome: WorkOutcome) -> None:
        if outcome.details:
            show_unexpected(self, RuntimeError(outcome.message), outcome.details)
        self.summary.setText(outcome.message)
        if outcome.rejected or any(p.level == "error" for p in outcome.problems):  # every row left out, every error
            messages = [*desktop.problem_messages(outcome.rejected), *(str(p) for p in outcome.problems if p.level == "error")]
            self._fill("rejected", messages[:LISTED], len(messages))
            self.tabs.setCurrentWidget(self.lists["rejected"])


def _describer(ledger: Ledger, records: list[Any]):
    """record -> its label, or for a record without one (a delivery, an observation) its filled fields,
    references by name: "2024-07-01, package PDA 71, quantity 4, USD 1.50 M"."""
    wanted: dict[str, set[int]] = {}
    for r in records:
        for f in kind_of(r).fields:
            if f.type == "ref" and getattr(r, f.name) is not None:
                wanted.setdefault(f.ref, set()).add(getattr(r, f.name))
    names = {kind: ledger.labels(kind, ids) for kind, ids in wanted.items()}
    for r in records:  # records this import adds name the rows that refer to them
        k = kind_of(r)
        names.setdefault(k.name, {}).setdefault(r.id, str(getattr(r, k.label_field)))

    def describe(record: Any) -> str:
        k = kind_of(record)
        if k.name == "package":  # as stored: the date, the number, the scaled value, the authority
            auth = names.get("authority", {}).get(record.authority_id) if record.authority_id is not None else None
            return (f"{record.announced_on.isoformat()}, {record.number}, {format_cents(record.value_cents, ledger.currency, short=False)}, "
                    + (f"authority {auth}" if auth else "no authority"))
        if k.name == "line":
            qty = f"{record.qualifier + ' ' if record.qualifier else ''}{record.quantity:,} " if record.quantity is not None else ""
            return (f"{qty}{record.description}{' (unit: ' + record.unit + ')' if record.unit else ''}, package "
                    f"{names.get('package', {}).get(record.package_id, record.package_id)}, "
                    f"{names.get('system_type', {}).get(record.system_type_id, 'system type ' + str(record.system_type_id))}")
        if k.label_field in ("number", "name", "title", "description"):
            return _label(record)
        parts = []
        for f in k.fields:
            value = getattr(record, f.name)
            if value in (None, "", ()):
                continue
            if f.type == "ref":
                parts.append(f"{f.label.lower()} {names.get(f.ref, {}).get(value, f'id {value}')}")
            elif f.type in ("cents", "signed_cents"):
                parts.append(format_cents(value, ledger.currency))
            elif f.type == "int":
                parts.append(f"{f.label.lower()} {value:,}")
            else:
                parts.append(str(value))
        return ", ".join(parts)

    return describe


def _label(record: Any) -> str:
    for attr in ("number", "name", "title", "description"):
        if hasattr(record, attr):
            return str(getattr(record, attr))
    return str(getattr(record, "id", ""))


def _profiles() -> list[str]:
    try:
        return desktop.list_profiles()
    except LedgerError:
        return []
