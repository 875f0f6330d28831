"""The form for a new record: one line per field, references typed by name with completion, a
delivery's line chosen among its package's lines; warnings asked about before it is written."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ledger.errors import LedgerError, ValidationError, WarningsNotAccepted
from ledger.model import KINDS
from ledger.service import Ledger

from .confirm import Confirm, ask_accept_warnings
from .convert import InputProblem, to_value


def line_choices(ledger: Ledger, pkg: Any) -> dict[str, int]:
    """A package's lines by the text a person picks them by: 'PDA 5: Javelin (2,000)' -> line id."""
    out: dict[str, int] = {}
    for line in ledger.records("line", where="package_id = ?", params=[pkg.id]):
        qty = f"{line.quantity:,}" + (f" {line.unit}" if line.unit else "") if line.quantity is not None else ""
        text = f"{pkg.number}: {line.description}" + (f" ({qty})" if qty else "")
        if text in out:
            text = f"{text} [line {line.id}]"
        out[text] = line.id
    return out


class RecordDialog(QDialog):
    """A form for a new record: one line per field, references typed by name (with completion)."""

    def __init__(self, ledger: Ledger, kind: str, day_first: bool | None, parent=None):
        super().__init__(parent)
        self.ledger = ledger
        self.kind = KINDS[kind]
        self.day_first = day_first
        self.record: Any = None
        self.setWindowTitle(f"New {kind.replace('_', ' ')}")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for f in self.kind.fields:
            edit = QLineEdit()
            edit.setAccessibleName(f.label)
            hint = {
                "cents": "e.g. 725M or 1,234.56",
                "signed_cents": "e.g. -2.5 bn",
                "date": "e.g. 2024-12-02",
                "aliases": "separated by ;",
                "int": "a whole number",
            }.get(f.type, "")
            if f.type == "choice":
                hint = " / ".join(f.choices)
                edit.setCompleter(QCompleter(list(f.choices), edit))
            if f.type == "ref" and f.ref == "line" and "package_id" in {g.name for g in self.kind.fields}:
                edit.setCompleter(QCompleter([], edit))
                edit.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                edit.completer().setFilterMode(Qt.MatchFlag.MatchContains)
                hint = "a line of the package above, e.g. PDA 5: Javelin (2,000)"
            elif f.type == "ref":
                names = [str(getattr(r, KINDS[f.ref].label_field)) for r in ledger.search(f.ref, limit=2000)]
                edit.setCompleter(QCompleter(names, edit))
                edit.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                hint = f"name of the {f.ref.replace('_', ' ')}"
            edit.setPlaceholderText(hint)
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(hint or "x" * 30) + 40)
            form.addRow(f.label + (" *" if f.required else ""), edit)
            self.edits[f.name] = edit
        lay.addLayout(form)
        self.line_choices: dict[str, int] = {}  # the line picker's texts -> line ids
        if "line_id" in self.edits and "package_id" in self.edits:
            self.edits["package_id"].textChanged.connect(self._package_changed)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _package_changed(self, text: str) -> None:
        """The line picker offers the lines of the package typed above, as 'PDA 5: Javelin (2,000)'."""
        pkg = self.ledger.find("package", text.strip()) if text.strip() else None
        self.line_choices = line_choices(self.ledger, pkg) if pkg else {}
        from PySide6.QtCore import QStringListModel

        self.edits["line_id"].completer().setModel(QStringListModel(list(self.line_choices), self))

    def values(self) -> dict[str, Any]:
        out = {}
        for f in self.kind.fields:
            text = self.edits[f.name].text()
            if f.name == "line_id" and text.strip() in self.line_choices:
                out[f.name] = self.line_choices[text.strip()]
                continue
            try:
                out[f.name] = to_value(self.ledger, f, text, self.day_first)
            except InputProblem:
                self._go_to(f.name)
                raise
        return out

    def _go_to(self, field: str) -> None:
        """The cursor to the field a message is about, its text selected to type over."""
        if edit := self.edits.get(field):
            edit.setFocus()
            edit.selectAll()

    def try_accept(self, confirm: Confirm = ask_accept_warnings) -> None:
        try:
            rec = self.kind.cls(**self.values())
            try:
                self.record = self.ledger.add(rec)
            except WarningsNotAccepted as exc:
                if not confirm(self, exc.problems):
                    return
                self.record = self.ledger.add(rec, accept_warnings=True)
        except InputProblem as exc:
            self.message.setText(str(exc))
            return
        except ValidationError as exc:
            self.message.setText("\n".join(f"{p.label}: {p.message}" for p in exc.problems))
            self._go_to(exc.problems[0].field if exc.problems else "")
            return
        except LedgerError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
