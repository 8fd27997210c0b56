"""The register's health at start: the same check as ``casedesk-cli check``, off the GUI thread,
and a red banner across the login and main windows when it fails.

The check reads the whole audit trail (minutes on a million cases), so it runs on a thread of
its own rather than on the runner: the desk's work never queues behind it.  A check that could
not run at all (the database closed under it) is logged, not shown: it says nothing about tampering.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QLabel, QMainWindow, QWidget

from casedesk.i18n import _
from casedesk.logs import log_unexpected

BANNER_NAME = "registerCheckBanner"


class RegisterCheckTask(QObject):
    """Runs ``casedesk.register_check.check_register`` once; ``done`` arrives on the GUI thread."""

    done = Signal(object)               # RegisterCheck, or None when the check could not run

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.completed = threading.Event()
        self.result = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="casedesk-register-check", daemon=True).start()

    def _run(self) -> None:
        from casedesk.register_check import check_register
        from casedesk.services import office

        result = None
        try:
            result = check_register()
        except Exception as exc:        # noqa: BLE001 - logged; the banner is for a failed check only
            log_unexpected(exc)
        finally:
            office.release_connection()     # this thread's own connection
        self.result = result
        self.completed.set()
        self.done.emit(result)


def banner_text(problem: str) -> str:
    return _("⚠ KIỂM TRA DỮ LIỆU KHÔNG ĐẠT: {problem}. Dữ liệu có thể đã bị sửa ngoài chương trình hoặc tệp bị "
             "hỏng. Hãy báo quản trị viên trước khi làm tiếp; có thể khôi phục từ bản sao lưu gần nhất "
             "(casedesk-cli check cho biết chi tiết).").format(problem=problem.rstrip("."))


def show_banner(window: QWidget, problem: str) -> QLabel | None:
    """Put the warning at the top of ``window`` (once); returns the label."""
    existing = window.findChild(QLabel, BANNER_NAME)
    if existing is not None:
        existing.setText(banner_text(problem))
        return existing
    host = window.centralWidget() if isinstance(window, QMainWindow) else window
    layout = host.layout() if host is not None else None
    if not isinstance(layout, QBoxLayout):
        return None
    label = QLabel(banner_text(problem), host)
    label.setObjectName(BANNER_NAME)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setAccessibleName(_("Cảnh báo kiểm tra dữ liệu"))
    label.setStyleSheet("QLabel { background: #b3261e; color: white; font-weight: bold; padding: 8px 12px; }")
    layout.insertWidget(0, label)
    label.show()                        # at once, also on a window already on screen
    return label
