"""The import wizard's Columns tab: what each column of a foreign sheet holds, chosen by the user.

After a preview it lists every header of each foreign sheet with the field the reader gave it (or
none), in a combo box per column; the choices go back to `read_import(mapping=...)` on the next
preview. A required field no column holds gets a box for one value that every row takes
(`read_import(defaults=...)`), e.g. the authority of a list of packages. The wizard saves the
choices of the sheet shown as a named profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ledger import desktop
from ledger.model import KINDS, Field
from ledger.words import article

IGNORE = "(ignore)"
# Fields the reader finds by itself when no column holds them: not asked as required.
DERIVED = {"package": ("number",)}
# Optional fields offered a value for every row: a package's authority (else found from program and date).
ASKED = {"package": ("authority_id",)}
ASKED_TEXT = {"authority_id": "is not in the file: give one for every row, or leave it empty to find it from the program and date"}
NOTHING_YET = "Preview a workbook or CSV file: the columns of its sheets are listed here, to say what each holds."
OWN_LAYOUT = "This is an Aid Ledger workbook: its columns follow the ledger's own layout, there is nothing to map."
HOW = "Choose what each column holds, then Preview again to read the file with these choices."


class _FieldBox(QComboBox):
    """A combo box the mouse wheel only turns when it has the focus: scrolling the list of columns
    must not change what a column holds on its way past."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


@dataclass
class _Sheet:
    name: str
    kind: str
    shape: list[str]
    planned: dict[str, str]  # header -> field as the last preview read it ("" ignored)
    boxes: dict[str, QComboBox] = field(default_factory=dict)
    status: dict[str, QLabel] = field(default_factory=dict)
    missing: dict[str, tuple[QLabel, QLineEdit]] = field(default_factory=dict)  # required field -> its value row
    scores: dict[str, int] = field(default_factory=dict)  # header -> how sure its match is (header_match)
    ties: dict[str, tuple[str, ...]] = field(default_factory=dict)  # header -> fields it could be (not mapped)
    rule: QFrame | None = None  # above the value rows, shown with them

    def choices(self) -> dict[str, str]:
        return {h: box.currentData() or "" for h, box in self.boxes.items()}

    def missing_fields(self) -> list[Field]:
        """Required fields no column holds (a package's number is derived when missing)."""
        taken = set(self.choices().values())
        return [f for f in KINDS[self.kind].fields if f.required and f.name not in taken and f.name not in DERIVED.get(self.kind, ())]

    def value_fields(self) -> list[Field]:
        """Fields no column holds that may take one value for every row: the required ones and the asked ones."""
        taken = set(self.choices().values())
        asked = [f for f in KINDS[self.kind].fields if f.name in ASKED.get(self.kind, ()) and f.name not in taken]
        return self.missing_fields() + asked


