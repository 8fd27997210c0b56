"""The first run asks: try the demo office, start a real office on this PC, or join the office's server.

Shown when this user has no remembered connection (``casedesk.desk_config``), and again from
Cài đặt → Kết nối.  Everything that touches a database (creating the office, "Kiểm tra kết nối")
runs on the runner; the dialog only shows what came back.  Nothing here is remembered until the
choice has worked: an office is created, or the server answered with an office in it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QStackedWidget, QVBoxLayout, QWidget)

from casedesk import desk_config
from casedesk.desk_config import DeskConnection
from casedesk.errors import CaseDeskError
from casedesk.i18n import _

from ..widgets.fields import MessageLabel, make_primary, set_invalid


def create_office(path: str, values: dict) -> str:
    """On the runner: a new register at ``path`` with the office and its admin; returns the admin's login."""
    from pathlib import Path

    from casedesk import context
    from casedesk.db import close_database, database, open_database
    from casedesk.errors import BadInput
    from casedesk.services import office

    file = Path(path)
    previous = database.obj       # the register open now (Cài đặt → Kết nối): bound again afterwards
    new = not file.exists()
    made = False
    try:
        open_database(file)
        if office.is_initialised():
            raise BadInput(_("Máy này đã có sổ hồ sơ tại {path}: hãy chọn “Kết nối” tới nó trong Cài đặt, "
                             "hoặc chuyển tệp đó đi trước khi bắt đầu văn phòng mới.").format(path=path))
        user = office.init_office(**values)
        made = True
    finally:
        close_database()
        if new and not made:         # a refused form leaves no empty register behind
            for leftover in (file, *[file.with_name(file.name + s) for s in ("-wal", "-shm", "-journal")]):
                leftover.unlink(missing_ok=True)
        if previous is not None:
            database.initialize(previous)     # reconnects by itself at its next query
            context.reset()
    return user.login


