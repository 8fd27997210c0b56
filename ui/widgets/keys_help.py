"""F1: the keys of the desk in one table."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from casedesk.i18n import N_, _

KEYS = (
    ("F2", N_("Tiếp nhận hồ sơ mới")),
    ("F3 / Ctrl+F", N_("Tìm hồ sơ (mã, CCCD, số điện thoại, tên)")),
    (N_("Máy quét"), N_("Quét mã hồ sơ ở bất kỳ màn hình nào: mở hồ sơ")),
    ("Ctrl+Enter", N_("Việc chính của màn hình (lưu, trả kết quả, phê duyệt)")),
    ("Ctrl+P", N_("In (trong cửa sổ xem trước)")),
    ("Ctrl+R", N_("Trả lại hồ sơ (chờ phê duyệt)")),
    ("F8", N_("Từ chối tiếp nhận hồ sơ tại quầy (mẫu 03), ở màn hình tiếp nhận")),
    ("Alt+1 … Alt+8", N_("Chuyển giữa các mục bên trái")),
    ("Esc Esc", N_("Làm lại phiếu tiếp nhận (xóa hết; Ctrl+Z lấy lại)")),
    ("Ctrl+Z", N_("Hoàn tác lần phê duyệt vừa rồi (chờ phê duyệt)")),
    ("Alt+L / ↓", N_("Trả kết quả: vào danh sách chờ trả")),
    ("1 / 2 / 3", N_("Trả kết quả: Rất hài lòng / Hài lòng / Không hài lòng")),
    ("Esc", N_("Đóng hộp thoại")),
    ("Ctrl+Shift+L", N_("Đăng xuất, đổi người dùng")),
    ("F1", N_("Bảng phím tắt này")),
)


def keys_html(extra: tuple[tuple[str, str], ...] = ()) -> str:
    rows = "".join(
        f"<tr><td style='padding:3px 14px 3px 0'><b>{html.escape(_(k))}</b></td>"
        f"<td style='padding:3px 0'>{html.escape(_(v))}</td></tr>"
        for k, v in KEYS + extra)
    return f"<table>{rows}</table>"


class KeysDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Phím tắt"))
        label = QLabel(keys_html(), self)
        label.setTextFormat(Qt.RichText)
        label.setAlignment(Qt.AlignTop | Qt.AlignLeft)          # no empty band above the table
        label.setContentsMargins(4, 4, 4, 4)
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.button(QDialogButtonBox.Close).setText(_("Đóng"))
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(scroll)
        box.addWidget(buttons)
        # as tall as the table (and no taller), up to what a 768-pixel screen leaves
        margins = box.contentsMargins()
        height = (label.sizeHint().height() + buttons.sizeHint().height() + box.spacing()
                  + margins.top() + margins.bottom() + 4)
        self.resize(max(560, label.sizeHint().width() + margins.left() + margins.right() + 24), min(height, 640))
