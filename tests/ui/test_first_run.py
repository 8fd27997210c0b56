"""The first run asks (demo / a real office on this PC / the office's server) and remembers the answer.

Each choice is driven through the real dialog and the real start-up (``ui.app.desk_target`` and
``Session``); the server choice runs when CASEDESK_TEST_PG names a PostgreSQL database.
"""
from __future__ import annotations

import argparse
import json
import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from casedesk import desk_config
from casedesk.db import close_database, database

PG = os.environ.get("CASEDESK_TEST_PG")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path))
    monkeypatch.delenv("CASEDESK_DB", raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    yield tmp_path


@pytest.fixture
def bare_runner(qapp):
    from ui.ops import Runner

    r = Runner()
    failures = []
    r.default_error = lambda exc, trace="": failures.append(exc)
    r.failures = failures
    yield r
    r.call(lambda: database.obj.close() if database.obj is not None else None)
    r.call(close_database)
    r.shutdown()


def _args(**kw):
    values = dict(db=None, demo=False, lang=None, demo_cases=3)
    values.update(kw)
    return argparse.Namespace(**values)


def _drive(qtbot, steps):
    """Run ``steps(dialog)`` once the first-run dialog is up (it is modal: exec() blocks)."""
    from ui.screens.first_run import FirstRunDialog

    seen = []

    def poll():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunDialog) and w.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        steps(dialog)

    QTimer.singleShot(0, poll)
    return seen


def _type(widget, text):
    widget.setText(text)
    widget.textEdited.emit(text)


def test_the_demo_choice_is_remembered_and_builds_the_demo_elsewhere(qtbot, home, bare_runner):
    from ui.app import desk_target

    seen = _drive(qtbot, lambda d: d.demo_button.click())
    target, password, login = desk_target(_args(), bare_runner)
    assert seen and target == str(home / "demo.sqlite3") and password is None and login is None
    assert json.loads((home / "connection.json").read_text())["kind"] == "demo"
    assert "password" not in json.loads((home / "connection.json").read_text())   # never a password
    # the next start asks nothing: no dialog is shown, the same register opens
    assert desk_target(_args(), bare_runner)[0] == target
    assert not (home / "casedesk.sqlite3").exists()      # the default place is kept for the real office


def test_closing_the_dialog_chooses_nothing(qtbot, home, bare_runner):
    from ui.app import desk_target

    _drive(qtbot, lambda d: d.reject())
    assert desk_target(_args(), bare_runner) is None
    assert desk_config.load() is None and not (home / "connection.json").exists()


def test_a_real_office_is_created_in_the_window_and_its_admin_logged_in(qtbot, qapp, home, bare_runner, monkeypatch):
    from casedesk.services import auth, office
    from ui import app as app_module
    from ui.app import Session, desk_target

    def fill(dialog):
        dialog.office_button.click()
        fields = dialog.office_fields
        for key, value in (("office", "Trung tâm Phục vụ hành chính công xã Tân Lập"), ("commune", "Xã Tân Lập"),
                           ("province", "Tỉnh Phú Thọ"), ("unit_code", "000.00.31.H27"),
                           ("admin_name", "Đỗ Quang Huy"), ("password", "tan-lap-2026"), ("confirm", "tan-lap-2027")):
            _type(fields[key], value)
        dialog.create_button.click()             # the two passwords differ: refused, said, nothing made
        assert "không khớp" in dialog.office_message.text()
        assert not (home / "casedesk.sqlite3").exists()
        _type(fields["unit_code"], "mã sai!")
        _type(fields["confirm"], "tan-lap-2026")
        dialog.create_button.click()             # a bad unit code: the core's sentence, under the form
        qtbot.waitUntil(lambda: "Mã đơn vị" in dialog.office_message.text(), timeout=10000)
        assert dialog.isVisible()
        _type(fields["unit_code"], "000.00.31.H27")
        dialog.create_button.click()

    seen = _drive(qtbot, fill)
    target, password, login = desk_target(_args(), bare_runner)
    assert seen and target == str(home / "casedesk.sqlite3") and login == ("admin", "tan-lap-2026")
    assert desk_config.load().kind == "local"
    monkeypatch.setattr(app_module, "show_accounts", lambda *a: pytest.fail("a real office is not the demo"))
    session = Session(qapp, bare_runner, target=target, label="", password=password, login=login,
                      may_build_demo=False)
    stages = []
    session.shown.connect(stages.append)
    session.start()
    qtbot.waitUntil(lambda: "main" in stages, timeout=20000)
    assert session.window.ctx.user.login == "admin" and session.window.ctx.user.role == "admin"
    assert bare_runner.call(lambda: office.get_settings().office_name) == "Trung tâm Phục vụ hành chính công xã Tân Lập"
    assert bare_runner.call(lambda: auth.login("admin", "tan-lap-2026").full_name) == "Đỗ Quang Huy"
    session.window.shutdown()
    session.window.close()
    session.login.close()


