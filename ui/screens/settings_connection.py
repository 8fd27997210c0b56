"""Cài đặt → Kết nối: which register this desk opens, and changing it (the first run's three choices).

A part of ``SettingsScreen``, like the backups tab.  The choice is this user's on this PC
(``casedesk.desk_config``); once a new one has worked (an office made, or the server answered with
an office in it) it is remembered and the desk opens it straight away, back at the login window.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from casedesk import desk_config
from casedesk.i18n import _

from .settings_backups import buttons_row


def connection_text(db_path: str) -> str:
    """What this desk uses now, in words."""
    saved = desk_config.load()
    if saved is not None and saved.target() == db_path:
        return saved.label()
    if db_path == str(desk_config.demo_path()):
        return desk_config.DeskConnection(kind="demo").label()
    if "://" in db_path and not db_path.startswith("sqlite"):
        from casedesk.transfer import describe

        return _("Máy chủ: {where}").format(where=describe(db_path))
    return _("Máy này: {path}").format(path=db_path)


class ConnectionTab:
    """The connection tab of ``SettingsScreen`` (which gives ``ctx``)."""

    def _connection_tab(self) -> QWidget:
        tab = QWidget()
        self.connection_label = QLabel(_("Sổ hồ sơ đang dùng: {what}").format(what=connection_text(self.ctx.db_path)))
        self.connection_label.setWordWrap(True)
        note = QLabel(_("Lựa chọn này là của người dùng máy tính này trên máy này; mật khẩu máy chủ không được ghi "
                        "thành chữ thường (kho mật khẩu của máy, PGPASSWORD, tệp pgpass, hoặc hỏi khi mở)."))
        note.setWordWrap(True)
        note.setStyleSheet("color:#555")
        self.change_connection = QPushButton(_("Đổi &kết nối…"))
        self.change_connection.clicked.connect(self.choose_connection)
        box = QVBoxLayout(tab)
        box.addWidget(self.connection_label)
        box.addWidget(note)
        box.addLayout(buttons_row(self.change_connection))
        box.addStretch(1)
        return tab

    def choose_connection(self) -> None:
        from ..widgets.action_dialogs import confirm
        from .first_run import FirstRunDialog

        window = self.window()
        unsaved = window.unsaved_screens() if hasattr(window, "unsaved_screens") else []
        if unsaved and not confirm(self, _("Đổi kết nối"), _(
                "Còn thông tin đang nhập dở ở: {screens}. Đổi sổ hồ sơ sẽ bỏ những thông tin này. Vẫn đổi?").format(
                    screens=", ".join(unsaved))):
            return

        dialog = FirstRunDialog(self.ctx.runner, self, title=_("CaseDesk · Kết nối"), current=desk_config.load())
        self.connection_dialog = dialog          # tests reach it here
        if dialog.exec() != QDialog.Accepted or dialog.choice is None:
            return
        desk_config.save(dialog.choice)
        from ..app import Session

        session = Session.current
        if session is not None:
            session.switch_to(dialog.choice, dialog.password, dialog.login)
            return
        self.connection_label.setText(_("Sổ hồ sơ đang dùng: {what}").format(what=dialog.choice.label()))
