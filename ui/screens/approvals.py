"""Chờ phê duyệt: the vice-chairman's queue, the nearest due date first.

An approval applies only to what the approver has seen: a single row only once its
preview has been on screen for ``SETTLE_MS`` (so a second Ctrl+Enter, pressed before
the next row has even appeared, does nothing), several rows only after a confirmation
that names how many and which.  Ctrl+Z takes back the last approval while nothing
followed it (``cases.undo_approval``, audited; the core refuses once the case moved on).
Ctrl+R returns the current case and refusing it asks for a reason and a
confirmation: the core refuses a return or refusal without a reason anyway.
"""
from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QMessageBox, QPlainTextEdit,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from casedesk import workflow
from casedesk.errors import CaseDeskError
from casedesk.i18n import N_, _, format_int
from casedesk.services import cases, queries
from casedesk.services.queries import CaseFilter
from casedesk.services.views import Changes

from ..appctx import AppContext
from ..models.cases_model import COL, CasesTableModel
from ..widgets.case_table import CasePreview, CaseTable, LiveMixin, add_shortcut, show_error, translated
from .base import Screen


class ReasonDialog(QDialog):
    """A required reason: OK stays disabled until something is written."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumSize(420, 110)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(_("Đồng ý"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("Hủy"))
        self.ok = buttons.button(QDialogButtonBox.Ok)
        self.ok.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok.setEnabled(bool(self.text.toPlainText().strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """The reason typed, or None when cancelled (tests replace this)."""
    dialog = ReasonDialog(parent, title, prompt)
    if dialog.exec() == QDialog.Accepted:
        return dialog.text.toPlainText().strip() or None
    return None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No, No by default (tests replace this)."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.button(QMessageBox.Yes).setText(_("Có, từ chối"))
    box.button(QMessageBox.No).setText(_("Không"))
    box.setDefaultButton(QMessageBox.No)
    return box.exec() == QMessageBox.Yes


def confirm_batch(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No for approving several dossiers, No by default (tests replace this)."""
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.button(QMessageBox.Yes).setText(_("Có, phê duyệt"))
    box.button(QMessageBox.No).setText(_("Không"))
    box.setDefaultButton(QMessageBox.No)
    return box.exec() == QMessageBox.Yes


SETTLE_MS = 700          # how long a dossier is on screen before Ctrl+Enter approves it



