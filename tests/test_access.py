"""Who may get in: Argon2id passwords, a password for every new office, lockout after
repeated wrong passwords, deactivated accounts, and an audit row for every refusal."""
from __future__ import annotations

import datetime as dt

import pytest

from casedesk import context
from casedesk.db import close_database, open_database
from casedesk.errors import AuthError, BadInput, NotAllowed
from casedesk.models import Event, Procedure, Setting, User
from casedesk.services import auth, cases, office
from tests.conftest import NOW, PASSWORD
from tests.stress.tools import dump


def events_since(last_id: int) -> list[Event]:
    return list(Event.select().where(Event.id > last_id).order_by(Event.id))


def last_event_id() -> int:
    row = Event.select().order_by(Event.id.desc()).first()
    return row.id if row else 0


# ------------------------------------------------------------------ passwords

def test_passwords_are_stored_as_argon2id(db):
    for user in User.select():
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=2$")
        assert PASSWORD not in user.password_hash
    assert auth.login("mai", PASSWORD).login == "mai"


@pytest.mark.parametrize("password", ["", None, "1234567", "x" * 257])
def test_a_new_office_requires_an_admin_password(tmp_path, clock, password):
    """Nothing of the office is saved when its admin password is refused."""
    path = tmp_path / "new.sqlite3"
    open_database(path)
    try:
        before = dump(path)
        with pytest.raises(BadInput) as err:
            office.init_office(office="UBND xã Mới", commune="Xã Mới", province="Tỉnh Phú Thọ",
                               unit_code="000.00.32.H26", admin_login="admin", admin_password=password)
        assert err.value.field == "password"
        assert not office.is_initialised()
        assert Setting.select().count() == 0 and Procedure.select().count() == 0, "half-initialised office"
        assert dump(path) == before
        office.init_office(office="UBND xã Mới", commune="Xã Mới", province="Tỉnh Phú Thọ",
                           unit_code="000.00.32.H26", admin_login="admin", admin_password="mat-khau-dung-1")
        assert auth.login("admin", "mat-khau-dung-1").role == "admin"
    finally:
        close_database()


def test_cli_init_without_a_password_is_refused(tmp_path, monkeypatch, capsys):
    from casedesk.cli import main

    monkeypatch.delenv("CASEDESK_PASSWORD", raising=False)
    path = tmp_path / "office.sqlite3"
    status = main(["--db", str(path), "init", "--office", "UBND xã Mới", "--commune", "Xã Mới",
                   "--province", "Tỉnh Phú Thọ", "--unit-code", "000.00.32.H26", "--admin-user", "admin"])
    assert status == 2
    assert "CASEDESK_PASSWORD" in capsys.readouterr().err
    open_database(path)
    try:
        assert not office.is_initialised()
    finally:
        close_database()


# ------------------------------------------------------------------ lockout

def wrong(login: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthError):
            auth.login(login, "sai-mat-khau")


def test_five_wrong_passwords_lock_for_fifteen_minutes(db, clock):
    start = last_event_id()
    wrong("mai", 4)
    assert auth.login("mai", PASSWORD).login == "mai"  # a success clears the count
    wrong("mai", 5)
    with pytest.raises(AuthError) as err:
        auth.login("mai", PASSWORD)  # even the right password, while locked
    assert err.value.message == "Sai tên đăng nhập hoặc mật khẩu."   # the lock is not told: it is in the audit
    assert "15 phút" in Event.select().order_by(Event.id.desc()).first().note
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AuthError):
        auth.login("mai", PASSWORD)
    clock.advance(seconds=1)
    assert auth.login("mai", PASSWORD).login == "mai"
    failed = [e for e in events_since(start) if e.action == "login_failed"]
    assert len(failed) == 9 and all(e.actor == "mai" for e in failed)
    assert failed[-1].note == "Khóa tài khoản 15 phút"
    # other accounts are not affected by mai's lock
    assert auth.login("hung", PASSWORD).login == "hung"


def test_lockout_is_configurable(db, clock):
    office.update_settings(actor="admin", lockout_attempts=3, lockout_minutes=30)
    wrong("hung", 3)
    clock.advance(minutes=29)
    with pytest.raises(AuthError) as err:
        auth.login("hung", PASSWORD)
    assert err.value.message == "Sai tên đăng nhập hoặc mật khẩu."
    assert "còn 1 phút" in Event.select().order_by(Event.id.desc()).first().note
    clock.advance(minutes=1, seconds=1)
    assert auth.login("hung", PASSWORD).login == "hung"


def test_lock_survives_a_restart_and_is_lifted_by_a_password_reset(db, clock):
    wrong("mai", 5)
    close_database()
    open_database(db)  # the lock is in the register, not in memory
    with pytest.raises(AuthError):
        auth.login("mai", PASSWORD)
    auth.set_password(actor="admin", login="mai", password="mat-khau-moi-99")
    assert auth.login("mai", "mat-khau-moi-99").must_change_password


