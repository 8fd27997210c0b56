"""A realistic demo office: staff of a commune centre and six months of dossiers.

Every case goes through the real services in time order (the clock is wound
forward step by step), so the audit trail, the due dates and the reports are
exactly what a real office would have.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
import tomllib

from . import context
from .db import database, is_sqlite, write
from .models import Meta, User
from .paths import resource_path
from .services import auth, cases, catalogue, office

OFFICE = {
    "office": "Trung tâm Phục vụ hành chính công xã An Phú",
    "commune": "Xã An Phú",
    "province": "Tỉnh Phú Thọ",
    "unit_code": "000.00.31.H26",
}

STAFF = [
    # login, role, full name, fields
    ("admin", "admin", "Đỗ Quang Huy", ()),
    ("mai", "clerk", "Trần Thị Mai", ()),
    ("hung", "officer", "Lê Văn Hùng", ("HT", "CT", "LT")),
    ("duong", "officer", "Nguyễn Văn Đường", ("DD", "XD")),
    ("lan", "officer", "Phạm Thị Lan", ("BTXH", "NCC")),
    ("son", "officer", "Hoàng Minh Sơn", ("KT", "CTR")),
    ("thao", "vice_chairman", "Vũ Thị Thảo", ()),
]
# Who signs what the register cannot name from its own trail (documents/signers.py): the demo office
# fills them, as a real office must before it prints.
SIGNERS = {
    "leader_title": "PHÓ CHỦ TỊCH", "leader_name": "Vũ Thị Thảo", "chairman_name": "Nguyễn Đức Thắng",
    "centre_head_title": "GIÁM ĐỐC", "centre_head_name": "Bùi Thị Hạnh", "report_preparer": "Trần Thị Mai",
    "address": "Thôn Trung, xã An Phú, tỉnh Phú Thọ",
}


DEMO_KEY = "demo"     # in meta: this register was built as the demo office (by build_demo)


def is_demo() -> bool:
    """Whether the open register is a demo office.  Registers built before the mark existed count as
    the demo when they are exactly it: its office name and unit code, and all seven of its staff
    with their names (a real office shares none of that by chance, and the CLI refuses the rest)."""
    if Meta.get_or_none(Meta.key == DEMO_KEY) is not None:
        return True
    settings = context.settings()
    if settings.office_name != OFFICE["office"] or settings.unit_code != OFFICE["unit_code"]:
        return False
    staff = {(u.login, u.full_name) for u in User.select(User.login, User.full_name)}
    return {(login, name) for login, _role, name, _fields in STAFF} <= staff


def file_is_demo(path) -> bool:
    """``is_demo`` for a register file that is not open, read-only (a demo the first run of an older
    CaseDesk built at the real office's place)."""
    import json
    import sqlite3

    from .backup_check import connect_ro

    try:
        conn = connect_ro(path)
    except (sqlite3.Error, OSError):
        return False
    try:
        if conn.execute("SELECT 1 FROM meta WHERE key = ?", (DEMO_KEY,)).fetchone():
            return True
        settings = dict(conn.execute("SELECT key, value FROM setting WHERE key IN ('office_name', 'unit_code')"))
        if (json.loads(settings.get("office_name", "null")) != OFFICE["office"]
                or json.loads(settings.get("unit_code", "null")) != OFFICE["unit_code"]):
            return False
        staff = set(conn.execute('SELECT login, full_name FROM "user"').fetchall())
        return {(login, name) for login, _role, name, _fields in STAFF} <= staff
    except (sqlite3.Error, ValueError):
        return False
    finally:
        conn.close()


def _password() -> str:
    return f"{secrets.choice(['an', 'phu', 'sen', 'lua', 'tre'])}-{secrets.randbelow(9000) + 1000}-" \
           f"{secrets.token_hex(2)}"


def load_names() -> dict:
    """The Vietnamese name and address data of ``resources/demo/names.toml`` (family names with their
    weights, middle and given names by sex, villages, streets), for the demo and the benchmarks."""
    with open(resource_path("demo", "names.toml"), "rb") as fh:
        return tomllib.load(fh)


class _Names:
    def __init__(self, rng: random.Random):
        data = load_names()
        self.rng = rng
        self.data = data
        self.families = [f["name"] for f in data["family"]]
        self.weights = [f["weight"] for f in data["family"]]

    def person(self) -> tuple[str, bool]:
        female = self.rng.random() < 0.5
        family = self.rng.choices(self.families, self.weights)[0]
        middle = self.rng.choice(self.data["female_middle" if female else "male_middle"])
        given = self.rng.choice(self.data["female_given" if female else "male_given"])
        return f"{family} {middle} {given}", female

    def address(self) -> str:
        if self.rng.random() < 0.6:
            return f"{self.rng.choice(self.data['villages'])}, xã An Phú, tỉnh Phú Thọ"
        return f"Số {self.rng.randint(1, 250)} {self.rng.choice(self.data['streets'])}, xã An Phú, tỉnh Phú Thọ"


PROVINCES = ("025", "001", "026", "019", "022", "031", "038", "079")
PREFIXES = ("091", "094", "098", "097", "086", "088", "035", "039", "070", "077", "083", "056")


def _id_number(rng: random.Random, female: bool) -> str:
    year = rng.randint(1950, 2006)
    century = (0 if year < 2000 else 2) + (1 if female else 0)
    return f"{rng.choice(PROVINCES)}{century}{year % 100:02d}{rng.randint(0, 999999):06d}"


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(PREFIXES)}{rng.randint(0, 9999999):07d}"


