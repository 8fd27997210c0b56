"""Faults of the surroundings get a sentence and their documented exit code, never a traceback.

A full disk: exit 8, nothing half-written, reads still work.  Read-only media: reads, ``case list``
and ``check`` work, writes are refused (exit 8).  A write lock held past the busy timeout, or a
PostgreSQL server that is down: "try again" (exit 6).  A backup folder that takes no files: a
sentence, and nothing left behind; an interrupted backup's ``.partial`` file is removed by the next
backup or the next start, and rotation never counts it.  ``db_errors.classify`` is the one place
that reads the engines' errors.

Full disks and read-only media are real: a small tmpfs mounted for the test (root), or, without
root, a folder without write permission.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import peewee
import pytest

from casedesk import db_errors
from casedesk.db import close_database, open_database
from casedesk.errors import ConnectionSetup, ReadOnly, Unavailable
from tests.conftest import PASSWORD
from tests.stress.tools import child_env, dump

RECEIVE = ["case", "receive", "--as", "mai", "--procedure", "HT-09", "--name", "Nguyễn Văn Đường",
           "--id-number", "001203012345", "--phone", "0912345678", "--address", "Thôn Đông, xã An Phú"]


def can_mount() -> bool:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/casedesk-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                        capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(probe)], check=True)
    probe.rmdir()
    return ok


MOUNT = can_mount()


@contextlib.contextmanager
def tmpfs(folder: Path, size_kb: int):
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        close_database()
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def cli(monkeypatch, capsys):
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)

    def run(*args):
        close_database()
        status = main([str(a) for a in args])
        out = capsys.readouterr()
        assert "Traceback" not in out.err and "không mong đợi" not in out.err, out.err
        return status, out.out, out.err

    return run


def fill(folder: Path) -> Path:
    """Fill a small file system to the last byte."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for block in (65536, 4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * block)
            except OSError:
                pass
    return filler


def room_for(path: Path, extra_kb: int = 512) -> int:
    return path.stat().st_size // 1024 + extra_kb


# ------------------------------------------------------------------ a full disk

@pytest.mark.skipif(not MOUNT, reason="needs root to mount a small tmpfs")
def test_a_full_disk_gives_a_sentence_and_reads_still_work(template_db, tmp_path, cli):
    with tmpfs(tmp_path / "disk", room_for(template_db)) as disk:
        register = disk / "office.sqlite3"
        shutil.copy(template_db, register)
        before = dump(register)
        filler = fill(disk)
        status, _, err = cli("--db", register, *RECEIVE)
        assert status == 8 and "đã đầy" in err
        status, out, _ = cli("--db", register, "case", "list", "--json")
        assert status == 0 and out.strip() == "[]"
        status, out, _ = cli("--db", register, "check")
        assert status == 0
        filler.unlink()
        assert dump(register) == before                     # nothing half-written
        assert cli("--db", register, *RECEIVE)[0] == 0       # room again: it works
        assert cli("--db", register, "check")[0] == 0


@pytest.mark.skipif(not MOUNT, reason="needs root to mount a small tmpfs")
def test_the_disk_filling_up_under_an_open_register(template_db, tmp_path, clock):
    """The desktop has the register open when the disk fills: the write is refused whole, the desk reads on."""
    from casedesk.audit import verify_chain
    from casedesk.db import integrity_check
    from casedesk.services import cases, queries

    with tmpfs(tmp_path / "disk", room_for(template_db)) as disk:
        register = disk / "office.sqlite3"
        shutil.copy(template_db, register)
        open_database(register)
        from casedesk import context

        context.set_clock(clock)
        first = cases.receive_case(actor="mai", procedure="HT-09", citizen_name="Lê Thị Hoà",
                                   id_number="001203012345", phone="0912345678", address="Thôn Đông").case
        filler = fill(disk)
        refused = 0
        for i in range(20):           # the write-ahead log may still hold a page or two: keep writing
            try:
                cases.receive_case(actor="mai", procedure="HT-09", citizen_name=f"Người Thứ {i}",
                                   id_number="001203012345", phone="0912345678", address="Thôn Đông",
                                   note="x" * 1900)
            except peewee.DatabaseError as exc:
                found = db_errors.classify(exc)
                assert isinstance(found, ReadOnly) and "đã đầy" in found.message
                refused += 1
                break
        assert refused == 1
        saved = [c.code for c in queries.list_cases(queries.CaseFilter(), limit=100)]   # reads work
        assert first.code in saved
        filler.unlink()
        again = cases.receive_case(actor="mai", procedure="HT-09", citizen_name="Trần Bảo",
                                   id_number="001203012345", phone="0912345678", address="Thôn Đông").case
        codes = [c.code for c in queries.list_cases(queries.CaseFilter(), limit=100)]
        assert again.code in codes
        numbers = sorted(int(c[-4:]) for c in codes)
        assert numbers == list(range(1, len(numbers) + 1))       # the refused intake left no number used
        assert integrity_check() == [] and verify_chain().ok


