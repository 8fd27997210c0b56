"""Logging in under attack: parallel guesses, a success racing a lock, unknown logins, one sentence.

A failure is counted (in a write transaction) before the password is verified, so a burst of
guesses verifies at most the office's allowance; a right password never lifts a lock that other
attempts set; an unknown login costs what a known one costs and is audited; every refusal reads
"Sai tên đăng nhập hoặc mật khẩu.".  The command line holds back a user who must change the
password set by the administrator, and the last active admin stays an admin.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time

import pytest
from argon2 import PasswordHasher

from casedesk import context
from casedesk.db import close_database, open_database
from casedesk.errors import AuthError, BadInput, NotAllowed
from casedesk.models import Event, User
from casedesk.services import auth, office
from tests.conftest import NOW, PASSWORD
from tests.stress.tools import child_env, dump
from tests.test_postgres import pg  # noqa: F401 - the fixture, for the PostgreSQL test

WRONG = "Sai tên đăng nhập hoặc mật khẩu."


def events_since(last_id: int) -> list[Event]:
    return list(Event.select().where(Event.id > last_id).order_by(Event.id))


def last_event_id() -> int:
    row = Event.select().order_by(Event.id.desc()).first()
    return row.id if row else 0


class CountingHasher(PasswordHasher):
    """A real (smaller) Argon2id hasher that counts which hashes it was asked to verify, and can hold
    a verification until the test lets it go."""

    def __init__(self):
        super().__init__(time_cost=2, memory_cost=4096, parallelism=1)
        self.verified: list[str] = []
        self.lock = threading.Lock()
        self.hold: dict[str, threading.Event] = {}    # password -> released when set
        self.entered: dict[str, threading.Event] = {}

    def verify(self, hash, password):  # noqa: A002 - argon2's own name
        with self.lock:
            self.verified.append(hash)
        if password in self.entered:
            self.entered[password].set()
        if password in self.hold:
            assert self.hold[password].wait(30)
        return super().verify(hash, password)


@pytest.fixture
def counting(db, monkeypatch):
    hasher = CountingHasher()
    monkeypatch.setattr(auth, "_hasher", hasher)
    for user in User.select():
        User.update(password_hash=hasher.hash(PASSWORD)).where(User.id == user.id).execute()
    return hasher


def _in_threads(calls) -> list:
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, call):
        start.wait()
        try:
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - the test looks at each outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive()
    return results


def test_fifteen_parallel_guesses_verify_at_most_the_allowance(counting, clock):
    start = last_event_id()
    real = User.get(User.login == "mai").password_hash
    results = _in_threads([lambda i=i: auth.login("mai", f"doan-sai-{i:02d}") for i in range(15)])
    assert all(isinstance(r, AuthError) and r.message == WRONG for r in results), results
    allowance = context.settings().lockout_attempts
    assert counting.verified.count(real) <= allowance            # the rest never reached the real hash
    assert len(counting.verified) == 15                          # ... but each cost a verification (a dummy)
    mai = User.get(User.login == "mai")
    assert mai.locked_until is not None and mai.locked_until > NOW
    rows = events_since(start)
    assert len(rows) == 15
    assert sum(r.action == "login_failed" for r in rows) == counting.verified.count(real)
    assert sum(r.action == "denied" for r in rows) == 15 - counting.verified.count(real)
    # the right password right after: refused, without being verified, and the lock holds
    verified_before = counting.verified.count(real)
    with pytest.raises(AuthError) as err:
        auth.login("mai", PASSWORD)
    assert err.value.message == WRONG
    assert counting.verified.count(real) == verified_before
    assert User.get(User.login == "mai").locked_until == mai.locked_until
    # other accounts are untouched
    assert auth.login("hung", PASSWORD).login == "hung"


def test_a_success_never_lifts_a_lock_set_by_other_attempts(counting, clock):
    office.update_settings(actor="admin", lockout_attempts=3, lockout_minutes=15)
    # the right password is first in (place 1 of 3) and held while three guesses arrive
    counting.hold[PASSWORD] = threading.Event()
    counting.entered[PASSWORD] = threading.Event()
    right = {}
    first = threading.Thread(target=lambda: right.setdefault("user", auth.login("mai", PASSWORD)))
    first.start()
    assert counting.entered[PASSWORD].wait(30)
    guesses = _in_threads([lambda i=i: auth.login("mai", f"doan-sai-{i}") for i in range(3)])
    assert all(isinstance(g, AuthError) for g in guesses)
    locked = User.get(User.login == "mai").locked_until
    assert locked is not None                              # the third place locked the account
    counting.hold[PASSWORD].set()
    first.join(30)
    assert right["user"].login == "mai"                     # within the allowance, so it is in ...
    mai = User.get(User.login == "mai")
    assert mai.locked_until == locked                       # ... but the lock the guesses set stays
    with pytest.raises(AuthError):
        auth.login("mai", PASSWORD)
    clock.advance(minutes=15, seconds=1)
    assert auth.login("mai", PASSWORD).login == "mai"
    assert User.get(User.login == "mai").failed_logins == 0


def test_a_success_lifts_its_own_lock(counting, clock):
    """Four wrong, then the right one in the fifth place: in, as before, and the count starts again."""
    for i in range(4):
        with pytest.raises(AuthError):
            auth.login("mai", f"doan-sai-{i}")
    assert auth.login("mai", PASSWORD).login == "mai"
    mai = User.get(User.login == "mai")
    assert (mai.failed_logins, mai.locked_until) == (0, None)


def test_every_refusal_reads_the_same_and_is_audited(counting, clock):
    auth.set_active(actor="admin", login="thao", active=False)
    for i in range(5):
        with pytest.raises(AuthError):
            auth.login("duong", f"doan-sai-{i}")
    start = last_event_id()
    attempts = [("khong-co-ai", PASSWORD), ("Ngô Văn A", PASSWORD), ("", ""), ("mai", "sai-mat-khau"),
                ("duong", PASSWORD), ("thao", PASSWORD)]
    for login, password in attempts:
        with pytest.raises(AuthError) as err:
            auth.login(login, password)
        assert err.value.message == WRONG, login
    rows = events_since(start)
    assert [(r.action, r.actor) for r in rows] == [
        ("login_failed", "?"), ("login_failed", "?"), ("login_failed", "?"), ("login_failed", "mai"),
        ("denied", "duong"), ("denied", "thao")]
    assert rows[0].changes == {"login": "khong-co-ai"} and rows[0].note == "Không có tài khoản này"
    assert rows[1].changes == {"login": "Ngô Văn A"}
    assert "tạm khóa" in rows[4].note and "15 phút" in rows[4].note
    assert rows[5].note == "Tài khoản đã bị khóa sử dụng"
    from casedesk.audit import verify_chain

    assert verify_chain().ok


def test_an_unknown_login_costs_what_a_known_one_costs(db, clock):
    """With the office's real Argon2id parameters: the median of a few tries, as a ratio."""
    def timed(login):
        started = time.perf_counter()
        with pytest.raises(AuthError):
            auth.login(login, "sai-mat-khau")
        return time.perf_counter() - started

    auth.login("mai", PASSWORD)      # the dummy hash and the first connection are made before timing
    timed("khong-co-ai")
    known, unknown = [], []
    for i in range(3):
        known.append(timed("mai"))
        unknown.append(timed(f"khong-co-ai-{i}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    print(f"\nlogin timing: known {statistics.median(known) * 1000:.0f} ms, "
          f"unknown {statistics.median(unknown) * 1000:.0f} ms, ratio {ratio:.2f}")
    assert 0.5 <= ratio <= 2.0


# ------------------------------------------------------------------ the command line

@pytest.fixture
def cli(db, monkeypatch, capsys):
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_DB", str(db))
    close_database()

    def run(*args, password=PASSWORD, new=None):
        monkeypatch.setenv("CASEDESK_PASSWORD", password)
        if new is None:
            monkeypatch.delenv("CASEDESK_NEW_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("CASEDESK_NEW_PASSWORD", new)
        status = main(list(args))
        out = capsys.readouterr()
        return status, out.out, out.err

    yield run
    close_database()


RECEIVE = ("case", "receive", "--procedure", "HT-09", "--name", "Nguyễn Văn A", "--id-number", "001203012345",
           "--phone", "0912345678", "--address", "Thôn Đông")


def test_the_command_line_holds_back_a_user_who_must_change_the_password(cli, db):
    assert cli("user", "add", "lan", "--role", "clerk", "--full-name", "Đỗ Thị Lan", "--as", "admin",
               new="tam-thoi-2026")[0] == 0
    status, out, err = cli(*RECEIVE, "--as", "lan", password="tam-thoi-2026")
    assert status == 3 and "casedesk-cli user password --as lan" in err
    assert cli("case", "list", "--json")[1].strip() == "[]"              # nothing was received
    status, _, err = cli("user", "password", "--as", "lan", password="tam-thoi-2026", new="tam-thoi-2026")
    assert status == 2 and "khác mật khẩu cũ" in err
    status, out, _ = cli("user", "password", "--as", "lan", password="tam-thoi-2026", new="cua-lan-rieng-1")
    assert status == 0 and "Đã đổi mật khẩu" in out
    assert cli(*RECEIVE, "--as", "lan", password="tam-thoi-2026")[0] == 3   # the old one is gone
    assert cli(*RECEIVE, "--as", "lan", password="cua-lan-rieng-1")[0] == 0
    # an admin setting someone's password: that person must change it again
    status, out, _ = cli("user", "password", "lan", "--as", "admin", new="admin-dat-lai-1")
    assert status == 0
    assert cli(*RECEIVE, "--as", "lan", password="admin-dat-lai-1")[0] == 3
    # a clerk can't set another's password; the refusal is audited
    status, _, err = cli("user", "password", "mai", "--as", "hung", new="cua-hung-dat-1")
    assert status == 3
    open_database(db)
    rows = list(Event.select().where(Event.action == "denied").order_by(Event.id))
    assert [r.changes.get("attempted") for r in rows][-3:] == ["command_line", "command_line",
                                                                "set_password"]
    from casedesk.audit import verify_chain

    assert verify_chain().ok


# ------------------------------------------------------------------ the last admin

def test_the_last_active_admin_stays_an_admin(db):
    before = dump(db)
    with pytest.raises(BadInput) as err:
        auth.update_user(actor="admin", login="admin", role="clerk")
    assert "quản trị duy nhất" in err.value.message
    with pytest.raises(BadInput):
        auth.set_active(actor="admin", login="admin", active=False)
    after = dump(db)
    assert after["user"] == before["user"] and after["event"] == before["event"]
    auth.add_user(actor="admin", login="admin2", role="admin", full_name="Phạm Văn Bình", password=PASSWORD)
    auth.set_active(actor="admin", login="admin2", active=False)     # a deactivated admin does not count
    with pytest.raises(BadInput):
        auth.update_user(actor="admin", login="admin", role="clerk")
    auth.set_active(actor="admin", login="admin2", active=True)
    auth.update_user(actor="admin", login="admin", role="clerk")      # now another admin is there
    assert User.get(User.login == "admin").role == "clerk"
    with pytest.raises(NotAllowed):
        auth.update_user(actor="admin", login="admin2", role="clerk")  # admin is no admin any more
    with pytest.raises(BadInput):
        auth.update_user(actor="admin2", login="admin2", role="officer")


# ------------------------------------------------------------------ processes, as desks would

@pytest.mark.stress
def test_fifteen_command_lines_guessing_at_once(db, tmp_path):
    """15 separate processes (the real Argon2id parameters) guess mai's password at the same moment."""
    close_database()
    env = child_env(tmp_path / "home")
    env.update(CASEDESK_DB=str(db), CASEDESK_PASSWORD="doan-sai-mat-khau")
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "casedesk", *RECEIVE, "--as", "mai"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(15)]
    errors = [p.communicate(timeout=300)[1].decode() for p in procs]
    assert all(p.returncode == 3 for p in procs), errors
    assert all(WRONG in e for e in errors)
    open_database(db)
    start_rows = Event.select().where(Event.action.in_(["login_failed", "denied"]), Event.actor == "mai")
    verified = sum(1 for r in start_rows if r.action == "login_failed")
    refused = sum(1 for r in start_rows if r.action == "denied")
    print(f"\n15 processes guessing at once: {verified} verified, {refused} refused unverified, "
          f"{time.monotonic() - started:.1f} s")
    assert verified <= context.settings().lockout_attempts and verified + refused == 15
    assert User.get(User.login == "mai").locked_until is not None
    env["CASEDESK_PASSWORD"] = PASSWORD
    close_database()
    late = subprocess.run([sys.executable, "-m", "casedesk", *RECEIVE, "--as", "mai"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert late.returncode == 3 and WRONG in late.stderr


# ------------------------------------------------------------------ the same on PostgreSQL (desks on a LAN)

@pytest.mark.skipif(not os.environ.get("CASEDESK_TEST_PG"), reason="CASEDESK_TEST_PG is not set")
def test_parallel_guesses_on_postgresql(pg, monkeypatch):  # noqa: F811 - the fixture of test_postgres
    hasher = CountingHasher()
    monkeypatch.setattr(auth, "_hasher", hasher)
    User.update(password_hash=hasher.hash(PASSWORD)).where(User.login << ["mai", "admin"]).execute()
    real = User.get(User.login == "mai").password_hash
    results = _in_threads([lambda i=i: auth.login("mai", f"doan-sai-{i:02d}") for i in range(15)])
    assert all(isinstance(r, AuthError) and r.message == WRONG for r in results), results
    assert hasher.verified.count(real) <= context.settings().lockout_attempts
    assert User.get(User.login == "mai").locked_until is not None
    with pytest.raises(AuthError):
        auth.login("mai", PASSWORD)
    # two admins demoting each other at once: one of them stays an admin
    auth.add_user(actor="admin", login="admin2", role="admin", full_name="Phạm Văn Bình", password=PASSWORD)
    User.update(password_hash=hasher.hash(PASSWORD)).where(User.login == "admin2").execute()
    outcome = _in_threads([lambda: auth.update_user(actor="admin", login="admin2", role="clerk"),
                           lambda: auth.update_user(actor="admin2", login="admin", role="clerk")])
    assert User.select().where((User.role == "admin") & User.active).count() == 1, outcome
