"""Vietnamese for Qt's own widgets (OK/Cancel, Yes/No, context menus, print preview).

Qt's wheel ships no Vietnamese catalogue.  Rather than a .ts/.qm build step, a
small QTranslator answers the few contexts a clerk ever sees from a table in
this module.  Our own strings go through ``casedesk.i18n._`` like the core's;
this module is only for the strings Qt itself draws.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from casedesk.i18n import get_language, set_language

_BUTTONS = {
    "OK": "Đồng ý",
    "&OK": "Đồng ý",
    "Cancel": "Hủy",
    "&Cancel": "Hủy",
    "&Yes": "&Có",
    "Yes": "Có",
    "&No": "&Không",
    "No": "Không",
    "Yes to &All": "Có với &tất cả",
    "N&o to All": "Không với tất &cả",
    "Save": "Lưu",
    "&Save": "&Lưu",
    "Save All": "Lưu tất cả",
    "Open": "Mở",
    "&Open": "&Mở",
    "Close": "Đóng",
    "&Close": "Đóng",
    "Discard": "Bỏ thay đổi",
    "Don't Save": "Không lưu",
    "Close without Saving": "Đóng không lưu",
    "Apply": "Áp dụng",
    "Reset": "Đặt lại",
    "Restore Defaults": "Khôi phục mặc định",
    "Help": "Trợ giúp",
    "Abort": "Hủy bỏ",
    "Retry": "Thử lại",
    "Ignore": "Bỏ qua",
}

_EDIT_MENU = {
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "Sao &chép",
    "Copy &Link Location": "Sao chép địa chỉ liên kết",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "&Select All": "Chọn tất cả",
    "&Step up": "Tăng",
    "Step &down": "Giảm",
}

TABLE: dict[str, dict[str, str]] = {
    "QPlatformTheme": _BUTTONS,
    "QDialogButtonBox": _BUTTONS,
    "QMessageBox": {
        **_BUTTONS,
        "Show Details...": "Xem chi tiết…",
        "Hide Details...": "Ẩn chi tiết…",
    },
    "QLineEdit": _EDIT_MENU,
    "QWidgetTextControl": _EDIT_MENU,
    "QAbstractSpinBox": _EDIT_MENU,
    "QInputDialog": {"Enter a value:": "Nhập giá trị:"},
    "QProgressDialog": {"Cancel": "Hủy"},
    "QPrintPreviewDialog": {
        "Print Preview": "Xem trước khi in",
        "Next page": "Trang sau",
        "Previous page": "Trang trước",
        "First page": "Trang đầu",
        "Last page": "Trang cuối",
        "Fit width": "Vừa chiều rộng",
        "Fit page": "Vừa trang",
        "Zoom in": "Phóng to",
        "Zoom out": "Thu nhỏ",
        "Portrait": "Khổ dọc",
        "Landscape": "Khổ ngang",
        "Show single page": "Từng trang",
        "Show facing pages": "Hai trang đối diện",
        "Show overview of all pages": "Tất cả các trang",
        "Print": "In",
        "Page setup": "Thiết lập trang",
        "Page Setup": "Thiết lập trang",
        "Export to PDF": "Xuất PDF",
        "Close": "Đóng",
    },
    "QPrintDialog": {
        "Print": "In",
        "&Print": "&In",
        "&Options >>": "&Tùy chọn >>",
        "&Options <<": "&Tùy chọn <<",
        "All Pages": "Tất cả các trang",
        "Odd Pages": "Trang lẻ",
        "Even Pages": "Trang chẵn",
        "Local file": "Tệp trên máy",
        "Print to File (PDF)": "In ra tệp (PDF)",
        "Write PDF file": "Ghi tệp PDF",
    },
    "QPrintSettingsOutput": {
        "Copies": "Số bản",
        "Copies:": "Số bản:",
        "Collate": "Sắp theo bộ",
        "Reverse": "In ngược",
        "Options": "Tùy chọn",
        "Print all": "In tất cả",
        "Print range": "In các trang",
        "Pages from": "Từ trang",
        "to": "đến",
        "Pages": "Trang",
        "Current Page": "Trang hiện tại",
        "Selection": "Phần đã chọn",
        "Color Mode": "Màu",
        "Color": "Màu",
        "Grayscale": "Đen trắng",
        "Double Sided Printing": "In hai mặt",
        "Off": "Tắt",
        "Long side binding": "Lật theo cạnh dài",
        "Short side binding": "Lật theo cạnh ngắn",
        "Page &Set:": "&Nhóm trang:",
        "Output Settings": "Thiết lập in",
    },
    "QPrintWidget": {
        "Printer": "Máy in",
        "&Name:": "&Tên:",
        "P&roperties": "&Thuộc tính",
        "Location:": "Vị trí:",
        "Preview": "Xem trước",
        "Type:": "Loại:",
        "Output &file:": "&Tệp:",
    },
    "QFileDialog": {
        "&Open": "&Mở",
        "Open": "Mở",
        "&Save": "&Lưu",
        "Save": "Lưu",
        "Save As": "Lưu thành",
        "&Delete": "&Xóa",
        "&Rename": "Đổi &tên",
        "&New Folder": "Thư mục &mới",
        "New Folder": "Thư mục mới",
        "Create New Folder": "Tạo thư mục mới",
        "Create a New Folder": "Tạo thư mục mới",
        "&Look in:": "&Tìm trong:",
        "File &name:": "&Tên tệp:",
        "Files of &type:": "&Loại tệp:",
        "All Files (*)": "Mọi tệp (*)",
        "Back": "Lùi",
        "Forward": "Tiến",
        "Go back": "Lùi lại",
        "Go forward": "Tiến tới",
        "Parent Directory": "Thư mục cha",
        "Go to the parent directory": "Lên thư mục cha",
        "List View": "Danh sách",
        "Detail View": "Chi tiết",
        "Change to list view mode": "Xem dạng danh sách",
        "Change to detail view mode": "Xem dạng chi tiết",
        "Show &hidden files": "Hiện tệp ẩn",
        "Files": "Tệp",
        "Sidebar": "Thanh bên",
        "List of places and bookmarks": "Các nơi thường dùng",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nBạn có muốn ghi đè không?",
        "Look in:": "Tìm trong:",
        "File name:": "Tên tệp:",
        "Files of type:": "Loại tệp:",
        "Directory:": "Thư mục:",
        "&Choose": "&Chọn",
        "Recent Places": "Nơi mở gần đây",
        "Are you sure you want to delete '%1'?": "Xóa '%1'?",
        "Could not delete directory.": "Không xóa được thư mục.",
        "Show ": "Hiện ",
    },
    "QFileSystemModel": {           # the file dialog's columns and its "Computer" place
        "Name": "Tên",
        "Size": "Kích thước",
        "Type": "Loại",
        "Kind": "Loại",
        "Date Modified": "Ngày sửa",
        "Computer": "Máy tính",
        "My Computer": "Máy tính",
        "Invalid filename": "Tên tệp không hợp lệ",
    },
    "QAbstractFileIconProvider": {"Folder": "Thư mục", "Drive": "Ổ đĩa", "File": "Tệp",
                                  "File Folder": "Thư mục", "Unknown": "Không rõ"},
    "QTabBar": {"Scroll Left": "Cuộn trái", "Scroll Right": "Cuộn phải"},
}


class VietnameseQtTranslator(QTranslator):
    """Answers Qt's own strings from ``TABLE``; anything else stays Qt's English (a null answer, not "")."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        return TABLE.get(context, {}).get(source)        # None: Qt keeps its own text

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


_installed: VietnameseQtTranslator | None = None


def install(lang: str) -> None:
    """Set the program's language (core strings too) and Qt's own strings to match."""
    global _installed
    set_language(lang)
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if lang == "vi":
        _installed = VietnameseQtTranslator(app)
        app.installTranslator(_installed)


def current_language() -> str:
    return get_language()
