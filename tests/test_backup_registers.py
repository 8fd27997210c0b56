"""Two registers on one PC with the same unit code: the demo office and the real one, as in the README.

Each database has its own permanent register id and its backups their own folder: the daily
rule, the rotation, the listing and "last backup" only ever see the same register's backups,
also those made before registers had ids.  Restoring one office's backup over the other is
refused unless ``--other-office`` is given, and a restore is always an admin's.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest

from casedesk import backup, context
from casedesk.backup_files import copy_database, unused_name
from casedesk.db import SCHEMA_VERSION, close_database, open_database
from tests.conftest import NOW, PASSWORD
from tests.stress.tools import dump

UNIT = "000.00.31.H26"
REAL_OFFICE = "Trung tâm Phục vụ hành chính công xã An Phú"
DEMO_OFFICE = "Văn phòng mẫu xã Hòa Bình"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, template_db):
    """Another office, made a month earlier, with the real office's unit code."""
    from casedesk.db import database
    from casedesk.services import auth, office

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    open_database(path)
    context.set_clock(lambda: NOW - dt.timedelta(days=30))
    try:
        office.init_office(office=DEMO_OFFICE, commune="Xã Hòa Bình", province="Tỉnh Phú Thọ", unit_code=UNIT,
                           admin_login="quantri", admin_password=PASSWORD)
        auth.add_user(actor="quantri", login="lan", role="clerk", full_name="Đỗ Thị Lan", password=PASSWORD)
        database.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_database()
        context.set_clock(None)
    return path


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "home"
    monkeypatch.setenv("CASEDESK_HOME", str(path))
    return path


@pytest.fixture
def offices(db, home, demo_template, tmp_path, monkeypatch):
    """(real, demo): two database files on one PC, one data folder, the same unit code."""
    demo = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, demo)
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    monkeypatch.delenv("CASEDESK_DB", raising=False)
    return db, demo


@pytest.fixture
def cli(capsys):
    """casedesk-cli in-process; returns (status, stdout, stderr).  It closes the database when done."""
    from casedesk.cli import main

    def run(*args):
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def receive(actor: str, name: str = "Nguyễn Văn Đường"):
    from casedesk.services import cases

    return cases.receive_case(actor=actor, procedure="HT-09", citizen_name=name, id_number="001203012345",
                              phone="0912 345 678", address="Thôn Đông").case


def legacy_backup(path, when: dt.datetime):
    """A backup as CaseDesk made them before registers had ids: straight in the backups folder."""
    root = backup.backups_root()
    target = unused_name(root, UNIT, when, SCHEMA_VERSION)
    copy_database(path, target)
    return target


def raw(path):
    return sqlite3.connect(str(path), isolation_level=None)


# ------------------------------------------------------------------ identity

def test_each_register_gets_its_own_permanent_id_and_its_backups_carry_it(offices, home):
    real, demo = offices
    open_database(real)
    assert backup.register_id() == ""                           # none until a backup needs one
    real_info = backup.backup_now()
    real_id = backup.register_id()
    open_database(demo)
    demo_info = backup.backup_now()
    demo_id = backup.register_id()
    assert len(real_id) == len(demo_id) == 32 and real_id != demo_id
    assert real_info.path.parent == home / "backups" / real_id
    assert demo_info.path.parent == home / "backups" / demo_id
    assert real_info.path.name == demo_info.path.name           # same unit code, same minute, other folders
    assert backup.check_file(real_info.path).register_id == real_id
    assert backup.check_file(demo_info.path).register_id == demo_id
    assert backup.backup_dir() == home / "backups" / demo_id
    open_database(real)                                         # permanent: read again, never replaced
    assert backup.register_id(create=True) == real_id
    assert backup.backup_dir() == home / "backups" / real_id
    assert backup.backup_dir(demo) == home / "backups" / demo_id


# ------------------------------------------------------------------ the daily rule, listing, rotation

def test_the_daily_backup_of_one_office_does_not_count_for_the_other(offices, clock):
    real, demo = offices
    open_database(demo)
    assert backup.maybe_daily_backup() is not None
    open_database(real)
    made = backup.maybe_daily_backup()
    assert made is not None and made.verified                   # the demo's backup of today is not the real one's
    assert backup.maybe_daily_backup() is None
    clock.advance(hours=2)
    open_database(demo)
    assert backup.maybe_daily_backup() is None


