"""Crash safety: a desk killed with SIGKILL at random moments never loses an acknowledged case.

A writer process (tests/stress/crash_writer.py) receives cases through the services
and, only after ``receive_case`` returned, appends the code to an acknowledgement
file (flush + fsync): that line stands for the receipt handed to a citizen.  The
parent kills the writer at random moments, mostly in the middle of an intake,
restarts it, and at the end checks the register:

* every acknowledged code is there, with its ``receive`` audit row (nothing lost, nothing half-saved);
* no code twice, in the acknowledgements or the register;
* at most one saved-but-unacknowledged case per kill (committed, killed before the receipt);
* the day's sequence and the ledger numbers have no gap (a killed transaction leaves no number used);
* SQLite's integrity check passes and the audit hash chain verifies (``casedesk-cli check`` exits 0).

SIGKILL tests process death (the OS keeps what was written); ``synchronous=FULL``
is what covers a power cut, and bench/durability.py measures its price.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stress.tools import child_env, read_acks, register_state, sequences_by_day

WRITER = Path(__file__).resolve().parent / "stress" / "crash_writer.py"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")


@pytest.fixture
def office_file(template_db, tmp_path):
    path = tmp_path / "office.sqlite3"
    shutil.copy(template_db, path)
    return path


def run_with_kills(db_path: Path, home: Path, *, total: int, kills: int, seed: int) -> dict:
    """Drive writers until ``total`` intakes are acknowledged, killing ``kills`` of them."""
    rng = random.Random(seed)
    ack = db_path.with_name("acks.txt")
    env = child_env(home)
    killed = starts = 0
    started = time.monotonic()
    while len(read_acks(ack)) < total:
        before = len(read_acks(ack))
        proc = subprocess.Popen([sys.executable, str(WRITER), str(db_path), str(ack), str(total)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        starts += 1
        if killed < kills:
            # let this writer acknowledge a random number of intakes, then kill it at a random
            # moment inside the next one (an intake takes a few milliseconds)
            span = max(1, (total - before) // (kills - killed + 1))
            target = before + rng.randint(1, span)
            deadline = time.monotonic() + 60
            while len(read_acks(ack)) < target and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.008))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait(timeout=60)
            if proc.returncode not in (0, -signal.SIGKILL):
                pytest.fail(proc.stderr.read().decode(errors="replace"))
        else:
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err.decode(errors="replace")
        proc.stderr.close()
        assert starts < kills + 20, "writers stopped making progress"
    acked = read_acks(ack)
    state = register_state(db_path)
    codes = state["codes"]
    figures = {
        "intakes": len(acked),
        "saved": len(codes),
        "kills": killed,
        "lost": len(set(acked) - set(codes)),
        "duplicates": (len(acked) - len(set(acked))) + (len(codes) - len(set(codes))),
        "incomplete": len(set(codes) - state["received"]),
        "saved_unacknowledged": len(set(codes) - set(acked)),
        "seconds": round(time.monotonic() - started, 1),
    }
    return {"figures": figures, "state": state, "acked": acked}


def assert_nothing_lost(result, db_path, kills):
    f = result["figures"]
    state = result["state"]
    print("\ncrash figures:", " ".join(f"{k}={v}" for k, v in f.items()))
    assert f["kills"] == kills
    assert f["lost"] == 0, sorted(set(result["acked"]) - set(state["codes"]))[:10]
    assert f["duplicates"] == 0
    assert f["incomplete"] == 0
    assert f["saved_unacknowledged"] <= f["kills"]
    assert state["check"].ok, state["check"].problems
    seqs = sequences_by_day(state["codes"])
    for day, numbers in seqs.items():
        assert numbers == list(range(1, len(numbers) + 1)), f"gap in the sequence of {day}"
    assert state["ledger"] == list(range(1, len(state["codes"]) + 1))

    from casedesk.cli import main

    assert main(["--db", str(db_path), "check"]) == 0


def test_sigkill_loses_no_acknowledged_case(office_file, tmp_path):
    result = run_with_kills(office_file, tmp_path / "home", total=100, kills=3, seed=20261102)
    assert_nothing_lost(result, office_file, kills=3)


@pytest.mark.stress
def test_sigkill_stress(office_file, tmp_path):
    seed = int(os.environ.get("CASEDESK_STRESS_SEED", "7"))
    result = run_with_kills(office_file, tmp_path / "home", total=1000, kills=25, seed=seed)
    assert_nothing_lost(result, office_file, kills=25)
