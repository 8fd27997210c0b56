"""Restore trusts only the live register.

The admin asking for a restore logs in to the register being replaced.  A register that is busy
(another desk or program holds its lock) is not damaged: the restore waits the busy timeout, then
refuses with "try again" (exit 6) and changes nothing.  Only a register that fails its integrity
check may be replaced by an admin of the backup, and only with ``--damaged``, which the restore's
audit row and the log record.

The repro: with the live register busy, ``restore FILE --as admin`` with a *wrong* password was
checked against the backup's own users, and a crafted backup was installed and audited as the admin.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from casedesk import backup
from casedesk.db import close_database, open_database
from tests.conftest import PASSWORD

CRAFTED = "mat-khau-cua-ke-gia"


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "home"
    monkeypatch.setenv("CASEDESK_HOME", str(path))
    return path


@pytest.fixture
def cli(db, home, monkeypatch, capsys):
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_DB", str(db))
    monkeypatch.setenv("CASEDESK_BUSY_TIMEOUT", "1")

    def run(*args, password=PASSWORD):
        close_database()
        monkeypatch.setenv("CASEDESK_PASSWORD", password)
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "không mong đợi" not in err, err
        return status, out, err

    return run


@pytest.fixture
def crafted(db, home, tmp_path):
    """A backup of this register in which someone gave the admin a password of their own."""
    from argon2 import PasswordHasher

    info = backup.backup_now(tmp_path / "usb")
    close_database()
    conn = sqlite3.connect(str(info.path))
    conn.execute('UPDATE "user" SET password_hash = ? WHERE login = ?', (PasswordHasher().hash(CRAFTED), "admin"))
    conn.execute("INSERT INTO meta (key, value) VALUES ('crafted', 'yes')")
    conn.commit()
    conn.close()
    assert backup.check_file(info.path).ok     # (the audit chain does not cover a password hash)
    return info.path


HOLDERS = {
    # another desk in the middle of a long write (the register's write lock)
    "write lock": "c.execute('BEGIN IMMEDIATE'); c.execute(\"INSERT INTO meta (key, value) VALUES ('x', 'y')\")",
    # a program holding the file exclusively: even reading waits
    "exclusive": "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')",
}


def hold(db, how):
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n" + HOLDERS[how] + "\n"
         "print('held', flush=True); time.sleep(120)", str(db)],
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def release(proc):
    proc.kill()
    proc.wait()
    proc.stdout.close()


@pytest.mark.parametrize("how", sorted(HOLDERS))
def test_a_busy_register_is_never_taken_for_damaged(db, cli, crafted, how):
    close_database()
    holder = hold(db, how)
    try:
        for password in (CRAFTED, PASSWORD):              # wrong for the live register, then right
            status, _, err = cli("restore", crafted, "--as", "admin", "--yes", password=password)
            assert status == 6 and "thử lại" in err, err
            status, _, err = cli("restore", crafted, "--as", "admin", "--yes", "--damaged", password=password)
            # a write lock leaves the register readable: it is sound, so no --damaged; held exclusively: busy
            assert status == (2 if how == "write lock" else 6), err
    finally:
        release(holder)
    open_database(db)
    from casedesk.models import Meta

    assert Meta.get_or_none(Meta.key == "crafted") is None           # the crafted backup is not installed
    assert not (backup.backups_root() / "before-restore").exists()


def test_a_password_of_the_backup_is_no_password_of_the_live_register(db, cli, crafted):
    status, _, err = cli("restore", crafted, "--as", "admin", "--yes", password=CRAFTED)
    assert status == 3 and "Sai tên đăng nhập hoặc mật khẩu" in err
    open_database(db)
    from casedesk.models import Event, Meta

    assert Meta.get_or_none(Meta.key == "crafted") is None
    last = Event.select().order_by(Event.id.desc()).first()
    assert (last.action, last.actor) == ("login_failed", "admin")        # counted and audited in the live one
    status, _, err = cli("restore", crafted, "--as", "admin", "--yes", "--damaged", password=CRAFTED)
    assert status == 2 and "--damaged" in err                            # the live register is sound


def damage(path):
    """Scribble over the middle of the file, as a failing disk would."""
    data = bytearray(path.read_bytes())
    page = 4096
    for n in range(2, len(data) // page - 1, 3):
        data[n * page + 8: n * page + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["scribbled", "not a database"])
def test_a_damaged_register_is_replaced_only_with_damaged(db, cli, crafted, home, how, caplog):
    close_database()
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if how == "scribbled":
        damage(db)
    else:
        db.write_bytes(b"this is not a register" * 100)
    before = db.read_bytes()
    status, _, err = cli("restore", crafted, "--as", "admin", "--yes", password=CRAFTED)
    assert status == 5 and "--damaged" in err
    assert db.read_bytes() == before
    status, _, err = cli("restore", crafted, "--as", "admin", "--yes", "--damaged", password="sai-ca-hai")
    assert status == 3 and db.read_bytes() == before
    status, out, err = cli("restore", crafted, "--as", "admin", "--yes", "--damaged", password=CRAFTED)
    assert status == 0, err
    open_database(db)
    from casedesk.models import Event

    row = Event.select().order_by(Event.id.desc()).first()
    assert (row.action, row.actor) == ("restore", "admin")
    assert row.changes["damaged"]["admin_checked_in"] == "backup" and row.changes["damaged"]["problems"]
    assert any("restore --damaged" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    kept = [p for p in (backup.backups_root() / "before-restore").iterdir() if p.name.endswith(".sqlite3")]
    assert len(kept) == 1                                                 # the damaged file is kept as it was
    if how == "scribbled":
        assert b"\xa5" * 192 in kept[0].read_bytes()
    else:
        assert kept[0].read_bytes() == before
