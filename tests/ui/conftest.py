"""UI test helpers: an office copy (tests/conftest.py ``db`` and ``clock``), the one runner,
modal dialogs replaced by recorders, and typing that Vietnamese text survives.

``qtbot.keyClicks`` with a non-ASCII character aborts the process (Qt's ASCII key
table asserts), so ``type_text`` sends one KeyPress/KeyRelease pair carrying the
character as text, the way Unikey/IBus deliver a composed letter.
"""
from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="casedesk-qsettings-")   # QSettings stay out of ~

import pytest  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from casedesk.db import database  # noqa: E402
from casedesk.services import auth, office  # noqa: E402
from ui.app import guard_signal_refcounts  # noqa: E402

guard_signal_refcounts()            # PySide6 6.12.0 drops a reference to True on every emit (see ui/app.py)

PASSWORD = "mat-khau-1234"          # tests/conftest.py gives every staff member this one


class Recorder:
    def __init__(self):
        self.calls: list[tuple] = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))


_UI_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "ui") + os.sep


def _ui_frame() -> str | None:
    """The innermost frame of the desktop's own code (ui/) on the current stack, as file:line."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(_UI_DIR):
            where = os.path.relpath(frame.f_code.co_filename, os.path.dirname(_UI_DIR.rstrip(os.sep)))
            return f"{where}:{frame.f_lineno}"
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def gui_thread_never_touches_the_database(monkeypatch):
    """A connection opened or a query run on the GUI thread from the desktop's code fails the test.

    The tests themselves may prepare data on the main thread (their frames are not under ui/);
    anything a screen, a model or the window does there is a freeze waiting for a slow server."""
    import threading

    import peewee

    main = threading.main_thread()
    seen: list[str] = []
    real_execute, real_connect = peewee.Database.execute_sql, peewee.Database.connect

    def check(what: str) -> None:
        if threading.current_thread() is main:
            where = _ui_frame()
            if where is not None:
                seen.append(f"{what} at {where}")

    def execute_sql(self, sql, params=None, *args, **kwargs):
        check(f"query {str(sql)[:60]!r}")
        return real_execute(self, sql, params, *args, **kwargs)

    def connect(self, *args, **kwargs):
        check("connection")
        return real_connect(self, *args, **kwargs)

    monkeypatch.setattr(peewee.Database, "execute_sql", execute_sql)
    monkeypatch.setattr(peewee.Database, "connect", connect)
    yield seen
    assert not seen, "the GUI thread touched the database:\n" + "\n".join(dict.fromkeys(seen))


@pytest.fixture
def runner(qapp, db):
    from ui.ops import Runner

    failures = []
    r = Runner()
    r.default_error = lambda exc, trace="": failures.append(exc)
    r.failures = failures
    yield r
    r.call(lambda: database.obj.close() if database.obj is not None else None)   # the worker's connection
    r.shutdown()


@pytest.fixture(autouse=True)
def no_dialogs(monkeypatch):
    """Every modal dialog answered by a recorder: errors, questions, print preview."""
    from ui import errors, printing

    messages = Recorder()
    previews = Recorder()
    monkeypatch.setattr(errors, "show_message", messages)
    monkeypatch.setattr(printing, "preview_pdf", previews)
    from ui import app

    retries = Recorder()
    monkeypatch.setattr(app, "ask_retry", lambda why: retries(why) or False)   # unreachable at start: quit
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: 0)
    return {"messages": messages, "previews": previews, "retries": retries}


def user_view(login: str):
    return next(u for u in auth.list_users() if u.login == login)


@pytest.fixture
def make_ctx(runner, db):
    from ui.appctx import AppContext, AppSignals

    def make(login: str) -> AppContext:
        return AppContext(user=user_view(login), settings=office.get_settings(), runner=runner,
                          signals=AppSignals(), db_label="Máy này", db_path=str(db))

    return make


def focused() -> QWidget:
    return QApplication.focusWidget()


def type_text(text: str, widget: QWidget | None = None) -> None:
    """Type into the focused widget (or ``widget``), one character at a time, any alphabet."""
    for ch in text:
        target = widget or focused()
        assert target is not None, "nothing has the keyboard focus"
        QApplication.sendEvent(target, QKeyEvent(QEvent.KeyPress, 0, Qt.NoModifier, ch))
        QApplication.sendEvent(target, QKeyEvent(QEvent.KeyRelease, 0, Qt.NoModifier, ch))


def press(key, modifiers=Qt.NoModifier, widget: QWidget | None = None) -> None:
    """A named key (Tab, Enter, Escape, digits…) to the focused widget."""
    target = widget or focused()
    assert target is not None, "nothing has the keyboard focus"
    QApplication.sendEvent(target, QKeyEvent(QEvent.KeyPress, key, modifiers, ""))
    QApplication.sendEvent(target, QKeyEvent(QEvent.KeyRelease, key, modifiers, ""))


def idle(qtbot, runner, timeout: int = 5000) -> None:
    """Wait until the runner has nothing left to do (and its results were delivered)."""
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=timeout)
    QApplication.processEvents()


class Keys:
    """The keyboard, as a fixture: ``keys.type("Nguyễn")``, ``keys.press(Qt.Key_Tab)``, ``keys.idle()``."""

    PASSWORD = PASSWORD

    def __init__(self, qtbot, runner):
        self.qtbot = qtbot
        self.runner = runner

    def type(self, text: str, widget: QWidget | None = None) -> None:
        type_text(text, widget)

    def press(self, key, modifiers=Qt.NoModifier, widget: QWidget | None = None) -> None:
        press(key, modifiers, widget)

    def idle(self, timeout: int = 5000) -> None:
        idle(self.qtbot, self.runner, timeout)

    @staticmethod
    def focused() -> QWidget:
        return focused()


@pytest.fixture
def keys(qtbot, runner):
    return Keys(qtbot, runner)


@pytest.fixture
def open_window(qtbot, make_ctx, keys):
    """A main window for ``login`` with only the given screens, shown, active, its first tasks done."""
    from ui.main_window import MainWindow

    def open_(login: str, screens: dict):
        win = MainWindow(make_ctx(login), screens)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        keys.idle()
        return win

    return open_
