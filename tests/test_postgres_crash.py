"""Crash safety on PostgreSQL: desks killed with SIGKILL, and the server's own processes killed, never lose an
acknowledged case.

As tests/test_crash.py for SQLite: a writer process (tests/stress/crash_writer.py) receives cases
and, only after ``receive_case`` returned, appends the code to an acknowledgement file (the receipt
handed to a citizen).  Two kinds of crash, at random moments:

* the desk: the writer is killed with SIGKILL, mostly in the middle of an intake;
* the server: the writer's server process is killed with SIGKILL; PostgreSQL then ends every session
  and recovers from its write-ahead log, as after a crash of the server (the desk sees its connection
  drop, and is restarted).

Then: every acknowledged code is in the register with its receive row, no code twice, at most one
saved-but-unacknowledged case per crash, the day's numbers and the ledger have no gap, the audit chain
verifies.  The server runs with ``fsync=on`` (``.ci/postgres.sh``): this test refuses to run against
one that doesn't, since what it proves would not hold on an office's server.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stress.tools import child_env, read_acks, sequences_by_day
from tests.test_postgres import URL, pg  # noqa: F401 - the fixture

WRITER = Path(__file__).resolve().parent / "stress" / "crash_writer.py"
pytestmark = [pytest.mark.skipif(not URL, reason="CASEDESK_TEST_PG is not set"),
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")]


def _admin():
    import psycopg2

    conn = psycopg2.connect(URL)
    conn.autocommit = True
    return conn


def _wait_for_server(seconds: float = 120) -> None:
    import psycopg2

    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = _admin()
            conn.cursor().execute("SELECT 1")
            conn.close()
            return
        except psycopg2.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _setting(name: str) -> str:
    conn = _admin()
    try:
        cur = conn.cursor()
        cur.execute(f"SHOW {name}")
        return cur.fetchone()[0]
    finally:
        conn.close()


def _desk_backends() -> list[int]:
    conn = _admin()
    try:
        cur = conn.cursor()
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'")
        return [r[0] for r in cur.fetchall()]
    finally:
        conn.close()


def _state() -> dict:
    from casedesk.audit import verify_chain
    from casedesk.db import close_database, open_database
    from casedesk.models import Case, Event

    open_database(URL)
    try:
        codes = [c.code for c in Case.select(Case.code).order_by(Case.id)]
        received = {e.case.code for e in Event.select(Event, Case).join(Case).where(Event.action == "receive")}
        ledger = sorted(c.ledger_no for c in Case.select(Case.ledger_no))
        chain = verify_chain()
    finally:
        close_database()
    return {"codes": codes, "received": received, "ledger": ledger, "chain": chain}


def run_with_crashes(tmp_path: Path, *, total: int, desk_kills: int, server_kills: int, seed: int) -> dict:
    rng = random.Random(seed)
    ack = tmp_path / "acks.txt"
    env = child_env(tmp_path / "home")
    plan = ["desk"] * desk_kills + ["server"] * server_kills
    rng.shuffle(plan)
    done = {"desk": 0, "server": 0}
    starts = 0
    started = time.monotonic()
    while len(read_acks(ack)) < total:
        before = len(read_acks(ack))
        proc = subprocess.Popen([sys.executable, str(WRITER), URL, str(ack), str(total)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        starts += 1
        if plan:
            kind = plan[0]
            span = max(1, (total - before) // (len(plan) + 1))
            target = before + rng.randint(1, span)
            deadline = time.monotonic() + 120
            while len(read_acks(ack)) < target and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.02))
            if proc.poll() is None:
                if kind == "desk":
                    proc.send_signal(signal.SIGKILL)
                else:
                    for pid in _desk_backends():
                        os.kill(pid, signal.SIGKILL)     # the server ends every session and recovers
                plan.pop(0)
                done[kind] += 1
            err = proc.communicate(timeout=120)[1].decode(errors="replace")
            if kind == "desk" and proc.returncode not in (0, -signal.SIGKILL):
                pytest.fail(err)
            if kind == "server":
                _wait_for_server()
        else:
            _, err = proc.communicate(timeout=900)
            assert proc.returncode == 0, err.decode(errors="replace")
        proc.stderr.close()
        assert starts < desk_kills + server_kills + 20, "writers stopped making progress"
    acked = read_acks(ack)
    state = _state()
    codes = state["codes"]
    figures = {
        "intakes": len(acked), "saved": len(codes), "desk_kills": done["desk"], "server_kills": done["server"],
        "lost": len(set(acked) - set(codes)),
        "duplicates": (len(acked) - len(set(acked))) + (len(codes) - len(set(codes))),
        "incomplete": len(set(codes) - state["received"]),
        "saved_unacknowledged": len(set(codes) - set(acked)),
        "seconds": round(time.monotonic() - started, 1),
    }
    return {"figures": figures, "state": state, "acked": acked}


def check(result, *, desk_kills: int, server_kills: int) -> None:
    f, state = result["figures"], result["state"]
    print("\npostgres crash figures (fsync on):", " ".join(f"{k}={v}" for k, v in f.items()))
    assert f["desk_kills"] == desk_kills and f["server_kills"] == server_kills
    assert f["lost"] == 0, sorted(set(result["acked"]) - set(state["codes"]))[:10]
    assert f["duplicates"] == 0 and f["incomplete"] == 0
    assert f["saved_unacknowledged"] <= desk_kills + server_kills
    for day, numbers in sequences_by_day(state["codes"]).items():
        assert numbers == list(range(1, len(numbers) + 1)), f"gap in the sequence of {day}"
    assert state["ledger"] == list(range(1, len(state["codes"]) + 1))
    assert state["chain"].ok, state["chain"].problem


def _may_kill_server() -> bool:
    """Whether this user may signal the server's processes (root, or the server's own user)."""
    conn = _admin()
    try:
        cur = conn.cursor()
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
        try:
            os.kill(pid, 0)
        except PermissionError:
            return False
        return True
    finally:
        conn.close()


@pytest.fixture
def crash_office(pg, tmp_path):  # noqa: F811 - the fixture of test_postgres
    from casedesk.db import close_database

    assert _setting("fsync") == "on", "the crash test needs the server's fsync on (.ci/postgres.sh)"
    assert _setting("synchronous_commit") == "on"
    close_database()
    return tmp_path


def _crash(tmp_path, *, total, desk_kills, server_kills, seed):
    if not _may_kill_server():
        print("\n(the server's processes belong to another user: desks only are killed)")
        desk_kills, server_kills = desk_kills + server_kills, 0
    result = run_with_crashes(tmp_path, total=total, desk_kills=desk_kills, server_kills=server_kills, seed=seed)
    check(result, desk_kills=desk_kills, server_kills=server_kills)


def test_sigkill_of_desks_and_of_the_server_loses_no_acknowledged_case(crash_office):
    _crash(crash_office, total=60, desk_kills=2, server_kills=2, seed=20261206)


@pytest.mark.stress
def test_postgres_crash_stress(crash_office):
    _crash(crash_office, total=600, desk_kills=15, server_kills=6,
           seed=int(os.environ.get("CASEDESK_STRESS_SEED", "11")))