# ------------------------------------------------------------------ read-only media

@contextlib.contextmanager
def read_only_copy(template_db, tmp_path):
    if MOUNT:
        with tmpfs(tmp_path / "stick", 4096) as stick:
            shutil.copy(template_db, stick / "office.sqlite3")
            subprocess.run(["mount", "-o", "remount,ro", str(stick)], check=True)
            yield stick / "office.sqlite3"
    else:
        stick = tmp_path / "stick"
        stick.mkdir()
        shutil.copy(template_db, stick / "office.sqlite3")
        (stick / "office.sqlite3").chmod(0o444)
        stick.chmod(0o555)
        try:
            yield stick / "office.sqlite3"
        finally:
            stick.chmod(0o755)


def test_read_only_media_reads_and_checks_but_refuses_writes(template_db, tmp_path, cli):
    if not MOUNT and os.geteuid() == 0:
        pytest.skip("root writes through permissions: needs a read-only mount")
    with read_only_copy(template_db, tmp_path) as register:
        before = register.read_bytes()
        status, _, err = cli("--db", register, *RECEIVE)
        assert status == 8 and "chỉ đọc" in err
        status, out, _ = cli("--db", register, "case", "list", "--json")
        assert status == 0 and out.strip() == "[]"
        status, out, err = cli("--db", register, "check")
        assert status == 0 and "khớp" in out
        status, _, err = cli("--db", register, "backup")
        assert status == 8 and "chỉ đọc" in err
        assert register.read_bytes() == before
        assert sorted(p.name for p in register.parent.iterdir()) == ["office.sqlite3"]


# ------------------------------------------------------------------ busy, and a server that is down

def test_a_write_lock_held_past_the_timeout_says_try_again(db, cli, monkeypatch):
    close_database()
    monkeypatch.setenv("CASEDESK_BUSY_TIMEOUT", "0.5")
    before = dump(db)
    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")            # another desk in the middle of a long write
    try:
        started = time.monotonic()
        status, _, err = cli("--db", db, *RECEIVE)
        assert status == 6 and "thử lại" in err
        assert time.monotonic() - started < 20
        status, out, _ = cli("--db", db, "case", "list", "--json")
        assert status == 0                         # reading never waits for a writer
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert dump(db) == before
    assert cli("--db", db, *RECEIVE)[0] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_postgresql_server_that_is_down_says_try_again(cli):
    url = f"postgresql://postgres@127.0.0.1:{_free_port()}/casedesk"
    status, _, err = cli("--db", url, "case", "list")
    assert status == 6 and "thử lại" in err and "máy chủ" in err
    status, _, err = cli("--db", url, *RECEIVE)
    assert status == 6


@pytest.mark.skipif(not os.environ.get("CASEDESK_TEST_PG"), reason="CASEDESK_TEST_PG is not set")
def test_wrong_postgresql_settings_are_not_try_again(cli):
    from urllib.parse import urlparse

    parsed = urlparse(os.environ["CASEDESK_TEST_PG"])
    url = f"postgresql://{parsed.username}@{parsed.hostname}:{parsed.port}/khong_co_csdl_nay"
    status, _, err = cli("--db", url, "case", "list")
    assert status == 7 and "khong_co_csdl_nay" in err