class ColumnMapping(QWidget):
    changed = Signal()  # a choice or a value for every row changed: the preview no longer shows them

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.sheets: dict[str, _Sheet] = {}
        self.values: dict[str, str] = {}  # field -> the value every row takes (shared by the sheets)
        self.overridden = False  # the user changed a choice: previews pass the mapping until forget()
        self.reading: str | None = None  # the wizard reads this sheet only (None: all)
        self.restored: dict[str, str] = {}  # choices remembered for the file, passed until a preview shows them
        self.suggestions: dict[str, list[str]] = {}  # field -> names offered while typing its value (the ledger's authorities)
        self.left_out = ""  # choices the last mapping() could not pass (a header that sheets map differently)
        lay = QVBoxLayout(self)
        first = QHBoxLayout()
        self.hint = QLabel(NOTHING_YET)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("About the column mapping")
        first.addWidget(self.hint, 1)
        lay.addLayout(first)
        top = QHBoxLayout()
        self.sheet_label = QLabel("Columns of sheet:")
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Sheet whose columns are shown")
        self.sheet_label.setBuddy(self.sheet)
        self.sheet.currentIndexChanged.connect(self._show_sheet)
        self.save_button = QPushButton("&Save as profile…")
        self.save_button.setAccessibleName("Save the column mapping as a profile")
        self.save_button.setToolTip("Keep these choices under a name; a file with the same columns finds them")
        self.save_button.setEnabled(False)
        first.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.sheet_label)
        top.addWidget(self.sheet, 1)
        top.addStretch(1)
        lay.addLayout(top)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack, 1)
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Column mapping warnings")
        self.warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning.hide()
        lay.addWidget(self.warning)
        self._show_sheet_picker(False)

    # -- what the wizard reads -------------------------------------------------------------------

    def current_sheet(self) -> str | None:
        return self.sheet.currentData()

    def sheet_mapping(self, sheet: str) -> dict[str, str]:
        """Header -> field chosen for one sheet ("" ignores the column): what a profile keeps."""
        return self.sheets[sheet].choices()

    def mapping(self) -> dict[str, str] | None:
        """Header -> field for the next read (of the sheets it reads), once the user changed a
        choice; else None (the reader matches the headers, or finds a saved profile, by
        itself). The reader applies one mapping to every sheet: a header that sheets give different
        fields is left out, each sheet then matches it by its header (and the Columns tab says so)."""
        if self.overridden and not self.sheets and self.restored:
            return dict(self.restored)  # choices of a file reopened, before its first preview
        if not self.overridden or not self.sheets:
            return None
        sheets = self._read()
        if not sheets:
            return None
        clash = self._conflicts(sheets)
        self.left_out = self._clash_text({k: v for k, v in clash.items() if k in self._changed_keys(sheets)})
        merged = {h: f for s in sheets for h, f in s.choices().items() if h.strip().casefold() not in clash}
        return merged or None

    def restore(self, mapping: dict[str, str] | None, values: dict[str, str] | None) -> None:
        """Choices made for this file before (the wizard closed and opened again)."""
        self.restored = dict(mapping or {})
        self.overridden = bool(self.restored)
        self.values = dict(values or {})

    def remembered(self) -> tuple[dict[str, str], dict[str, str]]:
        """(column choices, values for every row) to restore when the file is opened again."""
        if not self.sheets:
            return dict(self.restored), dict(self.values)
        choices = {h: f for s in self.sheets.values() for h, f in s.choices().items()} if self.overridden else {}
        return choices, {k: v for k, v in self.values.items() if v.strip()}

    def defaults(self) -> dict[str, str] | None:
        """Field -> the value every row takes, for required fields no column holds."""
        if not self.sheets:  # reopened: the values typed for this file before
            return {k: v.strip() for k, v in self.values.items() if v.strip()} or None
        wanted = {f.name for s in self.sheets.values() for f in s.value_fields()}
        out = {name: text.strip() for name, text in self.values.items() if name in wanted and text.strip()}
        return out or None

    def kinds(self) -> set[str]:
        """The kinds of the sheets the next read reads."""
        return {s.kind for s in self._read()}

    def set_reading(self, sheet: str | None) -> None:
        """The next read reads this sheet only (None: every sheet)."""
        self.reading = sheet
        self._refresh()

    def _read(self) -> list[_Sheet]:
        return [s for s in self.sheets.values() if self.reading is None or s.name == self.reading]

    def missing_required(self) -> list[tuple[str, str]]:
        """(sheet, field label) of required fields with neither a column nor a value for every row."""
        return [
            (s.name, f.label)
            for s in self.sheets.values()
            for f in s.missing_fields()
            if not self.values.get(f.name, "").strip()
        ]

    def forget(self, values: bool = False) -> None:
        """Another file, kind or profile: the next preview matches the columns afresh."""
        self.overridden = False
        self.restored = {}
        self.left_out = ""
        for s in self.sheets.values():  # the choices shown are again the ones the preview read
            for header, box in s.boxes.items():
                box.blockSignals(True)
                box.setCurrentIndex(max(0, box.findData(s.planned[header])))
                box.blockSignals(False)
        if values:
            self.values.clear()
            for s in self.sheets.values():
                for _, edit in s.missing.values():
                    edit.blockSignals(True)
                    edit.clear()
                    edit.blockSignals(False)
        self._refresh()

    # -- showing a preview's columns ------------------------------------------------------------------

    def show_plan(self, plan) -> None:
        shown = self.current_sheet()
        self.sheets.clear()
        while self.stack.count():
            page = self.stack.widget(0)
            self.stack.removeWidget(page)
            page.deleteLater()
        self.sheet.blockSignals(True)
        self.sheet.clear()
        if plan is not None and not plan.own:
            for name, (kind, shape) in plan.shapes.items():
                planned = {h: "" for h in plan.unmapped.get(name, [])}
                planned.update(plan.mappings.get(name, {}))
                order = [h for h in dict.fromkeys(shape) if h in planned] + [h for h in planned if h not in shape]
                sheet = _Sheet(name, kind, list(shape), {h: planned[h] for h in order},
                               scores=dict(plan.confidence.get(name, {})), ties=dict(plan.ties.get(name, {})))
                self.sheets[name] = sheet
                self.stack.addWidget(self._page(sheet))
                self.sheet.addItem(f"{name} ({KINDS[kind].plural})", name)
        at = self.sheet.findData(shown)
        self.sheet.setCurrentIndex(at if at >= 0 else 0)
        self.sheet.blockSignals(False)
        self._show_sheet_picker(len(self.sheets) > 1)
        self.save_button.setEnabled(bool(self.sheets))
        if self.sheets:
            self.hint.setText(HOW)
        else:
            self.hint.setText(OWN_LAYOUT if plan is not None and plan.own else NOTHING_YET)
        self._show_sheet()
        self._refresh()
        self._tab_order()

    def _tab_order(self) -> None:
        """Widgets made after the dialog come last in its Tab order: put them where they are seen,
        after the Save button and the sheet picker, before the dialog's own buttons."""
        chain = [self.save_button, self.sheet]
        for s in self.sheets.values():
            chain += list(s.boxes.values()) + [edit for _, edit in s.missing.values()]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def _show_sheet_picker(self, on: bool) -> None:
        self.sheet_label.setVisible(on)
        self.sheet.setVisible(on)

    def _show_sheet(self, *_args) -> None:
        at = self.sheet.currentIndex()
        if 0 <= at < self.stack.count():
            self.stack.setCurrentIndex(at)

    def _page(self, sheet: _Sheet) -> QWidget:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        bold = QFont()
        bold.setBold(True)
        for col, title in enumerate(("Column in the file", "Holds", "")):
            head = QLabel(title)
            head.setFont(bold)
            grid.addWidget(head, 0, col)
        kind = KINDS[sheet.kind]
        row = 1
        for header, fld in sheet.planned.items():
            name = QLabel(header)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setWordWrap(True)
            box = _FieldBox()
            box.addItem(IGNORE, "")
            for f in kind.fields:
                box.addItem(f.label + (" (required)" if f.required and f.name not in DERIVED.get(sheet.kind, ()) else ""), f.name)
            for f in desktop.extra_fields(sheet.kind):
                box.addItem(f"{f.label} (to find {'the lines' if f.name == 'items' else 'the authority'})", f.name)
            box.setCurrentIndex(max(0, box.findData(fld)))
            box.setAccessibleName(f"Field of column {header}")
            box.setToolTip(f"What the column {header!r} holds")
            status = QLabel("")
            status.setAccessibleName(f"State of column {header}")
            box.currentIndexChanged.connect(lambda _i, s=sheet, h=header: self._chosen(s, h))
            sheet.boxes[header] = box
            sheet.status[header] = status
            grid.addWidget(name, row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(status, row, 2)
            row += 1
        grid.setRowStretch(row, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.viewport().setAutoFillBackground(False)  # the tab's own background, not a grey box
        inner.setAutoFillBackground(False)
        scroll.setAccessibleName(f"Columns of sheet {sheet.name}")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the combo boxes, which scroll into view

        # Required fields no column holds: below the list, never scrolled out of sight.
        page = QWidget()
        page_lay = QVBoxLayout(page)
        page_lay.setContentsMargins(0, 0, 0, 0)
        page_lay.addWidget(scroll, 1)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        page_lay.addWidget(rule)
        sheet.rule = rule
        values = QGridLayout()
        values.setColumnStretch(0, 3)
        values.setColumnStretch(1, 5)
        page_lay.addLayout(values)
        row = 0
        for f in kind.fields:
            if f.name in DERIVED.get(sheet.kind, ()) or not (f.required or f.name in ASKED.get(sheet.kind, ())):
                continue
            label = QLabel(f"<b>{_html(f.label)}</b> " + ASKED_TEXT.get(f.name, "is not in the file: give a value for every row"))
            label.setWordWrap(True)
            edit = QLineEdit(self.values.get(f.name, ""))
            edit.setPlaceholderText(_example(f))
            edit.setAccessibleName(f"{f.label} of every row")
            edit.setClearButtonEnabled(True)
            if self.suggestions.get(f.name):  # pick a name the ledger has rather than type it blind
                completer = QCompleter(self.suggestions[f.name], edit)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.activated.connect(lambda text, name=f.name: self._value(name, text))
                edit.setCompleter(completer)
            edit.textEdited.connect(lambda text, name=f.name: self._value(name, text))
            label.setBuddy(edit)
            sheet.missing[f.name] = (label, edit)
            values.addWidget(label, row, 0)
            values.addWidget(edit, row, 1)
            row += 1
        return page

    # -- the user's choices ---------------------------------------------------------------------------

    def _chosen(self, sheet: _Sheet, header: str) -> None:
        fld = sheet.boxes[header].currentData() or ""
        if fld:  # a field is held by one column: the column that had it lets it go
            for other, box in sheet.boxes.items():
                if other != header and box.currentData() == fld:
                    box.blockSignals(True)
                    box.setCurrentIndex(0)
                    box.blockSignals(False)
        self.overridden = True
        self.left_out = ""
        self._refresh()
        self.changed.emit()

    def _value(self, name: str, text: str) -> None:
        self.values[name] = text
        for s in self.sheets.values():  # one value per field, whichever sheet it was typed on
            if name in s.missing and s.missing[name][1].text() != text:
                s.missing[name][1].setText(text)
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        for s in self.sheets.values():
            choices = s.choices()
            for header, status in s.status.items():
                now, before = choices[header], s.planned[header]
                score = s.scores.get(header)
                if now != before:
                    status.setText("changed: Preview to apply")
                elif header in s.ties:
                    status.setText("could be " + " or ".join(desktop.field_label(s.kind, f) for f in s.ties[header]) + ": choose")
                elif not now:
                    status.setText("not imported")
                elif score is not None and desktop.weak_match(score):
                    status.setText(f"weak match ({score}%): check")
                else:
                    status.setText(f"match {score if score is not None else 100}%")
                status.setStyleSheet("color: #a15c00;" if (header in s.ties or (now == before and now and score is not None and desktop.weak_match(score))) else "")
            missing = {f.name for f in s.value_fields()}
            for name, (label, edit) in s.missing.items():
                label.setVisible(name in missing)
                edit.setVisible(name in missing)
            if s.rule is not None:
                s.rule.setVisible(bool(missing))
        sheets = self._read()
        changed = self._changed_keys(sheets)
        text = self._clash_text({k: v for k, v in self._conflicts(sheets).items() if k in changed})
        if not text and self.left_out:
            text = "Not applied at the last preview: " + self.left_out
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    @staticmethod
    def _changed_keys(sheets: list[_Sheet]) -> set[str]:
        return {h.strip().casefold() for s in sheets for h, f in s.choices().items() if f != s.planned[h]}

    @staticmethod
    def _clash_text(clash: dict[str, tuple[str, list[str]]]) -> str:
        if not clash:
            return ""
        return (
            "; ".join(
                f"Column {h!r} is in sheets {', '.join(map(repr, names))} with different fields"
                for h, names in clash.values()
            )
            + ". One choice applies to every sheet, so each sheet matches it by its header: to choose it, "
            "import one sheet at a time (choose it under Sheet above)."
        )

    @staticmethod
    def _conflicts(sheets: list[_Sheet]) -> dict[str, tuple[str, list[str]]]:
        """Headers (case folded) that sheets give different fields: (the header, those sheets)."""
        fields: dict[str, set[str]] = {}
        where: dict[str, tuple[str, list[str]]] = {}
        for s in sheets:
            for header, fld in s.choices().items():
                key = header.strip().casefold()
                fields.setdefault(key, set()).add(fld)
                where.setdefault(key, (header, []))[1].append(s.name)
        return {key: where[key] for key, found in fields.items() if len(found) > 1}


def _example(f: Field) -> str:
    if f.type == "ref":
        return f"the name of {article(f.ref.replace('_', ' '))} in the ledger"
    if f.type == "date":
        return "a date, e.g. 2024-03-01"
    if f.type in ("cents", "signed_cents"):
        return "an amount, e.g. 725M"
    if f.type == "int":
        return "a whole number"
    if f.type == "choice":
        return "one of " + ", ".join(f.choices)
    return "a text"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
