"""Starting the program: no display gives a sentence and exit 2 instead of Qt aborting; a first run
with --demo builds the demo office and prints its accounts; login, switch user (Ctrl+Shift+L) and back."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from ui import app as app_module
from ui.app import Session, has_display

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(extra)
    return env


def test_no_display_prints_a_vietnamese_message_and_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ui.app"], cwd=ROOT, capture_output=True, text=True,
                            env=_env(CASEDESK_HOME=str(tmp_path)), timeout=60)
    assert result.returncode == 2
    assert "CaseDesk cần màn hình để chạy" in result.stderr
    assert not (tmp_path / "casedesk.sqlite3").exists()       # nothing was created either


def test_display_detection():
    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert has_display({}, "win32")


def test_demo_builds_the_demo_and_shows_the_accounts_once(tmp_path):
    shot = tmp_path / "first.png"
    env = _env(CASEDESK_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen", CASEDESK_SCREENSHOT=str(shot),
               CASEDESK_SCREENSHOT_DELAY="50")
    result = subprocess.run([sys.executable, "-m", "ui.app", "--demo", "--demo-cases", "5"], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Tài khoản (mật khẩu chỉ hiện một lần)" in result.stdout
    assert "mai " in result.stdout and "Trần Thị Mai" in result.stdout
    assert (tmp_path / "demo.sqlite3").exists()
    assert not (tmp_path / "casedesk.sqlite3").exists()        # the real office's place stays free
    assert shot.exists()                                       # the accounts dialog was up
    again = subprocess.run([sys.executable, "-m", "ui.app", "--demo"], cwd=ROOT, capture_output=True, text=True,
                           env=env, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "Tài khoản" not in again.stdout                     # passwords are shown only the first time


def test_login_switch_user_and_back(qtbot, qapp, runner, db, keys, monkeypatch):
    monkeypatch.setattr(app_module, "show_accounts", lambda parent, demo: None)
    session = Session(qapp, runner, target=str(db), label="Máy này")
    shown = []
    session.shown.connect(shown.append)
    session.start()
    qtbot.waitUntil(lambda: shown == ["login"], timeout=10000)
    login = session.login
    qtbot.addWidget(login)
    qtbot.waitUntil(lambda: login.isActiveWindow() and login.users.count() > 0)
    login.select_login("mai")
    login.password.setFocus()
    assert keys.focused() is login.password
    keys.type(keys.PASSWORD)
    keys.press(Qt.Key_Return)
    qtbot.waitUntil(lambda: session.window is not None, timeout=10000)
    window = session.window
    assert window.windowTitle() == "TT PVHCC xã An Phú · Trần Thị Mai (Tiếp nhận)"
    assert "intake" in window.nav_keys and "approvals" not in window.nav_keys
    assert not login.isVisible()
    keys.idle()
    keys.press(Qt.Key_L, Qt.ControlModifier | Qt.ShiftModifier, widget=window)
    assert session.window is None
    keys.idle()
    assert login.isVisible()
    assert login.selected_login() is None                    # nobody chosen: the next person picks their name
    assert login.password.text() == "" and keys.focused() is login.users
    session.deleteLater()


def test_errors_become_vietnamese_dialogs_with_a_reference_for_the_unexpected(no_dialogs, db):
    from casedesk.errors import BadInput
    from ui import errors

    errors.show_error(None, BadInput("Chưa nhập số điện thoại.", field="phone"))
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        errors._excepthook(type(exc), exc, exc.__traceback__)     # what a failing slot reaches
    (first, _k1), (second, _k2) = no_dialogs["messages"].calls
    assert first[1:3] == ("Thông tin chưa đúng", "Chưa nhập số điện thoại.")
    assert second[1] == "Lỗi không mong muốn"
    assert "Những gì đã nhập vẫn được giữ nguyên" in second[2]
    ref = second[2].rsplit("mã tham chiếu ", 1)[1].rstrip(".")
    from casedesk.logs import logger

    handler = logger().handlers[0]
    handler.flush()
    log = Path(handler.baseFilename).read_text(encoding="utf-8")
    assert f"[{ref}]" in log and "ZeroDivisionError" in log


def test_many_signals_do_not_kill_python(tmp_path):
    """PySide6 6.12.0 on Python 3.11 drops a reference to True on each emit: without the guard
    this aborts with "Fatal Python error: bool_dealloc" after a few thousand emits."""
    code = ("from ui.app import guard_signal_refcounts\n"
            "guard_signal_refcounts()\n"
            "from PySide6.QtCore import QObject, Signal\n"
            "class O(QObject):\n"
            "    s = Signal(str)\n"
            "o = O()\n"
            "o.s.connect(lambda text: None)\n"
            "for i in range(50000):\n"
            "    o.s.emit('x')\n"
            "print('alive')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env=_env(QT_QPA_PLATFORM="offscreen", CASEDESK_HOME=str(tmp_path)))
    assert result.returncode == 0, result.stderr[-500:]
    assert "alive" in result.stdout


def test_qt_own_buttons_and_menus_speak_vietnamese(qapp):
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

    from ui import i18n_qt

    i18n_qt.install("vi")
    try:
        box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel | QDialogButtonBox.Yes
                               | QDialogButtonBox.No)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert texts == {"Đồng ý", "Hủy", "Có", "Không"}
        edit = QLineEdit()
        menu = edit.createStandardContextMenu()
        items = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
        assert "Dán" in items and "Chọn tất cả" in items
        i18n_qt.install("en")
        english = QDialogButtonBox(QDialogButtonBox.Cancel)
        assert english.buttons()[0].text() == "Cancel"
    finally:
        i18n_qt.install("vi")
