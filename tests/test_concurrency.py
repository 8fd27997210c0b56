"""Four desks receive at the same moment into one SQLite register.

Each desk is a separate process (multiprocessing, spawn) released by one barrier.
Proves: no desk sees an error (``db.write()`` takes the write lock up front with
``BEGIN IMMEDIATE`` and the 30 s busy timeout absorbs the waits), no dossier code
twice, the day's sequence is 0001..4N with no gap, the ledger numbers too, every
case has its receive audit row, and the whole audit trail still chains.
"""
from __future__ import annotations

import multiprocessing

import pytest

from tests.conftest import PASSWORD
from tests.stress.desk_worker import desk
from tests.stress.tools import register_state, sequences_by_day

DESKS = ("mai", "lan", "cuc", "truc")


@pytest.fixture
def office_with_desks(db, tmp_path):
    """The test office with four clerks; closed again so that only the desks hold it."""
    from casedesk.db import close_database, database
    from casedesk.services import auth

    for login in DESKS[1:]:
        auth.add_user(actor="admin", login=login, role="clerk", full_name=f"Cán bộ {login}", password=PASSWORD)
    database.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return db


def run_desks(db_path, home, per_desk: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(DESKS))
    results = ctx.Queue()
    procs = [ctx.Process(target=desk, args=(str(db_path), str(home), login, n, per_desk, barrier, results))
             for n, login in enumerate(DESKS, start=1)]
    for p in procs:
        p.start()
    found = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return {r["desk"]: r for r in found}


def check_desks(db_path, results, per_desk):
    errors = [e for r in results.values() for e in r["errors"]]
    assert not errors, errors[:5]
    returned = [c for r in results.values() for c in r["codes"]]
    total = per_desk * len(DESKS)
    assert len(returned) == total
    assert len(set(returned)) == total, "a dossier code was handed out twice"
    state = register_state(db_path)
    assert sorted(state["codes"]) == sorted(returned)
    assert set(state["codes"]) == state["received"], "a case without its receive audit row"
    seqs = sequences_by_day(state["codes"])
    assert list(seqs) == ["261102"]
    assert seqs["261102"] == list(range(1, total + 1))
    assert state["ledger"] == list(range(1, total + 1))
    assert state["check"].ok, state["check"].problems
    slowest = max(r["slowest"] for r in results.values())
    seconds = max(r["seconds"] for r in results.values())
    print(f"\nconcurrency: desks={len(DESKS)} intakes={total} duplicates=0 errors=0 "
          f"wall={seconds:.1f}s slowest_intake={slowest * 1000:.0f}ms")


def test_four_desks_at_once(office_with_desks, tmp_path):
    results = run_desks(office_with_desks, tmp_path / "home", 50)
    check_desks(office_with_desks, results, 50)


@pytest.mark.stress
def test_four_desks_stress(office_with_desks, tmp_path):
    results = run_desks(office_with_desks, tmp_path / "home", 250)
    check_desks(office_with_desks, results, 250)
