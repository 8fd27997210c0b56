"""``casedesk``: the desktop program.

Start-up, in order: make sure there is a screen to draw on (a bare server gets
a sentence in Vietnamese instead of Qt aborting), start the one background
runner, open the database on it (a first run builds the demo office and shows
its accounts once), pick the language (``--lang``, else the office setting),
then the login window.  Logging in opens the main window; logging out closes it
and returns to the login window.

Debug aid, documented in README-free form here: ``CASEDESK_SCREENSHOT=file.png``
grabs the active window after ``CASEDESK_SCREENSHOT_DELAY`` ms (default 1500)
and quits; it is how the screenshots in ``docs/screenshots`` are checked under Xvfb.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit,
                               QProgressDialog, QVBoxLayout, QWidget)

from casedesk import __version__, backup, workflow
from casedesk.db import open_database
from casedesk.cli import DEMO_MAX_CASES
from casedesk.cli_argparse import language_of, use_language, version_text
from casedesk.demo import build_demo
from casedesk.errors import CaseDeskError, ConnectionSetup, Unavailable
from casedesk.i18n import _, set_language
from casedesk.logs import log_unexpected
from casedesk.paths import resource_path
from casedesk.services import office

from . import i18n_qt
from .appctx import AppContext, AppSignals
from .errors import install_excepthook, message_for, runner_error, show_error
from .main_window import MainWindow
from .ops import Runner
from .register_banner import RegisterCheckTask, show_banner
from .screens.login import LoginScreen
from .system_libs import missing_packages, uses_xcb

NO_DISPLAY_EXIT = 2
NOT_READY_EXIT = 3


def has_display(environ=os.environ, platform: str = sys.platform) -> bool:
    """False on a Linux/BSD machine with no X11 or Wayland session and no Qt platform chosen."""
    if platform.startswith(("win", "darwin")):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


_immortal_bools = False


def guard_signal_refcounts() -> bool:
    """Work around PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` (and a signal relayed
    to another signal) hands back ``True`` without taking a reference, so every emit drops one
    reference to ``True``.  After a few thousand emits (a morning of typing at the desk) the count
    reaches zero and Python aborts with "Fatal Python error: bool_dealloc".  PySide6 6.11 is fine.

    Python 3.12 made ``True`` and ``False`` immortal, which is what this does for 3.11 when a probe
    shows the leak: it gives the two singletons 2**40 extra references (they are never freed
    anyway; a lost reference a second for 30,000 years is still covered).  Returns whether it did."""
    global _immortal_bools
    if sys.version_info >= (3, 12) or _immortal_bools:
        return _immortal_bools

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _n in range(8):
        probe.ping.emit()
    if before - sys.getrefcount(True) < 8:
        return False
    import ctypes

    for singleton in (True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40    # ob_refcnt, the first field
    _immortal_bools = True
    return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="casedesk", description=_("CaseDesk: sổ theo dõi hồ sơ một cửa"))
    parser.add_argument("--db", help=_("tệp SQLite hoặc postgresql://… (mặc định: CASEDESK_DB hoặc thư mục "
                                       "dữ liệu của người dùng)"))
    parser.add_argument("--lang", choices=("vi", "en"), help=_("ngôn ngữ giao diện (mặc định: theo cài đặt)"))
    parser.add_argument("--demo", action="store_true", help=_("mở văn phòng mẫu (dùng thử), tạo nó nếu chưa có"))
    parser.add_argument("--demo-cases", type=int, default=300, help=_("số hồ sơ của văn phòng mẫu lần chạy đầu"))
    parser.add_argument("--version", action="version", version=version_text(__version__))
    # for installers and their tests: open the database and the login window, then quit (exit 0)
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 0 <= args.demo_cases <= DEMO_MAX_CASES:
        parser.error(_("{flag} phải từ 0 đến {n}.").format(flag="--demo-cases", n=f"{DEMO_MAX_CASES:,}".replace(",", ".")))
    return args


def database_target(args: argparse.Namespace) -> str:
    if args.db:
        return args.db
    if os.environ.get("CASEDESK_DB"):
        return os.environ["CASEDESK_DB"]
    from casedesk.paths import default_db_path

    return str(default_db_path())


def desk_target(args: argparse.Namespace, runner: Runner, parent: QWidget | None = None):
    """``(target, password, login)`` of this run, or None when the first-run dialog was closed.

    ``--demo`` opens the demo; ``--db`` or ``CASEDESK_DB`` name a register for this run only; otherwise
    the choice this user made (a register already at the default place, from before the choice existed,
    counts as "this PC"), or the first-run dialog asks.  ``login``: the admin who has just created the
    office, logged straight in."""
    from casedesk import desk_config

    if args.demo:
        return str(desk_config.demo_path()), None, None
    if args.db or os.environ.get("CASEDESK_DB"):
        return database_target(args), None, None
    choice = desk_config.load() or desk_config.adopt_old_register()
    if choice is None:
        from .screens.first_run import FirstRunDialog

        dialog = FirstRunDialog(runner, parent)
        if dialog.exec() != QDialog.Accepted or dialog.choice is None:
            return None
        desk_config.save(dialog.choice)
        return dialog.choice.target(), dialog.password, dialog.login
    password = None
    if choice.kind == "server":
        password = desk_config.stored_password(choice)
        if password is None and not desk_config.password_from_environment():
            password = ask_password(parent, choice)
            if password is None:
                return None
    return choice.target(), password, None


def ask_password(parent: QWidget | None, choice) -> str | None:
    """The server password, asked at start when it is kept nowhere (None: the user cancelled)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, _("CaseDesk · mật khẩu máy chủ"),
                                    _("Mật khẩu của người dùng {user} trên máy chủ {host}:").format(
                                        user=choice.user, host=choice.host), QLineEdit.Password)
    return text if ok else None


def describe_target(target: str) -> str:
    """The server's name for a LAN office; empty for a file on this PC (shown as "Máy này")."""
    if "://" in target and not target.startswith("sqlite"):
        from casedesk.db_pg import server_label

        return server_label(target)
    return ""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = language_of(argv)
    set_language(lang)
    use_language(lang)                 # --help, --version and argparse's errors in the user's language
    args = parse_args(argv)
    set_language(args.lang or "vi")
    if not has_display():
        print(_("CaseDesk cần màn hình để chạy: máy này không có phiên làm việc đồ họa (DISPLAY hoặc "
                "WAYLAND_DISPLAY chưa đặt). Hãy mở CaseDesk từ màn hình của máy tính, hoặc dùng casedesk-cli "
                "cho các việc không cần giao diện."), file=sys.stderr)
        return NO_DISPLAY_EXIT
    if uses_xcb():
        missing = missing_packages()
        if missing:
            print(_("CaseDesk chưa mở được cửa sổ: máy thiếu thư viện đồ họa mà Qt cần ({names}). Người quản trị "
                    "máy hãy cài bằng lệnh:\n  sudo apt-get install -y {names}").format(names=" ".join(missing)),
                  file=sys.stderr)
            return NO_DISPLAY_EXIT

    guard_signal_refcounts()
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("CaseDesk")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    # the taskbar and title-bar icon; on Wayland the desktop file name ties the window to casedesk.desktop
    app.setWindowIcon(QIcon(str(resource_path("icons", "casedesk.png"))))
    app.setDesktopFileName("casedesk")
    i18n_qt.install(args.lang or "vi")
    install_excepthook()
    runner = Runner()
    runner.default_error = runner_error
    chosen = desk_target(args, runner)
    if chosen is None:              # the first-run dialog was closed: nothing chosen, nothing made
        runner.shutdown()
        return 0
    target, password, login = chosen
    from casedesk.desk_config import demo_path

    explicit = bool(args.demo or args.db or os.environ.get("CASEDESK_DB"))
    session = Session(app, runner, target=target, label=describe_target(target), lang=args.lang,
                      demo_cases=args.demo_cases, password=password, login=login,
                      may_build_demo=explicit or target == str(demo_path()))
    session.may_choose = not explicit
    _screenshot_hook(app, session)
    if args.smoke:
        _smoke_hook(session)
    session.start()
    code = app.exec() if not session.finished else session.exit_code
    runner.shutdown()
    return session.exit_code or code


def _screenshot_hook(app, session) -> None:
    path = os.environ.get("CASEDESK_SCREENSHOT")
    if not path:
        return
    def grab() -> None:
        window = app.activeModalWidget() or app.activeWindow() or next(
            (w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()), None)
        if window is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(path)
            print(f"screenshot: {path}", flush=True)
        session.quit(0)

    delay = int(os.environ.get("CASEDESK_SCREENSHOT_DELAY", "1500"))
    started = []

    def shown(_stage: str) -> None:
        if not started:
            started.append(True)
            QTimer.singleShot(delay, grab)

    session.shown.connect(shown)


def _smoke_hook(session) -> None:
    """``--smoke``: once the login window is up and painted, say so on stdout (with the wall-clock time,
    so a caller can measure the start) and quit normally, through the same path as closing the window."""
    def shown(stage: str) -> None:
        if stage != "login":
            return
        import time

        QApplication.processEvents()
        session.login.grab()                 # the first frame, as the screen would draw it
        print(f"smoke: login window shown at {time.time():.3f}", flush=True)
        QTimer.singleShot(0, lambda: session.quit(0))

    session.smoke = True
    session.shown.connect(shown)


class Session(QObject):
    """Who is logged in and which window shows: login, then the main window, then login again."""

    current: "Session | None" = None      # the running one (Cài đặt → Kết nối switches its register)

    shown = Signal(str)              # "accounts", "login", "main": a window is up (screenshots, tests)
    smoke = False                    # --smoke: no dialog may wait for a click
    check_delay_ms = 3000            # the register check waits until the login window is up and drawn

    def __init__(self, app: QApplication, runner: Runner, *, target: str, label: str, lang: str | None = None,
                 demo_cases: int = 300, password: str | None = None, login: tuple[str, str] | None = None,
                 may_build_demo: bool = True):
        super().__init__(app)
        self.password = password
        self.auto_login = login               # (login, password) of the admin who has just made the office
        self.may_build_demo = may_build_demo  # a new file becomes the demo only when the demo was asked for
        self.may_choose = False               # True when no --db/--demo: a moved register offers the choices
        self.app = app
        self.runner = runner
        self.target = target
        self.label = label
        self.lang = lang
        self.demo_cases = demo_cases
        self.settings = None
        self.login: LoginScreen | None = None
        self.window: MainWindow | None = None
        self.finished = False
        self.exit_code = 0
        self._progress: QProgressDialog | None = None
        self._opened_ok = False
        self.check_problem = ""          # what the start-up register check found; empty when sound
        self.register_check: RegisterCheckTask | None = None
        app.aboutToQuit.connect(self.daily_backup)
        Session.current = self

    # ------------------------------------------------------------ opening
    def start(self) -> None:
        self._progress = QProgressDialog(_("Đang mở dữ liệu…"), "", 0, 0)
        self._progress.setCancelButton(None)
        self._progress.setWindowTitle("CaseDesk")
        self._progress.setMinimumDuration(400)
        self.runner.progress.connect(self._opening_progress)
        self.runner.run(self._open, on_done=self._opened, on_error=self._failed, progress=True)

    def _opening_progress(self, done: int, total: int, text: str) -> None:
        if self._progress is not None and total:
            self._progress.setLabelText(text)
            self._progress.setRange(0, total)
            self._progress.setValue(done)

    def _open(self, report) -> dict:
        """On the runner: open (and upgrade) the database; a brand-new file gets the demo office."""
        is_file = "://" not in self.target or self.target.startswith("sqlite")
        new_file = is_file and not Path(self.target.replace("sqlite:///", "")).expanduser().exists()
        if new_file and not self.may_build_demo:
            raise NotReady(_("Không có sổ hồ sơ {target}: hãy chọn lại sổ hồ sơ cho máy này.").format(
                target=self.target), details="choose_again")
        db = open_database(self.target, password=self.password)
        if getattr(db, "casedesk_moved_to", None):
            from casedesk.db import moved_sentence

            raise NotReady(moved_sentence(db.casedesk_moved_to), details="choose_again")
        try:    # what backups and restores cut short by a crash or a power cut left (copies of the register)
            from casedesk.backup_files import remove_partials_everywhere, remove_stale_staging

            remove_partials_everywhere()
            if new_file is False and is_file:
                remove_stale_staging(Path(self.target.replace("sqlite:///", "")).expanduser().resolve())
        except OSError:
            pass
        demo = None
        if not office.is_initialised():
            if not new_file:
                raise NotReady(_("Cơ sở dữ liệu {target} chưa có văn phòng nào. Hãy khởi tạo bằng "
                                 "casedesk-cli init (xem README).").format(target=self.target))
            label = _("Lần chạy đầu: đang tạo văn phòng mẫu với {n} hồ sơ để dùng thử…").format(n=self.demo_cases)
            report(0, 1, label)
            demo = build_demo(cases=self.demo_cases, progress=lambda done, total: report(done, total, label))
        return {"settings": office.get_settings(), "demo": demo}

    def _opened(self, info: dict) -> None:
        self._close_progress()
        self._opened_ok = True
        self.settings = info["settings"]
        QTimer.singleShot(self.check_delay_ms, self._start_register_check)
        i18n_qt.install(self.lang or self.settings.language or "vi")
        demo = info["demo"]
        if demo:
            print(accounts_text(demo), flush=True)
            self.shown.emit("accounts")
            show_accounts(None, demo)
            if self.finished:
                return
        self.show_login()

    def _start_register_check(self) -> None:
        if self.register_check is None:
            self.register_check = RegisterCheckTask(self)
            self.register_check.done.connect(self._register_checked)
            self.register_check.start()

    def _register_checked(self, result) -> None:
        if result is None or result.ok:
            return
        self.check_problem = result.problem()
        for window in (self.login, self.window):
            if window is not None:
                show_banner(window, self.check_problem)

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        if self.smoke:                  # --smoke waits on no dialog: the sentence goes to stderr, the code out
            title, text = message_for(exc)
            print(f"{title}: {exc.message if isinstance(exc, CaseDeskError) else text}", file=sys.stderr, flush=True)
            self.quit(exc.exit_code if isinstance(exc, CaseDeskError) else 1)
            return
        if isinstance(exc, Unavailable):      # the server not up yet, the LAN not back: try again on request
            if ask_retry(exc.message):
                self.start()
                return
        else:
            show_error(None, exc)
            again = getattr(exc, "details", None) == "choose_again" or isinstance(exc, ConnectionSetup)
            if again and self.may_choose and self.choose_again():
                return
        self.quit(NOT_READY_EXIT)

    def choose_again(self) -> bool:
        """The register this desk used is gone or moved: the three choices again, then open the new one."""
        from casedesk import desk_config
        from casedesk.db import close_database

        from .screens.first_run import FirstRunDialog

        self.runner.call(close_database)
        dialog = FirstRunDialog(self.runner, title=_("CaseDesk · chọn lại sổ hồ sơ"), current=desk_config.load())
        if dialog.exec() != QDialog.Accepted or dialog.choice is None:
            return False
        desk_config.save(dialog.choice)
        self.target = dialog.choice.target()
        self.label = describe_target(self.target)
        self.password, self.auto_login = dialog.password, dialog.login
        self.may_build_demo = dialog.choice.kind == "demo"
        self.start()
        return True

    def _close_progress(self) -> None:
        try:
            self.runner.progress.disconnect(self._opening_progress)
        except (RuntimeError, TypeError):      # already disconnected
            pass
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    # ------------------------------------------------------------ login / logout
    def show_login(self, select: str | None = None, *, logged_out: bool = False) -> None:
        if not logged_out:
            select = select or QSettings("CaseDesk", "CaseDesk").value("last_login", None)
        if self.login is None:
            self.login = LoginScreen(self.runner, office_name=self.settings.office_name, db_label=self.label)
            self.login.logged_in.connect(self._logged_in)
            self.login.resize(1024, 700)
        self.login.reset(None if logged_out else select, nobody=logged_out)
        if self.check_problem:
            show_banner(self.login, self.check_problem)
        self.login.show()
        self.login.raise_()
        self.login.activateWindow()
        self.shown.emit("login")
        if self.auto_login is not None:       # the admin who has just made the office: straight in
            from casedesk.services import auth

            name, password = self.auto_login
            self.auto_login = None
            self.runner.run(lambda: auth.login(name, password), on_done=self._logged_in)

    def _logged_in(self, user) -> None:
        QSettings("CaseDesk", "CaseDesk").setValue("last_login", user.login)     # this desk's usual user
        self.runner.run(office.get_settings, on_done=lambda settings: self._open_main(user, settings))

    def _open_main(self, user, settings) -> None:
        self.settings = settings
        ctx = AppContext(user=user, settings=settings, runner=self.runner, signals=AppSignals(),
                         db_label=self.label, db_path=self.target)
        self.window = MainWindow(ctx)
        self.window.logout_requested.connect(self.logout)
        geometry = self.app.primaryScreen().availableGeometry()
        self.window.resize(min(1366, geometry.width()), min(768, geometry.height()))
        if self.check_problem:
            show_banner(self.window, self.check_problem)
        self.window.showMaximized()
        self.login.hide()
        self.shown.emit("main")

    def logout(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            window.shutdown()
            window.hide()
            window.deleteLater()
        # nobody chosen and the focus on the names: the next person's first key is never a password
        self.show_login(logged_out=True)

    def switch_to(self, choice, password: str | None = None, login: tuple[str, str] | None = None) -> None:
        """Open another register (Cài đặt → Kết nối): the windows close, the new one opens at its login."""
        window, self.window = self.window, None
        if window is not None:
            window.shutdown()
            window.hide()
            window.deleteLater()
        if self.login is not None:
            self.login.hide()
            self.login.deleteLater()
            self.login = None
        self.target = choice.target()
        self.label = describe_target(self.target)
        self.password, self.auto_login = password, login
        self.may_build_demo = choice.kind == "demo"
        self.check_problem = ""
        self.register_check = None
        self.start()

    def daily_backup(self) -> None:
        """On the way out: the day's automatic backup (once a day; local SQLite only)."""
        if not self._opened_ok or self.exit_code:
            return
        try:
            self.runner.call(lambda: backup.maybe_daily_backup(reason="daily"))
        except Exception as exc:          # quitting must not fail; the log says what went wrong
            log_unexpected(exc)

    def quit(self, code: int = 0) -> None:
        self.exit_code = code
        self.finished = True
        self.app.quit()


def ask_retry(why: str) -> bool:
    """At start-up, with the register out of reach: "Thử lại" (the default) or "Thoát" (tests replace this)."""
    box = QMessageBox(QMessageBox.Warning, _("Chưa mở được dữ liệu"),
                      why + "\n\n" + _("Khi máy chủ đã bật và mạng đã thông, bấm Thử lại."), QMessageBox.NoButton)
    retry = box.addButton(_("Thử lại"), QMessageBox.AcceptRole)
    box.addButton(_("Thoát"), QMessageBox.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    return box.clickedButton() is retry


class NotReady(CaseDeskError):
    exit_code = NOT_READY_EXIT


def accounts_text(demo: dict) -> str:
    lines = [_("Văn phòng mẫu: {office} ({n} hồ sơ).").format(office=demo["office"], n=demo["cases"]),
             _("Tài khoản (mật khẩu chỉ hiện một lần):")]
    for login, role, name, password in demo["users"]:
        lines.append(f"  {login:8} {password:16} {name} ({_(workflow.ROLE_LABELS[role])})")
    return "\n".join(lines)


def show_accounts(parent: QWidget | None, demo: dict) -> None:
    """The demo accounts, once: the passwords are not stored anywhere readable."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("CaseDesk · văn phòng mẫu"))
    text = QPlainTextEdit(accounts_text(demo), dialog)
    text.setReadOnly(True)
    font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
    text.setFont(font)
    note = QLabel(_("Lần chạy đầu tiên đã tạo một văn phòng mẫu. Hãy ghi lại các mật khẩu dưới đây: "
                    "chúng chỉ hiện một lần (cũng đã in ra cửa sổ dòng lệnh)."), dialog)
    note.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.Ok, dialog)
    buttons.accepted.connect(dialog.accept)
    box = QVBoxLayout(dialog)
    box.addWidget(note)
    box.addWidget(text)
    box.addWidget(buttons)
    dialog.resize(640, 360)
    dialog.exec()

if __name__ == "__main__":
    sys.exit(main())
