"""The one place where an exception becomes something a person reads.

Domain errors (``casedesk.errors``) already carry a translated message: they are
shown as they are.  Anything else is unexpected: the traceback goes to the log
with a short reference the clerk can read out on the phone, and the dialog says
that nothing typed was lost (no window is closed, no form is cleared).
"""
from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from casedesk.errors import AuthError, BadInput, CaseDeskError, ConnectionSetup, NotAllowed, NotFound, Unavailable
from casedesk.i18n import _
from casedesk.logs import log_unexpected


def title_for(exc: BaseException) -> str:
    if isinstance(exc, AuthError):
        return _("Không đăng nhập được")
    if isinstance(exc, BadInput):
        return _("Thông tin chưa đúng")
    if isinstance(exc, NotAllowed):
        return _("Không được phép")
    if isinstance(exc, NotFound):
        return _("Không tìm thấy")
    if isinstance(exc, Unavailable):
        return _("Không kết nối được dữ liệu")
    if isinstance(exc, ConnectionSetup):
        return _("Cài đặt kết nối chưa đúng")
    if isinstance(exc, CaseDeskError):
        return _("Không thực hiện được")
    return _("Lỗi không mong muốn")


def message_for(exc: BaseException) -> tuple[str, str]:
    """(title, text) for any exception; an unexpected one is logged with a reference."""
    if isinstance(exc, Unavailable):
        return title_for(exc), exc.message + " " + _("Những gì đã nhập vẫn giữ nguyên trên màn hình: hãy làm lại "
                                                     "khi đèn kết nối ở đầu cửa sổ chuyển xanh.")
    if isinstance(exc, CaseDeskError):
        return title_for(exc), exc.message
    ref = log_unexpected(exc)
    text = _("Chương trình gặp lỗi không mong muốn. Những gì đã nhập vẫn được giữ nguyên; "
             "hãy thử lại. Nếu lỗi lặp lại, báo cho quản trị mã tham chiếu {ref}.").format(ref=ref)
    return title_for(exc), text


def _parent_window(parent: QObject | None) -> QWidget | None:
    if isinstance(parent, QWidget):
        return parent.window()
    return QApplication.activeWindow()


def show_message(parent: QWidget | None, title: str, text: str, *, warning: bool = True) -> None:
    """Tests replace this one function instead of every QMessageBox call."""
    box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, title, text,
                      QMessageBox.Ok, _parent_window(parent))
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)
    box.exec()


def show_error(parent: QObject | None, exc: BaseException) -> None:
    """Show ``exc`` to the user in a dialog over ``parent``'s window."""
    title, text = message_for(exc)
    show_message(_parent_window(parent), title, text, warning=not isinstance(exc, NotFound))


_showing = False


def _excepthook(kind, exc, tb) -> None:
    """Unexpected errors raised in slots: logged, shown once, the program keeps running."""
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc is not None and exc.__traceback__ is None:
        exc.__traceback__ = tb
    traceback.print_exception(kind, exc, tb)
    if _showing:                      # an error while showing an error: the log is enough
        log_unexpected(exc)
        return
    _showing = True
    try:
        show_error(None, exc)
    except Exception:                 # the dialog itself failed; never loop
        log_unexpected(exc)
    finally:
        _showing = False


def install_excepthook() -> None:
    sys.excepthook = _excepthook


def runner_error(exc: BaseException, trace: str = "") -> None:
    """``Runner.default_error``: tasks without their own ``on_error`` end up here."""
    show_error(None, exc)
