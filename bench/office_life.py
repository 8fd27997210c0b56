"""The simulated office behind ``make_db.py``: its staff, its citizens, its working days and the life
of one dossier from receipt to delivery, drawn at random but shaped like a busy one-stop desk.

Nothing here writes to a database: ``make_db.build`` turns what these return into rows.
"""
from __future__ import annotations

import bisect
import datetime as dt
import random

from casedesk import workflow
from casedesk.demo import load_names
from casedesk.text import fold, name_sort_key

POPULAR = ("HT-01", "CT-01", "CT-02", "HT-03", "CTR-02")
PROVINCES = ("025", "001", "026", "019", "022", "031", "038", "079")
PREFIXES = ("091", "094", "098", "097", "086", "088", "035", "039", "070", "077", "083", "056")
ONE_DAY = dt.timedelta(days=1)

RECEIVED, ASSIGNED, SUPPLEMENT = workflow.RECEIVED, workflow.ASSIGNED, workflow.SUPPLEMENT
AWAITING, APPROVED, REFUSED = workflow.AWAITING, workflow.APPROVED, workflow.REFUSED
WITHDRAWN, DELIVERED = workflow.WITHDRAWN, workflow.DELIVERED
TARGET = {
    "assign": ASSIGNED, "request_supplement": SUPPLEMENT, "resume": ASSIGNED, "submit": AWAITING,
    "approve": APPROVED, "return": ASSIGNED, "refuse": REFUSED, "withdraw": WITHDRAWN,
    "deliver": DELIVERED, "extend": None,
}
NOTES = {
    "request_supplement": ("Thiếu bản sao giấy tờ tùy thân", "Bổ sung giấy xác nhận nơi cư trú",
                           "Ảnh chụp giấy tờ không rõ, nộp lại bản sao"),
    "return": ("Bổ sung ý kiến thẩm định",),
    "refuse": ("Không đủ điều kiện theo quy định",),
    "withdraw": ("Công dân xin rút hồ sơ",),
    "extend": ("Cần xác minh thêm tại nơi đăng ký trước đây",),
}


# ------------------------------------------------------------------ staff

