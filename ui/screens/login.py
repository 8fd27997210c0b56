"""Đăng nhập: pick yourself from the list of active users, type the password, Enter.

The password is checked by the core (Argon2, lockout after repeated failures)
on the background runner; its message (wrong password, locked, deactivated) is
shown in red under the field, in the core's own words.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from casedesk import workflow
from casedesk.errors import CaseDeskError
from casedesk.i18n import _
from casedesk.services import auth
from casedesk.services.views import UserView

from ..errors import show_error
from ..widgets.action_dialogs import ActionDialog
from ..widgets.fields import MessageLabel, make_primary, set_invalid


class LoginScreen(QWidget):
    logged_in = Signal(object)          # UserView

    def __init__(self, runner, *, office_name: str = "", db_label: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(_("CaseDesk · Đăng nhập"))
        self._busy = False

        title = QLabel(office_name or "CaseDesk", self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignCenter)
        subtitle = QLabel(_("Đăng nhập để làm việc · dữ liệu: {where}").format(where=db_label or _("Máy này")),
                          self)
        subtitle.setAlignment(Qt.AlignCenter)

        self.users = QListWidget(self)
        self.users.setAccessibleName(_("Người dùng"))
        self.users.setMinimumHeight(240)
        self.users.setStyleSheet("QListWidget::item { padding: 5px 4px; }")
        self.users.itemActivated.connect(lambda _item: self.password.setFocus())
        users_label = QLabel(_("&Người dùng"), self)
        users_label.setBuddy(self.users)

        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setAccessibleName(_("Mật khẩu"))
        self.password.returnPressed.connect(self.submit)
        self.password.textEdited.connect(lambda _t: set_invalid(self.password, False))
        password_label = QLabel(_("&Mật khẩu"), self)
        password_label.setBuddy(self.password)
        self.message = MessageLabel(self)
        self.button = make_primary(QPushButton(_("Đăng nhập"), self))
        self.button.setMinimumHeight(36)
        self.button.clicked.connect(self.submit)

        card = QFrame(self)
        card.setFrameShape(QFrame.StyledPanel)
        card.setMaximumWidth(620)
        card.setMinimumWidth(560)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addSpacing(12)
        inner.addWidget(users_label)
        inner.addWidget(self.users)
        inner.addWidget(password_label)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addWidget(self.button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setTabOrder(self.users, self.password)
        self.setTabOrder(self.password, self.button)

    # -- data --------------------------------------------------------------
    def load_users(self, select: str | None = None, *, nobody: bool = False) -> None:
        """``select``: this desk's usual user, ready for the password; ``nobody``: after a log-out, no name
        chosen and the focus on the list, so the next person's first key picks their name."""
        self.runner.run(lambda: auth.list_users(include_inactive=False),
                        on_done=lambda users: self._fill(users, select, nobody), on_error=lambda e: show_error(self, e))

    def _fill(self, users: list[UserView], select: str | None, nobody: bool = False) -> None:
        self.users.clear()
        for user in users:
            item = QListWidgetItem(_("{name} · {role}").format(name=user.full_name,
                                                              role=_(workflow.ROLE_LABELS[user.role])))
            item.setData(Qt.UserRole, user.login)
            item.setToolTip(user.login)
            self.users.addItem(item)
            if user.login == select:
                self.users.setCurrentItem(item)
        if nobody:
            self.users.setCurrentRow(-1)
            self.users.clearSelection()
            self.users.setFocus()
            return
        if self.users.currentRow() < 0 and self.users.count():
            self.users.setCurrentRow(0)
        (self.password if select else self.users).setFocus()

    def selected_login(self) -> str | None:
        item = self.users.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def select_login(self, login: str) -> None:
        for row in range(self.users.count()):
            if self.users.item(row).data(Qt.UserRole) == login:
                self.users.setCurrentRow(row)
                return

    # -- login -------------------------------------------------------------
    def submit(self) -> None:
        login = self.selected_login()
        if self._busy:
            return
        if not login:
            self.message.error(_("Chọn tên của mình trong danh sách."))
            self.users.setFocus()
            return
        password = self.password.text()
        self._busy = True
        self.button.setEnabled(False)
        self.message.hint(_("Đang kiểm tra…"))
        self.runner.run(lambda: auth.login(login, password), on_done=lambda user: self._ok(user, password),
                        on_error=self._failed, label=_("Đang đăng nhập…"))

    def _ok(self, user: UserView, password: str) -> None:
        self._busy = False
        self.button.setEnabled(True)
        self.message.hint("")
        self.password.clear()
        if user.must_change_password and not self.change_password(user, password):
            self.message.hint(_("Cần đổi mật khẩu trước khi làm việc."))
            self.password.setFocus()
            return
        self.logged_in.emit(user)

    def change_password(self, user: UserView, old: str) -> bool:
        """A password set by the administrator is changed by its owner at the first login."""
        dialog = ChangePasswordDialog(self, self.runner, user=user, old_password=old)
        return dialog.exec() == QDialog.Accepted

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.button.setEnabled(True)
        if not isinstance(exc, CaseDeskError):
            self.message.hint("")
            show_error(self, exc)
            return
        self.message.error(exc.message)
        set_invalid(self.password, True)
        self.password.selectAll()
        self.password.setFocus()

    def reset(self, select: str | None = None, *, nobody: bool = False) -> None:
        """Back to the login screen: at start (the usual user chosen) or after a log-out (nobody chosen)."""
        self.password.clear()
        self.message.hint("")
        set_invalid(self.password, False)
        self.users.setCurrentRow(-1)
        self.users.setFocus()
        self.load_users(select, nobody=nobody)


class ChangePasswordDialog(ActionDialog):
    def __init__(self, parent, runner, *, user: UserView, old_password: str):
        login = user.login
        super().__init__(parent, runner, title=_("Đổi mật khẩu"),
                         intro=_("Mật khẩu của {name} do quản trị đặt. Hãy đặt mật khẩu mới của riêng mình "
                                 "(ít nhất {n} ký tự).").format(name=user.full_name, n=auth.MIN_PASSWORD),
                         ok_text=_("Đổi mật khẩu"),
                         action=lambda v: auth.set_password(actor=login, login=login, password=v["password"],
                                                            old_password=old_password))
        self.new = QLineEdit(self)
        self.new.setEchoMode(QLineEdit.Password)
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.Password)
        self.add_field("password", _("Mật khẩu mới"), self.new)
        self.add_field("again", _("Nhập lại"), self.again)
        self.new.setFocus()

    def values(self) -> dict:
        return {"password": self.new.text(), "again": self.again.text()}

    def check(self, values: dict) -> dict[str, str]:
        if values["password"] != values["again"]:
            return {"again": _("Hai lần nhập mật khẩu không khớp.")}
        return {}
