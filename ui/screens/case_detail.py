"""Hồ sơ: one case in full, and only the actions the core allows this user now.

Opened from anywhere by ``signals.open_case`` (a list, the search box, a
scanned code) as one non-modal window that follows whichever case was opened
last.  The header says what the case is and when it is due (with the reasons);
the timeline comes from the audit trail, late (back-dated) entries marked
"nhập bù".  The action bar holds exactly ``queries.allowed_actions``; the main
one answers Ctrl+Enter.  The documents that can be printed now sit beside it.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser,
                               QToolButton, QVBoxLayout, QWidget)

from casedesk import context, receipt_seal, workflow
from casedesk.i18n import N_, _, format_money, short_date, short_datetime
from casedesk.services import assignment, cases, queries
from casedesk.services.views import ActionResult, CaseView

from ..appctx import AppContext
from ..errors import show_error
from ..widgets import documents
from ..widgets.action_dialogs import AssignDialog, ExtendDialog, ReasonDialog, WithdrawDialog, confirm
from ..widgets.badges import DeadlineBadge, StateBadge, due_line
from ..widgets.fields import make_primary, set_role

PICKUP_LABELS = {"desk": N_("Tại bộ phận một cửa"), "post": N_("Qua bưu chính")}
# the action that answers Ctrl+Enter, first one allowed wins
MAIN_ACTIONS = ("approve", "submit", "deliver", "resume", "assign")
# the document to print after an action, when the build has it
PRINT_AFTER = {"request_supplement": "supplement", "extend": "apology", "withdraw": "stop", "refuse": "refusal"}


def load_case(code: str, login: str) -> tuple[CaseView, list[str], list[str], int | None]:
    """Everything the window shows, in one trip to the runner."""
    case = queries.get_case(code)
    allowed = queries.allowed_actions(case, login=login)
    kinds = documents.available(case)
    left = queries.days_left(case.state, case.due_date, context.today())
    return case, allowed, kinds, left


def event_label(action: str) -> str:
    return workflow.event_label(action)


def timeline_html(case: CaseView) -> str:
    rows = []
    for ev in case.history:
        what = html.escape(event_label(ev.action))
        if ev.to_state and ev.to_state != ev.from_state:
            what += " → " + html.escape(workflow.state_label(ev.to_state))
        late = ""
        if ev.late_entry:
            late = " <span style='color:#8a5a00'><b>[{}]</b></span>".format(html.escape(
                _("nhập bù, ghi lúc {t}").format(t=short_datetime(ev.recorded_at))))
        note = f"<br><i>{html.escape(ev.note)}</i>" if ev.note else ""
        rows.append(f"<tr><td width='120' style='padding:2px 10px 6px 0; white-space:nowrap' valign='top'>"
                    f"{html.escape(short_datetime(ev.at))}</td>"
                    f"<td style='padding:2px 0 6px 0'><b>{html.escape(ev.actor_name)}</b>: {what}{late}{note}"
                    f"</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def citizen_html(case: CaseView) -> str:
    rows = [
        (_("Họ và tên"), case.citizen_name),
        (_("Số định danh"), case.id_number),
        (_("Ngày sinh"), short_date(case.birth_date)),
        (_("Điện thoại"), case.phone_display),
        (_("Email"), case.email),
        (_("Địa chỉ"), case.address),
        (_("Hình thức nộp"), _(workflow.CHANNEL_LABELS.get(case.channel, case.channel))),
        (_("Nhận kết quả"), _(PICKUP_LABELS.get(case.pickup, case.pickup))),
        (_("Số bộ · lệ phí"), _("{sets} bộ · {fee}").format(sets=case.sets, fee=format_money(case.fee))),
        (_("Tiếp nhận"), _("{time} · {clerk} · sổ {book} số {no}").format(
            time=short_datetime(case.received_at), clerk=case.received_by_name, book=case.ledger_book,
            no=case.ledger_no or "—")),
    ]
    if case.delivered_at:
        rating = _(workflow.RATING_LABELS[case.rating]) if case.rating else _("không đánh giá")
        rows.append((_("Đã trả"), _("{time} · người nhận {name} · {rating}").format(
            time=short_datetime(case.delivered_at), name=case.receiver, rating=rating)))
    cells = "".join(f"<tr><td style='padding:1px 12px 1px 0; color:#555' valign='top'>{html.escape(label)}</td>"
                    f"<td style='padding:1px 0'>{html.escape(value)}</td></tr>" for label, value in rows if value)
    return f"<table>{cells}</table>"


def papers_html(case: CaseView) -> str:
    items = []
    for p in case.papers:
        mark = "✓" if p.received else ("–" if p.optional else "✗")
        counts = (_("{o} bản chính, {c} bản sao").format(o=p.original, c=p.copies) if p.received
                  else _("không nộp"))
        items.append(f"<li>{mark} {html.escape(p.name)} <span style='color:#555'>({html.escape(counts)})</span>"
                     f"</li>")
    return "<ul style='margin-left:-20px'>" + "".join(items) + "</ul>"


class CaseDetailPanel(QWidget):
    deliver_requested = Signal(str)
    loaded = Signal(object)              # CaseView

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case: CaseView | None = None
        self.allowed: list[str] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self._build()
        ctx.signals.changed.connect(self._changed)

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.code_label = QLabel(self)
        font = QFont(self.code_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.state_badge = StateBadge(self)
        self.deadline_badge = DeadlineBadge(self)
        self.procedure_label = QLabel(self)
        self.procedure_label.setWordWrap(True)
        self.due_label = QLabel(self)
        self.why_button = QToolButton(self)
        self.why_button.setText(_("Vì sao? ▸"))
        self.why_button.setCheckable(True)
        self.why_button.toggled.connect(self._toggle_why)
        self.why = QLabel(self)
        self.why.setWordWrap(True)
        self.why.hide()
        self.assignee_label = QLabel(self)
        self.receipt_line = QLabel(self)          # what a scanned receipt's signature says
        self.receipt_line.setObjectName("receiptLine")
        self.receipt_line.setWordWrap(True)
        self.receipt_line.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.receipt_line.hide()
        self._receipt_text = ""
        top = QHBoxLayout()
        top.addWidget(self.code_label)
        top.addWidget(self.state_badge)
        top.addWidget(self.deadline_badge)
        top.addStretch(1)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_label)
        due_row.addWidget(self.why_button)
        due_row.addSpacing(24)
        due_row.addWidget(self.assignee_label)
        due_row.addStretch(1)

        citizen_box = QGroupBox(_("Người nộp"), self)
        self.citizen = QLabel(citizen_box)
        self.citizen.setTextFormat(Qt.RichText)
        self.citizen.setWordWrap(True)
        self.citizen.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.citizen.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        QVBoxLayout(citizen_box).addWidget(self.citizen)
        papers_box = QGroupBox(_("Giấy tờ đã nhận"), self)
        self.papers = QTextBrowser(papers_box)
        self.papers.setOpenLinks(False)
        QVBoxLayout(papers_box).addWidget(self.papers)
        left = QVBoxLayout()
        left.addWidget(citizen_box)
        left.addWidget(papers_box, 1)
        timeline_box = QGroupBox(_("Quá trình giải quyết"), self)
        self.timeline = QTextBrowser(timeline_box)
        QVBoxLayout(timeline_box).addWidget(self.timeline)
        docs_box = QGroupBox(_("Giấy tờ in được"), self)
        self.docs = documents.DocumentsBar(self.ctx.runner, docs_box, paper=self.ctx.settings.paper,
                                           on_error=lambda e: show_error(self, e))
        QVBoxLayout(docs_box).addWidget(self.docs)
        right = QVBoxLayout()
        right.addWidget(timeline_box, 1)
        right.addWidget(docs_box)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)

        self.actions_row = QHBoxLayout()
        self.no_actions = QLabel(_("Bạn không có thao tác nào với hồ sơ này ở trạng thái hiện tại."), self)
        set_role(self.no_actions, "field-hint")
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.procedure_label)
        outer.addLayout(due_row)
        outer.addWidget(self.receipt_line)
        outer.addWidget(self.why)
        outer.addLayout(columns, 1)
        outer.addLayout(self.actions_row)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.main_action)

    def _toggle_why(self, shown: bool) -> None:
        self.why.setVisible(shown)
        self.why_button.setText(_("Vì sao? ▾") if shown else _("Vì sao? ▸"))

    # ------------------------------------------------------------ loading
    def load(self, code: str, receipt_text: str | None = None) -> None:
        """Open ``code``; with ``receipt_text`` (a scanned receipt's QR) also check its signature and
        show the verdict under the due date, for as long as this case stays open."""
        login = self.ctx.user.login
        if receipt_text is not None:
            self._receipt_text = receipt_text
        elif self.case is None or self.case.code != code:
            self._receipt_text = ""
        text = self._receipt_text
        self.ctx.runner.run(lambda: (load_case(code, login), receipt_seal.verify(text) if text else None),
                            on_done=self._show_verified, on_error=lambda e: show_error(self, e),
                            label=_("Đang mở hồ sơ…"))

    def _changed(self, changes) -> None:
        if self.case is not None and changes.cases and changes.case_code in (None, self.case.code) \
                and self.isVisible():
            self.load(self.case.code)

    def _show_verified(self, result) -> None:
        loaded, verdict = result
        self._show(loaded)
        self.show_verdict(verdict)

    def show_verdict(self, verdict) -> None:
        """"Giấy hẹn hợp lệ" (green) or, in red, "Giấy hẹn không do bộ phận này cấp / sai ngày hẹn"
        with the sentence that says which; nothing when no receipt was scanned."""
        if verdict is None:
            self.receipt_line.hide()
            return
        if verdict.genuine:
            head, role = _("Giấy hẹn hợp lệ"), "receipt-ok"
        else:
            head, role = _("Giấy hẹn không do bộ phận này cấp / sai ngày hẹn"), "receipt-bad"
        message = verdict.message
        if message.startswith(head):                # "Giấy hẹn hợp lệ: hồ sơ …": the head once
            message = message[len(head):].lstrip(" :")
        self.receipt_line.setText(f"<b>{html.escape(head)}</b> — {html.escape(message)}")
        self.receipt_line.setProperty("verdict", verdict.status)
        self.receipt_line.setStyleSheet("QLabel#receiptLine { color: %s; padding: 4px 6px; border-radius: 4px;"
                                        " background: %s; }" % (("#1b5e20", "#e8f5e9") if role == "receipt-ok"
                                                               else ("#b71c1c", "#ffebee")))
        self.receipt_line.show()

    def _show(self, loaded) -> None:
        case, allowed, kinds, left = loaded
        self.case, self.allowed = case, allowed
        self.code_label.setText(case.code)
        self.state_badge.set_state(case.state)
        self.deadline_badge.set_case(case, left)
        self.procedure_label.setText(_("{code} · {name} · {field}").format(
            code=case.procedure.code, name=case.procedure.name, field=case.procedure.field_name))
        due = due_line(case.due_date)
        if case.extended:
            due = _("{due} (đã gia hạn một lần, hạn đầu {first})").format(
                due=due, first=short_date(case.original_due_date))
        self.due_label.setText(_("Hẹn trả: {due}").format(due=due))
        self.why.setText("\n".join(case.due_explanation))
        self.assignee_label.setText(_("Cán bộ xử lý: {name}").format(
            name=case.assignee_name or _("chưa phân công")))
        self._fill_citizen(case)
        self.papers.setHtml(papers_html(case))
        self.timeline.setHtml(timeline_html(case))
        self.docs.set_documents(case.code, kinds)
        self._fill_actions(allowed)
        self.loaded.emit(case)

    def _fill_citizen(self, case: CaseView) -> None:
        self.citizen.setText(citizen_html(case))

    def _fill_actions(self, allowed: list[str]) -> None:
        while self.actions_row.count():
            item = self.actions_row.takeAt(0)
            if item.widget() is not None and item.widget() is not self.no_actions:
                item.widget().deleteLater()
        self.action_buttons = {}
        main = next((a for a in MAIN_ACTIONS if a in allowed), None)
        for action in allowed:
            button = QPushButton(workflow.label(action), self)
            button.setMinimumHeight(34)
            if action == main:
                button.setText(_("{label}  Ctrl+Enter").format(label=workflow.label(action)))
                make_primary(button)
            button.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            self.action_buttons[action] = button
            self.actions_row.addWidget(button)
        self.actions_row.addWidget(self.no_actions)
        self.no_actions.setVisible(not allowed)
        self.actions_row.addStretch(1)

    # ------------------------------------------------------------ actions
    def main_action(self) -> None:
        main = next((a for a in MAIN_ACTIONS if a in self.allowed), None)
        if main:
            self.run_action(main)

    def run_action(self, action: str) -> None:
        case = self.case
        if case is None or action not in self.allowed:
            return
        actor, code = self.ctx.user.login, case.code
        func = cases.ACTION_FUNCS[action]
        label = workflow.label(action)
        if action == "deliver":
            self.deliver_requested.emit(code)
            return
        if action == "assign":
            field, holder = case.procedure.field_code, case.assignee
            self.ctx.runner.run(lambda: assignment.candidates(field, exclude=holder),
                                on_done=lambda officers: self._assign(case, officers),
                                on_error=lambda e: show_error(self, e))
            return
        if action == "extend":
            dialog = ExtendDialog(self, self.ctx.runner, due=case.due_date,
                                  action=lambda v: func(actor=actor, code=code, **v))
        elif action in ("return", "refuse", "request_supplement", "verify_extend"):
            intro = {
                "verify_extend": _("Gia hạn để xác minh, một lần, thêm tối đa {n} ngày làm việc theo quy định của "
                                   "thủ tục; hạn trả dời theo. Ghi rõ cần xác minh gì.").format(
                                       n=case.procedure.extension_days),
                "return": _("Trả hồ sơ cho công chức xử lý lại. Ghi rõ cần làm lại gì."),
                "refuse": _("Từ chối giải quyết hồ sơ. Lý do sẽ in trên thông báo từ chối giải quyết của Ủy ban "
                            "nhân dân, ký tên người từ chối, gửi công dân."),
                "request_supplement": _("Yêu cầu công dân bổ sung, hoàn thiện hồ sơ; thời hạn tạm dừng đến khi "
                                        "bổ sung đủ. Ghi rõ giấy tờ cần bổ sung: sẽ in trên phiếu mẫu 02."),
            }[action]
            dialog = ReasonDialog(self, self.ctx.runner, title=label, intro=intro, ok_text=label, required=True,
                                  label=_("Nội dung cần bổ sung") if action == "request_supplement" else None,
                                  action=lambda v: func(actor=actor, code=code, **v))
        elif action == "withdraw" and case.fee:
            dialog = WithdrawDialog(self, self.ctx.runner, title=label, ok_text=label, fee_text=format_money(case.fee),
                                    intro=_("Công dân xin rút hồ sơ: hồ sơ dừng giải quyết và in thông báo dừng "
                                            "(mẫu 05). Không hoàn tác được."),
                                    text=_("Công dân xin rút hồ sơ"),
                                    action=lambda v: func(actor=actor, code=code, **v))
        elif action == "withdraw":
            dialog = ReasonDialog(self, self.ctx.runner, title=label, required=False, ok_text=label,
                                  intro=_("Công dân xin rút hồ sơ: hồ sơ dừng giải quyết và in thông báo dừng "
                                          "(mẫu 05). Không hoàn tác được."),
                                  text=_("Công dân xin rút hồ sơ"),
                                  action=lambda v: func(actor=actor, code=code, **v))
        else:                      # submit, approve, resume: nothing to ask
            if action == "approve" and not confirm(self, label, _("Phê duyệt hồ sơ {code}?").format(code=code)):
                return
            self.ctx.runner.run(lambda: func(actor=actor, code=code), label=label,
                                on_done=lambda result: self._done(action, result),
                                on_error=lambda e: show_error(self, e))
            return
        if dialog.exec() == QDialog.Accepted and dialog.result_value is not None:
            self._done(action, dialog.result_value)

    def _assign(self, case: CaseView, officers) -> None:
        actor, code = self.ctx.user.login, case.code
        dialog = AssignDialog(self, self.ctx.runner, officers=officers, field_name=case.procedure.field_name,
                              current=case.assignee_name if case.assignee else None,
                              action=lambda v: cases.assign_case(actor=actor, code=code, **v))
        if dialog.exec() == QDialog.Accepted and dialog.result_value is not None:
            self._done("assign", dialog.result_value)

    def _done(self, action: str, result: ActionResult) -> None:
        self.ctx.notify(result.changes)
        self.ctx.signals.status.emit(_("{action}: hồ sơ {code} — {state}.").format(
            action=workflow.label(action), code=result.case.code, state=workflow.state_label(result.case.state)))
        self.load(result.case.code)
        kind = PRINT_AFTER.get(action)
        if kind and documents.ready():
            documents.preview(self, self.ctx.runner, kind, result.case.code, paper=self.ctx.settings.paper,
                              on_error=lambda e: show_error(self, e))


class CaseDetailDialog(QDialog):
    """The case window: non-modal, one per main window, Esc closes it."""

    deliver_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Hồ sơ"))
        self.setModal(False)
        self.panel = CaseDetailPanel(ctx, self)
        self.panel.loaded.connect(self._loaded)
        self.panel.deliver_requested.connect(self._deliver)
        QVBoxLayout(self).addWidget(self.panel)
        self.resize(1180, 680)
        self._present = False

    def open_code(self, code: str) -> None:
        """Load the case, then show the window (a code that does not exist only shows the message)."""
        self._present = True
        self.panel.load(code)

    def open_receipt(self, text: str) -> None:
        """A scanned receipt's QR text: open its case and say whether the receipt is genuine."""
        from casedesk import receipt_seal

        found = receipt_seal.parse(text)
        if found is None:
            return
        self._present = True
        self.panel.load(found.code, receipt_text=text)

    def _loaded(self, case: CaseView) -> None:
        self.setWindowTitle(_("Hồ sơ {code} · {name}").format(code=case.code, name=case.citizen_name))
        if self._present:
            self._present = False
            self.show()
            self.raise_()
            self.activateWindow()

    def _deliver(self, code: str) -> None:
        self.close()
        self.deliver_requested.emit(code)