def test_rotation_never_crosses_registers_and_listings_stay_apart(offices, clock, cli):
    real, demo = offices
    assert cli("--db", real, "backup")[0] == 0
    real_copy = backup.list_backups(register_file=real)[0].path
    clock.advance(minutes=1)
    assert cli("--db", demo, "backup")[0] == 0
    assert real_copy.exists(), "the demo's rotation deleted the real office's backup"
    status, out, _ = cli("--db", real, "backups", "--json")
    assert status == 0
    listed = json.loads(out)
    assert [b["path"] for b in listed] == [str(real_copy)]
    assert listed[0]["office_name"] == REAL_OFFICE and listed[0]["unit_code"] == UNIT
    status, out, _ = cli("--db", demo, "backups")
    assert status == 0 and str(real_copy) not in out and str(real_copy.parent) not in out
    status, out, _ = cli("--db", real, "backups", "--all")
    assert status == 0 and str(real_copy) in out and DEMO_OFFICE in out
    # ten days of closing the desktop in both offices: each keeps its own seven days
    for day in range(10):
        clock.advance(days=1)
        for path in (real, demo):
            open_database(path)
            info = backup.maybe_daily_backup()
            assert info is not None and info.verified
    open_database(real)
    real_id, real_list = backup.register_id(), backup.list_backups()
    open_database(demo)
    demo_id, demo_list = backup.register_id(), backup.list_backups()
    for register, found in ((real_id, real_list), (demo_id, demo_list)):
        assert [b.created_at.date() for b in found] == [NOW.date() + dt.timedelta(days=d) for d in range(10, 3, -1)]
        assert {b.register_id for b in found} == {register}
        assert all(b.path.parent.name == register for b in found)
    assert not real_copy.exists()                                # rotated away by its own register only


def test_last_backup_is_the_same_registers(offices, clock):
    """What the desktop's status bar and settings tab read: ``list_backups()`` of the open register."""
    real, demo = offices
    open_database(real)
    backup.backup_now()
    clock.advance(hours=3)
    open_database(demo)
    backup.backup_now()
    open_database(real)
    assert backup.list_backups()[0].created_at == NOW
    assert backup.list_backups(verify=True)[0].office_name == REAL_OFFICE
    open_database(demo)
    assert backup.list_backups()[0].created_at == NOW + dt.timedelta(hours=3)


def test_backups_from_before_register_ids_stay_with_their_register(offices, clock):
    """Flat-folder backups of both offices, made before registers had ids: each office lists and
    rotates only its own (read from their audit trail), never the other's."""
    real, demo = offices
    open_database(real)
    receive("mai")
    close_database()
    olds = {}
    for name, path in (("real", real), ("demo", demo)):
        olds[name] = [legacy_backup(path, NOW - dt.timedelta(days=d, hours=1)) for d in range(1, 10)]
    assert all(backup.check_file(p).register_id == "" for p in olds["real"] + olds["demo"])
    open_database(real)
    assert backup.register_id() == ""
    assert [b.path for b in backup.list_backups()] == olds["real"]    # newest first, the real office's only
    assert backup.maybe_daily_backup() is not None                   # none of today: the demo's do not count
    assert backup.register_id() != ""
    listed = [b.path for b in backup.list_backups()]
    kept_old = [p for p in olds["real"] if p.exists()]
    assert len(kept_old) < len(olds["real"]) and listed[1:] == kept_old
    assert all(p.exists() for p in olds["demo"]), "the real office's rotation deleted the demo's backups"
    open_database(demo)
    assert [b.path for b in backup.list_backups()] == olds["demo"]
    assert backup.maybe_daily_backup() is not None
    assert sum(p.exists() for p in olds["demo"]) < len(olds["demo"])
    assert kept_old == [p for p in olds["real"] if p.exists()]


# ------------------------------------------------------------------ restore

