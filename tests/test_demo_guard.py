"""``casedesk-cli demo`` writes only into a demo office, and needs no login only because of that."""
from __future__ import annotations

import sqlite3

import pytest

from casedesk.db import close_database, open_database


def _cli(*args):
    from casedesk.cli import main

    return main([str(a) for a in args])


def _events(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM event").fetchone()[0]
    finally:
        conn.close()


def test_demo_refuses_a_real_office_and_writes_nothing(db, capsys, monkeypatch):
    """The test office has the demo's very name and unit code, but it is not the demo."""
    monkeypatch.delenv("CASEDESK_PASSWORD", raising=False)
    close_database()
    before = _events(db)
    status = _cli("--db", db, "demo", "--cases", "3")
    _out, err = capsys.readouterr()
    assert status == 3 and "văn phòng thật" in err and str(db) in err
    assert _events(db) == before


def test_the_demo_is_marked_and_takes_more_cases_without_a_login(tmp_path, capsys, clock):
    from casedesk.demo import DEMO_KEY, is_demo
    from casedesk.models import Meta

    path = tmp_path / "demo.sqlite3"
    assert _cli("--db", path, "demo", "--cases", "2") == 0
    assert _cli("--db", path, "demo", "--cases", "2") == 0           # a demo again: more cases, no password asked
    capsys.readouterr()
    open_database(path)
    assert is_demo() and Meta.get(Meta.key == DEMO_KEY).value == "1"
    # a demo built before the mark existed is still known by being exactly the demo office
    Meta.delete().where(Meta.key == DEMO_KEY).execute()
    assert is_demo()
    from casedesk.services import auth

    auth.add_user(actor="admin", login="lan2", role="clerk", full_name="Phạm Thị Lan", password="mat-khau-1234")
    assert is_demo()                         # more staff is still the demo
    from casedesk.models import User

    User.update(full_name="Nguyễn Thị Son").where(User.login == "son").execute()
    assert not is_demo()                     # one of its people changed: treated as a real office
    close_database()
    assert _cli("--db", path, "demo", "--cases", "1") == 3


@pytest.mark.parametrize("cases", [0, 1])
def test_demo_into_a_new_file_needs_nothing(tmp_path, capsys, cases, clock):
    path = tmp_path / "new" / "demo.sqlite3"
    assert _cli("--db", path, "demo", "--cases", cases) == 0
    assert "Tài khoản" in capsys.readouterr().out


def test_the_command_line_follows_the_desks_choice(tmp_path, monkeypatch, capsys, clock):
    """Without --db the command line works on the register this user's desk opens."""
    from casedesk import desk_config

    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path))
    monkeypatch.delenv("CASEDESK_DB", raising=False)
    desk_config.save(desk_config.DeskConnection(kind="demo"))
    assert _cli("demo", "--cases", "1") == 0
    assert (tmp_path / "demo.sqlite3").exists() and not (tmp_path / "casedesk.sqlite3").exists()
    desk_config.save(desk_config.DeskConnection(kind="local", path=str(tmp_path / "office" / "real.sqlite3")))
    capsys.readouterr()
    assert _cli("check") == 2                       # no register there yet: said, nothing made
    assert "real.sqlite3" in capsys.readouterr().err