def test_an_office_already_on_this_pc_is_never_overwritten(qtbot, home, bare_runner, template_db):
    import shutil

    from ui.screens.first_run import create_office

    shutil.copy(template_db, home / "casedesk.sqlite3")
    with pytest.raises(Exception) as caught:
        bare_runner.call(lambda: create_office(str(home / "casedesk.sqlite3"), dict(
            office="X", commune="Xã X", province="Tỉnh Y", unit_code="000.00.31.H28", admin_login="admin",
            admin_password="mot-hai-ba-4", admin_name=None)))
    assert "đã có sổ hồ sơ" in str(caught.value)


def test_a_register_at_the_default_place_from_before_opens_without_asking(home, bare_runner, template_db):
    import shutil

    from ui.app import desk_target

    shutil.copy(template_db, home / "casedesk.sqlite3")
    assert desk_target(_args(), bare_runner)[0] == str(home / "casedesk.sqlite3")
    assert desk_config.load().kind == "local"


def test_server_check_says_what_is_wrong(qtbot, home, bare_runner):
    from ui.screens.first_run import FirstRunDialog

    dialog = FirstRunDialog(bare_runner)
    qtbot.addWidget(dialog)
    dialog.pages.setCurrentIndex(2)
    dialog.host.setText("")
    dialog.test_button.click()
    assert "địa chỉ máy chủ" in dialog.server_message.text()
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(1)                                  # nothing listens there
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "không nhận kết nối ở cổng 1" in dialog.server_message.text(), timeout=15000)
    assert dialog.result() == 0 and dialog.choice is None


@pytest.mark.skipif(not PG, reason="CASEDESK_TEST_PG is not set")
def test_joining_the_server_checks_then_connects(qtbot, qapp, home, bare_runner):
    from urllib.parse import urlparse

    from tests.test_postgres import _wipe
    from ui.app import Session, desk_target

    _wipe()
    url = urlparse(PG)

    def join(dialog):
        dialog.server_button.click()
        dialog.host.setText(url.hostname)
        dialog.port.setValue(url.port)
        dialog.dbname.setText("no_such_db")
        dialog.dbuser.setText(url.username)
        dialog.test_button.click()
        qtbot.waitUntil(lambda: "không có cơ sở dữ liệu tên no_such_db" in dialog.server_message.text(),
                        timeout=15000)
        dialog.dbname.setText(url.path.lstrip("/"))
        dialog.connect_button.click()          # an empty database: said, and not accepted
        qtbot.waitUntil(lambda: "còn trống" in dialog.server_message.text(), timeout=15000)
        assert dialog.isVisible()
        bare_runner.call(_make_office)
        dialog.connect_button.click()

    seen = _drive(qtbot, join)
    target, password, login = desk_target(_args(), bare_runner)
    assert seen and target.startswith("postgresql://") and url.hostname in target
    saved = desk_config.load()
    assert saved.kind == "server" and saved.database == url.path.lstrip("/")
    session = Session(qapp, bare_runner, target=target, label=url.hostname, password=password, may_build_demo=False,
                      login=("admin", "mat-khau-1234"))
    stages = []
    session.shown.connect(stages.append)
    session.start()
    qtbot.waitUntil(lambda: "main" in stages, timeout=20000)
    assert session.settings.office_name == "TT PVHCC phường Bến Thành"
    # a server office with no backup yet: the status bar says so, in red, on every desk
    label = session.window.backup_label
    qtbot.waitUntil(lambda: "chưa có bản sao lưu" in label.text(), timeout=10000)
    assert "b71c1c" in label.styleSheet()
    # Cài đặt → Sao lưu → Sao lưu ngay works on the server: the copy listed, the reminder gone
    session.window.show_screen("settings")
    settings = session.window.screens["settings"]
    settings.back_up_now()
    qtbot.waitUntil(lambda: settings.backups.rowCount() == 1, timeout=30000)
    session.window.refresh_server_backup()
    qtbot.waitUntil(lambda: "Sao lưu máy chủ lần cuối" in label.text(), timeout=10000)
    assert "b71c1c" not in label.styleSheet()
    session.window.shutdown()
    session.window.close()
    session.login.close()
    Session.current = None