def _work_time(rng: random.Random, day: dt.date) -> dt.datetime:
    minute = rng.choice([rng.randint(7 * 60 + 30, 11 * 60 + 20), rng.randint(13 * 60 + 30, 16 * 60 + 50)])
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60))


def _in_office_hours(rng: random.Random, cal, when: dt.datetime) -> dt.datetime:
    """``when``, or the next moment the office is open (never earlier): no approvals at 3 a.m."""
    opening, closing = dt.time(7, 30), dt.time(16, 50)
    day = when.date()
    if cal.is_working_day(day) and opening <= when.time() <= closing:
        return when
    if not cal.is_working_day(day) or when.time() > closing:
        day = cal.next_working_day(day)
    start = dt.datetime.combine(day, opening)
    return start + dt.timedelta(minutes=rng.randint(0, 150))


def build_demo(*, cases: int = 300, seed: int = 1, progress=None) -> dict:
    """Fill a fresh database with the demo office; returns who can log in (passwords once).

    ``progress(done, total)`` is called as the cases' steps are taken (for a progress bar)."""
    rng = random.Random(seed)
    users = []
    if not office.is_initialised():
        admin_password = _password()
        with write():      # one transaction: the office and the mark that it is the demo
            office.init_office(admin_login="admin", admin_password=admin_password, admin_name=STAFF[0][2],
                               extra=SIGNERS, **OFFICE)
            Meta.insert(key=DEMO_KEY, value="1").on_conflict_replace().execute()
        users.append(("admin", "admin", STAFF[0][2], admin_password))
        for login, role, name, fields in STAFF[1:]:
            password = _password()
            auth.add_user(actor="admin", login=login, role=role, full_name=name, password=password,
                          fields=fields, phone=_phone(rng))
            users.append((login, role, name, password))
    db = database.obj
    if is_sqlite(db):
        db.execute_sql("PRAGMA synchronous = OFF")  # bulk back-fill; a crash here just means re-run the demo
    try:
        made = _fill(rng, cases, progress)
    finally:
        context.set_clock(None)
        if is_sqlite(db):
            db.execute_sql("PRAGMA synchronous = FULL")
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"office": OFFICE["office"], "cases": made, "users": users}


