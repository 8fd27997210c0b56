"""Small forms for the actions that need a word from the user: a reason, an officer, a new date.

The dialog stays open while the action runs on the background runner: if the
core refuses the input, the field is marked and everything typed stays; only a
success closes it.  Ctrl+Enter confirms from anywhere in the dialog.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLayout, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget)

from casedesk.errors import BadInput, CaseDeskError
from casedesk.i18n import _
from casedesk.services.assignment import OfficerLoad

from ..errors import show_error
from .fields import MessageLabel, set_invalid


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No; No is the default so an Enter typed too fast does not confirm."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


class ActionDialog(QDialog):
    """``values()`` -> dict; ``action(values)`` runs on the runner; ``result_value`` holds its return."""

    def __init__(self, parent: QWidget | None, runner, *, title: str, intro: str, ok_text: str,
                 action: Callable[[dict], Any]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.runner = runner
        self.action = action
        self.result_value: Any = None
        self.inputs: dict[str, QWidget] = {}
        self.messages: dict[str, MessageLabel] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        heading = QLabel(intro, self)
        heading.setWordWrap(True)
        self.general = MessageLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setToolTip(_("Ctrl+Enter"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.submit)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addLayout(self.form)
        box.addWidget(self.general)
        box.addWidget(self.buttons)

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        holder = QWidget(self)
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(1)
        inner.addWidget(widget)
        message = MessageLabel(holder)
        inner.addWidget(message)
        self.form.addRow(label, holder)
        self.inputs[name] = widget
        self.messages[name] = message
        return widget

    def values(self) -> dict:
        raise NotImplementedError

    def check(self, values: dict) -> dict[str, str]:
        """Field -> message for what is plainly missing, before asking the core."""
        return {}

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        for name, widget in self.inputs.items():
            set_invalid(widget, False)
            self.messages[name].hint("")
        self.general.hint("")
        values = self.values()
        problems = self.check(values)
        if problems:
            for name, text in problems.items():
                self.mark(name, text)
            return
        self.ok_button.setEnabled(False)
        self.runner.run(lambda: self.action(values), on_done=self._done, on_error=self._failed,
                        label=self.windowTitle())

    def mark(self, name: str, text: str) -> None:
        widget = self.inputs.get(name)
        if widget is None:
            self.general.error(text)
            return
        set_invalid(widget, True)
        self.messages[name].error(text)
        widget.setFocus()
        self._fit()

    def _fit(self) -> None:
        """A message just appeared: make room for every wrapped line instead of overlapping the next field."""
        self.layout().activate()
        need = self.layout().totalHeightForWidth(self.width()) if self.layout().hasHeightForWidth() else \
            self.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.ok_button.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, BadInput):
            self.mark(exc.field if exc.field in self.inputs else "", exc.message)
        elif isinstance(exc, CaseDeskError):
            self.general.error(exc.message)
            self._fit()
        else:
            show_error(self, exc)


class ReasonDialog(ActionDialog):
    """A note, required or not (return, refuse, supplement request, withdraw)."""

    def __init__(self, parent, runner, *, title: str, intro: str, ok_text: str, action, required: bool,
                 label: str | None = None, text: str = ""):
        super().__init__(parent, runner, title=title, intro=intro, ok_text=ok_text, action=action)
        self.required = required
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setPlainText(text)
        self.note.setMinimumHeight(90)
        self.add_field("note", label or (_("Lý do") if required else _("Ghi chú")), self.note)
        self.note.setFocus()

    def values(self) -> dict:
        return {"note": self.note.toPlainText().strip()}

    def check(self, values: dict) -> dict[str, str]:
        if self.required and not values["note"]:
            return {"note": _("Phải ghi lý do.")}
        return {}


class WithdrawDialog(ReasonDialog):
    """The citizen withdraws: a note and, when a fee was collected, whether it was handed back (form 05
    speaks of a refund only when one is recorded here)."""

    def __init__(self, parent, runner, *, fee_text: str, **kwargs):
        super().__init__(parent, runner, required=False, **kwargs)
        self.refund = QCheckBox(_("Đã hoàn trả phí, lệ phí đã nộp ({fee})").format(fee=fee_text), self)
        self.add_field("refund", "", self.refund)
        self.note.setFocus()

    def values(self) -> dict:
        return {**super().values(), "refund": self.refund.isChecked()}


def load_text(officer: OfficerLoad) -> str:
    """``Lê Văn Hùng — 2 hồ sơ lĩnh vực này · 5 tất cả`` (open cases in their hands)."""
    text = _("{name} — {n} hồ sơ lĩnh vực này · {total} tất cả").format(
        name=officer.full_name, n=officer.open_in_field, total=officer.open_total)
    if officer.on_duty is False:
        text += " · " + _("không trực")
    return text


class AssignDialog(ActionDialog):
    """Only the officers who may take the case (``assignment.candidates``), the least loaded first and
    proposed, each with the open work in their hands."""

    def __init__(self, parent, runner, *, officers: list[OfficerLoad], field_name: str, current: str | None,
                 action):
        intro = _("Chọn công chức chuyên môn giải quyết hồ sơ (lĩnh vực {field}). Người đang ít việc nhất "
                  "được đề xuất trước; số bên tên là hồ sơ đang giải quyết.").format(field=field_name)
        if current:
            intro += " " + _("Hiện do {name} xử lý.").format(name=current)
        super().__init__(parent, runner, title=_("Chuyển xử lý"), intro=intro, ok_text=_("Chuyển xử lý"),
                         action=action)
        self.layout().setSizeConstraint(QLayout.SetMinimumSize)   # a long refusal grows the dialog
        self.officer = QComboBox(self)
        self.officer.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        for officer in officers:
            self.officer.addItem(load_text(officer), officer.login)
        if officers:
            self.officer.setCurrentIndex(0)
        self.add_field("to", _("Cán bộ"), self.officer)
        if not officers:
            self.messages["to"].error(_("Không có công chức nào đang làm việc phụ trách lĩnh vực {field}. "
                                        "Quản trị cần giao lĩnh vực cho một công chức.").format(field=field_name))
            self.ok_button.setEnabled(False)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(70)
        self.add_field("note", _("Ghi chú"), self.note)
        self.officer.setFocus()

    def values(self) -> dict:
        return {"to": self.officer.currentData() or "", "note": self.note.toPlainText().strip()}

    def check(self, values: dict) -> dict[str, str]:
        return {} if values["to"] else {"to": _("Chưa có công chức nào để chuyển.")}


class ExtendDialog(ActionDialog):
    """Apology and a new date (form 04): once per case."""

    def __init__(self, parent, runner, *, due: dt.date, action):
        super().__init__(parent, runner, title=_("Xin lỗi và gia hạn"),
                         intro=_("Hẹn lại ngày trả kết quả (chỉ được một lần, chậm nhất 1 ngày làm việc "
                                 "trước hạn {due}). Sau khi lưu sẽ in văn bản xin lỗi (mẫu 04).")
                         .format(due=due.strftime("%d/%m/%Y")),
                         ok_text=_("Gia hạn và in mẫu 04"), action=action)
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        proposed = due + dt.timedelta(days=3 if due.weekday() < 2 else 5)
        self.date.setMinimumDate(QDate(due.year, due.month, due.day).addDays(1))
        self.date.setDate(QDate(proposed.year, proposed.month, proposed.day))
        self.add_field("to_date", _("Ngày hẹn mới"), self.date)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(80)
        self.add_field("note", _("Lý do chậm"), self.note)
        self.date.setFocus()

    def values(self) -> dict:
        d = self.date.date()
        return {"to_date": dt.date(d.year(), d.month(), d.day()), "note": self.note.toPlainText().strip()}

    def check(self, values: dict) -> dict[str, str]:
        return {} if values["note"] else {"note": _("Phải ghi lý do.")}
