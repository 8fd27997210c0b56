"""One front desk of tests/test_concurrency.py, run in its own process (multiprocessing spawn)."""
from __future__ import annotations

import os
import time


def desk(db_path: str, home: str, login: str, desk_no: int, count: int, barrier, results) -> None:
    """Wait for the other desks, then receive ``count`` dossiers as fast as possible."""
    os.environ["CASEDESK_HOME"] = home
    from casedesk import context
    from casedesk.db import close_database, open_database
    from casedesk.services import cases
    from tests.stress.tools import OFFICE_NOW, intake

    codes: list[str] = []
    errors: list[str] = []
    slowest = 0.0
    try:
        open_database(db_path)
        context.set_clock(lambda: OFFICE_NOW)
        barrier.wait(timeout=120)
        started = time.perf_counter()
        for i in range(count):
            t0 = time.perf_counter()
            try:
                codes.append(cases.receive_case(**intake(desk_no * 100_000 + i, actor=login)).case.code)
            except Exception as exc:  # reported to the parent, which fails the test
                errors.append(f"{type(exc).__name__}: {exc}")
            slowest = max(slowest, time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        close_database()
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
        elapsed = 0.0
    results.put({"desk": desk_no, "codes": codes, "errors": errors, "seconds": elapsed, "slowest": slowest})
