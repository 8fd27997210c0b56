"""The settings' dialogs: a user, a password, a new version of a procedure.

Each dialog hands its values to a service on the Runner when OK is pressed and
stays open with the core's message under the form if it is refused, so nothing
typed is lost (the core is the one that validates).
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableView, QVBoxLayout, QWidget)

from casedesk import context, workflow
from casedesk.errors import CaseDeskError
from casedesk.i18n import N_, _
from casedesk.services import auth, catalogue
from casedesk.services.views import ProcedureView, UserView

from ..models.rows_model import Column, RowsModel


class ServiceDialog(QDialog):
    """OK runs ``submit(values)`` on the Runner; an error keeps the dialog open and says why."""

    def __init__(self, parent: QWidget | None, runner, title: str):
        super().__init__(parent)
        self.runner = runner
        self.result_value = None
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b3261e")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(_("Lưu"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(_("Hủy"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)

    def finish_layout(self) -> None:
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)

    def work(self):  # pragma: no cover - each dialog defines it
        """Returns a callable run on the worker, or raises CaseDeskError for a local check."""
        raise NotImplementedError

    def submit(self) -> None:
        try:
            fn = self.work()
        except CaseDeskError as exc:
            self._refused(exc)
            return
        self.buttons.setEnabled(False)
        self.error.hide()
        self.runner.run(fn, on_done=self._done, on_error=self._refused, label=self.windowTitle())

    def _done(self, value) -> None:
        self.buttons.setEnabled(True)
        self.result_value = value
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, CaseDeskError):
            self.error.setText(str(exc))
            self.error.show()
        else:
            from ..widgets.case_table import show_error

            show_error(self, exc)


def _password_pair(form: QFormLayout) -> tuple[QLineEdit, QLineEdit]:
    first, second = QLineEdit(), QLineEdit()
    for edit in (first, second):
        edit.setEchoMode(QLineEdit.Password)
    form.addRow(_("&Mật khẩu:"), first)
    form.addRow(_("Nhập &lại mật khẩu:"), second)
    return first, second


def _check_pair(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        raise CaseDeskError(_("Hai lần nhập mật khẩu không khớp."))
    return first.text()


class UserDialog(ServiceDialog):
    """Add a user (login, role, fields, first password) or edit one (never delete)."""

    def __init__(self, parent: QWidget | None, runner, actor: str, user: UserView | None = None, *,
                 fields: list[tuple[str, str]] = ()):
        super().__init__(parent, runner, _("Thêm người dùng") if user is None else
                         _("Sửa người dùng {login}").format(login=user.login))
        self.actor, self.user = actor, user
        self.login = QLineEdit(user.login if user else "")
        self.login.setEnabled(user is None)
        self.full_name = QLineEdit(user.full_name if user else "")
        self.role = QComboBox()
        for role in workflow.ROLES:
            self.role.addItem(_(workflow.ROLE_LABELS[role]), role)
        if user:
            self.role.setCurrentIndex(self.role.findData(user.role))
        else:
            self.role.setCurrentIndex(self.role.findData("officer"))
        self.phone = QLineEdit()
        if user and user.phone:
            from casedesk.text import display_phone

            self.phone.setText(display_phone(user.phone))
        self.form.addRow(_("Tên đăng &nhập:"), self.login)
        self.form.addRow(_("&Họ và tên:"), self.full_name)
        self.form.addRow(_("&Vai trò:"), self.role)
        self.form.addRow(_("Điện &thoại:"), self.phone)
        grid = QGridLayout()
        self.field_boxes: dict[str, QCheckBox] = {}
        for i, (code, name) in enumerate(fields):            # read by the screen, on the runner
            box = QCheckBox(name)
            box.setChecked(bool(user and code in user.fields))
            self.field_boxes[code] = box
            grid.addWidget(box, i // 2, i % 2)
        self.form.addRow(_("Lĩnh vực phụ trách:"), grid)
        self.password = self.repeat = None
        if user is None:
            self.password, self.repeat = _password_pair(self.form)
            self.must_change = QCheckBox(_("Bắt đổi mật khẩu ở lần đăng nhập đầu"))
            self.must_change.setChecked(True)
            self.form.addRow("", self.must_change)
        self.finish_layout()

    def values(self) -> dict:
        return dict(full_name=self.full_name.text(), role=self.role.currentData(), phone=self.phone.text(),
                    fields=[c for c, box in self.field_boxes.items() if box.isChecked()])

    def work(self):
        values, actor = self.values(), self.actor
        if self.user is None:
            password = _check_pair(self.password, self.repeat)
            login, must = self.login.text(), self.must_change.isChecked()
            return lambda: auth.add_user(actor=actor, login=login, password=password,
                                         must_change_password=must, **values)
        login = self.user.login
        return lambda: auth.update_user(actor=actor, login=login, **values)


class PasswordDialog(ServiceDialog):
    def __init__(self, parent: QWidget | None, runner, actor: str, user: UserView):
        super().__init__(parent, runner, _("Đặt lại mật khẩu cho {name}").format(name=user.full_name))
        self.actor, self.user = actor, user
        note = QLabel(_("Người dùng sẽ phải đổi mật khẩu này ở lần đăng nhập sau."))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.password, self.repeat = _password_pair(self.form)
        self.finish_layout()

    def work(self):
        password = _check_pair(self.password, self.repeat)
        actor, login = self.actor, self.user.login
        return lambda: auth.set_password(actor=actor, login=login, password=password)


PAPER_COLUMNS = [
    Column(N_("Tên giấy tờ"), key="name"),
    Column(N_("Bản chính"), key="original", kind="int"),
    Column(N_("Bản sao"), key="copies", kind="int"),
    Column(N_("Không bắt buộc"), key="optional", kind="bool"),
]


class ProcedureDialog(ServiceDialog):
    """A new version of a procedure, in force from a date; cases already received keep theirs."""

    def __init__(self, parent: QWidget | None, runner, actor: str, proc: ProcedureView):
        super().__init__(parent, runner, _("Phiên bản mới của thủ tục {code}").format(code=proc.code))
        self.actor, self.proc = actor, proc
        self.setMinimumWidth(720)
        today = context.today()
        self.effective = QDateEdit(QDate(today.year, today.month, today.day))
        self.effective.setMinimumDate(QDate(today.year, today.month, today.day))
        self.effective.setDisplayFormat("dd/MM/yyyy")
        self.effective.setCalendarPopup(True)
        self.name = QLineEdit(proc.name)
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.days.setValue(proc.days)
        self.days.setSpecialValueText(_("Trong ngày"))
        self.days.setSuffix(_(" ngày làm việc"))
        self.fee = QSpinBox()
        self.fee.setRange(0, 100_000_000)
        self.fee.setSingleStep(1000)
        self.fee.setGroupSeparatorShown(True)
        self.fee.setValue(proc.fee)
        self.fee.setSuffix(" đ")
        self.fee_note = QLineEdit(proc.fee_note)
        self.active = QCheckBox(_("Đang áp dụng"))
        self.active.setChecked(proc.active)
        note = QLabel(_("Phiên bản hiện hành: {v}, từ {d}. Hồ sơ đã nhận giữ nguyên phiên bản cũ.").format(
            v=proc.version, d=proc.effective_from.strftime("%d/%m/%Y")))
        note.setWordWrap(True)
        note.setStyleSheet("color:#555")
        self.form.addRow(note)
        self.form.addRow(_("Hiệu lực &từ ngày:"), self.effective)
        self.form.addRow(_("&Tên thủ tục:"), self.name)
        self.form.addRow(_("Thời &hạn:"), self.days)
        self.form.addRow(_("&Lệ phí:"), self.fee)
        self.form.addRow(_("Ghi chú lệ phí:"), self.fee_note)
        self.form.addRow("", self.active)
        self.papers = RowsModel(PAPER_COLUMNS, [
            {"name": p.name, "original": p.original, "copies": p.copies, "optional": p.optional}
            for p in proc.papers], editable=True)
        self.paper_view = QTableView()
        self.paper_view.setModel(self.papers)
        self.paper_view.verticalHeader().hide()
        self.paper_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.paper_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.paper_view.setMinimumHeight(160)
        add = QPushButton(_("Thêm giấy tờ"))
        remove = QPushButton(_("Bỏ giấy tờ đã chọn"))
        add.clicked.connect(self._add_paper)
        remove.clicked.connect(self._remove_paper)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.body.addWidget(QLabel(_("Thành phần hồ sơ:")))
        self.body.addWidget(self.paper_view)
        self.body.addLayout(row)
        self.finish_layout()

    def _add_paper(self) -> None:
        row = self.papers.append({"name": _("Giấy tờ mới"), "original": 1, "copies": 0, "optional": False})
        index = self.papers.index(row, 0)
        self.paper_view.setCurrentIndex(index)
        self.paper_view.edit(index)

    def _remove_paper(self) -> None:
        index = self.paper_view.currentIndex()
        if index.isValid():
            self.papers.remove(index.row())

    def work(self):
        q = self.effective.date()
        values = dict(actor=self.actor, code=self.proc.code, effective_from=dt.date(q.year(), q.month(), q.day()),
                      name=self.name.text(), days=self.days.value(), fee=self.fee.value(),
                      fee_note=self.fee_note.text(), papers=[dict(p) for p in self.papers.rows()],
                      active=self.active.isChecked())
        return lambda: catalogue.new_version(**values)


def exec_dialog(dialog: QDialog) -> bool:
    """Run a dialog modally (tests replace this to drive the dialog themselves)."""
    return dialog.exec() == QDialog.Accepted

