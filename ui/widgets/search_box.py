"""The header's search box: dossier code, personal ID, phone or name, accents optional.

Results come from the core's ``queries.search_cases`` on the runner, shown in a
popup as the user types.  Enter on an exact dossier code (typed, pasted or
scanned) opens the case at once; Enter on anything else opens the only match,
or the popup to choose from.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from casedesk import workflow
from casedesk.i18n import _, short_date
from casedesk import receipt_seal
from casedesk.search import classify
from casedesk.services import queries
from casedesk.services.views import CaseRow

CODE_ROLE = Qt.UserRole + 1
LIMIT = 20


class GlobalSearch(QLineEdit):
    open_case = Signal(str)
    open_receipt = Signal(str)      # a receipt's QR text (the code, then the office's signature)
    message = Signal(str)           # "nothing found" and the like, for the status bar

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setProperty("scanTarget", True)
        self.setClearButtonEnabled(True)
        self.setPlaceholderText(_("Tìm hồ sơ, CCCD, SĐT, tên…  (F3)"))
        self.setAccessibleName(_("Tìm hồ sơ"))
        self.setToolTip(_("Mã hồ sơ, số định danh, số điện thoại hoặc tên người nộp (gõ không dấu cũng được). "
                          "F3 hoặc Ctrl+F để đến đây."))
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.completer.setWidget(self)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated[QModelIndex].connect(self._activated)
        self.timer = QTimer(self, singleShot=True, interval=300)
        self.timer.timeout.connect(self._search_live)
        self.textEdited.connect(self._edited)
        self.returnPressed.connect(self._enter)
        self._serial = 0

    def _edited(self, text: str) -> None:
        if len(text.strip()) >= 2:
            self.timer.start()
        else:
            self.timer.stop()
            self.completer.popup().hide()

    def _ask(self, text: str, then) -> None:
        self._serial += 1
        serial = self._serial
        self.runner.run(lambda: queries.search_cases(text, limit=LIMIT),
                        on_done=lambda rows: then(text, rows) if serial == self._serial else None)

    def _search_live(self) -> None:
        text = self.text().strip()
        if text:
            self._ask(text, self._show)

    def _show(self, text: str, rows: list[CaseRow]) -> None:
        self.model.clear()
        for row in rows:
            item = QStandardItem(f"{row.code}   {row.citizen_name}   ·   {row.procedure_name}   ·   "
                                 f"{workflow.state_label(row.state)}   ·   {short_date(row.received_at.date())}")
            item.setData(row.code, CODE_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if rows and self.hasFocus():
            self.completer.complete()
        elif not rows:
            self.completer.popup().hide()

    def _enter(self) -> None:
        self.timer.stop()
        text = self.text().strip()
        if not text:
            return
        if receipt_seal.looks_sealed(text) and receipt_seal.parse(text) is not None:
            self.completer.popup().hide()
            self.clear()
            self.open_receipt.emit(text)
            return
        kind, value = classify(text)
        self._ask(text, lambda asked, rows: self._entered(asked, kind, value, rows))

    def _entered(self, text: str, kind: str, value: str, rows: list[CaseRow]) -> None:
        exact = [r for r in rows if r.code == value] if kind == "code" else []
        if exact or len(rows) == 1:
            self._open((exact or rows)[0].code)
        elif rows:
            self._show(text, rows)
        else:
            self.message.emit(_("Không tìm thấy hồ sơ nào khớp “{text}”.").format(text=text))

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self._open(code)

    def _open(self, code: str) -> None:
        self.completer.popup().hide()
        self.clear()
        self.open_case.emit(code)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key_Escape and self.text():
            self.clear()
            self.completer.popup().hide()
            return
        if event.key() == Qt.Key_Down and self.model.rowCount() and not self.completer.popup().isVisible():
            self.completer.complete()
            return
        super().keyPressEvent(event)
