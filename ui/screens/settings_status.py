"""Cài đặt → Trang tra cứu: the read-only status page on the office's LAN (``casedesk.status_web``),
off by default.  Turned on here it runs while the desk on the PC owning the address is open
(``ui.status_server``); ``casedesk-cli status-page`` runs it without a desk."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from casedesk.i18n import _
from casedesk.services import office

from ..errors import show_error
from .settings_backups import buttons_row


class StatusPageTab(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.enabled = QCheckBox(_("&Bật trang tra cứu tình trạng hồ sơ trên mạng nội bộ"))
        self.host = QLineEdit()
        self.host.setMaximumWidth(220)
        self.host.setPlaceholderText("192.168.1.10")
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.save_button = QPushButton(_("&Lưu trang tra cứu"))
        self.save_button.clicked.connect(self.save)
        self.links = QLabel()
        self.links.setTextFormat(Qt.RichText)
        self.links.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.links.setWordWrap(True)
        note = QLabel(_("Trang chỉ đọc: công dân quét mã QR trên giấy hẹn, hoặc nhập mã hồ sơ và 4 số cuối số "
                        "điện thoại, để biết hồ sơ đang ở đâu, ngày hẹn, có cần bổ sung không, đã có kết quả chưa. "
                        "Màn hình phòng chờ liệt kê kết quả chờ nhận, tên viết tắt. Không hiện số định danh, địa "
                        "chỉ hay họ tên đầy đủ; mỗi lượt tra cứu được ghi vào nhật ký; mỗi máy chỉ tra được 20 "
                        "lượt một phút. Địa chỉ là địa chỉ IP của máy chạy trang trong mạng nội bộ (0.0.0.0: mọi "
                        "mạng của máy)."))
        note.setWordWrap(True)
        note.setStyleSheet("color:#555")
        form = QFormLayout()
        form.addRow("", self.enabled)
        form.addRow(_("Địa chỉ:"), self.host)
        form.addRow(_("Cổng:"), self.port)
        box = QVBoxLayout(self)
        box.addWidget(note)
        box.addLayout(form)
        box.addWidget(self.links)
        box.addLayout(buttons_row(self.save_button))
        box.addStretch(1)
        self.fill()

    def fill(self) -> None:
        st = self.ctx.settings
        self.enabled.setChecked(st.status_page)
        self.host.setText(st.status_host)
        self.port.setValue(st.status_port)
        self._show_links()

    def _show_links(self) -> None:
        st = self.ctx.settings
        if not st.status_page:
            self.links.setText(_("Trang tra cứu đang tắt."))
            return
        host = html.escape(st.status_host if st.status_host != "0.0.0.0" else _("địa-chỉ-máy-này"))
        self.links.setText(_("Đang bật: <b>http://{host}:{port}/tra-cuu</b> (tra cứu) và "
                             "<b>http://{host}:{port}/man-hinh</b> (màn hình phòng chờ).").format(
            host=host, port=st.status_port))

    def values(self) -> dict:
        return {"status_page": self.enabled.isChecked(), "status_host": self.host.text().strip(),
                "status_port": self.port.value()}

    def has_unsaved(self) -> bool:
        st = self.ctx.settings
        return self.values() != {"status_page": st.status_page, "status_host": st.status_host,
                                  "status_port": st.status_port}

    def save(self) -> None:
        st = self.ctx.settings
        current = {"status_page": st.status_page, "status_host": st.status_host, "status_port": st.status_port}
        changed = {k: v for k, v in self.values().items() if current[k] != v}
        if not changed:
            self.ctx.signals.status.emit(_("Không có gì thay đổi."))
            return
        actor = self.ctx.user.login

        def done(result) -> None:
            settings, changes = result
            self.ctx.settings = settings
            self.fill()
            self.ctx.signals.status.emit(_("Đã lưu cài đặt trang tra cứu."))
            self.ctx.notify(changes)

        self.ctx.runner.run(lambda: office.update_settings(actor=actor, **changed), on_done=done,
                            on_error=lambda exc: show_error(self, exc), label=_("Đang lưu…"))
