"""The duty roster: who is at the desk or on which field, by day and half-day.

Kept by the administrator (one cell at a time, or a whole week copied onto another),
shown on the home screen, printed as a week, and read by the assignment proposal: when
the current half-day has a roster, the officers on duty for the case's field come first
and the others are marked as not on duty.  Every change is audited.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import audit, context
from ..db import write
from ..errors import BadInput
from ..i18n import N_, _
from ..models import Duty, Field, User
from . import auth
from .views import Changes

HALVES = ("am", "pm")
HALF_LABELS = {"am": N_("Sáng"), "pm": N_("Chiều")}
DESK = "desk"
NOON = dt.time(12, 0)
DAYS = 6                      # Monday to Saturday: a Saturday morning desk is common


@dataclass(frozen=True)
class DutyEntry:
    day: dt.date
    half: str
    login: str
    full_name: str
    role: str
    place: str                # "desk" or a field code
    place_name: str


def half_of(moment: dt.datetime) -> str:
    return "am" if moment.time() < NOON else "pm"


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def parse_day(value, *, field: str = "day") -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise BadInput(_("Ngày {value} không hợp lệ; hãy ghi dạng YYYY-MM-DD.").format(value=str(value)[:40]),
                       field=field) from None


def place_names() -> dict[str, str]:
    names = {DESK: _("Bộ phận một cửa")}
    names.update({f.code: f.name for f in Field.select().order_by(Field.position, Field.code)})
    return names


def entries(first: dt.date, last: dt.date) -> list[DutyEntry]:
    """The roster between two days (inclusive), by day, half-day, then name."""
    from ..text import name_sort_key

    names = place_names()
    rows = (Duty.select(Duty, User).join(User).where(Duty.day.between(first, last)))
    found = [DutyEntry(day=r.day, half=r.half, login=r.user.login, full_name=r.user.full_name, role=r.user.role,
                       place=r.place, place_name=names.get(r.place, r.place)) for r in rows]
    found.sort(key=lambda e: (e.day, HALVES.index(e.half), name_sort_key(e.full_name)))
    return found


def week(monday: dt.date) -> list[DutyEntry]:
    monday = week_start(parse_day(monday))
    return entries(monday, monday + dt.timedelta(days=6))


def on_duty(moment: dt.datetime | None = None) -> dict[str, str]:
    """login -> place for the half-day of ``moment`` (now); empty when that half-day has no roster."""
    moment = moment or context.now()
    half = half_of(moment)
    rows = Duty.select(Duty.place, User.login).join(User).where((Duty.day == moment.date()) & (Duty.half == half))
    return {r.user.login: r.place for r in rows}


def _check_place(user: User, place: str) -> str:
    place = (place or "").strip()
    if place.lower() == DESK:
        return DESK
    place = place.upper()
    if not Field.select().where(Field.code == place).exists():
        raise BadInput(_("Nơi trực phải là “desk” (bộ phận một cửa) hoặc mã một lĩnh vực, không phải {place}.")
                       .format(place=place[:20] or "?"), field="place")
    if user.role != "officer":
        raise BadInput(_("{name} trực ở bộ phận một cửa, không trực lĩnh vực.").format(name=user.full_name),
                       field="place")
    if user.fields and place not in user.fields:
        raise BadInput(_("{name} không phụ trách lĩnh vực {place}.").format(name=user.full_name, place=place),
                       field="place")
    return place


def set_duty(*, actor: str, day, half: str, login: str, place: str) -> Changes:
    """Put someone on duty for a half-day (at the desk or on a field); an empty place takes them off."""
    day = parse_day(day)
    if half not in HALVES:
        raise BadInput(_("Buổi phải là am (sáng) hoặc pm (chiều)."), field="half")
    now = context.now()
    with write():
        admin = auth.acting_user(actor)
        auth._deny_unless(admin, "admin", "duty_set")
        user = auth.get_user(login)
        if not user.active or user.role not in ("officer", "clerk"):
            raise BadInput(_("{name} không phải cán bộ đang làm việc ở bộ phận một cửa hay chuyên môn.")
                           .format(name=user.full_name), field="login")
        old = Duty.get_or_none((Duty.day == day) & (Duty.half == half) & (Duty.user == user.id))
        if not (place or "").strip():
            if old is None:
                return Changes()
            old.delete_instance()
            new = None
        else:
            new = _check_place(user, place)
            if old is not None and old.place == new:
                return Changes()
            if old is None:
                Duty.create(day=day, half=half, user=user.id, place=new)
            else:
                Duty.update(place=new).where(Duty.id == old.id).execute()
        audit.record(case_id=None, actor=admin.login, action="duty_set", at=now, recorded_at=now,
                     changes={"day": day.isoformat(), "half": half, "login": user.login,
                              "place": [old.place if old else None, new]})
    return Changes(users=True)


def copy_week(*, actor: str, source, target) -> int:
    """Copy one week's roster onto another (replacing it); the number of half-days copied."""
    source, target = week_start(parse_day(source, field="source")), week_start(parse_day(target, field="target"))
    if source == target:
        raise BadInput(_("Tuần chép đến phải khác tuần nguồn."), field="target")
    shift = target - source
    now = context.now()
    with write():
        admin = auth.acting_user(actor)
        auth._deny_unless(admin, "admin", "duty_copy")
        rows = list(Duty.select().join(User).where(Duty.day.between(source, source + dt.timedelta(days=6))
                                                   & (User.active == True)))  # noqa: E712
        Duty.delete().where(Duty.day.between(target, target + dt.timedelta(days=6))).execute()
        for r in rows:
            Duty.create(day=r.day + shift, half=r.half, user=r.user_id, place=r.place)
        audit.record(case_id=None, actor=admin.login, action="duty_copy", at=now, recorded_at=now,
                     changes={"source": source.isoformat(), "target": target.isoformat(), "entries": len(rows)})
    return len(rows)
