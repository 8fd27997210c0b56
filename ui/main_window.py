"""The main window only assembles: header (who, search, where the data is),
navigation, the screens, the status bar, and the keys that reach everything.

Each screen is its own module; a screen whose module is missing in this build
is simply not offered.  The navigation shows only the screens the user's role
can use, in the order that role works.
"""
from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QProgressBar, QPushButton, QStackedWidget, QStatusBar, QToolButton, QVBoxLayout,
                               QWidget)

from casedesk import workflow
from casedesk.i18n import _, format_int, get_language, short_datetime
from casedesk.services import queries
from casedesk.services.views import Changes, QueueCounts
from casedesk.text import fold

from .appctx import AppContext
from .desk_sync import DeskSync
from .widgets.action_dialogs import confirm
from .widgets.keys_help import KeysDialog
from .widgets.scanner import WedgeScanner
from .status_server import StatusServer
from .widgets.search_box import GlobalSearch

NAV_ORDER = {
    "clerk": ("home", "intake", "delivery", "cases"),
    "officer": ("home", "mine", "cases"),
    "vice_chairman": ("approvals", "home", "cases", "reports"),
    "admin": ("settings", "reports", "cases"),
}

ROLE_SHORT = {"clerk": "Tiếp nhận", "officer": "Chuyên môn", "vice_chairman": "Phó Chủ tịch", "admin": "Quản trị"}

LONG_OFFICE = "trung tam phuc vu hanh chinh cong"


def load_screen_classes() -> dict[str, type]:
    """key -> Screen class.  Imported here, not at the top, so the login window shows before the screens
    load; imported statically, so a broken screen fails its tests instead of hiding."""
    from .screens.approvals import ApprovalsScreen
    from .screens.case_list import CaseListScreen
    from .screens.dashboard import DashboardScreen
    from .screens.delivery import DeliveryScreen
    from .screens.intake import IntakeScreen
    from .screens.reports import ReportsScreen
    from .screens.settings import SettingsScreen
    from .screens.worklist import WorklistScreen

    return {cls.key: cls for cls in (DashboardScreen, IntakeScreen, WorklistScreen, ApprovalsScreen,
                                     DeliveryScreen, CaseListScreen, ReportsScreen, SettingsScreen)}


def office_short(name: str) -> str:
    """``Trung tâm Phục vụ hành chính công xã An Phú`` -> ``TT PVHCC xã An Phú``."""
    words = name.split()
    long_words = LONG_OFFICE.split()
    if [fold(w) for w in words[:len(long_words)]] == long_words:
        return " ".join(["TT PVHCC", *words[len(long_words):]])
    return name


def role_short(role: str) -> str:
    """``Tiếp nhận`` in the title bar.  In English the core's role name ("Front desk"): the short
    Vietnamese words are also action names there, and one msgid cannot carry two meanings."""
    if get_language() == "vi":
        return ROLE_SHORT.get(role, role)
    return _(workflow.ROLE_LABELS.get(role, role))


def window_title(office_name: str, user) -> str:
    return _("{office} · {name} ({role})").format(office=office_short(office_name), name=user.full_name,
                                                 role=role_short(user.role))


def last_backup_text() -> str:
    """``Sao lưu lần cuối: 16:45 hôm nay`` (runs on the runner: it reads the backup folder)."""
    from casedesk import backup, context

    newest = next(iter(backup.list_backups()), None)
    if newest is None:
        return _("Chưa có bản sao lưu")
    when = newest.created_at
    if when.date() == context.today():
        return _("Sao lưu lần cuối: {time} hôm nay").format(time=when.strftime("%H:%M"))
    return _("Sao lưu lần cuối: {time}").format(time=short_datetime(when))


def server_backup_text() -> tuple[str, bool]:
    """A server office's newest backup (made by any desk), and whether it is over a day old (runner)."""
    from casedesk import server_backup

    warning = server_backup.reminder()
    if warning:
        return warning, True
    last = server_backup.last_server_backup()
    return _("Sao lưu máy chủ lần cuối: {time}").format(time=short_datetime(last.at)) if last else "", False


def counts_text(counts: QueueCounts, role: str) -> str:
    parts = []
    if role == "officer":
        parts.append(_("Việc của tôi: {n}").format(n=format_int(counts.mine)))
    parts += [
        _("Nhận hôm nay: {n}").format(n=format_int(counts.received_today)),
        _("Chờ phê duyệt: {n}").format(n=format_int(counts.awaiting_approval)),
        _("Chờ trả: {n}").format(n=format_int(counts.awaiting_delivery)),
        _("Sắp đến hạn: {n}").format(n=format_int(counts.due_soon)),
        _("Quá hạn: {n}").format(n=format_int(counts.overdue)),
    ]
    return " · ".join(parts)