def _fill(rng: random.Random, count: int, progress=None) -> int:
    if count <= 0:
        return 0
    names = _Names(rng)
    cal = context.calendar()
    end = context.now()
    start_day = (end - dt.timedelta(days=182)).date()
    procs = catalogue.list_procedures(on=start_day)
    officer_for = {}
    for login, role, _name, fields in STAFF:
        for f in fields:
            officer_for[f] = login
    # popular procedures come up more often
    weights = [8 if p.code in ("HT-01", "CT-01", "CT-02", "HT-03", "CTR-02") else 1 for p in procs]
    steps: list[tuple[dt.datetime, int, str, dict]] = []
    working_days = []
    day = start_day
    while day <= end.date():
        if cal.is_working_day(day):
            working_days.append(day)
        day += dt.timedelta(days=1)
    # the last days' cases stay in hand: about 20 of them (at least the last 8 working days' worth)
    recent_days = min(len(working_days), max(8, -(-20 * len(working_days) // max(count, 1))))
    recent = working_days[-recent_days] if working_days else start_day
    for i in range(count):
        day = working_days[min(len(working_days) - 1, int(len(working_days) * (rng.random() ** 0.8)))]
        t0 = _work_time(rng, day)
        if t0 > end:
            t0 = end - dt.timedelta(minutes=rng.randint(5, 60))
        proc = rng.choices(procs, weights)[0]
        person, female = names.person()
        receive = dict(procedure=proc.code, citizen_name=person, id_number=_id_number(rng, female),
                       phone=_phone(rng), address=names.address(),
                       channel=rng.choices(["in_person", "post", "online"], [70, 5, 25])[0],
                       sets=1 if rng.random() < 0.9 else 2, actor="mai")
        steps.append((t0, i, "receive", receive))
        due = cal.due(t0, proc.days).due
        officer = officer_for.get(proc.field_code, "hung")
        # plan the rest of the case's life
        outcome = rng.random()
        finish_day = _pick_finish(rng, cal, t0.date(), due)
        t = t0 + dt.timedelta(minutes=rng.randint(10, 90))
        plan = [("assign", {"to": officer, "actor": "mai"})]
        if rng.random() < 0.08:
            plan.append(("request_supplement", {"actor": officer, "note": "Thiếu bản sao giấy tờ tùy thân"}))
            plan.append(("resume", {"actor": officer}))
        if outcome < 0.03:
            plan.append(("withdraw", {"actor": "mai", "note": "Công dân xin rút hồ sơ"}))
        else:
            plan.append(("submit", {"actor": officer}))
            if rng.random() < 0.05:
                plan.append(("return", {"actor": "thao", "note": "Bổ sung ý kiến thẩm định"}))
                plan.append(("submit", {"actor": officer}))
            if outcome < 0.06:
                plan.append(("refuse", {"actor": "thao", "note": "Không đủ điều kiện theo quy định"}))
            else:
                plan.append(("approve", {"actor": "thao"}))
            rating = rng.choices(["very_satisfied", "satisfied", "unsatisfied", None], [45, 35, 4, 16])[0]
            plan.append(("deliver", {"actor": "mai", "rating": rating}))
        stage = rng.random()
        if t0.date() >= recent and stage < 0.8:
            # the last days' cases are in hand, in every state a desk meets: with their officer, waiting for
            # the citizen's supplement, for the vice-chairman, or refused and waiting to be handed back
            plan = plan[:1]
            if 0.2 <= stage < 0.32:
                plan.append(("request_supplement", {"actor": officer, "note": "Thiếu bản sao giấy tờ tùy thân"}))
            elif stage >= 0.32:
                plan.append(("submit", {"actor": officer}))
                if 0.55 <= stage < 0.68:
                    plan.append(("approve", {"actor": "thao"}))
                elif stage >= 0.68:
                    plan.append(("refuse", {"actor": "thao", "note": "Không đủ điều kiện theo quy định"}))
            finish_day = min(finish_day, end.date())
        span = max(dt.timedelta(minutes=30), _work_time(rng, finish_day) - t)
        previous = t0
        for n, (action, kw) in enumerate(plan):
            when = t + span * (n + 1) / (len(plan) + 1)
            if action == "deliver":
                when = when + dt.timedelta(days=rng.randint(0, 3))
            when = max(when, previous + dt.timedelta(minutes=rng.randint(3, 40)))
            when = _in_office_hours(rng, cal, when)
            previous = when
            if when > end:
                break
            steps.append((when, i, action, kw))
    steps.sort(key=lambda s: (s[0], s[1]))
    codes: dict[int, str] = {}
    broken: set[int] = set()
    for n, (when, i, action, kw) in enumerate(steps):
        if progress is not None and n % 25 == 0:
            progress(n, len(steps))
        if i in broken or (action != "receive" and i not in codes):
            continue
        context.set_clock(lambda when=when: when)
        try:
            if action == "receive":
                codes[i] = cases.receive_case(**kw).case.code
            else:
                cases.ACTION_FUNCS[action](code=codes[i], **kw)
        except Exception:
            broken.add(i)  # a step the rules refuse (e.g. out of order) ends that case's story there
    return len(codes)


def _pick_finish(rng: random.Random, cal, start: dt.date, due: dt.date) -> dt.date:
    roll = rng.random()
    if roll < 0.72 and due > start:
        span = max(0, cal.working_days_between(start, due) - 1)
        return cal.add_working_days(cal.next_working_day(start), rng.randint(1, span)) if span else start
    if roll < 0.92:
        return due
    return cal.add_working_days(cal.next_working_day(due), rng.randint(1, 4))
