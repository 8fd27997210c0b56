"""CaseDesk benchmarks at commune and province scale, each figure against the raw engine.

    python bench/run.py                  # 1,000,000 cases (built once, cached as bench/cases-N.db)
    python bench/run.py --quick          # 50,000 cases, a smoke run
    python bench/run.py --cases 200000 --rebuild --json out.json

The figures themselves live in ``desk_figures.py`` (search, lookups, lists, report) and here (receipt,
receiving, memory, size); ``figures.py`` measures and tabulates them.

Every figure is measured twice in the same run, interleaved call by call in random order: once
through CaseDesk (services, peewee, Python) and once as the equivalent hand-written query on a
bare ``sqlite3`` connection to the same file (same page cache size).  The ratio of the two
medians is what holds on a noisy machine: both sides see the same noise.

The receiving benchmark writes 1,000 real cases with full durability (WAL, synchronous=FULL)
and then removes exactly what it added (cases, audit rows, counters, the chain head), so the
cached database stays as built and ``casedesk-cli check`` still passes on it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

os.environ.setdefault("CASEDESK_HOME", str(HERE / ".casedesk-home"))

import make_db  # noqa: E402
from desk_figures import bench_lists, bench_lookups, bench_report, bench_search  # noqa: E402
from figures import Figure, clock, pct, rounds_of, table  # noqa: E402
from office_life import People  # noqa: E402

from casedesk.db import SQLITE_PRAGMAS, close_database, database, open_database  # noqa: E402
from casedesk.text import display_phone  # noqa: E402

QUICK_CASES = 50_000


# ------------------------------------------------------------------ the database

def ensure_db(cases: int, rebuild: bool) -> tuple[Path, float | None]:
    path = HERE / f"cases-{cases}.db"
    if path.exists() and not rebuild:
        return path, None
    print(f"building {path.name} ({cases:,} cases) ...", flush=True)
    t = clock()
    make_db.build(cases, path)
    built = clock() - t
    print(f"built in {built:.0f} s; checking it (casedesk-cli check) ...", flush=True)
    if not make_db.check(path):
        raise SystemExit(f"{path} does not pass casedesk-cli check")
    return path, built


def raw_connection(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    con.execute(f"PRAGMA cache_size = {SQLITE_PRAGMAS.get('cache_size', -2000)}")
    con.execute("PRAGMA temp_store = memory")
    return con


# ------------------------------------------------------------------ documents, receiving, memory, size

def bench_receipt(rng, n) -> Figure:
    fig = Figure("Receipt PDF, two copies", target="")
    path = HERE / "receipt_bench.py"
    if not path.exists():
        fig.note = "skipped: bench/receipt_bench.py is not there yet"
        return fig
    spec = importlib.util.spec_from_file_location("receipt_bench", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        result = module.run(n) if _takes_args(module.run) else module.run()
    except Exception as exc:  # the module is someone else's work in progress
        fig.note = f"skipped: receipt_bench.run failed ({type(exc).__name__}: {exc})"
        return fig
    return _receipt_figure(fig, result)


def _takes_args(fn) -> bool:
    import inspect

    try:
        return bool(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False


def _receipt_figure(fig: Figure, result) -> Figure:
    """receipt_bench.run returns medians: {'casedesk_ms', 'raw_ms', 'ratio', '*_cpu_ms', 'n'}."""
    if not isinstance(result, dict) or "casedesk_ms" not in result or "raw_ms" not in result:
        fig.note = f"receipt_bench.run returned {str(result)[:120]}; not understood"
        return fig
    fig.app, fig.raw = [float(result["casedesk_ms"])], [float(result["raw_ms"])]
    fig.p50_only = True
    fig.target = "p50 ≤ 20 ms, ≤ 1.3× (receipt_bench)"
    fig.ok = fig.app[0] <= 20 and fig.ratio <= 1.3
    cpu = ""
    if "casedesk_cpu_ms" in result and "raw_cpu_ms" in result:
        cpu = f"; CPU time {result['casedesk_cpu_ms']} ms vs {result['raw_cpu_ms']} ms"
    fig.note = (f"bench/receipt_bench.run({result.get('n', '?')}): medians, interleaved; raw: the same receipt "
                f"written with reportlab alone{cpu}")
    return fig


def bench_receive(path: Path, rng: random.Random, n: int) -> list[Figure]:
    """n real receive_case calls with full durability, each followed by one bare durable commit on a
    scratch file on the same disk (so both see the same noise), then everything received removed."""
    from casedesk.services import cases, catalogue

    db = database.obj
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2, "receive must run with synchronous=FULL"
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    procs = [p.code for p in catalogue.list_procedures()]
    clerk = db.execute_sql("SELECT login FROM user WHERE role = 'clerk' AND active ORDER BY id LIMIT 1").fetchone()[0]
    people = People(random.Random(7))
    inputs = []
    for _ in range(n):
        name, _f, _s, id_number, phone, address, _b, _e = people.citizen()
        inputs.append(dict(actor=clerk, procedure=rng.choice(procs), citizen_name=name, id_number=id_number,
                           phone=display_phone(phone), address=address))
    fig = Figure(f"Receive {n:,} cases (services.receive_case, WAL + synchronous=FULL)", unit="cases/s",
                 target="≥ 100 cases/s and ≥ 0.5× the bare loop")
    bare: list[float] = []
    snapshot = _snapshot(db)
    with BareCommits(path.parent) as commit:
        try:
            gc.collect()
            for i, kw in enumerate(inputs):
                t = clock()
                cases.receive_case(**kw)
                fig.app.append((clock() - t) * 1000.0)
                t = clock()
                commit(i)
                bare.append((clock() - t) * 1000.0)
        finally:
            _restore(db, snapshot)
    fig.value = 1000.0 * n / sum(fig.app)
    fig.raw_value = 1000.0 * n / sum(bare)
    fig.ok = fig.value >= 100 and fig.value >= 0.5 * fig.raw_value     # the rate alone flatters a fast disk
    fig.note = (f"p50 {pct(fig.app, 50):.1f} ms, p95 {pct(fig.app, 95):.1f} ms a case; raw: a bare sqlite3 "
                f"INSERT of a 1 KB row and COMMIT, same pragmas, same disk, after each case "
                f"(p50 {pct(bare, 50):.2f} ms, p95 {pct(bare, 95):.2f} ms)")
    fig.app = []     # the table shows the rate
    return [fig]


class BareCommits:
    """A scratch database beside the benchmark file: one row INSERT + COMMIT per call, WAL, synchronous=FULL."""

    def __init__(self, folder: Path):
        fd, self.name = tempfile.mkstemp(prefix="bare-", suffix=".db", dir=folder)
        os.close(fd)

    def __enter__(self):
        self.con = con = sqlite3.connect(self.name, isolation_level=None)
        con.execute("PRAGMA journal_mode = wal")
        con.execute("PRAGMA synchronous = full")
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT, payload TEXT)")
        for i in range(20):
            self(-i - 1)
        return self

    def __call__(self, i: int) -> None:
        self.con.execute("BEGIN IMMEDIATE")
        self.con.execute("INSERT INTO t (code, name, payload) VALUES (?, ?, ?)",
                         (f"c{i}", "Nguyễn Văn An", "x" * 1000))
        self.con.execute("COMMIT")

    def __exit__(self, *exc):
        self.con.close()
        for suffix in ("", "-wal", "-shm"):
            Path(self.name + suffix).unlink(missing_ok=True)


def _snapshot(db) -> dict:
    from casedesk import audit

    q = lambda sql: db.execute_sql(sql).fetchone()[0]  # noqa: E731
    return {
        "case": q('SELECT MAX(id) FROM "case"'),
        "event": q("SELECT MAX(id) FROM event"),
        "paper_list": q("SELECT COALESCE(MAX(id), 0) FROM paper_list"),
        "head": db.execute_sql("SELECT value FROM meta WHERE key = ?", (audit.HEAD_KEY,)).fetchone()[0],
        "counters": db.execute_sql("SELECT unit_code, day, last FROM day_counter").fetchall(),
    }


def _restore(db, snap: dict) -> None:
    from casedesk import audit
    from casedesk.db import write

    with write():
        db.execute_sql("DELETE FROM event WHERE id > ?", (snap["event"],))
        db.execute_sql("DELETE FROM case_search WHERE rowid > ?", (snap["case"],))
        db.execute_sql('DELETE FROM "case" WHERE id > ?', (snap["case"],))
        db.execute_sql("DELETE FROM paper_list WHERE id > ?", (snap["paper_list"],))
        db.execute_sql("DELETE FROM day_counter")
        for row in snap["counters"]:
            db.execute_sql("INSERT INTO day_counter (unit_code, day, last) VALUES (?, ?, ?)", row)
        db.execute_sql("UPDATE meta SET value = ? WHERE key = ?", (snap["head"], audit.HEAD_KEY))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


MEMORY_PROBE = r"""
import json, resource, sys
sys.path[:0] = [{root!r}, {here!r}]
def rss():
    fields = dict(l.split(':', 1) for l in open('/proc/self/status'))
    return int(fields['VmRSS'].split()[0]) // 1024, int(fields['VmHWM'].split()[0]) // 1024
