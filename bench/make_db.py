"""Build a realistic CaseDesk database of N cases, fast, for the benchmarks.

    python bench/make_db.py --cases 1000000 --out bench/cases-1000000.db [--check]

What it makes (a province-scale one-stop office when N is a million):

* the schema through ``casedesk.db.open_database`` and the office, staff and catalogue
  through the real services (``office.init_office``, ``auth.add_user``);
* N cases spread over five years of working days ending now, received in office hours,
  numbered ``{unit}-{YYMMDD}-{NNNN}`` per day and in the year's ledger in time order;
  every procedure of the catalogue (popular ones more often, as in ``casedesk.demo``);
  citizens named from ``resources/demo/names.toml`` (family names by their weights,
  middle names by rank, given names uniformly), one in five coming back with another case;
* each case's life as the services would have written it: assign, sometimes a supplement
  request and its resume (the due date moves by the days waited), sometimes an apology and
  extension, submit, sometimes a return, approve or refuse (or the citizen withdraws), deliver
  with a rating.  What lies after "now" has not happened yet, so recent cases are in every open
  state; a few old cases are stuck (never assigned, never finished, results never collected);
* one audit row per action, hash-chained and stored exactly as ``casedesk.audit.record`` does
  (one 32-byte digest a row, ``recorded_at`` left empty as it equals ``at``, the receive row without
  what its case row holds), each case pointing at its procedure's list of papers (``paper_list``),
  the FTS5 name index, the day counters and the ledger counters.

The office itself (staff, citizens, working days, each dossier's life) is ``office_life.py``.

Rows are written with raw ``sqlite3.executemany`` (peewee's ``insert_many`` is about 3x slower),
with the secondary indexes dropped during the load and recreated from their own SQL.  The file is
written under a temporary name and renamed when complete.  ``--check`` then runs
``casedesk-cli check`` (integrity check and the whole audit chain).
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import heapq
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _folder in (ROOT, HERE):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from casedesk import audit, audit_state, context, search  # noqa: E402
from casedesk.db import close_database, database, open_database, write  # noqa: E402
from office_life import (NOTES, ONE_DAY, POPULAR, RECEIVED, TARGET, Builder, Days, People,  # noqa: E402
                         cumulative, staff, work_time)

OFFICE = {
    "office": "Trung tâm Phục vụ hành chính công tỉnh Phú Thọ (chi nhánh An Phú)",
    "commune": "Xã An Phú",
    "province": "Tỉnh Phú Thọ",
    "unit_code": "000.00.31.H26",
}
PASSWORD = "bench-mat-khau-2026"

# ------------------------------------------------------------------ build

def _iso(t: dt.datetime) -> str:
    return t.isoformat(sep=" ")


def _jsontext(value) -> str:
    """As models.JSONText stores it."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hash(prev, case_id, actor, action, from_state, to_state, note, changes, at_s, rec_s) -> bytes:
    """audit.row_hash as bytes, with the times already in canonical text (checked against it below)."""
    content = json.dumps([prev, case_id, actor, action, from_state, to_state, note, changes, at_s, rec_s, False],
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).digest()


def _setup(path: Path, start: dt.datetime, rng: random.Random) -> dict:
    """Schema, office, staff and catalogue through the real code."""
    from casedesk.models import Field, PaperList, Procedure, User
    from casedesk.services import auth, office

    os.environ.setdefault("CASEDESK_HOME", str(path.parent / ".casedesk-home"))
    open_database(path)
    context.set_clock(lambda: start)
    try:
        office.init_office(admin_login="admin", admin_password=PASSWORD, admin_name="Đỗ Quang Huy", **OFFICE)
        used_fields = sorted({p.field_code for p in Procedure.select(Procedure.field)})
        for login, role, name, fields in staff(used_fields):
            auth.add_user(actor="admin", login=login, role=role, full_name=name, password=PASSWORD,
                          fields=fields, phone=f"091{rng.randint(1000000, 9999999)}")
        settings = context.settings()
        cal = context.calendar()
        procs = []
        with write():      # each procedure's list as receive_case stores it when every paper is handed in
            for p in Procedure.select().order_by(Procedure.id):
                papers = [{"name": x["name"], "original": x["original"], "copies": x["copies"],
                           "optional": x.get("optional", False), "received": not x.get("optional", False)}
                          for x in p.papers or ()]
                procs.append({"id": p.id, "code": p.code, "version": p.version, "field": p.field_code,
                              "days": p.days, "fee": p.fee, "paper_list": PaperList.id_for(papers),
                              "papers_digest": audit_state.papers_digest(papers)})
        users = [(u.id, u.login, u.role, tuple(u.fields or ())) for u in User.select()]
        fields = [f.code for f in Field.select()]
        db = database.obj
        head = db.execute_sql("SELECT value FROM meta WHERE key = ?", (audit.HEAD_KEY,)).fetchone()[0]
        last_event = db.execute_sql("SELECT MAX(id) FROM event").fetchone()[0]
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return {"unit": settings.unit_code, "cutoff": settings.cutoff_time, "cal": cal, "procs": procs,
                "users": users, "fields": fields, "head": head, "last_event": last_event,
                "ledger_book": settings.ledger_book}
    finally:
        context.set_clock(None)
        close_database()