class MainWindow(QMainWindow):
    logout_requested = Signal()

    def __init__(self, ctx: AppContext, screen_classes: dict[str, type] | None = None):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(window_title(ctx.settings.office_name, ctx.user))
        self.setMinimumSize(QSize(1024, 640))
        self.screens: dict[str, QWidget] = {}
        self.nav_keys: list[str] = []
        self._history: list[str] = []
        self._detail = None

        classes = screen_classes if screen_classes is not None else load_screen_classes()
        self._build_header()
        self._build_body(classes)
        self._build_status()
        self._build_keys()

        signals = ctx.signals
        signals.open_case.connect(self.open_case)
        signals.show_screen.connect(self.show_screen)
        signals.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        signals.changed.connect(self._changed)
        ctx.runner.busy_changed.connect(self._busy)
        ctx.runner.progress.connect(self._progress)

        self.scanner = WedgeScanner(self)
        self.scanner.scanned.connect(self.open_case)
        self.scanner.receipt_scanned.connect(self.open_receipt)
        self.status_server = StatusServer(ctx.db_path)      # the LAN status page, when Settings turn it on
        self.status_server.sync(ctx.settings)
        QApplication.instance().installEventFilter(self.scanner)
        if self.nav_keys:
            self.show_screen(self.nav_keys[0])
        self.refresh_counts()
        self.desk_sync = DeskSync(ctx, self)
        self.desk_sync.connection_changed.connect(self._set_connection)
        if "://" not in ctx.db_path or ctx.db_path.startswith("sqlite"):
            ctx.runner.run(last_backup_text, on_done=self.backup_label.setText, on_error=lambda e: None)
        else:   # a server office: the newest backup of any desk, read again every 15 minutes
            self._backup_timer = QTimer(self, interval=15 * 60 * 1000)
            self._backup_timer.timeout.connect(self.refresh_server_backup)
            self._backup_timer.start()
            self.refresh_server_backup()

    # ------------------------------------------------------------ building
    def _build_header(self) -> None:
        header = QWidget(self)
        header.setObjectName("header")
        header.setStyleSheet("#header { background: #1f3b5a; } #header QLabel { color: white; }")
        self.title_label = QLabel(self.windowTitle(), header)
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title_label.setFont(font)
        self.search = GlobalSearch(self.ctx.runner, header)
        self.search.setMinimumWidth(360)
        self.search.setMaximumWidth(460)
        self.search.open_case.connect(self.open_case)
        self.search.open_receipt.connect(self.open_receipt)
        self.search.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.connection = QLabel(header)
        self.connection.setTextFormat(Qt.RichText)
        self.connection.setText(f"<span style='color:#7ddc7d'>●</span> "
                                f"{html.escape(self.ctx.db_label or _('Máy này'))}")
        self.connection.setToolTip(_("Dữ liệu ở: {path}").format(path=self.ctx.db_label or _("Máy này")))
        self.connection_ok = True
        row = QHBoxLayout(header)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.title_label, 1)
        row.addWidget(self.search)
        row.addSpacing(16)
        row.addWidget(self.connection)
        row.addSpacing(12)
        for text, tip, slot in ((_("Phím tắt"), _("Các phím tắt (F1)"), self.show_keys),
                                (_("Đăng xuất"), _("Đăng xuất hoặc đổi người dùng (Ctrl+Shift+L)"),
                                 self.request_logout)):
            button = QToolButton(header)
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.NoFocus)          # the keyboard has F1 and Ctrl+Shift+L
            button.setAutoRaise(True)
            button.setStyleSheet("QToolButton { color: white; padding: 3px 8px; border: 1px solid #5a7896; "
                                 "border-radius: 3px; } QToolButton:hover { background: #2d5279; }")
            button.clicked.connect(slot)
            row.addWidget(button)
        self._header = header

    def _build_body(self, classes: dict[str, type]) -> None:
        self.nav = QListWidget(self)
        self.nav.setAccessibleName(_("Các mục"))
        self.nav.setFixedWidth(200)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 7px 6px; }")
        self.stack = QStackedWidget(self)
        role = self.ctx.user.role
        for key in NAV_ORDER.get(role, ()):
            cls = classes.get(key)
            if cls is None or role not in getattr(cls, "roles", (role,)):
                continue
            screen = cls(self.ctx, self.stack)
            self.screens[key] = screen
            self.stack.addWidget(screen)
            self.nav_keys.append(key)
            n = len(self.nav_keys)
            label = _(cls.title)
            keys = [f"Alt+{n}"] if n <= 8 else []
            if getattr(cls, "shortcut", ""):
                keys.insert(0, cls.shortcut)
            item = QListWidgetItem(f"{label}    {cls.shortcut}" if cls.shortcut else label)
            item.setData(Qt.UserRole, key)
            item.setToolTip(" · ".join(keys))
            self.nav.addItem(item)
        if not self.nav_keys:
            empty = QLabel(_("Bản này chưa có màn hình nào cho vai trò của bạn."), self.stack)
            empty.setAlignment(Qt.AlignCenter)
            self.stack.addWidget(empty)
        self.nav.currentRowChanged.connect(self._nav_row)
        body = QWidget(self)
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header)
        column.addWidget(self._build_outage(central))
        column.addWidget(body, 1)
        self.setCentralWidget(central)

    def _build_outage(self, parent: QWidget) -> QWidget:
        """The banner shown while the register can't be reached (hidden otherwise)."""
        self.outage = QWidget(parent)
        self.outage.setObjectName("outageBanner")
        self.outage.setStyleSheet("#outageBanner { background: #b3261e; } #outageBanner QLabel { color: white; "
                                  "font-weight: bold; } #outageBanner QPushButton { padding: 3px 10px; }")
        self.outage.setAttribute(Qt.WA_StyledBackground, True)
        self.outage_text = QLabel(self.outage)
        self.outage_text.setWordWrap(True)
        self.outage_text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.outage_retry = QPushButton(_("Thử kết nối ngay"), self.outage)
        self.outage_retry.setFocusPolicy(Qt.NoFocus)
        self.outage_retry.clicked.connect(lambda: self.desk_sync.poll())
        row = QHBoxLayout(self.outage)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.outage_text, 1)
        row.addWidget(self.outage_retry)
        self.outage.hide()
        return self.outage

    def _build_status(self) -> None:
        status = QStatusBar(self)
        self.setStatusBar(status)
        self.where = QLabel(_("Dữ liệu: {where}").format(where=self.ctx.db_label or _("Máy này")), status)
        self.where.setToolTip(self.ctx.db_path)
        self.backup_label = QLabel(status)
        self.counts = QLabel(status)
        self.busy = QProgressBar(status)
        self.busy.setMaximumWidth(180)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.busy_label = QLabel(status)
        self.busy_label.hide()
        status.addWidget(self.where)
        status.addWidget(self.backup_label)
        status.addWidget(self.counts, 1)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.busy)
        self._busy_timer = QTimer(self, singleShot=True, interval=300)
        self._busy_timer.timeout.connect(self._show_busy)

    def _build_keys(self) -> None:
        def key(sequence, slot) -> None:
            """Active in the case window too; never behind a modal dialog waiting for an answer."""
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ApplicationShortcut)
            shortcut.activated.connect(lambda: None if QApplication.activeModalWidget() else slot())

        for n in range(1, 9):
            key(f"Alt+{n}", lambda n=n: self.show_nav(n - 1))
        for cls_key, screen in self.screens.items():
            shortcut = getattr(screen, "shortcut", "")
            if shortcut:
                key(shortcut, lambda k=cls_key: self.show_screen(k))
        key("F3", self.focus_search)
        key("Ctrl+F", self.focus_search)
        key("F1", self.show_keys)
        key("Ctrl+Shift+L", self.request_logout)

    # ------------------------------------------------------------ navigation
    def current_key(self) -> str | None:
        widget = self.stack.currentWidget()
        return next((k for k, s in self.screens.items() if s is widget), None)

    def show_nav(self, index: int) -> None:
        if 0 <= index < len(self.nav_keys):
            self.show_screen(self.nav_keys[index])

    def show_screen(self, key: str) -> None:
        screen = self.screens.get(key)
        if screen is None:
            return
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
        row = self.nav_keys.index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        if hasattr(screen, "activate"):
            screen.activate()

    def _nav_row(self, row: int) -> None:
        if 0 <= row < len(self.nav_keys):
            self.show_screen(self.nav_keys[row])

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()

    def show_keys(self) -> None:
        KeysDialog(self).exec()

    # ------------------------------------------------------------ cases
    def case_detail(self):
        """The one case window, made on first use."""
        if self._detail is None:
            from .screens.case_detail import CaseDetailDialog

            self._detail = CaseDetailDialog(self.ctx, self)
            self._detail.deliver_requested.connect(self.deliver)
        return self._detail

    def open_case(self, code: str) -> None:
        self.case_detail().open_code(code)

    def open_receipt(self, text: str) -> None:
        """A receipt's QR text (code and signature): the case, with whether the receipt is genuine."""
        self.case_detail().open_receipt(text)

    def deliver(self, code: str) -> None:
        screen = self.screens.get("delivery")
        if screen is None:
            return
        self.show_screen("delivery")
        screen.load_code(code)

    # ------------------------------------------------------------ status
    def refresh_counts(self) -> None:
        login = self.ctx.user.login
        role = self.ctx.user.role
        self.ctx.runner.run(lambda: queries.queue_counts(login=login),
                            on_done=lambda counts: self._counts(counts, role), on_error=self._counts_failed)

    def refresh_server_backup(self) -> None:
        self.ctx.runner.run(server_backup_text, on_done=self._server_backup, on_error=lambda e: None)

    def _server_backup(self, found: tuple[str, bool]) -> None:
        text, old = found
        self.backup_label.setText(text)
        self.backup_label.setStyleSheet("color: #b71c1c; font-weight: bold;" if old else "")

    def _counts(self, counts: QueueCounts, role: str) -> None:
        self.counts.setText(counts_text(counts, role))

    def _counts_failed(self, exc: BaseException) -> None:
        """Counts that can't be read keep their last figures (an outage is the banner's to tell)."""

    def on_server(self) -> bool:
        return "://" in self.ctx.db_path and not self.ctx.db_path.startswith("sqlite")

    def _set_connection(self, ok: bool, why: str = "") -> None:
        """The header's light (green/red, with words) and the outage banner."""
        where = self.ctx.db_label or _("Máy này")
        self.connection_ok = ok
        if ok:
            self.connection.setText(f"<span style='color:#7ddc7d'>●</span> {html.escape(where)}")
            self.connection.setToolTip(_("Dữ liệu ở: {path}").format(path=self.ctx.db_label or where))
            self.connection.setAccessibleName(_("Đã kết nối: {where}").format(where=where))
            if self.outage.isVisible():
                self.statusBar().showMessage(_("Đã kết nối lại với {where}.").format(where=where), 8000)
            self.outage.hide()
            return
        since = dt.datetime.now().strftime("%H:%M")
        self.connection.setText("<span style='color:#ff6b6b'>●</span> " +
                                html.escape(_("Mất kết nối: {where}").format(where=where)))
        self.connection.setToolTip(why)
        self.connection.setAccessibleName(_("Mất kết nối: {where}").format(where=where))
        if self.on_server():
            text = _("⚠ Mất kết nối với máy chủ {server} từ {time}. Chương trình đang tự kết nối lại. "
                     "Trong lúc này danh sách có thể đã cũ và chưa lưu được việc mới; những gì đang nhập vẫn "
                     "giữ nguyên trên màn hình.").format(server=where, time=since)
        else:
            text = _("⚠ Chưa đọc được dữ liệu trên máy này từ {time}. Chương trình đang tự thử lại. Trong lúc "
                     "này danh sách có thể đã cũ và chưa lưu được việc mới; những gì đang nhập vẫn giữ "
                     "nguyên trên màn hình.").format(time=since)
        self.outage_text.setText(text)
        self.outage_text.setToolTip(why)
        self.outage.setAccessibleName(text)
        self.outage.show()

    def _changed(self, changes: Changes) -> None:
        if changes.cases or changes.settings or changes.calendar:
            self.refresh_counts()
        if changes.settings:
            self.status_server.sync(self.ctx.settings)
            self.setWindowTitle(window_title(self.ctx.settings.office_name, self.ctx.user))
            self.title_label.setText(self.windowTitle())

    def _busy(self, busy: bool, label: str) -> None:
        if busy:
            self.busy_label.setText(label)
            if not self._busy_timer.isActive() and not self.busy.isVisible():
                self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.hide()
            self.busy_label.hide()
            self.busy.setRange(0, 0)

    def _show_busy(self) -> None:
        if self.ctx.runner.pending():
            self.busy.setRange(0, 0)
            self.busy.show()
            self.busy_label.setVisible(bool(self.busy_label.text()))

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.busy.setRange(0, total)
            self.busy.setValue(done)
        if text:
            self.busy_label.setText(text)

    # ------------------------------------------------------------ leaving
    def unsaved_screens(self) -> list[str]:
        return [_(type(s).title) for s in self.screens.values()
                if getattr(s, "has_unsaved", None) and s.has_unsaved()]

    def request_logout(self) -> None:
        unsaved = self.unsaved_screens()
        if unsaved and not confirm(self, _("Đăng xuất"),
                                   _("Còn thông tin đang nhập dở ở: {screens}. Đăng xuất sẽ bỏ những thông tin "
                                     "này. Vẫn đăng xuất?").format(screens=", ".join(unsaved))):
            return
        self.logout_requested.emit()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        unsaved = self.unsaved_screens()
        if unsaved and not confirm(self, _("Thoát CaseDesk"),
                                   _("Còn thông tin đang nhập dở ở: {screens}. Thoát sẽ bỏ những thông tin "
                                     "này. Vẫn thoát?").format(screens=", ".join(unsaved))):
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Before the window goes (log out, quit): stop listening to the whole application."""
        QApplication.instance().removeEventFilter(self.scanner)
        self.status_server.stop()
        self.desk_sync.stop()
        if self._detail is not None:
            self._detail.close()
