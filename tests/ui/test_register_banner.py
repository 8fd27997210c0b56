"""The start-up check: a register whose audit trail was edited outside the program gets a red banner
across the login window and the main window, naming the row; a sound register gets none."""
from __future__ import annotations

import sqlite3

from ui import app as app_module
from ui.app import Session
from ui.register_banner import BANNER_NAME


def _start(qtbot, qapp, runner, db, monkeypatch) -> Session:
    monkeypatch.setattr(app_module, "show_accounts", lambda parent, demo: None)
    session = Session(qapp, runner, target=str(db), label="Máy này")
    session.check_delay_ms = 0
    shown = []
    session.shown.connect(shown.append)
    session.start()
    qtbot.waitUntil(lambda: shown == ["login"], timeout=10000)
    qtbot.addWidget(session.login)
    return session


def _banner(window):
    from PySide6.QtWidgets import QLabel

    return window.findChild(QLabel, BANNER_NAME)


def test_an_edited_audit_row_puts_a_banner_on_login_and_main_window(qtbot, qapp, runner, db, monkeypatch):
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT MAX(id) FROM event").fetchone()[0]
        con.execute("UPDATE event SET note = 'sửa tay' WHERE id = ?", (row,))
    session = _start(qtbot, qapp, runner, db, monkeypatch)
    qtbot.waitUntil(lambda: session.check_problem != "", timeout=30000)
    assert str(row) in session.check_problem
    banner = _banner(session.login)
    assert banner is not None and banner.isVisible()
    assert "KIỂM TRA DỮ LIỆU KHÔNG ĐẠT" in banner.text() and str(row) in banner.text()

    from casedesk.services import auth

    session._logged_in(auth.login("mai", "mat-khau-1234"))
    qtbot.waitUntil(lambda: session.window is not None, timeout=10000)
    qtbot.addWidget(session.window)
    main_banner = _banner(session.window)
    assert main_banner is not None and str(row) in main_banner.text()
    session.deleteLater()


def test_a_sound_register_gets_no_banner(qtbot, qapp, runner, db, monkeypatch):
    session = _start(qtbot, qapp, runner, db, monkeypatch)
    qtbot.waitUntil(lambda: session.register_check is not None and session.register_check.completed.is_set(),
                    timeout=30000)
    qapp.processEvents()
    assert session.register_check.result is not None and session.register_check.result.ok
    assert session.check_problem == "" and _banner(session.login) is None
    session.deleteLater()


def test_a_role_edited_outside_the_program_puts_a_banner(qtbot, qapp, runner, db, monkeypatch, tmp_path):
    """The chain intact, the user table edited: the replay finds it and the banner names the user and field."""
    with sqlite3.connect(db) as con:
        con.execute("UPDATE \"user\" SET role = 'admin' WHERE login = 'mai'")
    session = _start(qtbot, qapp, runner, db, monkeypatch)
    qtbot.waitUntil(lambda: session.check_problem != "", timeout=30000)
    assert "mai" in session.check_problem and "(role)" in session.check_problem
    banner = _banner(session.login)
    banner.grab().save(str(tmp_path / "banner.png"))
    assert banner is not None and "mai" in banner.text()
    session.deleteLater()
