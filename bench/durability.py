"""What durability costs per intake: SQLite ``synchronous`` FULL vs NORMAL vs OFF (WAL mode).

    .venv/bin/python bench/durability.py [--intakes 500] [--rounds 3] [--dir PATH]

Each round builds a fresh office per mode and receives ``--intakes`` dossiers through
``casedesk.services.cases.receive_case`` (the real write path: validation, due date,
day counter, ledger number, search index, audit row, one ``BEGIN IMMEDIATE`` transaction).
Modes are interleaved round by round so that disk noise hits them alike.

What the modes promise (WAL):
  FULL    the WAL is synced at every commit: an acknowledged case survives a power cut.
  NORMAL  synced only at checkpoints: a power cut may lose the last commits (never corrupts).
  OFF     never synced: the OS decides; a power cut can lose or corrupt recent commits.
A killed process (tests/test_crash.py) loses nothing in any mode; only power loss differs.

Use ``--dir`` on the disk you care about (tmpfs makes fsync free and the comparison moot).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("full", "normal", "off")
NOW = dt.datetime(2026, 11, 2, 9, 0)  # a Monday: HT-09 is in force


def build_office(path: Path, mode: str):
    from casedesk import context, db as dbmod
    from casedesk.services import auth, office

    dbmod.SQLITE_PRAGMAS["synchronous"] = mode
    database = dbmod.open_database(path)
    context.set_clock(lambda: NOW)
    office.init_office(office="Trung tâm Phục vụ hành chính công xã An Phú", commune="Xã An Phú",
                       province="Tỉnh Phú Thọ", unit_code="000.00.31.H26", admin_login="admin",
                       admin_password="mat-khau-1234")
    auth.add_user(actor="admin", login="mai", role="clerk", full_name="Trần Thị Mai", password="mat-khau-1234")
    got = database.execute_sql("PRAGMA synchronous").fetchone()[0]
    assert got == {"full": 2, "normal": 1, "off": 0}[mode], (mode, got)
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    return database


def run_mode(folder: Path, mode: str, intakes: int, warmup: int = 10) -> list[float]:
    from casedesk.db import close_database
    from casedesk.services import cases

    path = folder / f"bench-{mode}.sqlite3"
    for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            extra.unlink()
    build_office(path, mode)
    timings = []
    try:
        for i in range(warmup + intakes):
            kwargs = dict(actor="mai", procedure="HT-09", citizen_name=f"Nguyễn Văn Thử {i}",
                          id_number=f"0012030{i:05d}", phone="0912 345 678", address="Thôn Đông, xã An Phú")
            t0 = time.perf_counter()
            cases.receive_case(**kwargs)
            elapsed = time.perf_counter() - t0
            if i >= warmup:
                timings.append(elapsed)
    finally:
        close_database()
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intakes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", help="where the benchmark databases go (default: a temporary folder)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="casedesk-durability-", dir=args.dir))
    os.environ["CASEDESK_HOME"] = str(folder / "home")
    from casedesk import db as dbmod

    original = dbmod.SQLITE_PRAGMAS["synchronous"]
    results: dict[str, list[float]] = {m: [] for m in MODES}
    totals: dict[str, list[float]] = {m: [] for m in MODES}
    try:
        for r in range(args.rounds):
            for mode in (MODES if r % 2 == 0 else tuple(reversed(MODES))):
                timings = run_mode(folder, mode, args.intakes)
                results[mode].extend(timings)
                totals[mode].append(sum(timings))
    finally:
        dbmod.SQLITE_PRAGMAS["synchronous"] = original
        shutil.rmtree(folder, ignore_errors=True)

    print(f"durability: {args.intakes} intakes x {args.rounds} rounds per mode, WAL, through receive_case")
    print(f"{'synchronous':12} {'mean ms':>8} {'median':>8} {'p95':>8} {'max':>8} {'intakes/s':>10}")
    means = {}
    for mode in MODES:
        t = sorted(results[mode])
        means[mode] = statistics.fmean(t) * 1000
        p95 = t[int(len(t) * 0.95) - 1] * 1000
        rate = args.intakes / statistics.median(totals[mode])
        print(f"{mode.upper():12} {means[mode]:8.2f} {statistics.median(t) * 1000:8.2f} {p95:8.2f} "
              f"{t[-1] * 1000:8.2f} {rate:10.0f}")
    print(f"cost of FULL over NORMAL: {means['full'] - means['normal']:+.2f} ms per intake; "
          f"over OFF: {means['full'] - means['off']:+.2f} ms per intake")
    return 0


if __name__ == "__main__":
    sys.exit(main())