def _each(action, actor: str, codes: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """``action`` on each case in turn (on the runner): the codes it went through for, and why it didn't
    for the others; one refusal never stops the rest of a batch."""
    done, failed = [], []
    for code in codes:
        try:
            action(actor=actor, code=code)
            done.append(code)
        except CaseDeskError as exc:
            failed.append((code, str(exc)))
    return done, failed

class ApprovalsScreen(LiveMixin, Screen):
    key = "approvals"
    title = translated(N_("Chờ phê duyệt"))
    roles = ("vice_chairman",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._busy = False
        self._shown: tuple[str | None, float] = (None, 0.0)      # the previewed code, since when
        self._undoable: list[str] = []                            # the last approval, while nothing followed
        self.model = CasesTableModel(CaseFilter(state=workflow.AWAITING), order="due_date", runner=self.ctx.runner)
        self.table = CaseTable(self.model, hidden=("received", "state"), multi=True, select_first=True)
        self._preview_asked = 0
        self.preview = CasePreview()
        self.counter = QLabel()
        font = self.counter.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.counter.setFont(font)
        self.approve = QPushButton(_("Phê duyệt  (Ctrl+Enter)"))
        self.approve.setDefault(False)
        self.approve.setStyleSheet("font-weight:bold")
        self.return_ = QPushButton(_("Trả lại…  (Ctrl+R)"))
        self.refuse = QPushButton(_("Từ chối…"))
        self.undo = QPushButton(_("Hoàn tác phê duyệt  (Ctrl+Z)"))
        self.undo.setToolTip(_("Đưa hồ sơ vừa phê duyệt trở lại chờ phê duyệt (khi chưa có bước nào sau đó)"))
        bar = QHBoxLayout()
        bar.addWidget(self.counter)
        bar.addStretch(1)
        bar.addWidget(self.approve)
        bar.addWidget(self.return_)
        bar.addWidget(self.refuse)
        bar.addWidget(self.undo)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([800, 360])
        fm = self.table.fontMetrics()
        self.table.setColumnWidth(COL["citizen"], fm.horizontalAdvance("Nguyễn Thị Thanh Hương"))
        self.table.setColumnWidth(COL["assignee"], fm.horizontalAdvance("Nguyễn Văn Đường") + 8)
        self.table.setColumnWidth(COL["left"], max(fm.horizontalAdvance(_("Quá {n} ngày").format(n=99)),
                                                   fm.horizontalAdvance(_("Hạn hôm nay"))) + 40)
        hint = QLabel(_("Ctrl+Enter phê duyệt hồ sơ đang xem; chọn nhiều hồ sơ bằng Shift/Ctrl + mũi tên "
                        "hoặc chuột thì được hỏi lại trước khi phê duyệt · Ctrl+Z hoàn tác lần phê duyệt vừa rồi "
                        "· Enter mở hồ sơ"))
        hint.setStyleSheet("color:#666")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(hint)

        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, seq, self.approve_selected)
        add_shortcut(self, "Ctrl+R", self.return_current)
        add_shortcut(self, "Ctrl+Z", self.undo_last)
        self.undo.clicked.connect(self.undo_last)
        self.approve.clicked.connect(self.approve_selected)
        self.return_.clicked.connect(self.return_current)
        self.refuse.clicked.connect(self.refuse_current)
        self.table.open_requested.connect(self.ctx.signals.open_case.emit)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._preview_timer.start())
        self.model.totalChanged.connect(lambda _n: self._update_counter())
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(120)
        self._preview_timer.timeout.connect(self._show_preview)
        self._update_counter()
        self.table.select_first()

    # -------------------------------------------------- view
    def _selection_changed(self, *_args) -> None:
        self._update_counter()

    def _update_counter(self) -> None:
        total = self.model.total()
        selected = len(self.table.selectionModel().selectedRows()) if self.table.selectionModel() else 0
        if total == 0:
            text = _("Không còn hồ sơ nào chờ phê duyệt")
        elif selected > 1:
            text = _("Còn {n} hồ sơ chờ phê duyệt · đã chọn {k}").format(n=format_int(total), k=selected)
        else:
            text = _("Còn {n} hồ sơ chờ phê duyệt").format(n=format_int(total))
        self.counter.setText(text)
        has = total > 0 and not self._busy
        self.approve.setEnabled(has)
        self.return_.setEnabled(has and selected <= 1)
        self.refuse.setEnabled(has and selected <= 1)
        self.undo.setEnabled(bool(self._undoable) and not self._busy)
        if total == 0:
            self.preview.clear_case(_("Không còn hồ sơ nào chờ phê duyệt."))

    def _show_preview(self) -> None:
        if not self.isVisible():            # the timer outlived the screen (closed, or the database with it)
            return
        code = self.table.current_code()
        if not code:
            self._shown = (None, 0.0)
            self.preview.clear_case()
            return
        self._preview_asked += 1
        asked = self._preview_asked

        def current() -> bool:
            return asked == self._preview_asked and shiboken6.isValid(self)

        def shown(case) -> None:
            if not current():
                return
            self.preview.show_case(case)
            if self._shown[0] != code:
                self._shown = (code, time.monotonic())

        def failed(exc: BaseException) -> None:
            if not current():
                return
            self._shown = (None, 0.0)
            if isinstance(exc, CaseDeskError):
                self.preview.clear_case(str(exc))
            else:
                show_error(self, exc)

        self.ctx.runner.run(lambda: queries.get_case(code), on_done=shown, on_error=failed)

    def _seen(self, code: str) -> bool:
        """Whether ``code`` is the dossier on show, and has been for SETTLE_MS."""
        shown, since = self._shown
        return (shown == code and self.table.current_code() == code
                and (time.monotonic() - since) * 1000 >= SETTLE_MS)

    # -------------------------------------------------- actions
    def approve_selected(self) -> None:
        codes = [c for c in self.table.selected_codes() if c]
        if not codes or self._busy:
            return
        if len(codes) == 1 and not self._seen(codes[0]):
            # the row has just appeared (after the previous approval, say): nobody has read it yet
            self.ctx.signals.status.emit(_("Hồ sơ {code} vừa hiện ra: xem rồi bấm lại Ctrl+Enter để phê duyệt.")
                                         .format(code=codes[0]))
            self._preview_timer.start()
            return
        if len(codes) > 1:
            rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
            names = [f"{self.model.index(r, 0).data(Qt.DisplayRole)} · "
                     f"{self.model.index(r, COL['citizen']).data(Qt.DisplayRole)}" for r in rows[:12]]
            if len(rows) > 12:
                names.append(_("… và {n} hồ sơ khác").format(n=len(rows) - 12))
            if not confirm_batch(self, _("Phê duyệt nhiều hồ sơ"),
                                 _("Phê duyệt cùng lúc {n} hồ sơ đã chọn?\n\n{lines}").format(
                                     n=len(codes), lines="\n".join(names))):
                return
        actor = self.ctx.user.login

        def work():
            return _each(cases.approve_case, actor, codes)

        def finished(result) -> None:
            done, failed = result
            self._set_busy(False)
            self._undoable = list(done)
            self._shown = (None, 0.0)                  # the next row must be shown afresh
            if len(done) == 1:
                self.ctx.signals.status.emit(_("Đã phê duyệt hồ sơ {code}. Ctrl+Z để hoàn tác.").format(
                    code=done[0]))
            elif done:
                self.ctx.signals.status.emit(_("Đã phê duyệt {n} hồ sơ. Ctrl+Z để hoàn tác.").format(n=len(done)))
            self._update_counter()
            if done:
                self.ctx.notify(Changes(cases=True, case_code=done[0] if len(done) == 1 else None))
            if failed:
                lines = "\n".join(f"{code}: {why}" for code, why in failed)
                show_error(self, CaseDeskError(_("Không phê duyệt được {n} hồ sơ:\n{lines}").format(
                    n=len(failed), lines=lines)))

        self._set_busy(True)
        self.ctx.runner.run(work, on_done=finished, on_error=self._failed,
                            label=_("Phê duyệt {n} hồ sơ").format(n=len(codes)))

    def undo_last(self) -> None:
        """Take back the last approval (each case of a batch), if nothing followed it."""
        codes = list(self._undoable)
        if not codes or self._busy:
            return
        actor = self.ctx.user.login

        def work():
            return _each(cases.undo_approval, actor, codes)

        def finished(result) -> None:
            done, failed = result
            self._undoable = []
            self._set_busy(False)
            if done:
                self.ctx.signals.status.emit(_("Đã hoàn tác phê duyệt {n} hồ sơ; hồ sơ trở lại chờ phê duyệt.")
                                             .format(n=len(done)))
                self.ctx.notify(Changes(cases=True, case_code=done[0] if len(done) == 1 else None))
            if failed:
                lines = "\n".join(f"{code}: {why}" for code, why in failed)
                show_error(self, CaseDeskError(_("Không hoàn tác được {n} hồ sơ:\n{lines}").format(
                    n=len(failed), lines=lines)))

        self._set_busy(True)
        self.ctx.runner.run(work, on_done=finished, on_error=self._failed,
                            label=_("Hoàn tác phê duyệt {n} hồ sơ").format(n=len(codes)))

    def return_current(self) -> None:
        code = self.table.current_code()
        if not code or self._busy:
            return
        reason = ask_reason(self, _("Trả lại hồ sơ {code}").format(code=code),
                            _("Lý do trả lại để cán bộ xử lý lại (bắt buộc):"))
        if not reason:
            return
        self._act(lambda actor: cases.return_case(actor=actor, code=code, note=reason),
                  _("Đã trả lại hồ sơ {code} cho cán bộ xử lý.").format(code=code))

    def refuse_current(self) -> None:
        code = self.table.current_code()
        if not code or self._busy:
            return
        reason = ask_reason(self, _("Từ chối giải quyết hồ sơ {code}").format(code=code),
                            _("Lý do từ chối (in trên văn bản trả lời công dân, bắt buộc):"))
        if not reason:
            return
        if not confirm(self, _("Xác nhận từ chối"),
                       _("Từ chối giải quyết hồ sơ {code}?\nLý do: {reason}").format(code=code, reason=reason)):
            return
        self._act(lambda actor: cases.refuse_case(actor=actor, code=code, note=reason),
                  _("Đã từ chối giải quyết hồ sơ {code}.").format(code=code))

    def _act(self, fn, message: str) -> None:
        actor = self.ctx.user.login

        def finished(result) -> None:
            self._undoable = []                          # something followed the approval
            self._set_busy(False)
            self.ctx.signals.status.emit(message)
            self.ctx.notify(result.changes)

        self._set_busy(True)
        self.ctx.runner.run(lambda: fn(actor), on_done=finished, on_error=self._failed, label=message)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self, exc)
        self.reload()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_counter()

    # -------------------------------------------------- screen protocol
    def activate(self) -> None:
        self.refresh_if_stale()
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection():
            self.table.select_first()

    def reload(self) -> None:
        self.model.refresh()
        self._update_counter()
        self._preview_timer.start()

    def on_changed(self, changes: Changes) -> None:
        if changes.cases or changes.calendar:
            self.mark_stale()
