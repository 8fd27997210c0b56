"""Trả kết quả: scan the receipt's code, hand over the result, note the citizen's rating.

The code field takes the scanner (or typing) and Enter; the case, its result and
fee appear, the receiver defaults to the citizen, and focus moves to the rating
row, where the keys 1, 2 and 3 choose Rất hài lòng / Hài lòng / Không hài lòng.
"Đã trả" (Ctrl+Enter) saves through ``cases.deliver_case``.  The code field takes
every form the search box does (``261206-0001``, an ID number, a phone, a name): one
match is shown at once, several narrow the waiting list.  On the right, the cases
waiting to be handed over, reached from the keyboard (Down from the code field, or
Alt+L); Enter takes one, Esc goes back to the code.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from casedesk import workflow
from casedesk.errors import BadInput, CaseDeskError
from casedesk.i18n import N_, _, format_money, short_date
from casedesk.services import cases, queries
from casedesk.services.queries import CaseFilter
from casedesk.services.views import ActionResult, CaseView
from casedesk.text import validate_id_number

from ..appctx import AppContext
from ..errors import show_error
from ..models.cases_model import COL, CasesTableModel
from ..widgets.badges import StateBadge
from ..widgets.case_table import CaseTable
from ..widgets.fields import CheckedLineEdit, MessageLabel, make_primary, set_invalid
from .base import Screen

RATING_KEYS = {Qt.Key_1: "very_satisfied", Qt.Key_2: "satisfied", Qt.Key_3: "unsatisfied"}


def result_text(case: CaseView) -> str:
    """What the citizen receives: the procedure's result, or the refusal and its reason."""
    if case.state == workflow.REFUSED:
        reason = next((ev.note for ev in reversed(case.history) if ev.action == "refuse" and ev.note), "")
        return _("Văn bản từ chối giải quyết. Lý do: {reason}").format(reason=reason or "—")
    return case.procedure.result or case.procedure.name


def receiver_note(id_number: str) -> str:
    return _("Số định danh người nhận: {id}").format(id=id_number) if id_number else ""


