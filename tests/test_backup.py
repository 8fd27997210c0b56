"""Backups and restore: what an office relies on the day its PC dies.

Backups are consistent copies (SQLite's online backup API) that are verified
before they get their name, rotate 7 daily / 4 weekly / 12 monthly, and are
named by office, date-time and schema version, in their register's own folder.
Restore is an admin's; it checks the file, upgrades an older schema, refuses a
newer one, keeps the current register and swaps the files without leaving a
stale WAL behind.  (Two registers on one PC: tests/test_backup_registers.py.)
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from casedesk import backup
from casedesk.db import SCHEMA_VERSION, close_database, open_database
from casedesk.errors import BadInput, IntegrityProblem
from tests.conftest import NOW, PASSWORD
from tests.stress.tools import ROOT, child_env, dump, read_acks

WRITER = ROOT / "tests" / "stress" / "crash_writer.py"


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "home"
    monkeypatch.setenv("CASEDESK_HOME", str(path))
    return path


@pytest.fixture
def cli(db, home, monkeypatch, capsys):
    """Run casedesk-cli in-process against the test office; returns (status, stdout, stderr)."""
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_DB", str(db))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)

    def run(*args):
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        open_database(db)  # the CLI closes the database when it is done
        return status, out, err

    return run


def raw(path):
    return sqlite3.connect(str(path), isolation_level=None)


def logical(path):
    """The register's content without SQLite's own bookkeeping (what a user could lose)."""
    return dump(path)


# ------------------------------------------------------------------ backup_now

def test_backup_is_named_verified_and_complete(db, home, receive):
    first = receive().code
    second = receive(citizen_name="Lê Thị Ngọc Ánh").code
    info = backup.backup_now()
    assert info.verified and info.problem == ""
    register = backup.register_id()
    assert len(register) == 32 and info.register_id == register
    assert info.path.parent == home / "backups" / register == backup.backup_dir()
    assert info.path.name == f"casedesk_000.00.31.H26_2026-11-02_0900_v{SCHEMA_VERSION}.sqlite3"
    assert info.size == info.path.stat().st_size > 0
    assert info.schema_version == SCHEMA_VERSION and info.created_at == NOW and info.cases == 2
    # the copy holds exactly what the register holds, and is one self-contained file
    from casedesk.db import database

    database.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert logical(info.path) == logical(db)
    assert not info.path.with_name(info.path.name + "-wal").exists()
    assert info.path.read_bytes()[18:20] == b"\x01\x01", "backup left in WAL mode"
    with raw(info.path) as conn:
        assert {r[0] for r in conn.execute('SELECT code FROM "case"')} == {first, second}
    assert not list(info.path.parent.glob("*.partial"))


def test_backups_in_the_same_minute_do_not_overwrite(db, home, receive, tmp_path):
    a = backup.backup_now(tmp_path)
    receive()
    b = backup.backup_now(tmp_path)
    assert a.path != b.path and a.path.exists() and b.path.exists()
    assert [x.path for x in backup.list_backups(tmp_path)] == [b.path, a.path]  # newest first
    # in the automatic folder the rotation keeps the newest of the day only
    c = backup.backup_now()
    d = backup.backup_now()
    assert [x.path for x in backup.list_backups()] == [d.path] and not c.path.exists()


def test_backup_to_a_folder_and_refusals(db, home, tmp_path):
    usb = tmp_path / "usb" / "casedesk"
    info = backup.backup_now(usb, reason="manual")
    assert info.path.parent == usb and info.verified
    with pytest.raises(BadInput):
        backup.backup_now(reason="weekly")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(backup.BackupError) as err:
        backup.backup_now(blocker / "sub")
    assert str(blocker) in err.value.message
    close_database()
    with pytest.raises(BadInput):
        backup.backup_now()


def test_backup_under_load_is_a_consistent_snapshot(db, home, tmp_path):
    """Another process receives cases non-stop while backups are taken: every copy verifies and
    holds whole dossiers only (each case with its receive row, the chain ending at its head)."""
    ack = tmp_path / "acks.txt"
    proc = subprocess.Popen([sys.executable, str(WRITER), str(db), str(ack), "100000"], env=child_env(home),
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while len(read_acks(ack)) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        copies = []
        for _ in range(4):
            copies.append(backup.backup_now(tmp_path / "copies"))
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
    counts = []
    for info in copies:
        assert info.verified, info.problem
        with raw(info.path) as conn:
            cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
            receives = conn.execute("SELECT count(*) FROM event WHERE action = 'receive'").fetchone()[0]
            orphans = conn.execute('SELECT count(*) FROM "case" c WHERE NOT EXISTS '
                                   "(SELECT 1 FROM event e WHERE e.case_id = c.id AND e.action = 'receive')"
                                   ).fetchone()[0]
        assert cases == receives and orphans == 0
        counts.append(cases)
    assert counts == sorted(counts) and counts[-1] > counts[0], counts  # taken while the desk kept writing


def test_check_file_names_a_tampered_row(db, home, receive, tmp_path):
    receive()
    receive()
    info = backup.backup_now(tmp_path)
    bad = tmp_path / "bad.sqlite3"
    shutil.copy(info.path, bad)
    with raw(bad) as conn:
        conn.execute("UPDATE event SET note = 'sửa lén' WHERE id = 3")
    check = backup.check_file(bad)
    assert not check.ok and check.first_bad_row == 3
    assert "3" in check.problems[0]
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("không phải cơ sở dữ liệu")
    assert not backup.check_file(junk).ok
    assert "không phải" in backup.check_file(junk).problems[0]


def test_a_register_that_fails_its_checks_is_flagged_and_rotates_nothing(db, home, clock):
    folder = backup.register_dir(backup.register_id(create=True))
    olds = [folder / backup.backup_name("000.00.31.H26", NOW - dt.timedelta(days=d), SCHEMA_VERSION)
            for d in range(1, 21)]
    for p in olds:
        p.write_bytes(b"")
    with raw(db) as conn:
        conn.execute("UPDATE event SET actor = 'ai-do' WHERE id = 2")
    info = backup.backup_now(reason="daily")
    assert not info.verified
    assert info.path.name.endswith(".sqlite3.unverified")
    assert "2" in info.problem
    assert all(p.exists() for p in olds), "an unverified backup must not push good ones out"
    assert info.path not in [b.path for b in backup.list_backups()]
    # once the register is sound again, the next backup rotates
    with raw(db) as conn:
        conn.execute("UPDATE event SET actor = 'admin' WHERE id = 2")
    assert backup.check_file(db).ok
    clock.advance(minutes=1)
    assert backup.backup_now(reason="daily").verified
    assert sum(p.exists() for p in olds) < len(olds)


# ------------------------------------------------------------------ rotation

def test_rotation_keeps_7_daily_4_weekly_12_monthly(tmp_path):
    day = dt.date(2025, 10, 1)
    while day <= dt.date(2026, 11, 23):  # one backup a day for 14 months; 23/11/2026 is a Monday
        (tmp_path / backup.backup_name("000.00.31.H26", dt.datetime.combine(day, dt.time(17, 5)), 3)).write_bytes(b"")
        day += dt.timedelta(days=1)
    other = tmp_path / backup.backup_name("000.00.99.H01", dt.datetime(2025, 1, 1, 8, 0), 3)
    other.write_bytes(b"")
    stranger = tmp_path / "my-notes.txt"
    stranger.write_text("x")
    removed = backup.rotate(tmp_path, unit_code="000.00.31.H26")
    kept = sorted(b.created_at.date().isoformat() for b in backup.list_backups(tmp_path)
                  if b.unit_code == "000.00.31.H26")
    daily = [f"2026-11-{d}" for d in range(17, 24)]
    weekly = ["2026-11-08", "2026-11-15"]  # Sundays ending the weeks before; this week's newest is today
    monthly = ["2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
               "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"]
    assert kept == sorted(daily + weekly + monthly)
    assert len(removed) == 419 - 20
    assert other.exists() and stranger.exists()


def test_daily_backup_at_most_once_a_day_and_rotated(db, home, clock, receive):
    made = []
    for day in range(10):  # Monday 2/11 .. Wednesday 11/11, the desktop closed twice a day
        receive()
        made.append(backup.maybe_daily_backup(reason="close"))
        clock.advance(hours=8)
        assert backup.maybe_daily_backup() is None
        clock.advance(hours=16)
    assert all(b is not None and b.verified for b in made)
    kept = [b.created_at.date() for b in backup.list_backups()]
    assert kept == [dt.date(2026, 11, d) for d in range(11, 4, -1)]
    assert backup.list_backups()[0].cases == 10
    assert backup.list_backups(verify=True)[0].cases == 10


# ------------------------------------------------------------------ CLI backup / backups

def test_cli_backup_to_dir_json(cli, tmp_path):
    status, out, err = cli("backup", "--to", tmp_path / "usb", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["verified"] is True and doc["schema_version"] == SCHEMA_VERSION
    assert doc["path"].startswith(str(tmp_path / "usb")) and doc["size"] > 0
    status, out, _ = cli("backups", "--dir", tmp_path / "usb", "--verify")
    assert status == 0 and f"v{SCHEMA_VERSION}" in out and doc["path"] in out


def test_cli_backup_of_a_tampered_register_exits_5(cli, db, tmp_path):
    with raw(db) as conn:
        conn.execute("DELETE FROM event WHERE id = 2")
    status, out, err = cli("backup", "--to", tmp_path)
    assert status == 5 and "3" in err
    assert out.strip().endswith(".unverified")


# ------------------------------------------------------------------ restore

def test_restore_brings_back_the_backup_and_keeps_the_current_register(db, home, receive, tmp_path,
                                                                      monkeypatch, capsys):
    from casedesk.cli import main

    kept = receive().code
    info = backup.backup_now(tmp_path / "usb")
    later = receive(citizen_name="Phạm Thị Yến").code  # entered after the backup, still in the WAL
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    monkeypatch.setenv("CASEDESK_DB", str(db))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    status = main(["restore", str(info.path), "--as", "admin", "--yes"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "000.00.31.H26" in out and "before-restore" in out
    for suffix in ("-wal", "-shm"):  # no stale WAL, no staged file left behind
        assert not db.with_name(db.name + suffix).exists(), suffix
    assert not list(db.parent.glob(db.name + "*.restoring*"))
    open_database(db)
    from casedesk.audit import verify_chain
    from casedesk.db import integrity_check
    from casedesk.models import Case, Event

    assert [c.code for c in Case.select()] == [kept]
    last = Event.select().order_by(Event.id.desc()).first()
    assert last.action == "restore" and last.changes["from"] == info.path.name
    assert last.actor == "admin" and "other_office" not in last.changes
    assert verify_chain().ok and integrity_check() == []
    safety = next((home / "backups" / "before-restore").glob("*.sqlite3"))
    assert backup.check_file(safety).ok
    with raw(safety) as conn:
        assert {r[0] for r in conn.execute('SELECT code FROM "case"')} == {kept, later}


def test_restore_refuses_a_newer_schema_and_changes_nothing(cli, db, home, tmp_path):
    info = backup.backup_now(tmp_path)
    newer = tmp_path / "from-the-future.sqlite3"
    shutil.copy(info.path, newer)
    with raw(newer) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    close_database()
    before = logical(db)
    status, _, err = cli("restore", newer, "--as", "admin", "--yes")
    assert status == 5
    assert "mới hơn" in err and str(SCHEMA_VERSION + 1) in err
    close_database()
    assert logical(db) == before
    assert not (home / "backups" / "before-restore").exists()
    with pytest.raises(IntegrityProblem):
        backup.restore_backup(newer, db_path=db, actor="admin")


def test_restore_upgrades_an_older_schema(cli, db, receive, tmp_path):
    code = receive().code
    info = backup.backup_now(tmp_path)
    old = tmp_path / "old-v1.sqlite3"
    shutil.copy(info.path, old)
    from casedesk.models import QUEUE_INDEXES

    with raw(old) as conn:  # what a version-1 register looked like
        conn.execute("DROP TABLE case_search")
        conn.execute("DROP TABLE holiday_year")
        for sql in QUEUE_INDEXES:
            conn.execute("DROP INDEX " + sql.split(" ON ")[0].split()[-1])
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert backup.check_file(old).schema_version == 1
    status, out, err = cli("restore", old, "--as", "admin", "--yes")
    assert status == 0, err
    assert "1" in out and str(SCHEMA_VERSION) in out
    from casedesk.db import schema_version
    from casedesk.services import queries

    assert schema_version() == SCHEMA_VERSION
    assert [r.code for r in queries.search_cases("nguyen van duong")] == [code]


def test_restore_refuses_damaged_or_missing_files(cli, db, receive, tmp_path):
    receive()
    info = backup.backup_now(tmp_path)
    tampered = tmp_path / "tampered.sqlite3"
    shutil.copy(info.path, tampered)
    with raw(tampered) as conn:
        conn.execute("DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    close_database()
    before = logical(db)
    status, _, err = cli("restore", tampered, "--as", "admin", "--yes")
    assert status == 5 and "nhật ký" in err
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00" * 4096)
    assert cli("restore", junk, "--as", "admin", "--yes")[0] == 5
    assert cli("restore", tmp_path / "nothing.sqlite3", "--as", "admin", "--yes")[0] == 4
    close_database()
    assert logical(db) == before


def test_restore_needs_confirmation(cli, db, tmp_path):
    info = backup.backup_now(tmp_path)
    status, out, err = cli("restore", info.path, "--as", "admin")  # stdin is not a terminal under pytest
    assert status == 2 and "--yes" in err
    assert "Bản sao lưu" in out  # it said what it would restore


def test_restore_refuses_while_another_program_has_the_register_open(cli, db, tmp_path):
    info = backup.backup_now(tmp_path)
    close_database()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM event').fetchall()\n"
         "print('open', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        before = logical(db)
        status, _, err = cli("restore", info.path, "--as", "admin", "--yes")
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert status == 3 and "đang được mở" in err
    close_database()
    assert logical(db) == before
    assert not list(db.parent.glob(db.name + "*.restoring*"))


def test_restore_onto_a_new_pc(db, home, receive, tmp_path, monkeypatch, capsys):
    from casedesk.cli import main

    code = receive().code
    info = backup.backup_now(tmp_path / "usb")
    close_database()
    fresh = tmp_path / "new-pc" / "casedesk.sqlite3"
    monkeypatch.setenv("CASEDESK_DB", str(fresh))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    assert main(["restore", str(info.path), "--yes"]) == 2        # no one said who restores
    assert "--as" in capsys.readouterr().err
    assert main(["restore", str(info.path), "--as", "mai", "--yes"]) == 3    # not an admin of the backup's office
    assert not fresh.exists()
    assert main(["restore", str(info.path), "--as", "admin", "--yes"]) == 0
    assert "before-restore" not in capsys.readouterr().out
    open_database(fresh)
    from casedesk.services import queries

    assert queries.get_case(code).code == code
