"""Printing to a file from the print dialog proposes the whole dossier code as the file name."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtPrintSupport import QPrinter

from ui.printing import RenderedPdf, _setup_printer


def test_the_document_name_keeps_the_dossier_code(qapp):
    printer = QPrinter()
    rendered = RenderedPdf(pdf=b"", pages=(), sizes_pt=((595.0, 842.0),))
    _setup_printer(printer, rendered, "Giấy tiếp nhận 000.00.31.H26-261202-0007")
    assert printer.docName() == "Giấy tiếp nhận 000.00.31.H26-261202-0007.pdf"
    # what the dialog offers: the name without its last suffix, then ".pdf"
    assert QFileInfo(printer.docName()).completeBaseName() == "Giấy tiếp nhận 000.00.31.H26-261202-0007"
    assert Path(printer.docName()).suffix == ".pdf"
