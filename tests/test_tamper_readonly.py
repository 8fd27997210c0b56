"""``check`` is read-only and says what it found: it never creates a table, runs an upgrade or switches
the journal mode; a file that is not a CaseDesk register, or of another schema, gets a sentence and a
non-zero exit and stays byte for byte as it was, with no ``-wal``/``-shm`` made next to it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from casedesk.cli import main
from casedesk.db import SCHEMA_VERSION, close_database, open_database, upgrade_schema


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def side_files(path) -> list[str]:
    return sorted(p for p in (str(path) + "-wal", str(path) + "-shm", str(path) + "-journal") if os.path.exists(p))


def run(path, capsys, *extra):
    status = main(["--db", str(path), "check", *extra])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def closed(db):
    close_database()
    return db


def test_a_register_stays_byte_identical_and_gets_no_side_files(closed, capsys):
    before = digest(closed)
    assert side_files(closed) == []
    status, out, _ = run(closed, capsys)
    assert status == 0 and "khớp" in out
    assert digest(closed) == before and side_files(closed) == []


def test_a_register_open_in_a_desk_is_read_alongside(closed, capsys):
    """A desk has the register open with writes still in its WAL: check reads them, writes nothing."""
    desk = sqlite3.connect(closed)
    desk.execute("PRAGMA wal_autocheckpoint = 0")
    desk.execute("INSERT INTO setting (key, value) VALUES ('zz_unaudited', '1')")
    desk.commit()
    try:
        before = digest(closed)
        status, out, err = run(closed, capsys, "--json")
        assert status == 5 and "zz_unaudited" in out          # seen in the WAL, and reported
        assert digest(closed) == before
    finally:
        desk.close()


def test_a_file_that_is_not_a_register(tmp_path, capsys):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    before = digest(path)
    status, _, err = run(path, capsys)
    assert status == 2 and "không phải cơ sở dữ liệu CaseDesk" in err
    assert digest(path) == before and side_files(path) == []
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.parametrize("content", [b"", b"hello, this is not a database" * 100, b"SQLite format 3\x00" + b"\x00" * 84])
def test_files_that_are_not_databases(tmp_path, capsys, content):
    path = tmp_path / "x.sqlite3"
    path.write_bytes(content)
    status, _, err = run(path, capsys)
    assert status == 2 and err.strip() and "Traceback" not in err
    assert path.read_bytes() == content and side_files(path) == []


def test_an_older_schema_is_not_upgraded(tmp_path, capsys, clock):
    path = tmp_path / "old.sqlite3"
    db = open_database(path, upgrade=False)
    upgrade_schema(db, target=SCHEMA_VERSION - 1)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    before = digest(path)
    status, _, err = run(path, capsys)
    assert status == 2 and f"phiên bản {SCHEMA_VERSION - 1}" in err and "không nâng cấp" in err
    assert digest(path) == before and side_files(path) == []


def test_a_newer_schema_is_left_alone(closed, capsys):
    with sqlite3.connect(closed) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = digest(closed)
    status, _, err = run(closed, capsys)
    assert status == 5 and "mới hơn" in err
    assert digest(closed) == before


def test_a_missing_file_is_not_created(tmp_path, capsys):
    path = tmp_path / "nowhere" / "register.sqlite3"
    status, _, err = run(path, capsys)
    assert status == 2 and not path.parent.exists()


def _read_only_command(folder, argv):
    """The command run with ``folder`` read-only: a private read-only bind mount when running as root
    (root ignores permission bits), else chmod 555 on the folder."""
    if os.geteuid() == 0:
        if not shutil.which("unshare"):
            pytest.skip("running as root without unshare: cannot make a read-only folder")
        script = (f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" && '
                  f'exec "{sys.executable}" -m casedesk ' + " ".join(f'"{a}"' for a in argv))
        probe = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind "{folder}" "{folder}"'],
                               capture_output=True)
        if probe.returncode != 0:
            pytest.skip("no mount namespace here")
        return ["unshare", "-m", "sh", "-c", script]
    return [sys.executable, "-m", "casedesk", *argv]


def test_check_on_read_only_media(closed, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "register.sqlite3"
    shutil.copy(closed, path)
    before = digest(path)
    command = _read_only_command(folder, ["--db", str(path), "check", "--json"])
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "CASEDESK_HOME": str(tmp_path / "home")})
    finally:
        os.chmod(folder, 0o755)
    assert done.returncode == 0, done.stderr
    assert '"ok": true' in done.stdout and "Traceback" not in done.stderr
    assert digest(path) == before and side_files(path) == []



def _with_a_case(path):
    from casedesk.services import cases

    open_database(path)
    cases.receive_case(actor="mai", procedure="HT-09", citizen_name="Nguyễn Văn An", id_number="001203012345",
                       phone="0912 345 678", address="Thôn Đông")
    close_database()


def _write_between_cases_and_rows(monkeypatch, path):
    """A raw write lands after check read the cases and before it reads their audit rows."""
    from casedesk import replay

    real = replay._events
    calls = []

    def events(db, first, last):
        if not calls:
            desk = sqlite3.connect(path, timeout=30)
            desk.execute("UPDATE \"case\" SET state = 'approved'")
            desk.commit()
            desk.close()
        calls.append(first)
        return real(db, first, last)

    monkeypatch.setattr(replay, "_events", events)
    return calls


def test_check_reads_one_moment_while_a_desk_writes(closed, capsys, monkeypatch):
    """A desk has the register open: the whole check reads one snapshot, so a write landing half-way is
    not seen half (no false alarm for a desk that is working); the next check sees it."""
    _with_a_case(closed)
    desk = sqlite3.connect(closed)           # keeps the -wal: check reads the ordinary way
    desk.execute("SELECT count(*) FROM event").fetchone()
    try:
        calls = _write_between_cases_and_rows(monkeypatch, closed)
        status, out, err = run(closed, capsys, "--json")
        assert calls and status == 0, out + err
        monkeypatch.undo()
        status, out, _err = run(closed, capsys, "--json")
        assert status == 5 and '"field": "state"' in out
    finally:
        desk.close()


def test_a_desk_that_opens_the_register_during_a_check(closed, capsys, monkeypatch):
    """No program had it open (read immutable) and a desk opens, writes and closes meanwhile: check
    sees the file change and reads it again, the ordinary way (never a half-seen, "damaged" file)."""
    _with_a_case(closed)
    calls = _write_between_cases_and_rows(monkeypatch, closed)
    status, out, err = run(closed, capsys, "--json")
    assert len(calls) >= 2 and status == 5
    assert '"integrity": [\n    "ok"\n  ]' in out and '"field": "state"' in out


def test_a_damaged_register_gets_a_sentence_and_exit_5(closed, capsys):
    with open(closed, "r+b") as fh:          # a page in the middle overwritten
        fh.seek(4096 * 12)
        fh.write(b"\xff" * 4096)
    before = digest(closed)
    status, _out, err = run(closed, capsys)
    assert status == 5 and "hỏng" in err and "Traceback" not in err and "không mong đợi" not in err
    assert digest(closed) == before
