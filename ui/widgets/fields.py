"""Form fields that say what is wrong under themselves, never by clearing what was typed."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

OK_MARK = "✓"
BAD_MARK = "✗"

STYLE = """
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {
    border: 2px solid #c62828; border-radius: 3px; background: #fff5f5; }
QLabel[role="field-error"] { color: #b71c1c; }
QLabel[role="field-hint"] { color: #555555; }
QLabel[role="mark-ok"] { color: #2e7d32; font-weight: bold; }
QLabel[role="mark-bad"] { color: #c62828; font-weight: bold; }
"""


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Red frame on any input widget (the style sheet above reads the property)."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class MessageLabel(QLabel):
    """The line under a field: an error in red, or a quiet hint."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.PlainText)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        self.hint("")

    def error(self, text: str) -> None:
        self._show(text, "field-error")

    def hint(self, text: str) -> None:
        self._show(text, "field-hint")

    def _show(self, text: str, role: str) -> None:
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.setVisible(bool(text))


class CheckedLineEdit(QWidget):
    """A line edit with a ✓/✗ mark beside it and a message line under it.

    ``validator(text) -> str | None`` returns an error message (None when fine); it
    runs while typing once the field has been left once or holds enough text, so a
    half-typed ID is not shouted at.  ``set_error`` marks the field from outside
    (an error from the core) without touching the text.
    """

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, validator=None, min_chars_live: int = 0,
                 placeholder: str = ""):
        super().__init__(parent)
        self.validator = validator
        self.min_chars_live = min_chars_live
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.mark = QLabel(self)
        self.mark.setFixedWidth(18)
        self.mark.setAlignment(Qt.AlignCenter)
        self.message = MessageLabel(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.edit, 1)
        row.addWidget(self.mark)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addLayout(row)
        box.addWidget(self.message)
        self.setFocusProxy(self.edit)
        self._left_once = False
        self.edit.textEdited.connect(self._on_edited)
        self.edit.editingFinished.connect(self._on_finished)

    # -- text --------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt style
        self.edit.setText(text)
        self.revalidate()

    def clear(self) -> None:
        self.edit.clear()
        self._left_once = False
        self.clear_state()

    # -- state -------------------------------------------------------------
    def clear_state(self) -> None:
        self.mark.setText("")
        self.mark.setProperty("role", "")
        self.message.hint("")
        set_invalid(self.edit, False)

    def set_error(self, text: str) -> None:
        self._set_mark(BAD_MARK, "mark-bad")
        self.message.error(text)
        set_invalid(self.edit, True)

    def set_ok(self, hint: str = "") -> None:
        self._set_mark(OK_MARK, "mark-ok")
        self.message.hint(hint)
        set_invalid(self.edit, False)

    def has_error(self) -> bool:
        return bool(self.edit.property("invalid"))

    def _set_mark(self, text: str, role: str) -> None:
        self.mark.setText(text)
        self.mark.setProperty("role", role)
        self.mark.style().unpolish(self.mark)
        self.mark.style().polish(self.mark)

    def revalidate(self) -> str | None:
        """Run the validator now; returns its message."""
        if self.validator is None:
            return None
        text = self.edit.text()
        if not text.strip():
            self.clear_state()
            return None
        message = self.validator(text)
        if message:
            self.set_error(message)
        else:
            self.set_ok()
        return message

    def _on_edited(self, text: str) -> None:
        self.edited.emit(text)
        if self.validator is None:
            if self.has_error():          # the user is fixing it: stop shouting
                self.clear_state()
            return
        if self._left_once or len(text.strip()) >= self.min_chars_live:
            self.revalidate()
        elif self.has_error():
            self.clear_state()

    def _on_finished(self) -> None:
        if self.edit.text().strip():
            self._left_once = True
        if self.validator is not None:
            self.revalidate()