# ------------------------------------------------------------------ backups

def test_a_backup_folder_that_takes_no_files_gets_a_sentence(db, cli):
    for target in ("/proc/self", "/proc/self/khong-co/thu-muc"):
        status, _, err = cli("--db", db, "backup", "--to", target)
        assert status == 1 and "Không sao lưu được vào" in err and "thư mục" in err


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_an_interrupted_backup_is_removed_by_the_next_backup_and_never_counted(db, cli, tmp_path):
    from casedesk import backup

    open_database(db)
    first = backup.backup_now()
    folder = first.path.parent
    stale = folder / (first.path.name.replace("_v", "-9_v") + f".{_dead_pid()}.partial")
    stale.write_bytes(b"\0" * 300_000)
    (folder / (stale.name + "-journal")).write_bytes(b"\0" * 512)
    older = folder / (first.path.name.replace("_v", "-8_v") + ".partial")    # made before partials had a pid
    older.write_bytes(b"\0" * 1000)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = folder / (first.path.name.replace("_v", "-7_v") + f".{sleeper.pid}.partial")
        busy.write_bytes(b"\0" * 100)             # a backup another process is writing right now
        assert [b.path for b in backup.list_backups()] == [first.path]     # never listed nor rotated
        assert backup.rotate() == []
        second = backup.backup_now()
        assert second.verified
        left = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".anchor"))
        assert left == sorted([second.path.name, busy.name])  # (the first: rotated, one backup a day is kept)
        # and at start (the desktop): every register's folder is swept
        sleeper.kill()
        sleeper.wait()
        from casedesk.backup_files import remove_partials_everywhere

        assert remove_partials_everywhere() == [busy]
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()


@pytest.mark.skipif(not MOUNT, reason="needs root to mount a small tmpfs")
def test_a_backup_onto_a_full_stick_leaves_nothing(db, cli, tmp_path):
    with tmpfs(tmp_path / "stick", 128) as stick:
        status, _, err = cli("--db", db, "backup", "--to", stick)
        assert status == 1 and "đầy" in err
        assert list(stick.iterdir()) == []


