"""CaseDesk benchmarks at commune and province scale, each figure against the raw engine.

    python bench/run.py                  # 1,000,000 cases (built once, cached as bench/cases-N.db)
    python bench/run.py --quick          # 50,000 cases, a smoke run
    python bench/run.py --cases 200000 --rebuild --json out.json

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
import importlib
import importlib.util
import json
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

os.environ.setdefault("CASEDESK_HOME", str(HERE / ".casedesk-home"))

import make_db  # noqa: E402

from casedesk import context  # noqa: E402
from casedesk.db import SQLITE_PRAGMAS, close_database, database, open_database  # noqa: E402
from casedesk.text import display_phone, fold  # noqa: E402

QUICK_CASES = 50_000
_TOKEN = re.compile(r"[a-z0-9]+")
clock = time.perf_counter


# ------------------------------------------------------------------ measuring

def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


@dataclass
class Figure:
    name: str
    unit: str = "ms"
    app: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    target: str = ""
    ok: bool | None = None
    note: str = ""
    value: float | None = None        # for single-number figures (rates, sizes)
    raw_value: float | None = None
    p50_only: bool = False            # only medians were reported
    rounds: int = 1                   # best of this many rounds (see best_of)

    @property
    def ratio(self) -> float | None:
        if self.value is not None and self.raw_value:
            return self.value / self.raw_value if self.unit not in ("cases/s",) else self.raw_value / self.value
        if self.app and self.raw:
            return pct(self.app, 50) / pct(self.raw, 50)
        return None

    def as_dict(self) -> dict:
        d = {"name": self.name, "unit": self.unit, "target": self.target, "ok": self.ok, "note": self.note,
             "ratio": self.ratio}
        if self.app:
            d.update(app_p50=pct(self.app, 50), app_p95=pct(self.app, 95), n=len(self.app))
        if self.raw:
            d.update(raw_p50=pct(self.raw, 50), raw_p95=pct(self.raw, 95))
        if self.value is not None:
            d.update(value=self.value, raw_value=self.raw_value)
        return d


def paired(fig: Figure, app_fn, raw_fn, inputs, *, warmup: int = 10, rng: random.Random) -> Figure:
    """Time app_fn(x) and raw_fn(x) for each input, interleaved in random order."""
    for x in inputs[:warmup]:
        app_fn(x)
        raw_fn(x)
    gc.collect()
    for x in inputs:
        pair = [(fig.app, app_fn), (fig.raw, raw_fn)]
        if rng.random() < 0.5:
            pair.reverse()
        for sink, fn in pair:
            t = clock()
            fn(x)
            sink.append((clock() - t) * 1000.0)
    return fig


def best_of(rounds: int, measure) -> list[Figure]:
    """Run ``measure`` (-> figures) ``rounds`` times; keep, for each figure, the round with the lowest
    CaseDesk p95.  Other work on the machine only ever adds time, so the quietest round is the truest;
    its raw side was measured in that same round."""
    runs = [measure() for _ in range(max(1, rounds))]
    best = []
    for i, first in enumerate(runs[0]):
        candidates = [r[i] for r in runs if i < len(r) and r[i].name == first.name]
        fig = min(candidates, key=lambda f: pct(f.app, 95) if f.app else float("inf"))
        if len(candidates) > 1 and fig.app:
            fig.rounds = len(candidates)
        best.append(fig)
    return best


def judge(fig: Figure, *, p95_ms: float | None = None, ratio: float | None = None) -> Figure:
    checks = []
    if p95_ms is not None:
        checks.append(pct(fig.app, 95) <= p95_ms)
    if ratio is not None and fig.ratio is not None:
        checks.append(fig.ratio <= ratio)
    fig.ok = all(checks) if checks else None
    return fig


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


def fts_text(text: str) -> str:
    return " ".join(f'"{tok}"*' for tok in _TOKEN.findall(fold(text))[:12])


def search_inputs(raw: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    """What clerks type: full names, family + given, a given name, clipped prefixes; no accents."""
    top = raw.execute('SELECT MAX(id) FROM "case"').fetchone()[0]
    out = []
    while len(out) < n:
        row = raw.execute('SELECT name_folded FROM "case" WHERE id = ?', (rng.randint(1, top),)).fetchone()
        if not row:
            continue
        words = row[0].split()
        kind = rng.random()
        if kind < 0.4:
            text = " ".join(words)
        elif kind < 0.7:
            text = f"{words[0]} {words[-1]}"
        elif kind < 0.9:
            text = words[-1]
        else:
            text = " ".join(w[: max(2, len(w) - rng.randint(0, 3))] for w in words)
        out.append(text)
    return out


def sample_cases(raw: sqlite3.Connection, n: int, rng: random.Random) -> list[tuple]:
    top = raw.execute('SELECT MAX(id) FROM "case"').fetchone()[0]
    ids = [rng.randint(1, top) for _ in range(n)]
    rows = []
    for cid in ids:
        row = raw.execute('SELECT id, code, id_number, phone FROM "case" WHERE id = ?', (cid,)).fetchone()
        if row:
            rows.append(row)
    return rows


# ------------------------------------------------------------------ benchmarks

def raw_expanded(raw: sqlite3.Connection, text: str) -> str:
    """The MATCH text written by hand the way search.py writes it: each typed prefix as its words."""
    parts = []
    for tok in _TOKEN.findall(fold(text))[:12]:
        terms = [r[0] for r in raw.execute(
            "SELECT term FROM case_search_term WHERE term >= ? AND term < ? LIMIT 251",
            (tok, tok[:-1] + chr(ord(tok[-1]) + 1)))]
        parts.append(f'"{tok}"*' if not terms or len(terms) > 250 else
                     "(" + " OR ".join(f'"{t}"' for t in terms) + ")")
    return " AND ".join(parts)


def bench_search(raw, rng, n) -> Figure:
    from casedesk.services import queries

    inputs = search_inputs(raw, n, rng)
    sql = ('SELECT c.id, c.citizen_name FROM case_search s JOIN "case" c ON c.id = s.rowid '
           'WHERE case_search MATCH ? ORDER BY s.rowid DESC LIMIT 200')
    expanded = raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'case_search_term'").fetchone()
    match = (lambda x: raw_expanded(raw, x)) if expanded else fts_text

    fig = Figure("Name search, accent-free (search_ids, 50 of 200)", target="p95 ≤ 20 ms, ≤ 1.5×")
    paired(fig, lambda x: queries.search_ids(x, limit=50),
           lambda x: raw.execute(sql, (match(x),)).fetchall(), inputs, rng=rng)
    naive = Figure("naive")
    paired(naive, lambda x: raw.execute(sql, (fts_text(x),)).fetchall(), lambda x: None, inputs[: n // 2], rng=rng)
    fig.note = ("raw: the same FTS5 MATCH written by hand (prefixes spelt out as words) joined to the names, "
                f"newest 200; the naive prefix MATCH ('\"nguyen\"* \"th\"*') takes p50 {pct(naive.app, 50):.1f} ms, "
                f"p95 {pct(naive.app, 95):.1f} ms")
    return judge(fig, p95_ms=20, ratio=1.5)


def bench_lookups(raw, rng, n) -> list[Figure]:
    from casedesk.services import queries

    rows = sample_cases(raw, n, rng)
    figs = []
    for label, typed, sql in (
        ("code", lambda r: r[1].lower(), 'SELECT id FROM "case" WHERE code = ?'),
        ("personal ID", lambda r: r[2], 'SELECT id FROM "case" WHERE id_number = ? ORDER BY id DESC LIMIT 50'),
        ("phone", lambda r: display_phone(r[3]),
         'SELECT id FROM "case" WHERE phone = ? ORDER BY id DESC LIMIT 50'),
    ):
        key = {"code": 1, "personal ID": 2, "phone": 3}[label]
        inputs = [(typed(r), r[key]) for r in rows]
        fig = Figure(f"Lookup by {label} (search_ids as typed)", target="p95 ≤ 2 ms")
        paired(fig, lambda x: queries.search_ids(x[0], limit=50),
               lambda x, sql=sql: raw.execute(sql, (x[1],)).fetchall(), inputs, rng=rng)
        figs.append(judge(fig, p95_ms=2))
    return figs


LIST_SQL = ('SELECT c.id, c.code, c.citizen_name, c.state, p.name, c.field_code, c.received_at, c.due_date, '
            'u.login, u.full_name FROM "case" c JOIN procedure p ON p.id = c.procedure_id '
            'LEFT JOIN user u ON u.id = c.assignee_id {where} ORDER BY c.due_date, c.id LIMIT 200')
RUNNING = ("received", "assigned", "awaiting_approval")


def bench_lists(raw, rng, n) -> list[Figure]:
    from casedesk.services import queries
    from casedesk.services.queries import CaseFilter

    today = context.today().isoformat()
    marks = ", ".join("?" * len(RUNNING))
    n_all = raw.execute('SELECT COUNT(*) FROM "case"').fetchone()[0]
    figs = []
    overdue_where = f"WHERE c.state IN ({marks}) AND c.due_date < ?"
    for label, flt, where, args in (
        ("Case list, first 200 by due date (list_cases)", CaseFilter(), "", ()),
        ("Overdue queue, first 200 (list_cases)", CaseFilter(overdue=True), overdue_where, (*RUNNING, today)),
    ):
        sql = LIST_SQL.format(where=where)
        fig = Figure(label, target="p95 ≤ 50 ms")
        paired(fig, lambda _x, flt=flt: queries.list_cases(flt, order="due_date", limit=200),
               lambda _x, sql=sql, args=args: raw.execute(sql, args).fetchall(), list(range(n)), rng=rng)
        figs.append(judge(fig, p95_ms=50))
    # the other column sorts of the case table: newest first, by name (given name first), by code
    for order, desc, key in (("received_at", True, "c.received_at DESC, c.id DESC"),
                             ("citizen_name", False, "c.name_sort, c.id"), ("code", False, "c.code, c.id"),
                             ("procedure", False, "c.procedure_id, c.id"), ("assignee", False, "c.assignee_id, c.id"),
                             ("state", False, "c.state, c.id")):
        sql = LIST_SQL.format(where="").replace("ORDER BY c.due_date, c.id", f"ORDER BY {key}")
        fig = Figure(f"Case list, first 200 by {order}{' descending' if desc else ''} (list_cases)",
                     target="p95 ≤ 50 ms")
        paired(fig, lambda _x, order=order, desc=desc: queries.list_cases(CaseFilter(), order=order, descending=desc,
                                                                           limit=200),
               lambda _x, sql=sql: raw.execute(sql).fetchall(), list(range(max(10, n // 3))), rng=rng, warmup=2)
        figs.append(judge(fig, p95_ms=50))
    # one field (lĩnh vực), the busiest and the quietest: the list filter a department head uses
    fields = raw.execute('SELECT field_code, COUNT(*) FROM "case" GROUP BY 1 ORDER BY 2 DESC').fetchall()
    for code, count in (fields[0], fields[-1]):
        sql = LIST_SQL.format(where="WHERE c.field_code = ?")
        fig = Figure(f"Cases of one field, first 200 by due date ({code}, {count / n_all:.0%} of cases)",
                     target="p95 ≤ 50 ms")
        paired(fig, lambda _x, code=code: queries.list_cases(CaseFilter(field=code), order="due_date", limit=200),
               lambda _x, sql=sql, code=code: raw.execute(sql, (code,)).fetchall(), list(range(max(10, n // 3))),
               rng=rng, warmup=2)
        figs.append(judge(fig, p95_ms=50))
    # what the table model runs before the first page, and the side bar's counters
    fig = Figure("Count of the overdue queue (count_cases)", target="p95 ≤ 50 ms")
    sql = f'SELECT COUNT(*) FROM "case" c {overdue_where}'
    paired(fig, lambda _x: queries.count_cases(CaseFilter(overdue=True)),
           lambda _x: raw.execute(sql, (*RUNNING, today)).fetchone(), list(range(n)), rng=rng)
    figs.append(judge(fig, p95_ms=50))
    fig = Figure("Count of all cases (count_cases, list header)", target="p95 ≤ 50 ms")
    paired(fig, lambda _x: queries.count_cases(CaseFilter()),
           lambda _x: raw.execute('SELECT COUNT(*) FROM "case"').fetchone(), list(range(max(10, n // 3))),
           rng=rng, warmup=3)
    figs.append(judge(fig, p95_ms=50))
    fig = Figure("Queue counters, side bar (queue_counts)", target="p95 ≤ 50 ms")
    raw_counts = [
        (f'SELECT COUNT(*) FROM "case" WHERE state IN (?, ?, ?, ?) AND assignee_id = ?',
         ("received", "assigned", "supplement_requested", "awaiting_approval", 0)),
        (f"SELECT COUNT(*) FROM \"case\" WHERE state IN ({marks}) AND due_date >= ? AND due_date <= ?",
         (*RUNNING, today, today)),
        (f'SELECT COUNT(*) FROM "case" WHERE state IN ({marks}) AND due_date < ?', (*RUNNING, today)),
        ('SELECT COUNT(*) FROM "case" WHERE state = ?', ("awaiting_approval",)),
        ('SELECT COUNT(*) FROM "case" WHERE state IN (?, ?)', ("approved", "refused")),
        ('SELECT COUNT(*) FROM "case" WHERE state = ?', ("supplement_requested",)),
        ('SELECT COUNT(*) FROM "case" WHERE received_on >= ? AND received_on <= ?', (today, today)),
        (f'SELECT COUNT(*) FROM "case" WHERE state IN ({marks}) AND due_date = ?', (*RUNNING, today)),
    ]
    officer = raw.execute("SELECT id, login FROM user WHERE role = 'officer' ORDER BY id LIMIT 1").fetchone()
    raw_counts[0] = (raw_counts[0][0], raw_counts[0][1][:-1] + (officer[0],))
    paired(fig, lambda _x: queries.queue_counts(login=officer[1]),
           lambda _x: [raw.execute(s, a).fetchone() for s, a in raw_counts], list(range(n)), rng=rng)
    figs.append(judge(fig, p95_ms=50))
    return figs


def bench_report(raw, rng, n) -> Figure:
    fig = Figure("Monthly II.06a figures (reports.compute)", target="p95 ≤ 300 ms, ≤ 1.5×")
    try:
        reports = importlib.import_module("casedesk.reports")
    except ImportError:
        reports = None
    if reports is None or not hasattr(reports, "compute"):
        fig.note = "skipped: casedesk/reports.py (compute) is not there yet"
        return fig
    import inspect

    today = context.today()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)      # the last full month
    last = today.replace(day=1) - dt.timedelta(days=1)
    call = _report_call(reports, first, last)
    if call is None:
        fig.note = f"skipped: cannot call reports.compute{inspect.signature(reports.compute)}"
        return fig
    start, end = first.isoformat(), last.isoformat()
    after = (last + dt.timedelta(days=1)).isoformat() + " 00:00:00"
    as_of = min(last, today).isoformat()
    # written by hand the way one would for SQLite: each pass a two-sided range on an index
    waiting = ("EXISTS (SELECT 1 FROM event a WHERE a.case_id = c.id AND a.action = 'request_supplement' "
               "AND a.at < :after AND NOT EXISTS (SELECT 1 FROM event r WHERE r.case_id = c.id "
               "AND r.action = 'resume' AND r.id > a.id AND r.at < :after))")
    in_hand = (f"SUM(received_on < :start), SUM(received_on <= :end), "
               f"SUM(received_on <= :end AND (due_date >= :as_of OR {waiting}))")
    moved = ("EXISTS (SELECT 1 FROM event m WHERE m.case_id = c.id AND m.action IN ('resume', 'extend') "
             "AND m.at >= :after)")
    args = {"start": start, "end": end, "after": after, "as_of": as_of, "first_t": start + " 00:00:00"}
    raw_sql = [
        # (4), (5): received in the month, by field, channel and officer
        'SELECT field_code, channel, assignee_id, COUNT(*) FROM "case" WHERE received_on BETWEEN :start AND :end '
        "GROUP BY 1, 2, 3",
        # (6), (11)-(13) for the cases still open, and for those resolved after the month
        f'SELECT field_code, {in_hand} FROM "case" c WHERE resolved_on IS NULL GROUP BY 1',
        f'SELECT field_code, {in_hand} FROM "case" c WHERE resolved_on > :end AND resolved_on <= \'9999\' GROUP BY 1',
        # (6), (7)-(10): resolved in the month, early / on time (and every refusal, withdrawal) / late
        "SELECT field_code, assignee_id, SUM(received_on < :start), COUNT(*), SUM(NOT x AND resolved_on < due_date), "
        "SUM(x OR resolved_on = due_date), SUM(NOT x AND resolved_on > due_date) FROM ("
        "SELECT field_code, assignee_id, received_on, resolved_on, due_date, state IN ('refused', 'withdrawn') OR "
        "(state = 'delivered' AND EXISTS (SELECT 1 FROM event e WHERE e.case_id = c.id AND e.action = 'refuse')) "
        'AS x FROM "case" c WHERE resolved_on BETWEEN :start AND :end) GROUP BY 1, 2',
        # in hand at the end with a due date moved since: judged again on the date in force then
        f'SELECT id, field_code, due_date, original_due_date FROM "case" c WHERE resolved_on IS NULL '
        f"AND received_on <= :end AND {moved} AND NOT {waiting}",
        f'SELECT id, field_code, due_date, original_due_date FROM "case" c WHERE resolved_on > :end '
        f"AND resolved_on <= '9999' AND received_on <= :end AND {moved} AND NOT {waiting}",
        # officers: overdue now, ratings of the month's deliveries
        "SELECT assignee_id, COUNT(*) FROM \"case\" WHERE state IN ('received', 'assigned', 'awaiting_approval') "
        "AND due_date < :as_of AND assignee_id IS NOT NULL GROUP BY 1",
        'SELECT rating, assignee_id, COUNT(*) FROM "case" WHERE delivered_at >= :first_t AND delivered_at < :after '
        "GROUP BY 1, 2",
    ]
    raw_sql = [(sql, args) for sql in raw_sql]
    paired(fig, lambda _x: call(), lambda _x: [raw.execute(s, a).fetchall() for s, a in raw_sql],
           list(range(n)), rng=rng, warmup=2)
    fig.note = (f"{first:%m/%Y}; raw: the same passes hand-written as range GROUP BYs (received, open, "
                "resolved in and after the month, moved due dates, officers)")
    return judge(fig, p95_ms=300, ratio=1.5)


def _report_call(reports, first: dt.date, last: dt.date):
    """How to ask reports.compute for one month (its module is written by others)."""
    import inspect

    params = inspect.signature(reports.compute).parameters
    if "period" in params and hasattr(reports, "month_period"):
        period = reports.month_period(first.year, first.month)
        return lambda: reports.compute(period)
    for a, b in (("date_from", "date_to"), ("start", "end"), ("first", "last")):
        if a in params and b in params:
            return lambda: reports.compute(**{a: first, b: last})
    return None


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
    people = make_db.People(random.Random(7))
    inputs = []
    for _ in range(n):
        name, _f, _s, id_number, phone, address, _b, _e = people.citizen()
        inputs.append(dict(actor=clerk, procedure=rng.choice(procs), citizen_name=name, id_number=id_number,
                           phone=display_phone(phone), address=address))
    fig = Figure(f"Receive {n:,} cases (services.receive_case, WAL + synchronous=FULL)", unit="cases/s",
                 target="≥ 100 cases/s")
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
    fig.ok = fig.value >= 100
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
        db.execute_sql("DELETE FROM day_counter")
        for row in snap["counters"]:
            db.execute_sql("INSERT INTO day_counter (unit_code, day, last) VALUES (?, ?, ?)", row)
        db.execute_sql("UPDATE meta SET value = ? WHERE key = ?", (snap["head"], audit.HEAD_KEY))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# ------------------------------------------------------------------ memory and size

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
        import run
        reports = importlib.import_module('casedesk.reports')
        import datetime as dt
        from casedesk import context
        first = (context.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        call = run._report_call(reports, first, context.today().replace(day=1) - dt.timedelta(days=1))
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


def bench_size(path: Path, cases: int) -> Figure:
    fig = Figure("Database size per case", unit="B/case", target="≤ 1,024 B/case")
    total = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    fig.value = total / cases
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        parts = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    except sqlite3.OperationalError:
        parts = {}
    con.close()
    if parts:
        tables = parts.get("case", 0) + parts.get("event", 0)
        fig.raw_value = tables / cases
        idx = sum(v for k, v in parts.items() if k not in ("case", "event"))
        fig.note = (f"case rows {parts.get('case', 0) / cases:,.0f} B, audit rows {parts.get('event', 0) / cases:,.0f} B, "
                    f"indexes and the rest {idx / cases:,.0f} B; raw: the two tables without any index")
    fig.ok = fig.value <= 1024
    return fig


# ------------------------------------------------------------------ output

def fmt(v: float | None, unit: str = "ms") -> str:
    if v is None or v != v:
        return "–"
    if unit == "ms":
        return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"
    return f"{v:,.0f}"


def table(figs: list[Figure]) -> str:
    head = ("| Figure | CaseDesk p50 | p95 | raw p50 | p95 | ratio | target | met |",
            "|---|---:|---:|---:|---:|---:|---|:-:|")
    lines = list(head)
    for f in figs:
        if f.value is not None:
            cells = [f"{fmt(f.value, f.unit)} {f.unit}", "", f"{fmt(f.raw_value, f.unit)} {f.unit}", ""]
        elif f.app:
            cells = [fmt(pct(f.app, 50)), fmt(pct(f.app, 95)), fmt(pct(f.raw, 50)), fmt(pct(f.raw, 95))]
            cells = [c + " ms" if c != "–" else c for c in cells]
            if f.p50_only:
                cells[1] = cells[3] = "–"
        else:
            cells = ["–"] * 4
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "–"
        met = {True: "yes", False: "**NO**", None: "–"}[f.ok]
        lines.append(f"| {f.name} | " + " | ".join(cells) + f" | {ratio} | {f.target} | {met} |")
    notes = [f"- {f.name}: {f.note}" for f in figs if f.note]
    return "\n".join(lines + [""] + notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CaseDesk benchmarks against the raw engine")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES:,} cases, fewer samples")
    parser.add_argument("--rebuild", action="store_true", help="build the database even if cached")
    parser.add_argument("--samples", type=int, default=None, help="inputs per figure (default 300, quick 100)")
    parser.add_argument("--receive", type=int, default=1000, help="cases to receive (default 1,000)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="repeat the query figures and keep each one's quietest round (default 3, quick 1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--only", default="", help="comma list: search,lookup,list,report,receipt,receive,memory,size")
    args = parser.parse_args(argv)
    cases = QUICK_CASES if args.quick else args.cases
    samples = args.samples or (100 if args.quick else 300)
    only = set(filter(None, args.only.split(",")))
    want = lambda k: not only or k in only  # noqa: E731
    rng = random.Random(args.seed)

    path, built = ensure_db(cases, args.rebuild)
    t = clock()
    open_database(path)      # brings a cached file up to the current schema
    opened = clock() - t
    raw = raw_connection(path)
    n_cases = raw.execute('SELECT COUNT(*) FROM "case"').fetchone()[0]
    figs: list[Figure] = []
    started = clock()
    rounds = args.rounds or (1 if args.quick else 3)
    if want("search"):
        figs.extend(best_of(rounds, lambda: [bench_search(raw, rng, samples)]))
    if want("lookup"):
        figs.extend(best_of(rounds, lambda: bench_lookups(raw, rng, samples)))
    if want("list"):
        figs.extend(best_of(rounds, lambda: bench_lists(raw, rng, max(30, samples // 5))))
    if want("report"):
        figs.extend(best_of(rounds, lambda: [bench_report(raw, rng, max(20, samples // 8))]))
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
          f"best of {rounds} round{'s' if rounds > 1 else ''}")
    print()
    print(table(figs))
    if args.json:
        args.json.write_text(json.dumps({"cases": n_cases, "date": dt.date.today().isoformat(), "rounds": rounds,
                                         "built_seconds": built, "figures": [f.as_dict() for f in figs]},
                                        ensure_ascii=False, indent=2))
    return 0 if all(f.ok is not False for f in figs) else 1


if __name__ == "__main__":
    sys.exit(main())
