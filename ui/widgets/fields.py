"""Form fields that say what is wrong under themselves, never by clearing what was typed."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

OK_MARK = "✓"
BAD_MARK = "✗"

INVALID_CSS = "border: 2px solid #c62828; border-radius: 3px; background: #fff5f5;"
COLOURS = {"field-error": "#b71c1c", "field-hint": "#555555", "field-warning": "#8a5a00", "mark-ok": "#2e7d32",
           "mark-bad": "#c62828"}


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """A red frame on an input widget; the ``invalid`` property says the same to tests and tools."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    name = type(widget).__name__
    widget.setStyleSheet(f"{name} {{ {INVALID_CSS} }}" if invalid else "")


def set_role(label: QLabel, role: str) -> None:
    """Colour a label by what it says: an error, a quiet hint, a ✓ or a ✗."""
    label.setProperty("role", role)
    colour = COLOURS.get(role)
    weight = " font-weight: bold;" if role.startswith("mark") else ""
    label.setStyleSheet(f"QLabel {{ color: {colour};{weight} }}" if colour else "")


PRIMARY_CSS = ("QPushButton { background: #1f5fa8; color: white; font-weight: bold; padding: 6px 16px; "
               "border-radius: 4px; border: 1px solid #174a84; } "
               "QPushButton:focus { border: 2px solid #f2b600; } "
               "QPushButton:disabled { background: #9db3cc; }")


def make_primary(button: QPushButton) -> QPushButton:
    """The one main action of a screen: blue, bold, with a visible focus ring."""
    button.setStyleSheet(PRIMARY_CSS)
    return button


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

    def warn(self, text: str) -> None:
        """Something to check, not a refusal: amber, and nothing blocked."""
        self._show(text, "field-warning")

    def _show(self, text: str, role: str) -> None:
        if self.property("role") != role:
            set_role(self, role)
        self.setText(text)
        self.setVisible(bool(text))


class CheckedLineEdit(QWidget):
    """A line edit with a ✓/✗ mark beside it and a message line under it.

    ``validator(text) -> str | None`` returns an error message (None when fine); it
    runs while typing once the field has been left once or holds ``min_chars_live``
    letters or digits (spaces and dots not counted), so a half-typed ID or phone
    number is not shouted at.  ``set_error`` marks the field from outside
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
        set_role(self.mark, role)

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
        if self._left_once or sum(ch.isalnum() for ch in text) >= self.min_chars_live:
            self.revalidate()
        elif self.has_error():
            self.clear_state()

    def _on_finished(self) -> None:
        if self.edit.text().strip():
            self._left_once = True
        if self.validator is not None:
            self.revalidate()