class DeliveryScreen(Screen):
    key = "delivery"
    title = N_("Trả kết quả")
    roles = ("clerk",)
    shortcut = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.case: CaseView | None = None
        self._saving = False
        self._build()

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.code = QLineEdit(self)
        self.code.setProperty("scanTarget", True)
        self.code.setPlaceholderText(_("Quét hoặc gõ mã hồ sơ (đủ, hoặc 261206-0001), số định danh, "
                                       "điện thoại hay tên, rồi Enter"))
        self.code.setClearButtonEnabled(True)
        self.code.returnPressed.connect(self.lookup)
        code_label = QLabel(_("&Mã hồ sơ"), self)
        code_label.setBuddy(self.code)
        self.code_message = MessageLabel(self)

        card = QGroupBox(_("Hồ sơ"), self)
        self.state_badge = StateBadge(card)
        self.citizen = QLabel(card)
        self.procedure = QLabel(card)
        self.result = QLabel(card)
        self.fee = QLabel(card)
        self.due = QLabel(card)
        for label in (self.citizen, self.procedure, self.result, self.fee, self.due):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        info = QFormLayout(card)
        info.addRow(_("Trạng thái"), self.state_badge)
        info.addRow(_("Người nộp"), self.citizen)
        info.addRow(_("Thủ tục"), self.procedure)
        info.addRow(_("Kết quả"), self.result)
        info.addRow(_("Lệ phí"), self.fee)
        info.addRow(_("Hẹn trả"), self.due)

        self.receiver = CheckedLineEdit(self)
        self.receiver_id = CheckedLineEdit(self, validator=self._id_message, min_chars_live=12,
                                           placeholder=_("không bắt buộc"))
        receiver_box = QGroupBox(_("Người nhận kết quả"), self)
        form = QFormLayout(receiver_box)
        for text, field in ((_("Họ và &tên"), self.receiver), (_("Số định &danh"), self.receiver_id)):
            label = QLabel(text, receiver_box)
            label.setBuddy(field.edit)
            form.addRow(label, field)

        rating_box = QGroupBox(_("Mức độ hài lòng (phím 1, 2, 3)"), self)
        self.ratings = QButtonGroup(self)
        self.ratings.setExclusive(True)
        row = QHBoxLayout(rating_box)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.rating_buttons: dict[str, QPushButton] = {}
        for n, value in enumerate(workflow.RATINGS, start=1):
            button = QPushButton(f"{n}   {_(workflow.RATING_LABELS[value])}", rating_box)
            button.setCheckable(True)
            button.setMinimumHeight(64)
            button.setFont(big)
            button.setProperty("rating", value)
            button.setStyleSheet("QPushButton:checked { background: #1f3b5a; color: white; }")
            self.ratings.addButton(button, n)
            self.rating_buttons[value] = button
            row.addWidget(button)

        self.message = MessageLabel(self)
        self.deliver_button = make_primary(QPushButton(_("Đã trả  Ctrl+Enter"), self))
        self.deliver_button.setMinimumHeight(46)
        self.deliver_button.setFont(big)
        self.deliver_button.clicked.connect(self.deliver)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.deliver)

        waiting_box = QGroupBox(_("Chờ trả kết quả"), self)
        # Read on the worker: the results not yet collected are sorted whole (no index orders them by
        # received_at within a state), and they pile up over the years: a blink at 200,000 cases,
        # a visible stall at a million, after every hand-over.
        self.waiting_model = CasesTableModel(CaseFilter(states=workflow.DELIVERABLE), order="received_at",
                                             descending=True, auto_load=False, runner=self.ctx.runner)
        self.waiting = CaseTable(self.waiting_model, waiting_box,
                                 hidden=("procedure", "received", "left", "assignee", "due"))
        self.waiting.horizontalHeader().setSectionResizeMode(COL["citizen"], QHeaderView.Stretch)
        self.waiting.open_requested.connect(self.load_code)
        self.waiting.setFocusPolicy(Qt.StrongFocus)
        self.waiting.installEventFilter(self)
        self.code.installEventFilter(self)
        self.waiting_hint = QLabel(_("↓ từ ô mã hoặc Alt+L để vào danh sách · Enter chọn · Esc quay lại ô mã"),
                                   waiting_box)
        self.waiting_hint.setWordWrap(True)
        self.waiting_hint.setStyleSheet("color:#666")
        self.show_all = QPushButton(_("Hiện tất cả"), waiting_box)
        self.show_all.setVisible(False)
        self.show_all.clicked.connect(self._show_all_waiting)
        waiting_layout = QVBoxLayout(waiting_box)
        waiting_layout.addWidget(self.waiting_hint)
        waiting_layout.addWidget(self.waiting, 1)
        waiting_layout.addWidget(self.show_all, 0, Qt.AlignRight)
        to_list = QShortcut(QKeySequence("Alt+L"), self)
        to_list.setContext(Qt.WidgetWithChildrenShortcut)
        to_list.activated.connect(self.focus_waiting)
        self.waiting_model.modelReset.connect(self._waiting_loaded)

        left = QVBoxLayout()
        code_row = QHBoxLayout()
        code_row.addWidget(code_label)
        code_row.addWidget(self.code, 1)
        left.addLayout(code_row)
        left.addWidget(self.code_message)
        left.addWidget(card)
        left.addWidget(receiver_box)
        left.addWidget(rating_box)
        left.addWidget(self.message)
        left.addWidget(self.deliver_button)
        left.addStretch(1)
        holder = QWidget(self)
        holder.setLayout(left)
        holder.setMaximumWidth(600)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.addWidget(holder, 3)
        outer.addWidget(waiting_box, 2)
        self._show(None)

    @staticmethod
    def _id_message(text: str) -> str | None:
        try:
            validate_id_number(text, field="receiver_id")
        except BadInput as exc:
            return exc.message
        return None

    # ------------------------------------------------------------ screen
    def activate(self) -> None:
        self.waiting_model.refresh()
        if self.case is None:
            self.code.setFocus(Qt.OtherFocusReason)

    def on_changed(self, changes) -> None:
        if changes.cases and self.isVisible():
            self.waiting_model.refresh()

    def has_unsaved(self) -> bool:
        return self.case is not None and self.case.state in workflow.DELIVERABLE

    # ------------------------------------------------------------ finding the case
    def load_code(self, code: str) -> None:
        """Show a case (from the scanner, the list, or the case window's "Trả kết quả")."""
        self.code.setText(code)
        self.lookup()

    def lookup(self) -> None:
        text = self.code.text().strip()
        if not text:
            return
        self.code_message.hint("")
        set_invalid(self.code, False)
        self.ctx.runner.run(lambda: queries.find_for_delivery(text), on_done=lambda found: self._matched(text, found),
                            on_error=self._not_found, label=_("Đang tìm hồ sơ…"))

    def _matched(self, text: str, found) -> None:
        case, rows = found
        if case is not None:
            self._found(case)
            return
        # several: the waiting list narrows to them, the first one highlighted
        self._show(None)
        ready = [r for r in rows if r.state in workflow.DELIVERABLE]
        if not ready:
            self.code_message.error(_("Có {n} hồ sơ khớp “{text}” nhưng không hồ sơ nào đang chờ trả kết quả.")
                                    .format(n=len(rows), text=text))
            self.code.selectAll()
            self.code.setFocus()
            return
        self.code_message.hint(_("Có {n} hồ sơ chờ trả khớp “{text}”: chọn bằng mũi tên rồi Enter.").format(
            n=len(ready), text=text))
        self._narrow(text)

    def _narrow(self, text: str) -> None:
        self._focus_list_after_load = True
        self.waiting_model.set_filter(CaseFilter(states=workflow.DELIVERABLE, query=text))
        self.show_all.setVisible(True)

    def _show_all_waiting(self) -> None:
        self.waiting_model.set_filter(CaseFilter(states=workflow.DELIVERABLE))
        self.show_all.setVisible(False)

    def _waiting_loaded(self) -> None:
        if getattr(self, "_focus_list_after_load", False):
            self._focus_list_after_load = False
            self.focus_waiting()

    def focus_waiting(self) -> None:
        """Into the waiting list, a row highlighted so arrows and Enter work at once."""
        if not self.waiting_model.rowCount():
            return
        self.waiting.setFocus(Qt.ShortcutFocusReason)
        if not self.waiting.selectionModel().hasSelection():
            self.waiting.select_first()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == event.Type.KeyPress and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            if watched is self.code and event.key() == Qt.Key_Down and self.waiting_model.rowCount():
                self.focus_waiting()
                return True
            if watched is self.waiting and event.key() == Qt.Key_Escape:
                self.code.setFocus(Qt.ShortcutFocusReason)
                self.code.selectAll()
                return True
        return super().eventFilter(watched, event)

    def _not_found(self, exc: BaseException) -> None:
        if not isinstance(exc, CaseDeskError):
            show_error(self, exc)
            return
        self._show(None)
        self.code_message.error(exc.message)
        set_invalid(self.code, True)
        self.code.selectAll()
        self.code.setFocus()

    def _found(self, case: CaseView) -> None:
        self._show(case)
        if case.state in workflow.DELIVERABLE:
            self.rating_buttons["very_satisfied"].setFocus(Qt.OtherFocusReason)
        else:
            self.code.selectAll()
            self.code.setFocus()

    def _show(self, case: CaseView | None) -> None:
        self.case = case
        self.ratings.setExclusive(False)
        for button in self.rating_buttons.values():
            button.setChecked(False)
        self.ratings.setExclusive(True)
        self.receiver.clear()
        self.receiver_id.clear()
        self.message.hint("")
        deliverable = case is not None and case.state in workflow.DELIVERABLE
        for widget in (self.receiver, self.receiver_id, self.deliver_button, *self.rating_buttons.values()):
            widget.setEnabled(deliverable)
        if case is None:
            self.state_badge.hide()
            for label in (self.citizen, self.procedure, self.result, self.fee, self.due):
                label.setText("—")
            return
        self.state_badge.set_state(case.state)
        self.citizen.setText(_("{name} · CCCD {id} · {phone}").format(name=case.citizen_name, id=case.id_number,
                                                                       phone=case.phone_display))
        self.procedure.setText(case.procedure.name)
        self.result.setText(result_text(case))
        fee = format_money(case.fee)
        self.fee.setText(f"{fee} ({case.procedure.fee_note})" if case.procedure.fee_note else fee)
        self.due.setText(short_date(case.due_date))
        if deliverable:
            self.receiver.setText(case.citizen_name)
        elif case.state == workflow.DELIVERED:
            self.message.error(_("Hồ sơ này đã trả kết quả lúc {time} cho {name}.").format(
                time=case.delivered_at.strftime("%H:%M %d/%m/%Y") if case.delivered_at else "—",
                name=case.receiver or case.citizen_name))
        else:
            self.message.error(_("Hồ sơ chưa có kết quả để trả (trạng thái: {state}).").format(
                state=workflow.state_label(case.state)))

    # ------------------------------------------------------------ rating and saving
    def rating(self) -> str | None:
        button = self.ratings.checkedButton()
        return button.property("rating") if button is not None else None

    def set_rating(self, value: str) -> None:
        button = self.rating_buttons.get(value)
        if button is not None and button.isEnabled():
            button.setChecked(True)
            button.setFocus(Qt.OtherFocusReason)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        value = RATING_KEYS.get(event.key())
        if value and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            self.set_rating(value)
            return
        super().keyPressEvent(event)

    def deliver(self) -> None:
        case = self.case
        if case is None or self._saving or case.state not in workflow.DELIVERABLE:
            return
        message = self.receiver_id.revalidate()
        if message:
            self.receiver_id.setFocus()
            return
        receiver = self.receiver.text().strip() or case.citizen_name
        rating, note = self.rating(), receiver_note(self.receiver_id.text().strip())
        actor, code = self.ctx.user.login, case.code
        self._saving = True
        self.deliver_button.setEnabled(False)
        self.ctx.runner.run(lambda: cases.deliver_case(actor=actor, code=code, receiver=receiver, rating=rating,
                                                       note=note),
                            on_done=self._delivered, on_error=self._failed, label=_("Đang lưu…"))

    def _delivered(self, result: ActionResult) -> None:
        self._saving = False
        self.ctx.notify(result.changes)
        case = result.case
        rating = _(workflow.RATING_LABELS[case.rating]) if case.rating else _("không đánh giá")
        self.ctx.signals.status.emit(_("Đã trả kết quả hồ sơ {code} cho {name} ({rating}).").format(
            code=case.code, name=case.receiver, rating=rating))
        self._show(None)
        if self.show_all.isVisible():
            self._show_all_waiting()
        self.code.clear()
        self.code_message.hint(_("Đã trả hồ sơ {code}. Quét mã tiếp theo.").format(code=case.code))
        self.code.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.deliver_button.setEnabled(True)
        if not isinstance(exc, CaseDeskError):
            show_error(self, exc)
            return
        if exc.field == "receiver":
            self.receiver.set_error(exc.message)
            self.receiver.setFocus()
        else:
            self.message.error(exc.message)