def build(n_cases: int, out: Path, *, seed: int = 1, years: int = 5, now: dt.datetime | None = None,
          quiet: bool = False) -> dict:
    t_start = time.perf_counter()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    rng = random.Random(seed)
    if now is None:
        from zoneinfo import ZoneInfo

        now = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0)
    now = now.replace(second=0, microsecond=0)
    first_day = (now - dt.timedelta(days=round(365.25 * years))).date()
    out = out.resolve()
    tmp = out.with_name(out.name + ".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    start = dt.datetime.combine(first_day - dt.timedelta(days=7), dt.time(8, 0))
    info = _setup(tmp, start, rng)
    say(f"schema, office and staff ready ({time.perf_counter() - t_start:.1f} s)")

    cal = info["cal"]
    days = Days(cal, first_day - dt.timedelta(days=10), now.date() + dt.timedelta(days=800))
    # the period ends with the last full working day before now (today's desk is the benchmark's)
    recv_days = [d for d in days.days if first_day <= d < now.date()]
    users = info["users"]
    clerks = [login for _id, login, role, _f in users if role == "clerk"]
    leaders = [login for _id, login, role, _f in users if role == "vice_chairman"]
    officers: dict[str, list[str]] = {}
    for _id, login, role, fields in users:
        if role == "officer":
            for f in fields:
                officers.setdefault(f, []).append(login)
    user_id = {login: uid for uid, login, _r, _f in users}
    procs = info["procs"]
    for p in procs:
        officers.setdefault(p["field"], [login for _i, login, r, _f in users if r == "officer"][:1])
    proc_cum = list(cumulative([8.0 if p["code"] in POPULAR else 1.0 for p in procs]))
    builder = Builder(rng=rng, cal=cal, cutoff=info["cutoff"], days=days, now=now, procs=procs,
                      officers=officers, clerks=clerks, leaders=leaders)
    people = People(rng)

    # cases per working day: a slow growth over the years, a pre-Tết rush, daily noise
    weights = []
    for i, d in enumerate(recv_days):
        w = (0.75 + 0.5 * i / max(1, len(recv_days) - 1)) * (1.4 if d.month in (1, 12) else 1.0)
        weights.append(w * rng.uniform(0.8, 1.2))
    total_w = sum(weights)
    per_day = [int(w / total_w * n_cases) for w in weights]
    for _k in range(n_cases - sum(per_day)):
        per_day[rng.randrange(len(per_day))] += 1

    con = sqlite3.connect(str(tmp), isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA cache_size = -1000000")
    con.execute("PRAGMA temp_store = MEMORY")
    saved_indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('case', 'event')").fetchall()
    for name, _sql in saved_indexes:
        con.execute(f'DROP INDEX "{name}"')
    case_cols = {r[1]: r for r in con.execute('PRAGMA table_info("case")')}
    columns = ["id", "code", "procedure_id", "field_code", "state", "channel", "citizen_name", "name_folded",
               "name_sort", "id_number", "phone", "address", "email", "birth_date", "sets", "fee", "paper_list_id",
               "pickup", "received_at", "received_on", "due_date", "original_due_date", "assignee_id",
               "received_by_id", "extended", "paused_on", "resolved_at", "resolved_on", "delivered_at",
               "receiver", "rating", "ledger_book", "ledger_no", "last_event_at", "updated_at"]
    missing = [c for c, r in case_cols.items() if c not in columns and r[3] and r[4] is None]
    if missing:
        raise SystemExit(f"make_db.py does not fill the new NOT NULL case columns {missing}: update it")
    case_sql = f'INSERT INTO "case" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    event_sql = ("INSERT INTO event (id, case_id, actor, action, from_state, to_state, note, changes, at, "
                 "recorded_at, late_entry, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?)")
    fts_sql = "INSERT INTO case_search (rowid, name) VALUES (?, ?)"

    unit = info["unit"]
    prev = info["head"]
    event_id = info["last_event"]
    checked = 0
    pending: list = []        # heap of (time, tie, case_id, actor, action, from, to, note, changes, stored)
    case_rows, fts_rows, event_rows = [], [], []
    counters: dict[tuple[str, str], int] = {}
    ledger: dict[int, int] = {}
    states: dict[str, int] = {}
    case_id = 0
    tie = 0
    rating_choices = ("very_satisfied",) * 45 + ("satisfied",) * 35 + ("unsatisfied",) * 4 + (None,) * 16

    def flush_events(until: dt.datetime | None) -> None:
        nonlocal prev, event_id, checked
        while pending and (until is None or pending[0][0] < until):
            t, _tie, cid, actor, action, from_state, to_state, note, changes, stored = heapq.heappop(pending)
            at_s = _iso(t)
            digest = _hash(prev, cid, actor, action, from_state, to_state, note, changes, at_s, at_s)
            if checked < 50:       # the fast hash must be the audit module's hash
                assert digest.hex() == audit.row_hash(prev, case_id=cid, actor=actor, action=action,
                                                      from_state=from_state, to_state=to_state, note=note,
                                                      changes=changes, at=t, recorded_at=t, late_entry=False)
                checked += 1
            event_id += 1
            event_rows.append((event_id, cid, actor, action, from_state, to_state, note, stored, at_s, digest))
            prev = digest.hex()

    def write_batch() -> None:
        if case_rows:
            con.executemany(case_sql, case_rows)
            con.executemany(fts_sql, fts_rows)
            case_rows.clear()
            fts_rows.clear()
        if event_rows:
            con.executemany(event_sql, event_rows)
            event_rows.clear()

    con.execute("BEGIN")
    next_report = 100_000
    n_procs = len(procs)
    for day, count in zip(recv_days, per_day):
        if not count:
            continue
        times = sorted(work_time(rng, day) for _ in range(count))
        counters[(unit, day.isoformat())] = count
        code_prefix = f"{unit}-{day:%y%m%d}-"
        for seq, t0 in enumerate(times, start=1):
            case_id += 1
            proc = procs[case_id - 1] if case_id <= n_procs else \
                procs[bisect.bisect_right(proc_cum, rng.random() * proc_cum[-1])]
            name, folded, sort_key, id_number, phone, address, birth, email = people.citizen()
            code = code_prefix + f"{seq:04d}"
            book = info["ledger_book"] or str(day.year)
            ledger[day.year] = ledger_no = ledger.get(day.year, 0) + 1
            channel = rng.choices(("in_person", "post", "online"), (70, 5, 25))[0]
            steps, due0, officer = builder.life(t0, proc)
            due = due0
            # receive
            tie += 1
            clerk = steps[0][1] if steps else rng.choice(clerks)
            # hashed with the case's code, procedure and due date, stored without them (audit.RECEIVE_KEYS)
            receive_tie = tie       # the receive row is queued once the intake is known (below)
            state, assignee, extended, paused = RECEIVED, None, False, None
            resolved_at = delivered_at = rating = None
            receiver = ""
            last = t0
            for t, actor, action in steps:
                if t > now:
                    break
                note = rng.choice(NOTES[action]) if action in NOTES else ""
                changes: dict = {}
                if action == "assign":
                    changes = {"assignee": [None, officer]}
                    assignee = user_id[officer]
                elif action == "request_supplement":
                    paused = t.date()
                    changes = {"paused_on": paused.isoformat()}
                elif action == "resume":
                    waited = days.between(paused, t.date())
                    new_due = due
                    if waited > 0:
                        new_due = days.days[days.at_or_after(due + ONE_DAY) + waited - 1]
                    changes = {"waited_days": waited, "due_date": [due.isoformat(), new_due.isoformat()]}
                    due, paused = new_due, None
                elif action == "extend":
                    if extended or days.between(t.date(), due) < 1:
                        continue
                    new_due = days.days[days.at_or_after(due + ONE_DAY) + rng.randint(1, 5) - 1]
                    changes = {"due_date": [due.isoformat(), new_due.isoformat()]}
                    due, extended = new_due, True
                elif action in ("approve", "refuse", "withdraw"):
                    resolved_at = t
                elif action == "deliver":
                    receiver = name if rng.random() < 0.9 else people.citizen()[0]
                    rating = rng.choice(rating_choices)
                    changes = {"receiver": receiver, "rating": rating}
                    delivered_at = t
                to_state = TARGET[action] or state
                tie += 1
                heapq.heappush(pending, (t, tie, case_id, actor, action, state, to_state, note, changes,
                                         _jsontext(changes)))
                state = to_state
                last = t
            states[state] = states.get(state, 0) + 1
            received_at = _iso(t0)
            sets = 1 if rng.random() < 0.9 else 2
            pickup = "post" if rng.random() < 0.08 else "desk"
            # the intake fingerprint receive_case records (audit_state): check compares the case row with it
            intake = {"intake": audit_state.fingerprint(audit_state.INTAKE_FIELDS, {
                "citizen_name": name, "id_number": id_number, "phone": phone, "address": address, "email": email,
                "birth_date": birth, "channel": channel, "pickup": pickup, "sets": sets, "fee": proc["fee"],
                "papers": proc["papers_digest"], "field_code": proc["field"], "ledger_book": book,
                "ledger_no": ledger_no})}
            heapq.heappush(pending, (t0, receive_tie, case_id, clerk, "receive", None, RECEIVED, "",
                                     {**audit.receive_changes(code=code, procedure=proc["code"],
                                                              version=proc["version"], due_date=due0), **intake},
                                     _jsontext(intake)))
            case_rows.append((
                case_id, code, proc["id"], proc["field"], state, channel, name, folded, sort_key, id_number,
                phone, address, email, birth, sets, proc["fee"], proc["paper_list"],
                pickup, received_at, day.isoformat(), due.isoformat(),
                due0.isoformat(),
                assignee, user_id[clerk], int(extended), paused.isoformat() if paused else None,
                _iso(resolved_at) if resolved_at else None,
                resolved_at.date().isoformat() if resolved_at else None,
                _iso(delivered_at) if delivered_at else None, receiver, rating, book, ledger_no,
                _iso(last), _iso(last)))
            fts_rows.append((case_id, folded))
        flush_events(dt.datetime.combine(day + ONE_DAY, dt.time()))
        if len(case_rows) >= 20000 or len(event_rows) >= 100000:
            write_batch()
            if case_id >= next_report:
                next_report += 100_000
                say(f"  {case_id:>9,} cases, {event_id:>10,} events ({time.perf_counter() - t_start:.0f} s)")
    flush_events(None)
    write_batch()
    for (unit_code, day), last in counters.items():
        con.execute("INSERT INTO day_counter (unit_code, day, last) VALUES (?, ?, ?)", (unit_code, day, last))
    for year, last in ledger.items():
        book = info["ledger_book"] or str(year)
        con.execute("INSERT INTO day_counter (unit_code, day, last) VALUES (?, ?, ?)",
                    (f"LEDGER:{book}", dt.date(year, 1, 1).isoformat(), last))
    con.execute("UPDATE meta SET value = ? WHERE key = ?", (prev, audit.HEAD_KEY))
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (search.TERMS_TABLE,)).fetchone():
        # the words of the name index, as search.index_case adds them one case at a time
        con.execute(f"CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, {search.FTS_TABLE}, row)")
        con.execute(f"INSERT OR IGNORE INTO {search.TERMS_TABLE}(term) SELECT term FROM temp.vocab")
        con.execute("DROP TABLE temp.vocab")
    con.execute("COMMIT")
    say(f"rows written ({time.perf_counter() - t_start:.0f} s); building indexes")
    for name, sql in saved_indexes:
        con.execute(sql)
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    os.replace(tmp, out)
    elapsed = time.perf_counter() - t_start
    summary = {"cases": case_id, "events": event_id, "seconds": round(elapsed, 1), "states": states,
               "bytes": out.stat().st_size, "now": now.isoformat(sep=" "), "first_day": first_day.isoformat()}
    say(f"{case_id:,} cases, {event_id:,} audit rows, {out.stat().st_size / 1e6:,.0f} MB in {elapsed:.0f} s")
    say("states: " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))
    return summary


def check(path: Path) -> bool:
    """``casedesk-cli --db FILE check``: SQLite's integrity check and the whole audit chain."""
    cli = Path(sys.executable).with_name("casedesk-cli")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "casedesk.cli"]
    done = subprocess.run(cmd + ["--db", str(path), "check"])
    return done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--now", help="end of the period, office time (YYYY-MM-DD HH:MM); default: now")
    parser.add_argument("--check", action="store_true", help="run casedesk-cli check on the result")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).with_name(f"cases-{args.cases}.db")
    now = dt.datetime.fromisoformat(args.now) if args.now else None
    build(args.cases, out, seed=args.seed, years=args.years, now=now)
    if args.check:
        t = time.perf_counter()
        ok = check(out)
        print(f"check {'passed' if ok else 'FAILED'} in {time.perf_counter() - t:.0f} s")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
