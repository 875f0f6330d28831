"""A brief drawn on paper: PDF files and printers, through Qt's own PDF and print path.

The text is ledger/briefing.py's HTML laid out by QTextDocument, page by page, on a QPdfWriter or a
QPrinter (both QPagedPaintDevice): real text in embedded fonts, selectable and searchable. Qt's rich
text has no SVG, so the HTML holds an empty image where the chart goes and the chart's SVG is drawn over
it with QSvgRenderer, which paints vector paths and text, never pixels.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from ledger.briefing import Brief, to_html

PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 15
CHART_URL = "brief-chart:"
CHART_WIDTH, CHART_HEIGHT = 680, 210  # the SVG's own size; the placeholder keeps its shape
PDF_DPI = 300


def ensure_app() -> None:
    """QTextDocument and fonts need a QGuiApplication; the command line makes an offscreen one."""
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        ensure_app.app = QGuiApplication(["aid-ledger"])  # kept alive for the process


def pdf_bytes(brief: Brief) -> bytes:
    """The brief as a PDF document on its paper (A4 or US Letter)."""
    ensure_app()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"{brief.title}: brief as of {brief.as_of}")
    writer.setCreator(f"Aid Ledger {brief.version}")
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_SIZES[brief.paper]), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))
    render(brief, writer)
    buf.close()
    return bytes(buf.data())


def layout(brief: Brief, device: QPagedPaintDevice) -> tuple[QTextDocument, QRectF, float]:
    """The brief's document laid out in pages of `device`: (document, page body, footer height)."""
    res = device.resolution() if hasattr(device, "resolution") else device.logicalDpiX()
    page = device.pageLayout().paintRectPixels(res)
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setDefaultFont(_font(8))
    doc.setDocumentMargin(0)
    # The placeholder is as wide as the text and keeps the chart's shape; sizes are in the device's pixels
    # at 96 dpi, as Qt's rich text scales images by the device's dpi.
    width96 = page.width() * 96 / res
    placeholder = QImage(1, 1, QImage.Format.Format_ARGB32)
    placeholder.fill(Qt.GlobalColor.transparent)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), placeholder)
    img = (f'<img src="{CHART_URL}" width="{int(width96)}" height="{int(width96 * CHART_HEIGHT / CHART_WIDTH)}">')
    doc.setHtml(to_html(brief, chart=img, page_css=False))
    footer = res * 9 / 72 * 1.8  # two 9-point lines' worth below the body
    body = QRectF(0, 0, page.width(), page.height() - footer)
    doc.setPageSize(body.size())
    return doc, body, footer


def chart_rect(doc: QTextDocument) -> QRectF | None:
    """Where the layout put the chart's placeholder, in document coordinates."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() == CHART_URL:
                rel = frag.position() - block.position()
                line = block.layout().lineForTextPosition(rel)
                origin = doc.documentLayout().blockBoundingRect(block).topLeft()
                x0 = line.cursorToX(rel)[0]
                x1 = line.cursorToX(rel + 1)[0]
                return QRectF(origin.x() + x0, origin.y() + line.y(), x1 - x0, line.ascent())
            it += 1
        block = block.next()
    return None


def render(brief: Brief, device: QPagedPaintDevice) -> int:
    """Draw the brief on `device` page by page (a QPdfWriter or a QPrinter); returns the number of pages."""
    doc, body, footer = layout(brief, device)
    chart = chart_rect(doc)
    svg = QSvgRenderer(QByteArray(brief.svg(CHART_WIDTH, CHART_HEIGHT).encode()))
    pages = doc.pageCount()
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer or file could not be opened for drawing")
    try:
        for i in range(pages):
            if i:
                device.newPage()
            top = i * body.height()
            painter.save()
            painter.setClipRect(body)
            painter.translate(0, -top)
            # A line that starts exactly at the page's end belongs to the next page: the clip must not reach it,
            # or it would be written here too, invisible but found by a search of this page.
            doc.drawContents(painter, QRectF(0, top, body.width(), body.height() - 0.01))
            if chart is not None and top <= chart.top() < top + body.height():
                svg.render(painter, chart)
            painter.restore()
            _footer(painter, brief, body, footer, i + 1, pages)
    finally:
        painter.end()
    return pages


def _font(points: float) -> QFont:
    """DejaVu Sans without ligatures: a PDF reader's search and copy then find "first", not "\ufb01rst"."""
    font = QFont("DejaVu Sans")
    font.setPointSizeF(points)
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _footer(painter: QPainter, brief: Brief, body: QRectF, height: float, page: int, pages: int) -> None:
    painter.setFont(_font(7))
    painter.setPen(QColor("#444444"))
    rect = QRectF(0, body.bottom(), body.width(), height)
    flags = Qt.AlignmentFlag.AlignBottom
    number = f"Page {page} of {pages}"
    metrics = painter.fontMetrics()
    room = int(body.width() - metrics.horizontalAdvance(number) * 1.5)
    # A long ledger name gives way (elided in the middle) rather than run into the page number.
    left = f"as of {brief.as_of} · fingerprint {brief.fingerprint[:16]}"
    title = metrics.elidedText(brief.title, Qt.TextElideMode.ElideMiddle, max(room - metrics.horizontalAdvance(left + ", "), 0))
    painter.drawText(rect, flags | Qt.AlignmentFlag.AlignLeft, f"{title}, {left}")
    painter.drawText(rect, flags | Qt.AlignmentFlag.AlignRight, number)


__all__ = ["pdf_bytes", "render", "layout", "ensure_app"]
