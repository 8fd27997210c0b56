"""The settings' dialogs: a user, a password, a new version of a procedure.

Each dialog hands its values to a service on the Runner when OK is pressed and
stays open with the core's message under the form if it is refused, so nothing
typed is lost (the core is the one that validates).
"""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from casedesk import workflow
from casedesk.errors import CaseDeskError
from casedesk.i18n import N_, _
from casedesk.services import auth, catalogue
from casedesk.services.views import UserView

from ..models.rows_model import Column


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


def exec_dialog(dialog: QDialog) -> bool:
    """Run a dialog modally (tests replace this to drive the dialog themselves)."""
    return dialog.exec() == QDialog.Accepted



def confirm_dialog(parent: QWidget | None, title: str, text: str, *, ok_only: bool = False) -> bool:
    """Ask yes/no (or just show a message); tests replace this."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Information if ok_only else QMessageBox.Question, title, text, parent=parent)
    if ok_only:
        box.setStandardButtons(QMessageBox.Ok)
        box.exec()
        return True
    box.setStandardButtons(QMessageBox.Yes | QMessageBox.No)
    box.button(QMessageBox.Yes).setText(_("Đồng ý"))
    box.button(QMessageBox.No).setText(_("Không"))
    box.setDefaultButton(QMessageBox.No)
    return box.exec() == QMessageBox.Yes
