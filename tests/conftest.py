"""Shared fixtures: a real SQLite file per test, built from a migrated template."""
from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A user's own CASEDESK_* settings (home folder, database, language...) must not change what a test sees;
# only the test set-up's own CASEDESK_TEST_* (the PostgreSQL test server, the built bundle) pass through.
for _name in [n for n in os.environ if n.startswith("CASEDESK_") and not n.startswith("CASEDESK_TEST_")]:
    del os.environ[_name]

from casedesk import context  # noqa: E402
from casedesk.db import close_database, open_database  # noqa: E402
from casedesk.i18n import set_language  # noqa: E402

PASSWORD = "mat-khau-1234"
STAFF = [
    ("mai", "clerk", "Trần Thị Mai", ()),
    ("hung", "officer", "Lê Văn Hùng", ("HT", "CT", "LT")),
    ("duong", "officer", "Nguyễn Văn Đường", ("DD", "XD")),
    ("thao", "vice_chairman", "Vũ Thị Thảo", ()),
]
# who signs what the trail cannot name (filled as the demo office fills them)
SIGNERS = {"leader_name": "Vũ Thị Thảo", "chairman_name": "Nguyễn Đức Thắng", "centre_head_name": "Bùi Thị Hạnh",
           "report_preparer": "Trần Thị Mai"}
# Monday 2 November 2026, 09:00 office time
NOW = dt.datetime(2026, 11, 2, 9, 0)


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, value: dt.datetime) -> None:
        self.now = value

    def advance(self, **kw) -> None:
        self.now = self.now + dt.timedelta(**kw)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """An office with staff, made once; each test gets a copy."""
    from casedesk.services import auth, office

    os.environ["CASEDESK_HOME"] = str(tmp_path_factory.mktemp("home"))
    path = tmp_path_factory.mktemp("template") / "office.sqlite3"
    open_database(path)
    context.set_clock(lambda: NOW)
    office.init_office(office="Trung tâm Phục vụ hành chính công xã An Phú", commune="Xã An Phú",
                       province="Tỉnh Phú Thọ", unit_code="000.00.31.H26", admin_login="admin",
                       admin_password=PASSWORD, extra=SIGNERS)
    for login, role, name, fields in STAFF:
        auth.add_user(actor="admin", login=login, role=role, full_name=name, password=PASSWORD, fields=fields)
    database = context  # noqa: F841
    from casedesk.db import database as proxy

    proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    context.set_clock(None)
    return path


@pytest.fixture
def clock():
    c = Clock(NOW)
    context.set_clock(c)
    yield c
    context.set_clock(None)


@pytest.fixture
def db(template_db, tmp_path, clock):
    """An open copy of the template office, the clock at Monday 02/11/2026 09:00."""
    path = tmp_path / "office.sqlite3"
    shutil.copy(template_db, path)
    set_language("vi")
    open_database(path)
    context.set_clock(clock)
    yield path
    close_database()
    set_language("vi")


@pytest.fixture
def cli(db, clock, monkeypatch, capsys):
    """Run ``casedesk-cli`` in-process against the test office as its staff; returns (status, stdout,
    stderr).  The command line closes the database when it is done: the office is opened again, on the
    test's clock."""
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("CASEDESK_DB", str(db))

    def run(*args):
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        open_database(db)
        context.set_clock(clock)
        return status, out, err

    return run


@pytest.fixture
def receive(db):
    """Receive a complete dossier with sensible defaults."""
    from casedesk.services import cases

    def _receive(**kw):
        values = dict(actor="mai", procedure="HT-09", citizen_name="Nguyễn Văn Đường",
                      id_number="001203012345", phone="0912 345 678", address="Thôn Đông, xã An Phú")
        values.update(kw)
        return cases.receive_case(**values).case

    return _receive
