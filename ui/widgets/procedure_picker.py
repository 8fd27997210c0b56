"""Choose a procedure by typing part of its name or code, with or without accents.

"khai sinh", "khai sinh lai", "HT-01" all work: the matching is the core's
``catalogue.find_procedures`` (accent-folded), run on the background runner a
moment after the last key.  Down/Up walk the popup, Enter takes the highlighted
procedure, or the only/first match when the popup is not open.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QVBoxLayout, QWidget

from casedesk.i18n import _, format_money
from casedesk.services import catalogue
from casedesk.services.views import ProcedureView

from .fields import MessageLabel, set_invalid

VIEW_ROLE = Qt.UserRole + 1


def deadline_text(proc: ProcedureView) -> str:
    if proc.same_day:
        return _("trong ngày")
    return _("{n} ngày làm việc").format(n=proc.days)


def summary(proc: ProcedureView) -> str:
    """``Hộ tịch · 3 ngày làm việc · Miễn phí``."""
    return _("{field} · {deadline} · {fee}").format(field=proc.field_name, deadline=deadline_text(proc),
                                                    fee=format_money(proc.fee))


class ProcedurePicker(QWidget):
    chosen = Signal(object)            # ProcedureView, or None when the choice is cleared

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self._proc: ProcedureView | None = None
        self._matches: list[ProcedureView] = []
        self._asked = ""
        self._setting = False
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(_("Gõ tên hoặc mã thủ tục (không dấu cũng được)…"))
        self.edit.setClearButtonEnabled(True)
        self.info = MessageLabel(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.edit)
        box.addWidget(self.info)
        self.setFocusProxy(self.edit)

        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.completer.setWidget(self.edit)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated[QModelIndex].connect(self._activated)
        self.timer = QTimer(self, singleShot=True, interval=150)
        self.timer.timeout.connect(self._search)
        self.edit.textEdited.connect(self._edited)
        self.edit.returnPressed.connect(self._enter)

    # -- public ------------------------------------------------------------
    def procedure(self) -> ProcedureView | None:
        return self._proc

    def text(self) -> str:
        return self.edit.text()

    def set_procedure(self, proc: ProcedureView | None) -> None:
        self._proc = proc
        self._setting = True
        try:
            self.edit.setText(f"{proc.code} · {proc.name}" if proc else "")
        finally:
            self._setting = False
        self.completer.popup().hide()
        self.info.hint(summary(proc) if proc else "")
        set_invalid(self.edit, False)
        self.chosen.emit(proc)

    def clear(self) -> None:
        self._matches = []
        self.model.clear()
        self.set_procedure(None)

    def set_error(self, text: str) -> None:
        self.info.error(text)
        set_invalid(self.edit, True)

    def search_now(self) -> None:
        """Run the pending search at once (tests, and Enter typed quickly)."""
        self.timer.stop()
        self._search()

    # -- internals ---------------------------------------------------------
    def _edited(self, text: str) -> None:
        if self._setting:
            return
        if self._proc is not None:               # typing again: the old choice no longer holds
            self._proc = None
            self.chosen.emit(None)
        set_invalid(self.edit, False)
        self.info.hint("")
        if text.strip():
            self.timer.start()
        else:
            self.timer.stop()
            self.completer.popup().hide()

    def _search(self) -> None:
        text = self.edit.text().strip()
        if not text or self._proc is not None:
            return
        self._asked = text
        self.runner.run(lambda: catalogue.find_procedures(text), on_done=lambda found: self._show(text, found))

    def _show(self, text: str, found: list[ProcedureView]) -> None:
        if text != self.edit.text().strip() or self._proc is not None:
            return                               # the user typed on; a newer search is coming
        self._matches = list(found)
        self.model.clear()
        for proc in found:
            item = QStandardItem(f"{proc.code}  {proc.name}  —  {summary(proc)}")
            item.setData(proc, VIEW_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if not found:
            self.info.error(_("Không có thủ tục nào khớp “{text}”.").format(text=text))
            self.completer.popup().hide()
            return
        self.info.hint(_("{n} thủ tục khớp: ↓ để chọn, Enter để lấy thủ tục đầu tiên.").format(n=len(found)))
        if self.edit.hasFocus():
            self.completer.complete()
            self.completer.popup().setCurrentIndex(self.model.index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        proc = index.data(VIEW_ROLE)
        if proc is not None:
            self.set_procedure(proc)
            self.focusNextChild()

    def _enter(self) -> None:
        if self._proc is not None:
            self.focusNextChild()
            return
        if self.timer.isActive() or self._asked != self.edit.text().strip():
            # typed faster than the search: ask now and take the first match when it comes
            self.timer.stop()
            text = self.edit.text().strip()
            if text:
                self._asked = text
                self.runner.run(lambda: catalogue.find_procedures(text),
                                on_done=lambda found: self._take_first(text, found))
            return
        if self._matches:
            self._activated(self.model.index(0, 0))

    def _take_first(self, text: str, found: list[ProcedureView]) -> None:
        if text != self.edit.text().strip() or self._proc is not None:
            return
        if not found:
            self._show(text, found)          # says nothing matched
            return
        self._matches = list(found)
        self.set_procedure(found[0])
        self.focusNextChild()
