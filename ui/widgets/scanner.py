"""A keyboard-wedge barcode/QR reader types a dossier code and Enter, wherever the focus is.

The reader is a keyboard: its keys arrive in the focused widget like typing,
only much faster (a few milliseconds apart; people type 100 ms or more apart).
This application-wide filter watches the rhythm.  When a fast burst that looks
like a dossier code ends with Enter, it takes back the burst from the field it
landed in (what the person had typed there stays), swallows the Enter and
asks for the case to open.  Widgets that want the scanned code themselves
(the search box, the delivery screen's code field) set the Qt property
``scanTarget`` and are left alone.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from casedesk import receipt_seal
from casedesk.search import classify

MAX_GAP = 0.05          # seconds between two keys of one burst
MIN_LENGTH = 15         # "000.00.31.H26-261023-0007" is 25 characters; a short unit code still > 15


SEAL_WAIT = 2.0         # seconds from a code's Enter to the end of its receipt signature's burst


class WedgeScanner(QObject):
    """A receipt's QR code (``receipt_seal``) holds the code, a newline and the office's signature:
    the reader types the code and Enter (which opens the case as any code does), then the signature
    (``CD1-`` and digits) and Enter.  That second burst, coming right after a code, is taken back
    wherever it landed and reported with its code as ``receipt_scanned``."""

    scanned = Signal(str)           # the dossier code read
    receipt_scanned = Signal(str)   # a receipt's whole QR text: the code, a newline, the signature

    def __init__(self, parent: QObject | None = None, clock=time.monotonic):
        super().__init__(parent)
        self.clock = clock
        self.enabled = True
        self._burst: list[str] = []
        self._last = 0.0
        self._code: tuple[str, float] | None = None     # the last code read, and when

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self.enabled or event.type() != QEvent.KeyPress:
            return False
        focus = QApplication.focusWidget()
        if obj is not (focus if focus is not None else getattr(obj, "window", lambda: None)()):
            return False             # the same key seen again on its way up to the parents
        key_event: QKeyEvent = event
        now = self.clock()
        gap = now - self._last
        self._last = now
        if key_event.key() in (Qt.Key_Return, Qt.Key_Enter):
            burst, self._burst = "".join(self._burst), []
            if gap > MAX_GAP * 2 or len(burst) < MIN_LENGTH:
                return False
            if receipt_seal.looks_sealed(burst) and self._code and now - self._code[1] <= SEAL_WAIT:
                text = f"{self._code[0]}\n{burst}"
                self._code = None
                if receipt_seal.parse(text) is None:
                    return False
                self._take_back(focus, burst)
                self.receipt_scanned.emit(text)
                return True
            kind, code = classify(burst)
            if kind == "code":
                self._code = (code, now)
            if kind != "code" or (focus is not None and focus.property("scanTarget")):
                return False
            if QApplication.activeModalWidget() is not None:
                return False         # a dialog is waiting for an answer: do not open a case over it
            self._take_back(focus, burst)
            self.scanned.emit(code)
            return True
        text = key_event.text()
        if len(text) != 1 or not text.isprintable() or key_event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            self._burst = []
            return False
        if gap > MAX_GAP:
            self._burst = []
        self._burst.append(text)
        return False

    @staticmethod
    def _take_back(widget: QWidget | None, burst: str) -> None:
        """Remove the scanned characters from the field they were typed into."""
        n = len(burst)
        if isinstance(widget, QLineEdit) and not widget.isReadOnly():
            pos = widget.cursorPosition()
            if widget.text()[max(0, pos - n):pos] == burst:
                widget.setSelection(pos - n, n)
                widget.del_()
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)) and not widget.isReadOnly():
            cursor = widget.textCursor()
            cursor.movePosition(QTextCursor.Left, QTextCursor.KeepAnchor, n)
            if cursor.selectedText() == burst:
                cursor.removeSelectedText()