def _make_office():
    from casedesk.db import open_database
    from casedesk.services import office

    open_database(PG)
    office.init_office(office="TT PVHCC phường Bến Thành", commune="Phường Bến Thành", province="TP Hồ Chí Minh",
                       unit_code="000.00.79.H29", admin_login="admin", admin_password="mat-khau-1234")
    close_database()


def test_a_refused_office_form_leaves_no_register_behind(home, bare_runner):
    from ui.app import desk_target
    from ui.screens.first_run import create_office

    with pytest.raises(Exception) as caught:
        bare_runner.call(lambda: create_office(str(home / "casedesk.sqlite3"), dict(
            office="X", commune="Xã X", province="Tỉnh Y", unit_code="000.00.31.H28", admin_login="admin",
            admin_password="1", admin_name=None)))          # a password the rules refuse
    assert "mật khẩu" in str(caught.value).lower()
    assert not (home / "casedesk.sqlite3").exists()
    (home / "casedesk.sqlite3").write_bytes(b"")           # an empty file there is no office either
    seen = []
    from PySide6.QtCore import QTimer

    def close_it():
        from ui.screens.first_run import FirstRunDialog

        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunDialog) and w.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(20, close_it)
            return
        seen.append(dialog)
        dialog.reject()

    QTimer.singleShot(0, close_it)
    assert desk_target(_args(), bare_runner) is None and seen          # asked, not opened


def test_settings_connection_switches_the_open_desk(qtbot, qapp, home, bare_runner, template_db, monkeypatch):
    """Cài đặt → Kết nối on the demo: a real office made there opens straight away, its admin logged in."""
    import shutil

    from casedesk.db import open_database
    from ui.app import Session

    shutil.copy(template_db, home / "demo.sqlite3")
    bare_runner.call(lambda: open_database(home / "demo.sqlite3"))
    session = Session(qapp, bare_runner, target=str(home / "demo.sqlite3"), label="", may_build_demo=False,
                      login=("admin", "mat-khau-1234"))
    stages = []
    session.shown.connect(stages.append)
    session.start()
    qtbot.waitUntil(lambda: "main" in stages, timeout=20000)
    window = session.window
    window.show_screen("settings")
    settings = window.screens["settings"]
    assert "Sổ hồ sơ đang dùng: Văn phòng mẫu" in settings.connection_label.text()
    # something typed elsewhere and not saved: asked first; No leaves everything as it was
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(window, "unsaved_screens", lambda: ["Tiếp nhận hồ sơ"])
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.No))
    settings.choose_connection()
    assert asked and "Tiếp nhận hồ sơ" in asked[0] and session.window is window
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))

    def make_office(dialog):
        dialog.office_button.click()
        for key, value in (("office", "UBND xã Tân Lập"), ("commune", "Xã Tân Lập"), ("province", "Tỉnh Phú Thọ"),
                           ("unit_code", "000.00.31.H27"), ("password", "tan-lap-2026"),
                           ("confirm", "tan-lap-2026")):
            _type(dialog.office_fields[key], value)
        dialog.create_button.click()

    stages.clear()
    _drive(qtbot, make_office)
    settings.choose_connection()
    qtbot.waitUntil(lambda: "main" in stages, timeout=20000)
    assert session.target == str(home / "casedesk.sqlite3") and session.window is not window
    assert session.window.ctx.settings.office_name == "UBND xã Tân Lập"
    assert desk_config.load().kind == "local"
    session.window.shutdown()
    session.window.close()
    session.login.close()
    Session.current = None


