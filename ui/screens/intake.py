"""Tiếp nhận hồ sơ: the clerk receives a dossier from the keyboard in under a minute.

Tab order follows the paper form: procedure, its papers, the number of sets,
then the person.  The personal ID and phone are checked while typing (the
core's own rules), the due date is shown live with its reasons, Ctrl+Enter
saves.  An error from the core marks its field and keeps everything typed.
After saving, the receipt (form 01) opens in print preview and the form is
empty again, focused on the procedure for the next citizen.  A missing
required paper turns the main button into printing the supplement request
(form 02): the dossier is not received until it is complete.

Choosing the procedure with Enter moves to its first paper.  The ID number is checked
against the date of birth (the birth year its digits carry) and against the register (the
same ID under another name): warnings, never refusals.  Esc Esc empties the form and
offers it back (Ctrl+Z, or the button) until something new is typed.  A paper dossier
received during an outage is entered with its true time ("Nhập bù"), marked late.
"""
from __future__ import annotations

import time
import uuid

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QScrollArea, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from casedesk import workflow
from casedesk.errors import BadInput, CaseDeskError, Unavailable
from casedesk.i18n import N_, _, short_date, short_datetime, weekday_name
from casedesk.services import cases
from casedesk.services.views import ActionResult, ProcedureView
from casedesk.text import normalize_phone, validate_email, validate_id_number

from .. import printing
from ..appctx import AppContext
from ..errors import message_for, show_error
from ..widgets import documents
from ..widgets.fee_fields import FeeFields
from ..widgets.cccd import ScanDialog, is_complete, looks_like_cccd, parse_cccd
from ..widgets.fields import CheckedLineEdit, MessageLabel, make_primary, set_invalid, set_role
from ..widgets.papers import PapersChecklist
from ..widgets.procedure_picker import ProcedurePicker
from .base import Screen
from .intake_parts import FormMemory, FormSnapshot, LateEntry, aligned, due_preview, parse_birth_date, radios
from .intake_parts import field_message as _message

DOUBLE_ESC = 0.8          # seconds between the two Esc presses that clear the form


