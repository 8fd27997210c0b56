"""A server office through an outage: the server stopped with ``pg_ctl stop -m immediate`` and started
again while desks work; connection faults that say what to fix.

Runs where PostgreSQL is (CASEDESK_TEST_PG set, as ``.ci/run`` does) on a server of its own
(tests/pg_server.py), so stopping it never disturbs the other tests.
"""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import uuid

import pytest

from casedesk import context
from casedesk.db import close_database, open_database
from casedesk.errors import ConnectionSetup, Unavailable
from tests.conftest import NOW, PASSWORD

pytestmark = pytest.mark.skipif(not os.environ.get("CASEDESK_TEST_PG"), reason="CASEDESK_TEST_PG is not set")

ENGLISH = ("password authentication failed", "does not exist", "connection refused", "could not connect",
           "server closed", "Traceback", "psycopg2")


@pytest.fixture(scope="module")
def server():
    from tests.pg_server import Server

    made = Server(os.environ.get("CASEDESK_TEST_PG_DATA")).init()
    yield made
    made.remove()


@pytest.fixture
def office(server, clock):
    """An office on the outage server, its schema fresh; the server up."""
    from casedesk.services import auth
    from casedesk.services import office as office_service

    if not server.running():
        server.start()
    server.wipe()
    open_database(server.url())
    office_service.init_office(office="TT PVHCC xã An Phú", commune="Xã An Phú", province="Tỉnh Phú Thọ",
                               unit_code="000.00.31.H26", admin_login="admin", admin_password=PASSWORD)
    auth.add_user(actor="admin", login="mai", role="clerk", full_name="Trần Thị Mai", password=PASSWORD)
    yield server
    close_database()
    if not server.running():
        server.start()


def intake(n: int, **kw) -> dict:
    values = dict(actor="mai", procedure="HT-01", citizen_name=f"Nguyễn Văn Thử {n}", id_number="001203012345",
                  phone="0912345678", address="Thôn Đông, xã An Phú")
    values.update(kw)
    return values


# ------------------------------------------------------------------ in one process

def test_a_restart_is_survived_without_reopening(office):
    from casedesk.audit import verify_chain
    from casedesk.services import cases

    first = cases.receive_case(**intake(1)).case.code
    office.stop()
    t0 = time.monotonic()
    with pytest.raises(Unavailable) as refused:
        cases.receive_case(**intake(2))
    assert time.monotonic() - t0 < 3                      # refused at once, not after a long wait
    assert "127.0.0.1" in str(refused.value) and "rồi thử lại" in str(refused.value)
    assert refused.value.exit_code == 6
    office.start()
    second = cases.receive_case(**intake(2)).case.code    # the same process, the same database object
    assert second != first
    assert verify_chain().ok
    from casedesk.models import Case

    assert Case.select().count() == 2


def test_a_commit_whose_answer_was_lost_is_never_applied_twice(office, monkeypatch):
    """The COMMIT reaches the server but its answer doesn't: the retry with the same token finds the case."""
    import peewee

    from casedesk.models import Case
    from casedesk.services import cases

    real = peewee.PostgresqlDatabase.commit
    calls = []

    def commit_then_lose(self):
        real(self)                                        # applied on the server ...
        calls.append(1)
        if len(calls) == 1:
            self._state.conn.close()                      # ... and the link goes before the answer
            raise peewee.InterfaceError("connection already closed")

    monkeypatch.setattr(peewee.PostgresqlDatabase, "commit", commit_then_lose)
    token = uuid.uuid4().hex
    with pytest.raises(Unavailable) as unknown:
        cases.receive_case(**intake(1), token=token)
    assert unknown.value.details == {"outcome": "unknown"} and "chưa rõ" in str(unknown.value)
    again = cases.receive_case(**intake(1), token=token).case
    assert Case.select().count() == 1 and again.code == Case.get().code
    with pytest.raises(Exception) as misuse:              # the token of someone else's case
        cases.receive_case(**intake(2, id_number="001203099999"), token=token)
    assert "mã phiếu mới" in str(misuse.value)
    assert Case.select().count() == 1


def test_the_same_form_sent_twice_at_once_makes_one_case(office):
    """Two sendings of one form racing (a retry while the first is still on its way): the unique token
    makes the second wait for the first and then find its case."""
    import threading

    from casedesk.db import database
    from casedesk.models import Case
    from casedesk.services import cases

    token, barrier, codes, errors = uuid.uuid4().hex, threading.Barrier(2), [], []

    def send() -> None:
        try:
            barrier.wait(10)
            codes.append(cases.receive_case(**intake(1), token=token).case.code)
        except Exception as exc:                          # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            database.obj.close()                          # this thread's connection

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(codes) == 2 and codes[0] == codes[1]
    assert Case.select().count() == 1