mode, path = sys.argv[1], sys.argv[2]
if mode == 'app':
    from casedesk.db import open_database
    from casedesk.services import queries
    from casedesk.services.queries import CaseFilter
    import importlib
    open_database(path)
    base = rss()
    for text in ('nguyen van an', 'tran thi mai', 'duong', 'le hoa', 'ng th h'):
        queries.search_cases(text)
    queries.list_cases(CaseFilter(), order='due_date', limit=200)
    queries.list_cases(CaseFilter(), order='citizen_name', limit=200)
    queries.list_cases(CaseFilter(overdue=True), limit=200)
    queries.count_cases(CaseFilter())
    queries.queue_counts(login='mai')
    for row in queries.list_cases(CaseFilter(), order='received_at', descending=True, limit=20):
        queries.case_view(row.id)
    try:
        import desk_figures
        reports = importlib.import_module('casedesk.reports')
        import datetime as dt
        from casedesk import context
        first = (context.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        call = desk_figures._report_call(reports, first, context.today().replace(day=1) - dt.timedelta(days=1))
        if call: call()
    except Exception:
        pass
else:
    import sqlite3
    con = sqlite3.connect(path)
    con.execute('PRAGMA cache_size = -32000')
    base = rss()
    for sql in ('SELECT COUNT(*) FROM "case"', 'SELECT * FROM "case" ORDER BY due_date LIMIT 200',
                'SELECT * FROM "case" ORDER BY name_sort LIMIT 200',
                "SELECT rowid FROM case_search WHERE case_search MATCH '\"nguyen\"*' ORDER BY rowid DESC LIMIT 200",
                'SELECT field_code, COUNT(*) FROM "case" GROUP BY 1'):
        con.execute(sql).fetchall()
now, peak = rss()
print(json.dumps({{'open': base[0], 'rss': now, 'peak': peak}}))
"""


def bench_memory(path: Path) -> Figure:
    fig = Figure("Resident memory after opening and running the queries", unit="MB", target="≤ 300 MB")
    got = {}
    for mode in ("app", "raw"):
        code = MEMORY_PROBE.format(root=str(ROOT), here=str(HERE))
        done = subprocess.run([sys.executable, "-c", code, mode, str(path)], capture_output=True, text=True,
                              env={**os.environ, "CASEDESK_HOME": os.environ["CASEDESK_HOME"]})
        if done.returncode:
            fig.note = f"probe failed: {done.stderr.strip()[-300:]}"
            return fig
        got[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    fig.value = float(got["app"]["peak"])
    fig.raw_value = float(got["raw"]["peak"])
    fig.ok = fig.value <= 300
    fig.note = (f"peak RSS of a fresh process (after open {got['app']['open']} MB); raw: python + sqlite3 "
                f"running the same kinds of query ({got['raw']['peak']} MB)")
    return fig


def size_parts(path: Path) -> dict[str, int]:
    """Bytes on disk by what they hold: the case rows (with their lists of papers), the audit rows, each
    index, the name search (FTS5 and its words) and the rest (catalogue, users, free pages...)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        pages = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        kinds = dict(con.execute("SELECT name, type FROM sqlite_master").fetchall())
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        free = con.execute("PRAGMA freelist_count").fetchone()[0] * page_size
    except sqlite3.OperationalError:
        return {}
    finally:
        con.close()
    parts = {"case": pages.get("case", 0) + pages.get("paper_list", 0), "event": pages.get("event", 0),
             "search": 0, "rest": free}
    for name, size in pages.items():
        if name in ("case", "event", "paper_list"):
            continue
        if name.startswith("case_search"):
            parts["search"] += size
        elif kinds.get(name) == "index" or name.startswith("sqlite_autoindex"):
            parts["index " + name] = size
        else:
            parts["rest"] += size
    return parts


def bench_size(path: Path, cases: int) -> Figure:
    fig = Figure("Database size per case", unit="B/case", target="≤ 1,100 B/case")
    total = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    fig.value = total / cases
    parts = size_parts(path)
    if parts:
        fig.raw_value = (parts["case"] + parts["event"]) / cases
        indexes = sorted(((v, k[6:]) for k, v in parts.items() if k.startswith("index ")), reverse=True)
        largest = ", ".join(f"{name} {v / cases:,.0f}" for v, name in indexes[:6])
        fig.note = (f"case rows {parts['case'] / cases:,.0f} B (with paper_list), audit rows "
                    f"{parts['event'] / cases:,.0f} B, {len(indexes)} indexes {sum(v for v, _ in indexes) / cases:,.0f} B "
                    f"(largest: {largest}), name search {parts['search'] / cases:,.0f} B, the rest "
                    f"{parts['rest'] / cases:,.0f} B; raw: the two tables without any index")
    fig.ok = fig.value <= 1100
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CaseDesk benchmarks against the raw engine")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES:,} cases, fewer samples")
    parser.add_argument("--rebuild", action="store_true", help="build the database even if cached")
    parser.add_argument("--db", type=Path, help="measure this database file instead of bench/cases-N.db")
    parser.add_argument("--samples", type=int, default=None, help="inputs per figure (default 300, quick 100)")
    parser.add_argument("--receive", type=int, default=1000, help="cases to receive (default 1,000)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="repeat the query figures and pool the rounds; the ratio is the median of the "
                             "rounds' ratios, with its spread (default 3, quick 1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--only", default="", help="comma list: search,lookup,list,report,receipt,receive,memory,size")
    args = parser.parse_args(argv)
    cases = QUICK_CASES if args.quick else args.cases
    samples = args.samples or (100 if args.quick else 300)
    only = set(filter(None, args.only.split(",")))
    want = lambda k: not only or k in only  # noqa: E731
    rng = random.Random(args.seed)

    path, built = (args.db, None) if args.db else ensure_db(cases, args.rebuild)
    t = clock()
    open_database(path)      # brings a cached file up to the current schema
    opened = clock() - t
    raw = raw_connection(path)
    n_cases = raw.execute('SELECT COUNT(*) FROM "case"').fetchone()[0]
    figs: list[Figure] = []
    started = clock()
    rounds = args.rounds or (1 if args.quick else 3)
    if want("search"):
        figs.extend(rounds_of(rounds, lambda: [bench_search(raw, rng, samples)]))
    if want("lookup"):
        figs.extend(rounds_of(rounds, lambda: bench_lookups(raw, rng, samples)))
    if want("list"):
        figs.extend(rounds_of(rounds, lambda: bench_lists(raw, rng, max(30, samples // 5))))
    if want("report"):
        figs.extend(rounds_of(rounds, lambda: [bench_report(raw, rng, max(20, samples // 8))]))
    if want("receipt"):
        figs.append(bench_receipt(rng, max(50, samples // 3)))
    if want("receive"):
        figs.extend(bench_receive(path, rng, args.receive))
    raw.close()
    close_database()
    if want("memory"):
        figs.append(bench_memory(path))
    if want("size"):
        figs.append(bench_size(path, n_cases))

    print()
    print(f"CaseDesk benchmarks — {n_cases:,} cases in {path.name}; {dt.date.today()}; "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    if built is not None:
        print(f"database built in {built:.0f} s")
    print(f"opened (and schema brought up to date) in {opened * 1000:.0f} ms; figures took {clock() - started:.0f} s; "
          f"query figures: {samples} inputs (lists {max(30, samples // 5)}, report {max(20, samples // 8)}), "
          f"{rounds} round{'s' if rounds > 1 else ''} pooled (ratio: median of the rounds, with its spread)")
    print()
    print(table(figs))
    if args.json:
        args.json.write_text(json.dumps({"cases": n_cases, "date": dt.date.today().isoformat(), "rounds": rounds,
                                         "built_seconds": built, "figures": [f.as_dict() for f in figs]},
                                        ensure_ascii=False, indent=2))
    return 0 if all(f.ok is not False for f in figs) else 1


if __name__ == "__main__":
    sys.exit(main())