class IntakeScreen(FormMemory, Screen):
    key = "intake"
    title = N_("Tiếp nhận hồ sơ")
    roles = ("clerk",)
    shortcut = "F2"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._proc: ProcedureView | None = None
        self._due = None
        self._saving = False
        self._last_esc = 0.0
        self._cleared: FormSnapshot | None = None      # what Esc Esc took away, until something is typed
        self._build()
        self._connect()
        self.reset()

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        # -- the procedure and its papers
        proc_box = QGroupBox(_("&Thủ tục"), self)
        self.picker = ProcedurePicker(self.ctx.runner, proc_box)
        self.papers = PapersChecklist(proc_box)
        scroll = QScrollArea(proc_box)
        scroll.setWidget(self.papers)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.papers_message = MessageLabel(proc_box)
        self.sets = QSpinBox(proc_box)
        self.sets.setRange(1, 99)
        self.sets.setAccessibleName(_("Số bộ hồ sơ"))
        sets_label = QLabel(_("Số &bộ hồ sơ"), proc_box)
        sets_label.setBuddy(self.sets)
        self.fees = FeeFields(proc_box)
        # the screen's names for the fee widgets (the tests and the tab chain use them)
        self.fee, self.fee_amount, self.exemption = self.fees.fee, self.fees.fee_amount, self.fees.exemption
        self.fee_pages, self.fee_copies = self.fees.fee_pages, self.fees.fee_copies
        bottom = QGridLayout()
        bottom.addWidget(sets_label, 0, 0)
        bottom.addWidget(self.sets, 0, 1, Qt.AlignLeft)
        self.fees.add_to(bottom, 1)
        bottom.setColumnStretch(1, 1)
        papers_title = QLabel(_("Thành phần hồ sơ"), proc_box)
        font = papers_title.font()
        font.setBold(True)
        papers_title.setFont(font)
        left = QVBoxLayout(proc_box)
        left.addWidget(self.picker)
        left.addWidget(papers_title)
        left.addWidget(scroll, 1)
        left.addWidget(self.papers_message)
        left.addLayout(bottom)

        # -- the person
        person_box = QGroupBox(_("Người nộp"), self)
        self.name = CheckedLineEdit(person_box)
        self.id_number = CheckedLineEdit(person_box, validator=lambda t: _message(validate_id_number, t),
                                         min_chars_live=12, placeholder=_("12 chữ số"))
        self.scan_button = QToolButton(person_box)
        self.scan_button.setText(_("Quét CCCD"))
        self.scan_button.setToolTip(_("Quét mã QR trên thẻ căn cước để điền họ tên, số định danh, ngày sinh, "
                                      "địa chỉ. Cũng có thể quét thẳng vào bất kỳ ô nào của phiếu."))
        self.birth = CheckedLineEdit(person_box, validator=lambda t: _message(parse_birth_date, t),
                                     min_chars_live=10, placeholder=_("ngày/tháng/năm (không bắt buộc)"))
        self.phone = CheckedLineEdit(person_box, validator=lambda t: _message(normalize_phone, t),
                                     min_chars_live=10, placeholder=_("0912 345 678 (không bắt buộc)"))
        self.email = CheckedLineEdit(person_box, validator=lambda t: _message(validate_email, t),
                                     placeholder=_("không bắt buộc"))
        self.address = CheckedLineEdit(person_box)
        self.note = QLineEdit(person_box)
        self.note.setPlaceholderText(_("không bắt buộc; ví dụ số CMND 9 số cũ"))
        self.note.setMaxLength(500)
        self.identity_note = MessageLabel(person_box)
        id_row = QWidget(person_box)
        id_layout = QHBoxLayout(id_row)
        id_layout.setContentsMargins(0, 0, 0, 0)
        id_layout.addWidget(self.id_number, 1)
        id_layout.addWidget(self.scan_button, 0, Qt.AlignTop)

        self.channels = QButtonGroup(self)
        channel_row = radios(person_box, self.channels,
                                   [(c, _(workflow.CHANNEL_LABELS[c])) for c in workflow.CHANNELS])
        self.pickups = QButtonGroup(self)
        pickup_row = radios(person_box, self.pickups,
                                  [("desk", _("Tại bộ phận một cửa")), ("post", _("Qua bưu chính"))])
        form = QFormLayout(person_box)
        form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        for text, widget, buddy in (
                (_("&Họ và tên"), self.name, self.name.edit),
                (_("Số định &danh"), id_row, self.id_number.edit),
                (_("Ngày &sinh"), self.birth, self.birth.edit),
                (_("Điện th&oại"), self.phone, self.phone.edit),
                (_("&Email"), self.email, self.email.edit),
                (_("Đị&a chỉ"), self.address, self.address.edit),
                (_("Ghi &chú"), aligned(self.note, person_box), self.note),
                (_("Hình thức nộp"), channel_row, None),
                (_("Nhận kết quả"), pickup_row, None)):
            label = QLabel(text, person_box)
            if buddy is not None:
                label.setBuddy(buddy)
            form.addRow(label, widget)
        form.addRow(self.identity_note)

        # -- the due date and the buttons
        self.due_label = QLabel(self)
        self.due_label.setTextFormat(Qt.PlainText)
        font = self.due_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.due_label.setFont(font)
        self.why_button = QToolButton(self)
        self.why_button.setText(_("Vì sao? ▸"))
        self.why_button.setCheckable(True)
        self.why_button.setFocusPolicy(Qt.ClickFocus)
        self.why = QLabel(self)
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.PlainText)
        set_role(self.why, "field-hint")
        self.why.hide()
        self.general = MessageLabel(self)
        self.save_button = make_primary(QPushButton(self))
        self.save_button.setMinimumHeight(38)
        self.refuse_button = QPushButton(_("Từ chối tiếp nhận…  (F8)"), self)
        self.refuse_button.setToolTip(_("Hồ sơ không thuộc thẩm quyền hoặc không đủ điều kiện: in phiếu từ chối "
                                        "tiếp nhận (mẫu 03) với những gì đã nhập; hồ sơ không được tiếp nhận."))
        self.reset_button = QPushButton(_("Làm lại  (Esc Esc)"), self)
        self.reset_button.setFocusPolicy(Qt.ClickFocus)
        self.restore_button = QPushButton(_("Khôi phục phiếu vừa xóa  (Ctrl+Z)"), self)
        self.restore_button.setFocusPolicy(Qt.ClickFocus)
        self.restore_button.hide()
        self.late = LateEntry(self)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_label)
        due_row.addWidget(self.why_button)
        due_row.addStretch(1)
        due_row.addWidget(self.late)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.reset_button)

        columns = QGridLayout()
        columns.addWidget(proc_box, 0, 0)
        columns.addWidget(person_box, 0, 1)
        columns.setColumnStretch(0, 3)
        columns.setColumnStretch(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.addLayout(columns, 1)
        outer.addLayout(due_row)
        outer.addWidget(self.why)
        outer.addWidget(self.general)
        outer.addLayout(buttons)
        self.field_widgets = {
            "procedure": self.picker, "citizen_name": self.name, "id_number": self.id_number,
            "birth_date": self.birth, "phone": self.phone, "email": self.email, "address": self.address,
            "sets": self.sets,
        }

    def _connect(self) -> None:
        self.picker.chosen.connect(self._procedure_chosen)
        self.papers.changed.connect(self._update_button)
        self.save_button.clicked.connect(self.main_action)
        self.reset_button.clicked.connect(self.clear_form)
        self.restore_button.clicked.connect(self.restore)
        self.late.changed.connect(self._refresh_due)
        self.identity_timer = QTimer(self, singleShot=True, interval=350)
        self.identity_timer.timeout.connect(self._check_identity)
        for field in (self.name, self.id_number, self.birth):
            field.edit.textChanged.connect(lambda _t: self.identity_timer.start())
        for edit in (self.picker.edit, self.name.edit, self.id_number.edit, self.birth.edit, self.phone.edit,
                     self.email.edit, self.address.edit, self.note):
            edit.textEdited.connect(self._typed_anew)
        self.picker.edit.installEventFilter(self)
        self.refuse_button.clicked.connect(self.refuse_intake)
        refuse = QShortcut(QKeySequence("F8"), self)
        refuse.setContext(Qt.WidgetWithChildrenShortcut)
        refuse.activated.connect(self.refuse_intake)
        self.scan_button.clicked.connect(self.scan_card)
        self.why_button.toggled.connect(self._toggle_why)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.main_action)
        for field in (self.name, self.id_number, self.address, self.birth, self.phone, self.email):
            field.edit.textEdited.connect(lambda text, f=field: self._maybe_card(f, text))
            field.edit.returnPressed.connect(lambda f=field: self._maybe_card(f, f.text(), final=True))
        self.due_timer = QTimer(self, interval=60_000)
        self.due_timer.timeout.connect(self._refresh_due)

    # ------------------------------------------------------------ state
    def activate(self) -> None:
        if not self.picker.procedure() and not self.has_unsaved():
            self.picker.setFocus(Qt.OtherFocusReason)
        self._refresh_due()
        self.due_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.due_timer.stop()
        super().hideEvent(event)

    def has_unsaved(self) -> bool:
        return bool(self.picker.text().strip() or self.note.text().strip() or any(
            w.text().strip() for w in (self.name, self.id_number, self.birth, self.phone, self.email,
                                       self.address)))

    def reset(self) -> None:
        """Empty form, focused on the procedure (after saving, or Esc Esc)."""
        self.token = uuid.uuid4().hex       # a new dossier: a new intake token (see save())
        self.picker.clear()
        for field in (self.name, self.id_number, self.birth, self.phone, self.email, self.address):
            field.clear()
        self.note.clear()
        self.identity_note.hint("")
        self.late.clear()
        self.sets.setValue(1)
        self.fees.reset()                  # an exemption never carries over to the next citizen
        self.channels.button(0).setChecked(True)
        self.pickups.button(0).setChecked(True)
        self.papers_message.hint("")
        self.general.hint("")
        set_invalid(self.sets, False)
        self.why_button.setChecked(False)
        self.picker.setFocus(Qt.OtherFocusReason)

    def values(self) -> dict:
        """Everything typed, as ``receive_case`` takes it (birth date parsed here: BadInput if wrong)."""
        proc = self.picker.procedure()
        birth = parse_birth_date(self.birth.text())
        return dict(
            procedure=proc.code if proc else "", citizen_name=self.name.text(), id_number=self.id_number.text(),
            phone=self.phone.text(), email=self.email.text(), address=self.address.text(),
            channel=self.channels.checkedButton().property("value"),
            pickup=self.pickups.checkedButton().property("value"), sets=self.sets.value(),
            papers=self.papers.papers() if proc else None, birth_date=birth.isoformat() if birth else None,
            **self.fees.values(),
            note=self.note.text(), at=self.late.at(),
        )

    # ------------------------------------------------------------ procedure
    def _procedure_chosen(self, proc: ProcedureView | None) -> None:
        self._proc = proc
        self.papers.set_papers(proc.papers if proc else ())
        self._chain_tabs()
        self._update_fee()
        self._update_button()
        self._refresh_due()
        first = self.papers.focus_widgets()[:1]
        if proc is not None and first and self.picker.edit.hasFocus():
            # chosen from the keyboard: on to the papers, not past them (after the popup has closed)
            QTimer.singleShot(0, lambda w=first[0]: w.setFocus(Qt.TabFocusReason))

    def _chain_tabs(self) -> None:
        chain = [self.picker.edit, *self.papers.focus_widgets(), self.sets, *self.fees.focus_widgets(),
                 self.name.edit, self.id_number.edit,
                 self.birth.edit, self.phone.edit, self.email.edit, self.address.edit, self.note,
                 self.channels.checkedButton() or self.channels.button(0),
                 self.pickups.checkedButton() or self.pickups.button(0), self.save_button]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def _update_fee(self) -> None:
        self.fees.set_procedure(self._proc)

    def missing_papers(self) -> list[str]:
        return self.papers.missing() if self._proc else []

    def _update_button(self) -> None:
        missing = self.missing_papers()
        if missing:
            self.save_button.setText(_("In phiếu yêu cầu bổ sung (mẫu 02)  Ctrl+Enter"))
            self.papers_message.error(_("Thiếu giấy tờ bắt buộc: {papers}. Hồ sơ chưa được tiếp nhận; in phiếu "
                                        "yêu cầu bổ sung cho công dân.").format(papers="; ".join(missing)))
        else:
            self.save_button.setText(_("Lưu và in giấy hẹn  Ctrl+Enter"))
            self.papers_message.hint("")

    # ------------------------------------------------------------ due date
    def _refresh_due(self) -> None:
        proc = self._proc
        if proc is None:
            self.due_label.setText(_("Hẹn trả: chọn thủ tục để tính ngày hẹn."))
            self.why.setText("")
            self.why_button.setVisible(False)
            return
        at = self.late.at()
        self.ctx.runner.run(lambda: due_preview(proc, at),
                            on_done=lambda due: self._show_due(proc, due), on_error=lambda e: None)

    def _show_due(self, proc: ProcedureView, due) -> None:
        if proc is not self._proc:
            return
        self._due = due
        self.due_label.setText(_("Hẹn trả: {weekday}, ngày {date}").format(weekday=weekday_name(due.due),
                                                                           date=short_date(due.due)))
        self.why.setText("\n".join(due.explanation))
        self.why_button.setVisible(True)

    def _toggle_why(self, shown: bool) -> None:
        self.why.setVisible(shown)
        self.why_button.setText(_("Vì sao? ▾") if shown else _("Vì sao? ▸"))

    # ------------------------------------------------------------ the card
    def _maybe_card(self, field: CheckedLineEdit, text: str, final: bool = False) -> None:
        if "|" not in text or not looks_like_cccd(text):
            return
        if not (final or is_complete(text)):
            return
        data = parse_cccd(text)
        if data is None:
            return
        before = text[:text.find(data.id_number)].rstrip("|") if data.id_number in text else ""
        field.edit.setText(before)          # what was there before the scan stays; the card fills the rest
        self.fill_from_card(data)

    def fill_from_card(self, data) -> None:
        if data.full_name:
            self.name.setText(data.full_name)
        self.id_number.setText(data.id_number)
        if data.birth_date:
            self.birth.setText(data.birth_date.strftime("%d/%m/%Y"))
        if data.address:
            self.address.setText(data.address)
        self.ctx.signals.status.emit(_("Đã điền thông tin từ thẻ căn cước {id}.").format(id=data.id_number))
        self.phone.setFocus(Qt.OtherFocusReason)

    def scan_card(self) -> None:
        dialog = ScanDialog(self)
        if dialog.exec() == QDialog.Accepted:
            self.fill_from_card(parse_cccd(dialog.edit.text()))

    # ------------------------------------------------------------ saving
    def main_action(self) -> None:
        if self.missing_papers():
            self.print_supplement()
        else:
            self.save()

    def _clear_marks(self) -> None:
        """Before asking the core again: its old marks go, the live checks run once more."""
        for widget in self.field_widgets.values():
            if isinstance(widget, CheckedLineEdit):
                if widget.validator is None:
                    widget.clear_state()
                else:
                    widget.revalidate()
        set_invalid(self.sets, False)
        self.general.hint("")

    def save(self) -> None:
        if self._saving:
            return
        self._clear_marks()
        try:
            values = self.values()
        except BadInput as exc:
            self.mark(exc)
            return
        if not values["procedure"]:
            self.mark(BadInput(_("Chưa chọn thủ tục."), field="procedure"))
            return
        actor = self.ctx.user.login
        # the same form sent again (its answer lost with the connection) finds the case it made
        values["token"] = self.token
        self._saving = True
        self.save_button.setEnabled(False)
        self.ctx.runner.run(lambda: cases.receive_case(actor=actor, **values), on_done=self._saved,
                            on_error=self._failed, label=_("Đang lưu hồ sơ…"))

    def _saved(self, result: ActionResult) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        code = result.case.code
        self.ctx.notify(result.changes)
        if self.late.at() is not None:
            self.ctx.signals.status.emit(_("Đã nhập bù hồ sơ {code} (tiếp nhận lúc {at}), hẹn trả {due}.").format(
                code=code, at=short_datetime(result.case.received_at), due=short_date(result.case.due_date)))
        else:
            self.ctx.signals.status.emit(_("Đã tiếp nhận hồ sơ {code}, hẹn trả {due}.").format(
                code=code, due=short_date(result.case.due_date)))
        self._cleared = None
        self.reset()
        self.print_receipt(code)

    def print_receipt(self, code: str) -> None:
        paper = self.ctx.settings.paper
        title = _("Giấy tiếp nhận {code}").format(code=code)
        self.ctx.runner.run(lambda: documents.render("receipt", code, paper),
                            on_done=lambda pdf: printing.preview_pdf(self, pdf, title, runner=self.ctx.runner),
                            on_error=lambda exc: show_error(self, exc), label=_("Đang tạo giấy tiếp nhận…"))

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, Unavailable):                 # not saved (or not known to be); the form stays
            unknown = isinstance(exc.details, dict) and exc.details.get("outcome") == "unknown"
            self.general.error(message_for(exc)[1] if unknown else
                               _("Hồ sơ chưa được lưu.") + " " + message_for(exc)[1])
            return
        if isinstance(exc, CaseDeskError):
            self.mark(exc)
        else:
            show_error(self, exc)

    def mark(self, exc: CaseDeskError) -> None:
        """Show the core's message at the field it names; nothing typed is touched."""
        widget = self.field_widgets.get(exc.field or "")
        if exc.field == "at":
            self.late.when.setFocus(Qt.OtherFocusReason)
            self.general.error(exc.message)
            return
        if exc.field == "papers":
            self.papers_message.error(exc.message)
            self.papers.setFocus()
            return
        if isinstance(widget, (CheckedLineEdit, ProcedurePicker)):
            widget.set_error(exc.message)
            widget.setFocus(Qt.OtherFocusReason)
            return
        if widget is not None:
            set_invalid(widget, True)
            widget.setFocus(Qt.OtherFocusReason)
        self.general.error(exc.message)

    def print_supplement(self) -> None:
        """Form 02 for a dossier that cannot be received yet."""
        proc = self._proc
        missing = self.missing_papers()
        values = {"procedure": proc.code, "citizen_name": self.name.text(), "id_number": self.id_number.text(),
                  "phone": self.phone.text(), "email": self.email.text(), "address": self.address.text(),
                  "missing": missing}
        paper = self.ctx.settings.paper
        clerk = self.ctx.user.login
        self.ctx.runner.run(lambda: documents.render_intake_supplement(values, clerk=clerk, paper=paper),
                            on_done=lambda pdf: printing.preview_pdf(
                                self, pdf, _("Phiếu yêu cầu bổ sung"), runner=self.ctx.runner),
                            on_error=self._failed, label=_("Đang tạo phiếu yêu cầu bổ sung…"))

    def refuse_intake(self) -> None:
        """Form 03: the desk refuses the dossier with what the clerk typed (recorded, never a case)."""
        from casedesk.services import forms

        from ..widgets.action_dialogs import ReasonDialog

        self._clear_marks()
        proc = self.picker.procedure()
        if proc is None:
            self.mark(BadInput(_("Chưa chọn thủ tục."), field="procedure"))
            return
        if not self.name.text().strip():
            self.mark(BadInput(_("Chưa nhập họ và tên người nộp hồ sơ."), field="citizen_name"))
            return
        typed = dict(procedure=proc.code, citizen_name=self.name.text(), id_number=self.id_number.text(),
                     phone=self.phone.text(), address=self.address.text(), email=self.email.text())
        actor = self.ctx.user.login
        dialog = ReasonDialog(
            self, self.ctx.runner, title=_("Từ chối tiếp nhận hồ sơ (mẫu 03)"),
            intro=_("Hồ sơ {procedure} của {name} sẽ không được tiếp nhận: không có mã hồ sơ, không vào sổ theo "
                    "dõi và báo cáo. Việc từ chối được ghi lại (ai, hồ sơ gì, vì sao) và phiếu mẫu 03 được in "
                    "để giao người nộp.").format(procedure=proc.name, name=self.name.text().strip()),
            ok_text=_("Từ chối và in phiếu"), required=True, label=_("Lý do từ chối"),
            action=lambda v: forms.refuse_intake(actor=actor, note=v["note"], **typed))
        if dialog.exec() != QDialog.Accepted or dialog.result_value is None:
            return
        code = dialog.result_value.code
        self.ctx.signals.status.emit(_("Đã từ chối tiếp nhận, phiếu {code}.").format(code=code))
        self.reset()
        paper = self.ctx.settings.paper
        self.ctx.runner.run(lambda: documents.render("refusal", code, paper),
                            on_done=lambda pdf: printing.preview_pdf(
                                self, pdf, _("Phiếu từ chối tiếp nhận {code}").format(code=code),
                                runner=self.ctx.runner),
                            on_error=lambda exc: show_error(self, exc), label=_("Đang tạo phiếu từ chối…"))

    # ------------------------------------------------------------ keys
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key_Escape:
            now = time.monotonic()
            if now - self._last_esc <= DOUBLE_ESC:
                self._last_esc = 0.0
                self.clear_form()
            else:
                self._last_esc = now
                self.ctx.signals.status.emit(_("Nhấn Esc lần nữa để làm lại phiếu (xóa hết)."))
            return
        super().keyPressEvent(event)