def test_a_connection_killed_inside_a_transaction_is_not_resent(office):
    """A statement inside a transaction whose connection died is never replayed on a new connection."""
    from casedesk.db import database, write
    from casedesk.models import Meta

    db = database.obj
    with pytest.raises(Unavailable):
        with write():
            Meta.insert(key="probe", value="1").execute()
            pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            office.psql(f"SELECT pg_terminate_backend({pid})")
            Meta.insert(key="probe2", value="2").execute()
    assert Meta.get_or_none(Meta.key == "probe") is None and Meta.get_or_none(Meta.key == "probe2") is None


# ------------------------------------------------------------------ what to fix

def _open(url: str):
    try:
        open_database(url, upgrade=False)
        return None
    except Exception as exc:                              # noqa: BLE001 - the test looks at its type
        return exc
    finally:
        close_database()


def test_connection_faults_say_what_to_fix(office, monkeypatch, tmp_path):
    close_database()
    wrong = _open(office.url(password="sai-mat-khau"))
    assert isinstance(wrong, ConnectionSetup) and "mật khẩu" in str(wrong) and wrong.exit_code == 7
    unknown = _open(office.url(database="khong_co"))
    assert isinstance(unknown, ConnectionSetup) and "cơ sở dữ liệu" in str(unknown)
    from tests.pg_server import free_port

    down = _open(office.url(port=free_port()))
    assert isinstance(down, Unavailable) and "Không kết nối được máy chủ" in str(down)
    tls = _open(office.url(query="sslmode=require"))      # this server has no TLS
    assert isinstance(tls, ConnectionSetup) and "SSL" in str(tls)
    for exc in (wrong, unknown, down, tls):
        assert not any(word in str(exc) for word in ENGLISH), str(exc)
    # the password from the environment or a pgpass file, never in the URL
    from tests.pg_server import PASSWORD as SERVER_PASSWORD

    monkeypatch.setenv("PGPASSWORD", SERVER_PASSWORD)
    assert _open(office.url(password=None)) is None
    monkeypatch.delenv("PGPASSWORD")
    assert isinstance(_open(office.url(password=None)), ConnectionSetup)
    pgpass = tmp_path / "pgpass"
    escaped = SERVER_PASSWORD.replace("\\", "\\\\").replace(":", "\\:")
    pgpass.write_text(f"127.0.0.1:{office.port}:*:postgres:{escaped}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert _open(office.url(password=None)) is None
    # libpq options in the query string pass through (and win over CaseDesk's own)
    open_database(office.url(query="connect_timeout=3&application_name=quay-1&options=-c%20statement_timeout%3D5s"))
    from casedesk.db import database

    row = database.obj.execute_sql("SELECT current_setting('application_name'), "
                                   "current_setting('statement_timeout')").fetchone()
    assert row == ("quay-1", "5s")
    used = database.obj.connection().get_dsn_parameters()
    assert used["connect_timeout"] == "3" and used["keepalives"] == "1" and used["tcp_user_timeout"] == "8000"
    assert used["keepalives_idle"] == "10" and "password" not in used


def test_statement_timeout_is_set_and_named(office):
    from casedesk.db import database

    assert database.obj.execute_sql("SHOW statement_timeout").fetchone()[0] == "1min"
    database.obj.execute_sql("SET statement_timeout = 100")
    with pytest.raises(Unavailable) as slow:
        database.obj.execute_sql("SELECT pg_sleep(1)")
    assert "quá lâu" in str(slow.value)
    database.obj.execute_sql("SET statement_timeout = '1min'")


def test_missing_driver_is_a_setup_error(office, monkeypatch):
    close_database()
    monkeypatch.setitem(sys.modules, "psycopg2", None)        # as on a PC where it was never installed
    missing = _open(office.url())
    assert isinstance(missing, ConnectionSetup) and "psycopg2" in str(missing) and "pip install" in str(missing)


def test_cli_exit_codes_and_sentences(office):
    from tests.pg_server import free_port

    close_database()
    env = dict(os.environ, CASEDESK_LANG="vi")

    def cli(url):
        return subprocess.run([sys.executable, "-m", "casedesk", "--db", url, "procedures"], capture_output=True,
                              text=True, env=env, timeout=60)

    wrong = cli(office.url(password="sai"))
    assert wrong.returncode == 7 and "mật khẩu" in wrong.stderr
    down = cli(office.url(port=free_port()))
    assert down.returncode == 6 and "Không kết nối được máy chủ" in down.stderr
    for run in (wrong, down):
        assert not any(word in run.stderr for word in ENGLISH), run.stderr


def test_cli_receive_token_finds_the_saved_case(office):
    import json

    close_database()
    env = dict(os.environ, CASEDESK_PASSWORD=PASSWORD)
    token = str(uuid.uuid4())
    args = [sys.executable, "-m", "casedesk", "--db", office.url(), "case", "receive", "--as", "mai",
            "--procedure", "HT-01", "--name", "Lê Thị Thu", "--id-number", "001203012345", "--address", "Xã An Phú",
            "--token", token, "--json"]
    first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    again = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert json.loads(first.stdout)["code"] == json.loads(again.stdout)["code"]
    bad = subprocess.run(args[:-3] + ["--token", "x y", "--json"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert bad.returncode == 2 and "Mã phiếu nhập" in bad.stderr
    open_database(office.url())
    from casedesk.models import Case

    assert Case.select().count() == 1


# ------------------------------------------------------------------ two desks, one restart

def _desk(url: str, desk: int, count: int, restarted, out) -> None:
    """Receive until ``count`` are done and the server has come back, retrying each form with its token."""
    from casedesk import context as ctx
    from casedesk.db import open_database as open_db
    from casedesk.errors import Unavailable as Down
    from casedesk.services import cases

    open_db(url)
    ctx.set_clock(lambda: NOW)
    acked, refusals, i, back_at = [], 0, 0, None
    while i < count or back_at is None or i < back_at + 10:   # ten more once the server is back
        if back_at is None and restarted.is_set():
            back_at = i
        token = f"desk{desk}-{i:05d}-{uuid.uuid4().hex[:8]}"
        while True:
            try:
                case = cases.receive_case(**intake(desk * 10_000 + i), token=token).case
                acked.append((token, case.code))
                break
            except Down:
                refusals += 1
                time.sleep(0.2)
        i += 1
    out.put({"desk": desk, "acked": acked, "refusals": refusals})


def test_two_desks_through_an_immediate_stop(office):
    _desks_through_restarts(office, restarts=1, downtime=lambda _n: 1.0)


@pytest.mark.stress
def test_two_desks_through_repeated_restarts(office):
    import random

    rng = random.Random(13)
    _desks_through_restarts(office, restarts=8, downtime=lambda _n: rng.uniform(0.0, 3.0), desks=3)


def _desks_through_restarts(office, *, restarts: int, downtime, desks: int = 2) -> None:
    from casedesk.audit import verify_chain
    from casedesk.models import Case

    close_database()
    spawn = multiprocessing.get_context("spawn")
    out, restarted = spawn.Queue(), spawn.Event()
    procs = [spawn.Process(target=_desk, args=(office.url(), d, 40, restarted, out)) for d in range(1, desks + 1)]
    for p in procs:
        p.start()
    for n in range(restarts):
        deadline = time.monotonic() + 60
        target = 10 * (n + 1) * desks // 2
        while int(office.psql('SELECT count(*) FROM "case"') or 0) < target:
            assert time.monotonic() < deadline, "the desks stopped receiving"
            time.sleep(0.05)
        office.stop("immediate")
        time.sleep(downtime(n))
        office.start()
    restarted.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    acked = [pair for r in results for pair in r["acked"]]
    assert all(r["refusals"] > 0 for r in results), results          # the outage really hit both desks
    open_database(office.url())
    saved = {c.intake_token: c.code for c in Case.select(Case.intake_token, Case.code)}
    assert len(saved) == Case.select().count() == len(acked)        # nothing doubled, nothing extra
    assert all(saved.get(token) == code for token, code in acked)   # nothing acknowledged was lost
    assert len({code for _t, code in acked}) == len(acked)
    assert verify_chain().ok
    print(f"\n{restarts} restart(s), {desks} desks: {len(acked)} intakes acknowledged, "
          f"{sum(r['refusals'] for r in results)} refusals sent again with their token, "
          f"{len(acked) - len(saved.keys() & {t for t, _c in acked})} lost, {len(saved) - len(acked)} doubled")
    context.reset()