class FirstRunDialog(QDialog):
    """``choice`` (a ``DeskConnection``), ``password`` (a server's, for this session) and ``login``
    (the new office's admin and password, to log straight in) once accepted."""

    def __init__(self, runner, parent: QWidget | None = None, *, title: str = "", current: DeskConnection | None = None):
        super().__init__(parent)
        self.runner = runner
        self.choice: DeskConnection | None = None
        self.password: str | None = None
        self.login: tuple[str, str] | None = None
        self._busy = False
        self.setWindowTitle(title or _("CaseDesk · Bắt đầu"))
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choices_page())
        self.pages.addWidget(self._office_page())
        self.pages.addWidget(self._server_page())
        box = QVBoxLayout(self)
        box.addWidget(self.pages)
        self.resize(760, 560)
        self.pages.currentChanged.connect(self._page_shown)
        if current is not None and current.kind == "server":     # the server's page, as it was set
            self.host.setText(current.host)
            self.port.setValue(current.port)
            self.dbname.setText(current.database)
            self.dbuser.setText(current.user)
            self.keep_password.setChecked(current.keep_password and self.keep_password.isEnabled())
            self.pages.setCurrentIndex(2)
            self.dbpassword.setFocus()

    # ------------------------------------------------------------ the three choices
    def _choices_page(self) -> QWidget:
        page = QWidget(self)
        heading = _heading(_("CaseDesk dùng sổ hồ sơ nào trên máy này?"), page)
        box = QVBoxLayout(page)
        box.addWidget(heading)
        self.demo_button = self._choice(page, box, _("&1  Dùng thử văn phòng mẫu"),
                                        _("Một văn phòng có sẵn nhân viên và hồ sơ mẫu để làm quen. Không dùng cho "
                                          "hồ sơ thật; mở lại bất cứ lúc nào bằng casedesk --demo."), self.pick_demo)
        self.office_button = self._choice(page, box, _("&2  Bắt đầu văn phòng thật trên máy này"),
                                          _("Một máy làm bộ phận một cửa: nhập tên đơn vị, mã đơn vị và tài khoản "
                                            "quản trị. Sau này có thể chuyển sổ lên máy chủ để nhiều máy cùng dùng."),
                                          lambda: self.pages.setCurrentIndex(1))
        self.server_button = self._choice(page, box, _("&3  Kết nối tới máy chủ của văn phòng"),
                                          _("Văn phòng đã có máy chủ (PostgreSQL) trong mạng nội bộ: nhập địa chỉ, "
                                            "tên cơ sở dữ liệu, người dùng và mật khẩu do người dựng máy chủ đưa."),
                                          lambda: self.pages.setCurrentIndex(2))
        box.addStretch(1)
        return page

    def _choice(self, page, box, text: str, detail: str, slot) -> QPushButton:
        button = QPushButton(text, page)
        button.setMinimumHeight(44)
        button.setStyleSheet("QPushButton { text-align: left; padding: 8px 14px; font-weight: bold; }")
        button.clicked.connect(slot)
        note = QLabel(detail, page)
        note.setWordWrap(True)
        note.setContentsMargins(16, 0, 0, 10)
        box.addWidget(button)
        box.addWidget(note)
        return button

    def keyPressEvent(self, event) -> None:          # noqa: N802 (Qt's name)
        """On the choices, the keys 1, 2, 3 choose (as do Alt+1, Alt+2, Alt+3)."""
        buttons = {Qt.Key_1: self.demo_button, Qt.Key_2: self.office_button, Qt.Key_3: self.server_button}
        if self.pages.currentIndex() == 0 and event.key() in buttons:
            buttons[event.key()].click()
            return
        super().keyPressEvent(event)

    def _page_shown(self, index: int) -> None:
        """Enter in a field does the page's main action; the first field takes the keyboard."""
        self.create_button.setDefault(index == 1)
        self.connect_button.setDefault(index == 2)
        first = {1: self.office_fields["office"], 2: self.host}.get(index)
        if first is not None:
            first.setFocus()

    def pick_demo(self) -> None:
        self.choice = DeskConnection(kind="demo")
        self.accept()

    # ------------------------------------------------------------ a real office on this PC
    def _office_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout()
        self.office_fields: dict[str, QLineEdit] = {}

        def field(key: str, label: str, placeholder: str = "", *, secret: bool = False, value: str = "") -> None:
            edit = QLineEdit(value, page)
            edit.setPlaceholderText(placeholder)
            if secret:
                edit.setEchoMode(QLineEdit.Password)
            edit.textEdited.connect(lambda _t, e=edit: set_invalid(e, False))
            self.office_fields[key] = edit
            form.addRow(label, edit)

        field("office", _("Tên đơn vị"), "Trung tâm Phục vụ hành chính công xã …")
        field("commune", _("Xã/phường"), "Xã Tân Lập")
        field("province", _("Tỉnh/thành phố"), "Tỉnh Phú Thọ")
        field("unit_code", _("Mã đơn vị"), "000.00.31.H26")
        field("admin_login", _("Tên đăng nhập quản trị"), value="admin")
        field("admin_name", _("Họ tên quản trị"), "Nguyễn Văn A")
        field("password", _("Mật khẩu quản trị"), secret=True)
        field("confirm", _("Nhập lại mật khẩu"), secret=True)
        self.office_message = MessageLabel(page)
        where = QLabel(_("Sổ hồ sơ được tạo tại {path}.").format(path=desk_config.default_local_path()), page)
        where.setWordWrap(True)
        back = QPushButton(_("Quay lại"), page)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.create_button = make_primary(QPushButton(_("Tạo văn phòng"), page))
        self.create_button.clicked.connect(self.create_office)
        box = QVBoxLayout(page)
        box.addWidget(_heading(_("Văn phòng thật trên máy này"), page))
        box.addLayout(form)
        box.addWidget(where)
        box.addWidget(self.office_message)
        box.addStretch(1)
        box.addLayout(_row(back, self.create_button))
        return page

    def create_office(self) -> None:
        if self._busy:
            return
        values = {k: e.text().strip() for k, e in self.office_fields.items() if k not in ("password", "confirm")}
        password = self.office_fields["password"].text()
        labels = {"office": _("Tên đơn vị"), "commune": _("Xã/phường"), "province": _("Tỉnh/thành phố"),
                  "unit_code": _("Mã đơn vị"), "admin_login": _("Tên đăng nhập quản trị")}
        for key, label in labels.items():
            if not values[key]:
                return self._office_error(_("Chưa nhập {what}.").format(what=label.lower()), key)
        if password != self.office_fields["confirm"].text():
            return self._office_error(_("Hai lần nhập mật khẩu không khớp."), "confirm")
        values["admin_name"] = values["admin_name"] or None
        values["admin_password"] = password
        path = str(desk_config.default_local_path())
        self._set_busy(True, self.office_message, _("Đang tạo văn phòng…"))
        self.runner.run(lambda: create_office(path, values),
                        on_done=lambda login: self._office_created(path, login, password),
                        on_error=self._office_failed)

    def _office_created(self, path: str, login: str, password: str) -> None:
        self._set_busy(False)
        self.choice = DeskConnection(kind="local", path=path)
        self.login = (login, password)
        self.accept()

    def _office_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, CaseDeskError):
            field = {"admin_password": "password", "login": "admin_login"}.get(exc.field or "", exc.field)
            self._office_error(exc.message, field)
        else:
            from ..errors import show_error

            show_error(self, exc)

    def _office_error(self, text: str, field: str | None = None) -> None:
        self.office_message.error(text)
        edit = self.office_fields.get(field or "")
        if edit is not None:
            set_invalid(edit, True)
            edit.setFocus()

    # ------------------------------------------------------------ the office's server
    def _server_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout()
        self.host = QLineEdit(page)
        self.host.setPlaceholderText(_("tên máy hoặc địa chỉ IP, ví dụ 192.168.1.10"))
        self.port = QSpinBox(page)
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.dbname = QLineEdit("casedesk", page)
        self.dbuser = QLineEdit("casedesk", page)
        self.dbpassword = QLineEdit(page)
        self.dbpassword.setEchoMode(QLineEdit.Password)
        form.addRow(_("Máy chủ"), self.host)
        form.addRow(_("Cổng"), self.port)
        form.addRow(_("Cơ sở dữ liệu"), self.dbname)
        form.addRow(_("Tên người dùng"), self.dbuser)
        form.addRow(_("Mật khẩu"), self.dbpassword)
        self.keep_password = QCheckBox(_("Nhớ mật khẩu trong kho mật khẩu của máy (không lưu thành chữ thường)"), page)
        if not desk_config.keyring_available():
            self.keep_password.setEnabled(False)
            self.keep_password.setText(_("Máy này không có kho mật khẩu: mật khẩu sẽ được hỏi mỗi lần mở "
                                         "(hoặc đặt PGPASSWORD / tệp pgpass)"))
        self.server_message = MessageLabel(page)
        back = QPushButton(_("Quay lại"), page)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.test_button = QPushButton(_("&Kiểm tra kết nối"), page)
        self.test_button.clicked.connect(lambda: self.check_server(connect=False))
        self.connect_button = make_primary(QPushButton(_("Kết &nối"), page))
        self.connect_button.clicked.connect(lambda: self.check_server(connect=True))
        box = QVBoxLayout(page)
        box.addWidget(_heading(_("Máy chủ của văn phòng"), page))
        box.addLayout(form)
        box.addWidget(self.keep_password)
        box.addWidget(self.server_message)
        box.addStretch(1)
        box.addLayout(_row(back, self.test_button, self.connect_button))
        return page

    def check_server(self, *, connect: bool) -> None:
        if self._busy:
            return
        try:
            choice = desk_config.validate_server(self.host.text(), self.port.value(), self.dbname.text(),
                                                 self.dbuser.text())
        except CaseDeskError as exc:
            self.server_message.error(exc.message)
            return
        if self.keep_password.isChecked():
            choice = DeskConnection(**{**choice.__dict__, "keep_password": True})
        password = self.dbpassword.text() or None
        self._set_busy(True, self.server_message, _("Đang kết nối tới {host}…").format(host=choice.host))
        self.runner.run(lambda: desk_config.check_server(choice, password),
                        on_done=lambda found: self._server_checked(choice, password, found, connect),
                        on_error=self._server_failed)

    def _server_checked(self, choice: DeskConnection, password: str | None, found: tuple[str, bool],
                        connect: bool) -> None:
        self._set_busy(False)
        text, has_office = found
        if not has_office:
            self.server_message.error(text)
            return
        self.server_message.hint("✓ " + text)
        if connect:
            if choice.keep_password and password and not desk_config.store_password(choice, password):
                choice = DeskConnection(**{**choice.__dict__, "keep_password": False})
            self.choice = choice
            self.password = password
            self.accept()

    def _server_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, CaseDeskError):
            self.server_message.error(exc.message)
        else:
            from ..errors import show_error

            show_error(self, exc)

    # ------------------------------------------------------------ common
    def _set_busy(self, busy: bool, label: MessageLabel | None = None, text: str = "") -> None:
        self._busy = busy
        for button in (self.create_button, self.test_button, self.connect_button):
            button.setEnabled(not busy)
        if label is not None:
            label.hint(text)


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def _row(*buttons) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(buttons[0])
    row.addStretch(1)
    for button in buttons[1:]:
        row.addWidget(button)
    return row