def test_restoring_the_other_offices_backup_is_refused_then_allowed_with_the_flag(offices, clock, cli):
    real, demo = offices
    open_database(demo)
    demo_case = receive("lan", "Phạm Thị Yến").code
    demo_backup = backup.backup_now()
    open_database(real)
    real_code = receive("mai").code
    real_backup = backup.backup_now()
    real_id = backup.register_id()
    close_database()
    before = dump(real)
    status, out, err = cli("--db", real, "restore", demo_backup.path, "--as", "admin", "--yes")
    assert status == 2
    for text in (DEMO_OFFICE, REAL_OFFICE, UNIT, "--other-office", "02/11/2026 09:00", "1 hồ sơ"):
        assert text in err, text
    assert "cơ sở dữ liệu khác" in err
    assert dump(real) == before                                  # nothing asked, nothing changed
    assert not (backup.backups_root() / "before-restore").exists()
    # the demo's admin is nobody in the real office
    assert cli("--db", real, "restore", demo_backup.path, "--as", "quantri", "--other-office", "--yes")[0] == 3
    status, out, err = cli("--db", real, "restore", demo_backup.path, "--as", "admin", "--other-office", "--yes")
    assert status == 0, err
    assert "văn phòng khác" in out
    open_database(real)
    from casedesk.models import Case, Event

    assert [c.code for c in Case.select()] == [demo_case]
    assert context.settings().office_name == DEMO_OFFICE
    last = Event.select().order_by(Event.id.desc()).first()
    assert last.action == "restore" and last.actor == "admin"
    assert last.changes["other_office"]["office"] == DEMO_OFFICE
    assert last.changes["other_office"]["replaced_office"] == REAL_OFFICE
    # the register keeps its id and its backup folder; the demo's register is untouched
    assert backup.register_id() == real_id
    assert [b.path for b in backup.list_backups()] == [real_backup.path]
    safety = next((backup.backups_root() / "before-restore").glob("*.sqlite3"))
    with raw(safety) as conn:
        assert [r[0] for r in conn.execute('SELECT code FROM "case"')] == [real_code]
    open_database(demo)
    assert [b.path for b in backup.list_backups()] == [demo_backup.path]
    # the real office's own backup goes back without the flag, by an admin of the data now in use
    close_database()
    assert cli("--db", real, "restore", real_backup.path, "--as", "admin", "--yes")[0] == 3
    status, _, err = cli("--db", real, "restore", real_backup.path, "--as", "quantri", "--yes")
    assert status == 0, err
    open_database(real)
    assert [c.code for c in Case.select()] == [real_code] and backup.register_id() == real_id


def test_restore_needs_an_admin_of_the_register_it_replaces(offices, cli, monkeypatch):
    real, demo = offices
    open_database(real)
    copy = backup.backup_now()
    close_database()
    before = dump(real)
    status, _, err = cli("--db", real, "restore", copy.path, "--yes")
    assert status == 2 and "--as" in err
    assert dump(real) == before
    status, _, err = cli("--db", real, "restore", copy.path, "--as", "mai", "--yes")     # a clerk
    assert status == 3 and "quản trị" in err
    monkeypatch.setenv("CASEDESK_PASSWORD", "sai-mat-khau")
    assert cli("--db", real, "restore", copy.path, "--as", "admin", "--yes")[0] == 3
    after = dump(real)
    assert after["case"] == before["case"]                        # nothing restored ...
    new_rows = [r for r in after["event"] if r not in before["event"]]
    assert sorted((r[2], r[3]) for r in new_rows) == [("admin", "login_failed"), ("mai", "denied")]  # ... audited
    assert not (backup.backups_root() / "before-restore").exists()


def test_an_older_backup_from_before_register_ids_is_the_same_register(offices, clock, cli):
    real, demo = offices
    old_real, old_demo = legacy_backup(real, NOW - dt.timedelta(days=3)), legacy_backup(demo, NOW)
    open_database(real)
    code = receive("mai").code
    backup.backup_now()                                          # the register gets its id now
    real_id = backup.register_id()
    close_database()
    status, _, err = cli("--db", real, "restore", old_demo, "--as", "admin", "--yes")
    assert status == 2 and DEMO_OFFICE in err
    status, _, err = cli("--db", real, "restore", old_real, "--as", "admin", "--yes")
    assert status == 0, err
    open_database(real)
    from casedesk.models import Case

    assert code not in [c.code for c in Case.select()]
    assert backup.register_id() == real_id                       # the old copy had none: the register keeps its own


def test_restore_on_a_new_pc_goes_on_as_the_backups_register(offices, tmp_path, cli):
    real, _demo = offices
    open_database(real)
    copy = backup.backup_now(tmp_path / "usb")
    real_id = backup.register_id()
    close_database()
    fresh = tmp_path / "new-pc" / "casedesk.sqlite3"
    assert cli("--db", fresh, "restore", copy.path, "--as", "admin", "--yes")[0] == 0
    assert backup.identify(fresh).register_id == real_id
    open_database(fresh)
    info = backup.backup_now()
    assert info.path.parent.name == real_id