def test_a_moved_register_says_where_it_lives_and_offers_the_choices(qtbot, qapp, home, bare_runner, template_db,
                                                                    monkeypatch):
    import shutil
    import sqlite3

    from ui import app as app_module
    from ui.app import Session

    path = home / "casedesk.sqlite3"
    shutil.copy(template_db, path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO meta (key, value) VALUES ('moved_to', "
                 "'{\"to\": \"postgresql://casedesk@may-chu:5432/casedesk\", \"at\": \"2026-11-02T09:00:00\"}')")
    conn.commit()
    conn.close()
    shown = []
    monkeypatch.setattr(app_module, "show_error", lambda parent, exc: shown.append(str(exc)))
    monkeypatch.setattr(app_module, "show_accounts", lambda *a: None)
    session = Session(qapp, bare_runner, target=str(path), label="", may_build_demo=False, demo_cases=3)
    session.may_choose = True
    stages = []
    session.shown.connect(stages.append)
    _drive(qtbot, lambda d: d.demo_button.click())
    session.start()
    qtbot.waitUntil(lambda: "login" in stages or "accounts" in stages, timeout=30000)
    assert shown and "postgresql://casedesk@may-chu:5432/casedesk" in shown[0] and "hãy mở sổ ở đó" in shown[0]
    assert session.target == str(home / "demo.sqlite3") and desk_config.load().kind == "demo"
    if session.login is not None:
        session.login.close()
    Session.current = None


def test_changing_a_server_connection_starts_from_the_servers_page(qtbot, home, bare_runner):
    from ui.screens.first_run import FirstRunDialog

    saved = desk_config.DeskConnection(kind="server", host="192.168.1.10", port=5433, database="hoso", user="motcua")
    dialog = FirstRunDialog(bare_runner, current=saved)
    qtbot.addWidget(dialog)
    assert dialog.pages.currentIndex() == 2
    assert (dialog.host.text(), dialog.port.value(), dialog.dbname.text(), dialog.dbuser.text()) == \
        ("192.168.1.10", 5433, "hoso", "motcua")
    assert dialog.dbpassword.text() == ""                    # never filled from anywhere


def test_the_demo_an_older_version_built_at_the_offices_place_moves_aside(home, bare_runner, clock):
    """Before the first run asked, it built the demo at the real office's place; that demo now opens as the
    demo (from demo.sqlite3, its backups' register id kept) and the real office's place is free."""
    from casedesk import backup
    from casedesk.db import open_database
    from casedesk.demo import DEMO_KEY, build_demo
    from casedesk.models import Meta
    from ui.app import desk_target
    from ui.screens.first_run import create_office

    def build():
        open_database(home / "casedesk.sqlite3")
        build_demo(cases=2)
        Meta.delete().where(Meta.key == DEMO_KEY).execute()         # as an older CaseDesk left it
        register = backup.register_id(create=True)
        close_database()
        return register

    register = bare_runner.call(build)
    target, _password, _login = desk_target(_args(), bare_runner)
    assert target == str(home / "demo.sqlite3") and desk_config.load().kind == "demo"
    assert not (home / "casedesk.sqlite3").exists()
    assert backup.identify(home / "demo.sqlite3").register_id == register
    assert bare_runner.call(lambda: create_office(str(home / "casedesk.sqlite3"), dict(
        office="UBND xã Tân Lập", commune="Xã Tân Lập", province="Tỉnh Phú Thọ", unit_code="000.00.31.H27",
        admin_login="admin", admin_password="tan-lap-2026", admin_name=None))) == "admin"


def test_a_real_office_at_the_default_place_stays_there(home, bare_runner, template_db):
    """The test office has the demo's name and unit code but not its people: it is a real office."""
    import shutil

    from ui.app import desk_target

    shutil.copy(template_db, home / "casedesk.sqlite3")
    assert desk_target(_args(), bare_runner)[0] == str(home / "casedesk.sqlite3")
    assert not (home / "demo.sqlite3").exists()


def test_a_server_password_kept_nowhere_is_asked_at_start(home, bare_runner, monkeypatch):
    from ui import app as app_module
    from ui.app import desk_target

    saved = desk_config.DeskConnection(kind="server", host="192.168.1.10", database="casedesk", user="casedesk")
    desk_config.save(saved)
    asked = []
    monkeypatch.setattr(app_module, "ask_password", lambda parent, choice: asked.append(choice.host) or "bi-mat")
    assert desk_target(_args(), bare_runner) == (saved.target(), "bi-mat", None) and asked == ["192.168.1.10"]
    monkeypatch.setattr(app_module, "ask_password", lambda parent, choice: None)      # the user cancelled
    assert desk_target(_args(), bare_runner) is None
    monkeypatch.setenv("PGPASSWORD", "tu-moi-truong")                                   # libpq has one: not asked
    monkeypatch.setattr(app_module, "ask_password", lambda *a: pytest.fail("asked although PGPASSWORD is set"))
    assert desk_target(_args(), bare_runner) == (saved.target(), None, None)


def test_the_office_form_is_filled_and_sent_from_the_keyboard(qtbot, home, bare_runner):
    from PySide6.QtCore import Qt

    from ui.screens.first_run import FirstRunDialog

    dialog = FirstRunDialog(bare_runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key_2)                                       # 2: a real office on this PC
    assert dialog.pages.currentIndex() == 1 and dialog.focusWidget() is dialog.office_fields["office"]
    for key, value in (("office", "UBND xa Tan Lap"), ("commune", "Xa Tan Lap"), ("province", "Tinh Phu Tho"),
                       ("unit_code", "000.00.31.H27"), ("password", "tan-lap-2026"), ("confirm", "tan-lap-2026")):
        dialog.office_fields[key].setText(value)
    qtbot.keyClick(dialog.office_fields["confirm"], Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.choice is not None, timeout=15000)
    assert dialog.choice.kind == "local" and dialog.login == ("admin", "tan-lap-2026")