def test_a_backup_killed_midway_leaves_a_partial_that_the_next_one_removes(db, tmp_path):
    """kill -9 of a real backup in the middle of writing (a register made big enough to take a while)."""
    conn = sqlite3.connect(str(db))
    conn.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
    conn.executemany("INSERT INTO ballast VALUES (zeroblob(1048576))", [()] * 120)
    conn.commit()
    conn.close()
    close_database()
    home = Path(os.environ["CASEDESK_HOME"])
    env = child_env(home)
    env.update(CASEDESK_HOME=str(home))
    target = tmp_path / "usb"
    target.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "casedesk", "--db", str(db), "backup", "--to", str(target)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    partial = []
    while time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in target.iterdir() if p.name.endswith(".partial") and p.stat().st_size > 4_000_000]
        if partial:
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        pytest.skip("the backup finished before it could be killed")
    proc.kill()
    proc.wait()
    assert partial and partial[0].exists()
    run = subprocess.run([sys.executable, "-m", "casedesk", "--db", str(db), "backup", "--to", str(target)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    names = [p.name for p in target.iterdir() if not p.name.endswith(".anchor")]   # (its chain's head beside it)
    assert len(names) == 1 and names[0].endswith(".sqlite3"), names


# ------------------------------------------------------------------ the classifier

def pg_error(text, pgcode=None, base="OperationalError"):
    """A psycopg2 error as the driver raises it (its SQLSTATE, when the server sent one)."""
    import psycopg2

    kind = type("ServerError", (getattr(psycopg2, base),), {"pgcode": pgcode})
    return kind(text)


@pytest.mark.parametrize("exc, kind", [
    (sqlite3.OperationalError("database is locked"), Unavailable),
    (peewee.OperationalError(sqlite3.OperationalError("database is locked")), Unavailable),
    (sqlite3.OperationalError("database or disk is full"), ReadOnly),
    (sqlite3.OperationalError("attempt to write a readonly database"), ReadOnly),
    (OSError(28, "No space left on device"), ReadOnly),
    (OSError(30, "Read-only file system"), ReadOnly),
    (pg_error('connection to server at "10.0.0.5", port 5432 failed: Connection refused'), Unavailable),
    (pg_error("server closed the connection unexpectedly"), Unavailable),
    (pg_error("could not serialize access due to concurrent update", "40001"), Unavailable),
    (pg_error('FATAL:  password authentication failed for user "desk"'), ConnectionSetup),
    (pg_error('FATAL:  database "casedesk" does not exist'), ConnectionSetup),
    (pg_error("could not extend file: No space left on device", "53100"), ReadOnly),
    (pg_error("cannot execute INSERT in a read-only transaction", "25006", "InternalError"), ReadOnly),
    (peewee.InterfaceError("connection already closed"), Unavailable),
])
def test_classify(exc, kind):
    found = db_errors.classify(exc)
    assert isinstance(found, kind) and found.message
    assert found.exit_code == {Unavailable: 6, ConnectionSetup: 7, ReadOnly: 8}[kind]


@pytest.mark.parametrize("exc", [ValueError("x"), sqlite3.IntegrityError("UNIQUE constraint failed"),
                                 sqlite3.OperationalError("no such table: x"), KeyError("k"),
                                 pg_error('syntax error at or near "x"', "42601", "ProgrammingError"),
                                 pg_error("duplicate key value", "23505", "IntegrityError")])
def test_a_bug_is_not_a_fault_of_the_surroundings(exc):
    assert db_errors.classify(exc) is None


def test_the_desktop_shows_the_sentence_too():
    from ui.errors import message_for

    title, text = message_for(peewee.OperationalError(sqlite3.OperationalError("database is locked")))
    assert "thử lại" in text and "mã tham chiếu" not in text


@pytest.mark.skipif(not MOUNT, reason="needs root to mount a small tmpfs")
def test_a_full_disk_under_the_data_folder_too_prints_no_traceback(template_db, tmp_path):
    """The repro: on a full disk the command line printed a traceback (the error log itself can't be written)."""
    with tmpfs(tmp_path / "disk", room_for(template_db, 256)) as disk:
        register = disk / "office.sqlite3"
        shutil.copy(template_db, register)
        (disk / "home").mkdir()
        (disk / "home" / "casedesk.log").write_text("")
        env = child_env(disk / "home")
        env.update(CASEDESK_PASSWORD=PASSWORD)
        fill(disk)
        for args, code in ((RECEIVE, 8), (["backup"], 8), (["case", "list"], 0), (["check"], 0)):
            run = subprocess.run([sys.executable, "-m", "casedesk", "--db", str(register), *args], env=env,
                                 capture_output=True, text=True, timeout=120)
            assert run.returncode == code, (args, run.stderr)
            assert "Traceback" not in run.stderr and "Logging error" not in run.stderr, run.stderr
            if code:
                assert "đã đầy" in run.stderr


def test_a_restore_killed_half_way_leaves_nothing_after_the_next_restore_or_start(db, cli, tmp_path):
    """The staged copy a restore writes next to the register (its size) is removed like a backup's .partial."""
    from casedesk import backup
    from casedesk.backup_files import remove_stale_staging

    open_database(db)
    info = backup.backup_now(tmp_path / "usb")
    close_database()
    stale = db.with_name(f"{db.name}.{_dead_pid()}.restoring")
    stale.write_bytes(b"\0" * 200_000)
    db.with_name(stale.name + "-journal").write_bytes(b"\0" * 512)
    older = db.with_name(db.name + ".restoring")                  # made before staged copies had a pid
    older.write_bytes(b"\0" * 1000)
    status, _, err = cli("--db", db, "restore", info.path, "--as", "admin", "--yes")
    assert status == 0, err
    assert not list(db.parent.glob(db.name + "*.restoring*"))
    # and at start (the desktop calls this when it opens the register)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = db.with_name(f"{db.name}.{sleeper.pid}.restoring")    # a restore under way right now
        running.write_bytes(b"\0")
        stale.write_bytes(b"\0")
        assert remove_stale_staging(db) == [stale]
        assert running.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