# ------------------------------------------------------------------ deactivated users

def test_deactivated_users_cannot_log_in_or_act(db, receive):
    code = receive().code
    auth.set_active(actor="admin", login="mai", active=False)
    with pytest.raises(AuthError) as err:
        auth.login("mai", PASSWORD)
    assert err.value.message == "Sai tên đăng nhập hoặc mật khẩu."     # no telling the account exists
    assert Event.select().order_by(Event.id.desc()).first().note == "Tài khoản đã bị khóa sử dụng"
    with pytest.raises(AuthError):
        receive()
    with pytest.raises(AuthError):
        cases.withdraw_case(actor="mai", code=code)
    auth.set_active(actor="admin", login="mai", active=True)
    assert auth.login("mai", PASSWORD).active


def test_users_are_never_deleted_and_cannot_lock_themselves_out(db):
    with pytest.raises(BadInput):
        auth.set_active(actor="admin", login="admin", active=False)
    auth.set_active(actor="admin", login="hung", active=False)
    assert User.get(User.login == "hung").active is False  # kept: the audit trail names them


# ------------------------------------------------------------------ every refusal is audited

def refused_with_row(call, exc_type=NotAllowed) -> Event:
    """Run a refused call; exactly one audit row appears, and nothing else changes."""
    from casedesk.db import database

    start = last_event_id()
    database.obj.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
    path = database.obj.database
    before = {k: v for k, v in dump(path).items() if k not in ("event", "meta", "user")}
    with pytest.raises(exc_type):
        call()
    rows = events_since(start)
    assert len(rows) == 1, [(e.action, e.note) for e in rows]
    after = {k: v for k, v in dump(path).items() if k not in ("event", "meta", "user")}
    assert after == before
    return rows[0]


def test_every_refusal_is_audited(db, receive, clock):
    code = receive().code
    row = refused_with_row(lambda: cases.approve_case(actor="mai", code=code))
    assert (row.action, row.actor, row.changes["attempted"]) == ("denied", "mai", "approve")
    assert row.case_id is not None

    row = refused_with_row(lambda: auth.add_user(actor="mai", login="lan", role="clerk", full_name="Lan",
                                                 password=PASSWORD))
    assert (row.action, row.changes["attempted"]) == ("denied", "user_add")

    row = refused_with_row(lambda: office.update_settings(actor="hung", lockout_attempts=99))
    assert (row.action, row.changes["attempted"]) == ("denied", "settings")

    row = refused_with_row(lambda: auth.set_password(actor="hung", login="mai", password="mat-khau-khac-1"))
    assert (row.action, row.changes["attempted"]) == ("denied", "set_password")

    row = refused_with_row(lambda: auth.login("mai", "sai-mat-khau"), AuthError)
    assert (row.action, row.actor) == ("login_failed", "mai")

    wrong("duong", 5)
    row = refused_with_row(lambda: auth.login("duong", PASSWORD), AuthError)
    assert (row.action, row.actor, row.changes["attempted"]) == ("denied", "duong", "login")

    auth.set_active(actor="admin", login="thao", active=False)
    row = refused_with_row(lambda: auth.login("thao", PASSWORD), AuthError)
    assert (row.action, row.actor, row.changes["attempted"]) == ("denied", "thao", "login")

    auth.set_active(actor="admin", login="mai", active=False)
    row = refused_with_row(lambda: cases.withdraw_case(actor="mai", code=code), AuthError)
    assert (row.action, row.actor, row.changes["attempted"]) == ("denied", "mai", "withdraw")

    from casedesk.audit import verify_chain

    assert verify_chain().ok


def test_cli_refusals_are_audited_too(db, monkeypatch, capsys):
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_DB", str(db))
    monkeypatch.setenv("CASEDESK_PASSWORD", "sai-mat-khau")
    start = last_event_id()
    status = main(["case", "receive", "--as", "mai", "--procedure", "HT-09", "--name", "Nguyễn Văn A",
                   "--id-number", "001203012345", "--phone", "0912345678", "--address", "Thôn Đông"])
    assert status == 3 and "Sai tên đăng nhập hoặc mật khẩu" in capsys.readouterr().err
    open_database(db)
    context.set_clock(lambda: NOW + dt.timedelta(minutes=1))
    assert [(e.action, e.actor) for e in events_since(start)] == [("login_failed", "mai")]


def test_a_refusal_is_audited_even_when_what_was_sent_is_also_wrong(db):
    """The permission is checked before the values: a clerk sending a bad value is refused, and audited."""
    before = Event.select().where(Event.action == "denied").count()
    with pytest.raises(NotAllowed):
        office.update_settings(actor="mai", lockout_minutes=10 ** 9)
    with pytest.raises(NotAllowed):
        auth.add_user(actor="mai", login="x", role="nobody", full_name="", password="1")
    assert Event.select().where(Event.action == "denied").count() == before + 2
