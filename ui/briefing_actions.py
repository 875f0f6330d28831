"""File > Export briefing… and File > Print…: the ledger as a brief, as of the dashboard's date and grouping."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from ledger import briefing
from ledger.errors import LedgerError
from ledger.service import Ledger

from .briefing_pdf import MARGIN_MM, PAGE_SIZES, pdf_bytes, render
from .errors import show_problem

# File dialog filters: the one chosen says the format and, for a PDF, the paper.
FILTERS = {"PDF, A4 (*.pdf)": ("pdf", "a4"), "PDF, US Letter (*.pdf)": ("pdf", "letter"),
           "HTML page (*.html)": ("html", "a4")}


def local_paper() -> str:
    """US Letter where the locale measures in US units (the US, Canada's English, ...), A4 elsewhere."""
    return "letter" if QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "a4"


def export_briefing(parent: QWidget, ledger: Ledger, as_of: str, by: str) -> str | None:
    """Ask where to write the brief and in which form; write it. Returns the path written, or None."""
    default_filter = next(f for f, (kind, paper) in FILTERS.items() if kind == "pdf" and paper == local_paper())
    default = str(Path.home() / f"{Path(ledger.where).stem}-brief-{as_of}.pdf")
    path, chosen = QFileDialog.getSaveFileName(parent, "Export briefing", default, ";;".join(FILTERS), default_filter)
    if not path:
        return None
    kind, paper = FILTERS.get(chosen, ("pdf", local_paper()))
    if path.lower().endswith(".html") or path.lower().endswith(".htm"):
        kind = "html"
    elif not path.lower().endswith(f".{kind}"):
        path += f".{kind}"
    try:
        brief = briefing.build(ledger, as_of, by, paper)
        briefing.write_file(path, briefing.to_html(brief).encode() if kind == "html" else pdf_bytes(brief))
    except LedgerError as exc:
        show_problem(parent, "Export briefing", str(exc))
        return None
    return path


def print_briefing(parent: QWidget, ledger: Ledger, as_of: str, by: str) -> int:
    """Show the print dialog and print the brief on the chosen printer. Returns the pages printed (0: none)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    paper = local_paper()
    printer.setPageLayout(QPageLayout(QPageSize(PAGE_SIZES[paper]), QPageLayout.Orientation.Portrait,
                                      QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))
    printer.setDocName(f"{Path(ledger.where).stem} brief as of {as_of}")
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print briefing")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    chosen = printer.pageLayout().pageSize().id()
    paper = next((k for k, v in PAGE_SIZES.items() if v == chosen), "a4")
    try:
        return render(briefing.build(ledger, as_of, by, paper), printer)
    except OSError as exc:
        show_problem(parent, "Print briefing", f"Nothing was printed: {exc}")
        return 0