def staff(fields: list[str]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Enough people for a busy centre: four clerks, two officers per field, two leaders."""
    rows = [("mai", "clerk", "Trần Thị Mai", ()), ("lien", "clerk", "Ngô Thị Liên", ()),
            ("tuan", "clerk", "Bùi Anh Tuấn", ()), ("ha", "clerk", "Đinh Thu Hà", ()),
            ("thao", "vice_chairman", "Vũ Thị Thảo", ()), ("quang", "vice_chairman", "Phan Quang Vinh", ())]
    given = ["Hùng", "Đường", "Lan", "Sơn", "Bình", "Hạnh", "Khoa", "Ngân", "Phúc", "Thủy", "Đức", "Yến",
             "Long", "Oanh", "Trí", "Vân", "Hải", "Nhung", "Dũng", "Hương", "Quân", "Trang"]
    family = ["Lê", "Nguyễn", "Phạm", "Hoàng", "Đặng", "Trịnh", "Đỗ", "Cao", "Lương", "Mai", "Hà"]
    n = 0
    for code in fields:
        for k in range(2):
            name = f"{family[n % len(family)]} {'Văn' if n % 2 == 0 else 'Thị'} {given[n % len(given)]}"
            rows.append((f"cb{code.lower()}{k + 1}", "officer", name, (code,)))
            n += 1
    return rows


# ------------------------------------------------------------------ people

def _rank_weights(items: list) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(len(items))]


class People:
    """Citizens drawn from names.toml; one case in five is a citizen who came before."""

    def __init__(self, rng: random.Random):
        data = load_names()
        self.rng = rng
        self.data = data
        self.families = [f["name"] for f in data["family"]]
        self.family_cum = list(cumulative([f["weight"] for f in data["family"]]))
        self.middle = {False: data["male_middle"], True: data["female_middle"]}
        # names.toml lists middle names most common first: weight them by rank (Văn, Thị...)
        self.middle_cum = {k: list(cumulative(_rank_weights(v))) for k, v in self.middle.items()}
        self.given = {False: data["male_given"], True: data["female_given"]}
        self.recent: list[tuple] = []
        self._derived: dict[str, tuple[str, str]] = {}

    def _pick(self, items, cum):
        return items[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def citizen(self) -> tuple:
        rng = self.rng
        if self.recent and rng.random() < 0.2:
            return self.recent[rng.randrange(len(self.recent))]
        female = rng.random() < 0.5
        name = (f"{self._pick(self.families, self.family_cum)} "
                f"{self._pick(self.middle[female], self.middle_cum[female])} "
                f"{rng.choice(self.given[female])}")
        derived = self._derived.get(name)
        if derived is None:
            derived = self._derived[name] = (fold(name), name_sort_key(name))
        year = rng.randint(1945, 2007)
        century = (0 if year < 2000 else 2) + (1 if female else 0)
        id_number = f"{rng.choice(PROVINCES)}{century}{year % 100:02d}{rng.randint(0, 999999):06d}"
        phone = f"+84{rng.choice(PREFIXES)[1:]}{rng.randint(0, 9999999):07d}"
        if rng.random() < 0.6:
            address = f"{rng.choice(self.data['villages'])}, xã An Phú, tỉnh Phú Thọ"
        else:
            address = (f"Số {rng.randint(1, 250)} {rng.choice(self.data['streets'])}, "
                       "xã An Phú, tỉnh Phú Thọ")
        birth = None
        if rng.random() < 0.5:
            birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        email = ""
        if rng.random() < 0.05:
            email = f"{derived[0].replace(' ', '.')}{rng.randint(1, 999)}@gmail.com"
        person = (name, derived[0], derived[1], id_number, phone, address, birth, email)
        if len(self.recent) < 200_000:
            self.recent.append(person)
        else:
            self.recent[rng.randrange(200_000)] = person
        return person


def cumulative(weights):
    total = 0.0
    for w in weights:
        total += w
        yield total


# ------------------------------------------------------------------ calendar

class Days:
    """Working-day arithmetic by index, from the office's own calendar (fast for millions)."""

    def __init__(self, cal, first: dt.date, last: dt.date):
        self.days: list[dt.date] = []
        d = first
        while d <= last:
            if cal.is_working_day(d):
                self.days.append(d)
            d += ONE_DAY
        self.ords = [d.toordinal() for d in self.days]
        self.index = {d: i for i, d in enumerate(self.days)}

    def at_or_after(self, d: dt.date) -> int:
        return bisect.bisect_left(self.ords, d.toordinal())

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b], as WorkCalendar.working_days_between."""
        return bisect.bisect_right(self.ords, b.toordinal()) - bisect.bisect_right(self.ords, a.toordinal())


def work_time(rng: random.Random, day: dt.date) -> dt.datetime:
    if rng.random() < 0.55:
        minute = rng.randint(7 * 60 + 30, 11 * 60 + 20)
    else:
        minute = rng.randint(13 * 60 + 30, 16 * 60 + 50)
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60)


# ------------------------------------------------------------------ one case's life

class Builder:
    def __init__(self, *, rng, cal, cutoff, days: Days, now: dt.datetime, procs, officers, clerks, leaders):
        self.rng = rng
        self.cal = cal
        self.cutoff = cutoff
        self.d = days
        self.now = now
        self.procs = procs
        self.officers = officers
        self.clerks = clerks
        self.leaders = leaders
        self._due: dict = {}

    def due(self, received_at: dt.datetime, days: int) -> dt.date:
        after = days == 0 and received_at.time() > self.cutoff
        key = (received_at.date(), days, after)
        found = self._due.get(key)
        if found is None:
            found = self._due[key] = self.cal.due(received_at, days, cutoff=self.cutoff).due
        return found

    def life(self, t0: dt.datetime, proc: dict):
        """The planned actions after receive [(time, actor, action)], the due date, the officer."""
        rng, d = self.rng, self.d
        clerk = rng.choice(self.clerks)
        due0 = self.due(t0, proc["days"])
        i0 = d.index[t0.date()]
        idue = d.at_or_after(due0)
        officer = rng.choice(self.officers[proc["field"]])
        leader = self.leaders[0] if rng.random() < 0.8 else self.leaders[-1]
        roll = rng.random()
        # when the decision is taken, relative to the due date (as casedesk.demo._pick_finish)
        span = idue - i0
        if roll < 0.72 and span > 1:
            ifin = i0 + rng.randint(1, span - 1)
        elif roll < 0.92:
            ifin = max(idue, i0)
        else:
            ifin = idue + rng.randint(1, 4)
        outcome = rng.random()
        stuck = rng.random()
        steps: list[tuple[int, str, str]] = []       # (day index, actor, action)
        # assignment: usually within the hour, sometimes the next working day or two
        ia = i0 if rng.random() < 0.7 else i0 + rng.randint(1, 2)
        if stuck < 0.0002:                           # never assigned
            return [], due0, officer
        steps.append((ia, clerk, "assign"))
        ifin = max(ifin, ia)
        wait = 0
        if rng.random() < 0.08:
            ir = rng.randint(ia, max(ia, ifin - 1))
            steps.append((ir, officer, "request_supplement"))
            if stuck < 0.004:                        # the citizen never came back
                return self._timed(t0, steps, proc), due0, officer
            wait = rng.randint(1, 10)
            steps.append((ir + wait, officer, "resume"))
            ifin += wait
        if stuck < 0.0008:                           # forgotten on someone's desk: overdue for years
            return self._timed(t0, steps, proc), due0, officer
        if roll >= 0.92 and rng.random() < 0.4 and wait == 0 and idue - 2 > ia:
            steps.append((idue - 2, rng.choice((officer, leader)), "extend"))
        if outcome < 0.03:
            steps.append((ifin, clerk, "withdraw"))
            return self._timed(t0, steps, proc), due0, officer
        isub = max(steps[-1][0], ifin - rng.randint(0, 1))
        steps.append((isub, officer, "submit"))
        if rng.random() < 0.05:
            steps.append((isub, leader, "return"))
            steps.append((ifin, officer, "submit"))
        steps.append((ifin, leader, "refuse" if outcome < 0.06 else "approve"))
        if stuck < 0.015:                            # result never collected
            return self._timed(t0, steps, proc), due0, officer
        pickup_days = rng.choice((0, 0, 0, 1, 1, 2, 3, 5))
        steps.append((ifin + pickup_days, clerk, "deliver"))
        return self._timed(t0, steps, proc), due0, officer

    def _timed(self, t0, steps, proc):
        rng, days = self.rng, self.d.days
        out = []
        prev = t0
        last = len(days) - 1
        for i, actor, action in steps:
            day = days[min(i, last)]
            t = work_time(rng, day)
            if t <= prev:
                t = prev + dt.timedelta(minutes=rng.randint(3, 40))
            prev = t
            out.append((t, actor, action))
        return out
