"""Logging in: the core's Vietnamese message inline on a wrong password; the right one opens the
main window titled with the office, the person and the role, navigation fitting the role."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui.appctx import AppContext, AppSignals
from ui.main_window import MainWindow, office_short
from ui.screens.base import Screen
from ui.screens.login import LoginScreen

PASSWORD = "mat-khau-1234"


def _login_screen(qtbot, runner, keys):
    screen = LoginScreen(runner, office_name="Trung tâm Phục vụ hành chính công xã An Phú")
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.load_users()
    keys.idle()
    return screen


def test_wrong_password_says_so_in_vietnamese_and_keeps_the_user(qtbot, runner, keys):
    screen = _login_screen(qtbot, runner, keys)
    screen.select_login("mai")
    screen.password.setFocus()
    keys.type("sai-mật-khẩu")
    keys.press(Qt.Key_Return)
    keys.idle()
    assert screen.message.isVisible()
    assert screen.message.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert screen.selected_login() == "mai"


def test_only_active_users_are_listed(qtbot, runner, keys):
    from casedesk.services import auth

    auth.set_active(actor="admin", login="duong", active=False)
    screen = _login_screen(qtbot, runner, keys)
    logins = [screen.users.item(i).data(Qt.UserRole) for i in range(screen.users.count())]
    assert "duong" not in logins and "mai" in logins


def _fake(key, roles, title):
    return type(f"Fake_{key}", (Screen,), {"key": key, "roles": roles, "title": title, "shortcut": ""})


FAKES = {
    "home": _fake("home", ("admin", "clerk", "officer", "vice_chairman"), "Trang chủ"),
    "mine": _fake("mine", ("officer",), "Việc của tôi"),
    "approvals": _fake("approvals", ("vice_chairman",), "Chờ phê duyệt"),
    "cases": _fake("cases", ("admin", "clerk", "officer", "vice_chairman"), "Tất cả hồ sơ"),
    "reports": _fake("reports", ("vice_chairman", "admin"), "Báo cáo"),
    "settings": _fake("settings", ("admin",), "Cài đặt"),
}


def test_right_password_opens_the_main_window_for_a_clerk(qtbot, runner, db, keys):
    from casedesk.services import office
    from ui.screens.delivery import DeliveryScreen
    from ui.screens.intake import IntakeScreen

    screen = _login_screen(qtbot, runner, keys)
    users = []
    screen.logged_in.connect(users.append)
    screen.select_login("mai")
    screen.password.setFocus()
    keys.type(PASSWORD)
    keys.press(Qt.Key_Return)
    keys.idle()
    assert [u.login for u in users] == ["mai"]
    ctx = AppContext(user=users[0], settings=office.get_settings(), runner=runner, signals=AppSignals(),
                     db_label="Máy này")
    window = MainWindow(ctx, {**FAKES, "intake": IntakeScreen, "delivery": DeliveryScreen})
    qtbot.addWidget(window)
    keys.idle()
    assert window.windowTitle() == "TT PVHCC xã An Phú · Trần Thị Mai (Tiếp nhận)"
    assert window.nav_keys == ["home", "intake", "delivery", "cases"]
    assert "Máy này" in window.connection.text()
    assert "Quá hạn" in window.counts.text()


def test_navigation_follows_the_role(qtbot, make_ctx, runner, keys):
    expected = {
        "hung": ["home", "mine", "cases"],
        "thao": ["approvals", "home", "cases", "reports"],
        "admin": ["settings", "reports", "cases"],
    }
    for login, nav in expected.items():
        window = MainWindow(make_ctx(login), FAKES)
        qtbot.addWidget(window)
        assert window.nav_keys == nav, login
        assert window.current_key() == nav[0]
        window.show_nav(len(nav) - 1)                      # Alt+N goes to the Nth visible section
        assert window.current_key() == nav[-1]
        window.shutdown()
    keys.idle()


def test_office_name_is_shortened_only_when_it_is_the_usual_long_form():
    assert office_short("Trung tâm Phục vụ hành chính công xã An Phú") == "TT PVHCC xã An Phú"
    assert office_short("UBND xã An Phú") == "UBND xã An Phú"


def test_a_password_set_by_the_admin_is_changed_at_first_login(qtbot, runner, keys, monkeypatch):
    from casedesk.services import auth
    from ui.screens import login as login_module

    auth.set_password(actor="admin", login="mai", password="tam-thoi-123")
    screen = _login_screen(qtbot, runner, keys)

    def fill_and_submit(dialog):
        dialog.new.setText("mat-khau-moi-2026")
        dialog.again.setText("mat-khau-moi-2026")
        dialog.submit()
        keys.idle()
        return dialog.result()

    monkeypatch.setattr(login_module.ChangePasswordDialog, "exec", fill_and_submit)
    users = []
    screen.logged_in.connect(users.append)
    screen.select_login("mai")
    screen.password.setFocus()
    keys.type("tam-thoi-123")
    keys.press(Qt.Key_Return)
    keys.idle()
    assert [u.login for u in users] == ["mai"]
    assert not auth.login("mai", "mat-khau-moi-2026").must_change_password


def test_after_log_out_nobody_is_chosen_and_a_first_key_picks_a_name(qtbot, runner, keys):
    screen = _login_screen(qtbot, runner, keys)
    screen.select_login("thao")
    screen.password.setFocus()
    keys.type("nửa-mật-khẩu")                                   # left half typed by the previous user
    attempts = []
    screen.logged_in.connect(attempts.append)
    screen.reset(nobody=True)                                    # what logging out does
    keys.idle()
    assert screen.password.text() == ""
    assert screen.selected_login() is None
    assert keys.focused() is screen.users
    keys.type("v")                                               # the next person starts typing their name
    assert screen.selected_login() == "thao"                     # Vũ Thị Thảo: a name found, not a password
    assert screen.password.text() == "" and not screen.message.isVisible() and attempts == []
    screen.reset("mai")                                          # at start: this desk's usual user, ready
    keys.idle()
    assert screen.selected_login() == "mai" and keys.focused() is screen.password
