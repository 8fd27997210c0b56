"""Showing, printing and saving the PDF documents the core renders.

The core hands out PDF bytes.  To preview or print them, the pages are
rasterised with pypdfium2 (``rasterise``) on the background runner, never on the
GUI thread; the GUI thread only paints the finished images into the printer
(Qt's print preview paints through the same QPrinter code path as printing, so
what is previewed is exactly what prints).  QImage is safe to build off the GUI
thread; QPixmap is not, and is not used here.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from casedesk.files import write_atomic
from casedesk.i18n import _

DPI = 200          # enough for a form's small print and a QR code; grey pages keep it at ~4 MB per A4


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: tuple[QImage, ...]
    sizes_pt: tuple[tuple[float, float], ...]     # each page's size in PDF points

    @property
    def page_count(self) -> int:
        return len(self.pages)


def rasterise(pdf_bytes: bytes, dpi: int = DPI) -> RenderedPdf:
    """PDF bytes -> grey page images.  Thread-safe enough for the one runner thread."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    pages, sizes = [], []
    try:
        for index in range(len(doc)):
            page = doc[index]
            width, height = page.get_size()
            bitmap = page.render(scale=dpi / 72.0, grayscale=True)
            fmt = QImage.Format_Grayscale8 if bitmap.n_channels == 1 else QImage.Format_RGB888 \
                if bitmap.n_channels == 3 else QImage.Format_RGB32
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt)
            if bitmap.n_channels == 3:
                image = image.rgbSwapped()          # pdfium's BGR
            pages.append(image.copy())               # own the pixels before the buffer goes
            sizes.append((float(width), float(height)))
            bitmap.close()
            page.close()
    finally:
        doc.close()
    return RenderedPdf(pdf=pdf_bytes, pages=tuple(pages), sizes_pt=tuple(sizes))


# ------------------------------------------------------------------ painting

def _setup_printer(printer: QPrinter, rendered: RenderedPdf, title: str) -> None:
    if rendered.sizes_pt:
        width, height = rendered.sizes_pt[0]
        landscape = width > height
        size = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Point, "",
                         QPageSize.FuzzyMatch)
        printer.setPageLayout(QPageLayout(size, QPageLayout.Landscape if landscape else QPageLayout.Portrait,
                                          QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)
    # Qt's "print to file" proposes the document name without its last suffix: a dossier code has dots
    # (000.00.31.H26-…), so without ".pdf" every receipt would be offered as "… 000.00.31.pdf"
    printer.setDocName(title if title.lower().endswith(".pdf") else f"{title}.pdf")


def paint_pages(printer: QPrinter, rendered: RenderedPdf) -> None:
    """Draw every page image onto ``printer``, one printer page each, keeping proportions."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
        pages = rendered.pages
        first = printer.fromPage() - 1 if printer.printRange() == QPrinter.PageRange else 0
        last = printer.toPage() - 1 if printer.printRange() == QPrinter.PageRange else len(pages) - 1
        first, last = max(0, first), min(len(pages) - 1, last)
        for number, index in enumerate(range(first, last + 1)):
            if number:
                printer.newPage()
            target = QRectF(printer.paperRect(QPrinter.DevicePixel))
            target.moveTo(0, 0)
            image = pages[index]
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(QRectF((target.width() - w) / 2, (target.height() - h) / 2, w, h), image)
    finally:
        painter.end()


def _print_with_dialog(parent: QWidget | None, printer: QPrinter, rendered: RenderedPdf) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("In"))
    if dialog.exec() != QPrintDialog.Accepted:
        return False
    paint_pages(printer, rendered)
    return True


# ------------------------------------------------------------------ public

def _rendered_then(pdf: bytes | RenderedPdf, runner, then: Callable[[RenderedPdf], None]) -> None:
    if isinstance(pdf, RenderedPdf):
        then(pdf)
    elif runner is not None:
        runner.run(lambda: rasterise(pdf), on_done=then, label=_("Đang chuẩn bị bản in…"))
    else:                               # scripts and tests without a runner
        then(rasterise(pdf))


def preview_pdf(parent: QWidget | None, pdf_bytes: bytes | RenderedPdf, title: str, *, runner=None) -> None:
    """Print preview of a PDF; Ctrl+P prints from it.  Pages are rasterised on ``runner``."""
    _rendered_then(pdf_bytes, runner, lambda rendered: _show_preview(parent, rendered, title))


def _show_preview(parent: QWidget | None, rendered: RenderedPdf, title: str) -> None:
    printer = QPrinter(QPrinter.HighResolution)
    _setup_printer(printer, rendered, title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(_("Xem trước khi in: {title}").format(title=title))
    dialog.paintRequested.connect(lambda p: paint_pages(p, rendered))
    dialog.resize(980, 720)

    def print_now() -> None:
        if _print_with_dialog(dialog, printer, rendered):
            dialog.accept()

    shortcut = QShortcut(QKeySequence.Print, dialog)
    shortcut.setContext(Qt.WindowShortcut)
    shortcut.activated.connect(print_now)
    dialog.exec()


def print_pdf(parent: QWidget | None, pdf_bytes: bytes | RenderedPdf, title: str = "", *, runner=None) -> None:
    """Straight to the print dialog (no preview)."""
    def go(rendered: RenderedPdf) -> None:
        printer = QPrinter(QPrinter.HighResolution)
        _setup_printer(printer, rendered, title)
        _print_with_dialog(parent, printer, rendered)

    _rendered_then(pdf_bytes, runner, go)


def safe_file_name(name: str) -> str:
    """A file name Windows and Linux both accept; keeps Vietnamese letters."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", name).strip(" .")
    return name or "tai-lieu"


def save_pdf(parent: QWidget | None, pdf_bytes: bytes, suggested_name: str) -> Path | None:
    """Ask where to save; returns the path written, or None if the user cancelled."""
    name = safe_file_name(suggested_name)
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    start = Path.home() / name
    path, _filter = QFileDialog.getSaveFileName(parent, _("Lưu tệp PDF"), str(start), _("Tệp PDF (*.pdf)"))
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_suffix(".pdf")
    return write_atomic(target, pdf_bytes)      # whole or not at all; a sentence if it cannot be written


def open_in_viewer(pdf_bytes: bytes, name: str) -> Path:
    """Write to a temporary file and open it in the system's PDF viewer."""
    folder = Path(tempfile.gettempdir()) / "casedesk-pdf"
    folder.mkdir(parents=True, exist_ok=True)
    file_name = safe_file_name(name)
    if not file_name.lower().endswith(".pdf"):
        file_name += ".pdf"
    target = folder / file_name
    target.write_bytes(pdf_bytes)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
    return target
