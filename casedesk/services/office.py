"""Setting up an office and editing what it prints and how it counts days."""
from __future__ import annotations

import dataclasses
import datetime as dt

from peewee import EXCLUDED, fn

from .. import audit, audit_state, context, receipt_seal
from ..db import write
from ..errors import BadInput, NotAllowed
from ..i18n import _
from ..models import Event, HolidayYear, Meta, Procedure, Setting, User
from ..settings import OfficeSettings, check_unit_code, validate
from ..text import clean_line, fold
from . import auth, catalogue
from .views import Changes, UserView

# The key of the office_init row's changes that holds the shipped catalogue (the others are settings).
CATALOGUE_KEY = "catalogue"


def _put_setting(key: str, value) -> None:
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: EXCLUDED.value}
    ).execute()


def change_stamp() -> str:
    """A value that changes whenever anything is written to the register, by this desk or another:
    every write appends to the audit chain, whose head is one row.  Desks poll it (one indexed read)."""
    row = Meta.get_or_none(Meta.key == audit.HEAD_KEY)
    return row.value if row else ""


# What each audited action touches, for the desks' sync (anything else is a case's action)
_ACTION_KINDS = {
    "user_add": "users", "user_edit": "users", "user_activate": "users", "password_set": "users",
    "settings": "settings", "office_key": "settings", "procedure_version": "procedures", "calendar_year": "calendar",
    "denied": None, "login_failed": None,
}
KINDS = ("cases", "users", "settings", "procedures", "calendar")


def changes_since(after: int | None) -> tuple[int, frozenset[str]]:
    """The newest audit row's id, and what the rows written after ``after`` touched (``KINDS``).

    Audited writes are serialised on the chain's head, so ids grow in commit order and nothing
    written before the returned id can appear later.  ``after=None``: only the id."""
    newest = Event.select(fn.MAX(Event.id)).scalar() or 0
    if after is None or newest <= after:
        return newest, frozenset()
    if after == 0 or newest - after > 5000:      # a fresh register, or a long absence: everything
        return newest, frozenset(KINDS)
    actions = {a for (a,) in Event.select(Event.action).where(Event.id > after).distinct().tuples()}
    if "office_init" in actions:
        return newest, frozenset(KINDS)
    kinds = {_ACTION_KINDS.get(a, "cases") for a in actions}
    kinds.discard(None)
    return newest, frozenset(kinds)


def reachable() -> bool:
    """Whether the register answers now, asked on this thread's own connection, which is then closed (the
    desk asks from a short-lived thread of its own while the server is away)."""
    from ..db import database

    db = database.obj
    if db is None:
        return False
    try:
        db.execute_sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - whatever the driver raises, the answer is "not yet"
        return False
    finally:
        release_connection()


def release_connection() -> None:
    """Close this thread's connection to the register, if it has one (a worker thread about to end)."""
    from ..db import database
    from ..logs import logger

    db = database.obj
    if db is None or db.is_closed():
        return
    try:
        db.close()
    except Exception as exc:  # noqa: BLE001 - a connection the server already dropped: nothing left to free
        logger().debug("closing a thread's connection: %r", exc)


def is_initialised() -> bool:
    return User.select().exists()


def init_office(*, office: str, commune: str, province: str, unit_code: str, admin_login: str,
                admin_password: str, admin_name: str | None = None, superior: str | None = None,
                extra: dict | None = None) -> UserView:
    """Create a new office: settings, the shipped catalogue and its first admin."""
    if is_initialised():
        raise NotAllowed(_("Văn phòng đã được khởi tạo trong cơ sở dữ liệu này."))
    office = clean_line(office, field="office", label=_("Tên đơn vị"), max_len=200)
    commune = clean_line(commune, field="commune", label=_("Tên xã/phường"), max_len=120)
    province = clean_line(province, field="province", label=_("Tên tỉnh/thành phố"), max_len=120)
    unit_code = check_unit_code(clean_line(unit_code, field="unit_code", label=_("Mã đơn vị"), max_len=40))
    place = commune
    for prefix in ("xã ", "phường ", "thị trấn ", "đặc khu "):
        if fold(place).startswith(fold(prefix)):
            place = place[len(prefix):]
    values = {
        "office_name": office, "commune": commune, "province": province, "unit_code": unit_code,
        "superior": superior or f"UBND {commune.upper()}", "place_name": place,
        "ledger_book": "",
    }
    values.update(validate(extra or {}))
    now = context.now()
    try:  # one transaction: a refused admin password must not leave a half-made office
        with write():
            for key, value in values.items():
                _put_setting(key, value)
            catalogue.seed()
            context.reset()
            user = auth.add_user(actor=None, login=admin_login, role="admin",
                                 full_name=admin_name or _("Quản trị hệ thống"), password=admin_password)
            # the shipped catalogue as one fingerprint a procedure version (check compares each row)
            shipped = {f"{p.code}/{p.version}": audit_state.procedure_fingerprint(p) for p in Procedure.select()}
            audit.record(case_id=None, actor=user.login, action="office_init", at=now, recorded_at=now,
                         changes={**values, CATALOGUE_KEY: shipped})
            receipt_seal.ensure_office_key(actor=user.login, at=now)
    finally:
        context.reset()  # never keep settings read inside a rolled-back transaction
    return user


def get_settings() -> OfficeSettings:
    return context.settings()


def update_settings(*, actor: str, **values) -> tuple[OfficeSettings, Changes]:
    now = context.now()
    with write():
        admin = auth.acting_user(actor)
        auth._deny_unless(admin, "admin", "settings")     # first: a refusal is audited whatever was sent
        cleaned = validate(values)
        old = dataclasses.asdict(context.settings())
        stored = {row.key: row.value for row in Setting.select()}
        # a value written for the first time is recorded even when it equals the default
        diff = {k: [old.get(k), v] for k, v in cleaned.items() if k not in stored or stored[k] != v}
        for key, value in cleaned.items():
            _put_setting(key, value)
        if diff:
            audit.record(case_id=None, actor=admin.login, action="settings", at=now, recorded_at=now,
                         changes=diff)
    context.reset()
    return context.settings(), Changes(settings=True, calendar="culture_day_off" in cleaned)


# ------------------------------------------------------------------ calendar

def holiday_year_text(year: int) -> str:
    """The TOML text of a year as the office sees it (its own edit, or the shipped/computed one)."""
    from ..workcalendar import DAY_OFF_KINDS, YearData, dump_year_toml

    row = HolidayYear.get_or_none(HolidayYear.year == year)
    if row:
        return row.data
    cal = context.calendar()
    listed = [d for d in cal.days_off(year) if d.kind in DAY_OFF_KINDS]    # plain weekends are not listed
    days_off = {d.date: d.reason or "" for d in listed}
    kinds = {d.date: d.kind for d in listed}
    working = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = cal.day(day)
        if info.kind == "swapped_working":
            working[day] = info.reason or ""
        day += dt.timedelta(days=1)
    return dump_year_toml(YearData(year=year, days_off=days_off, working_days=working,
                                   decided=not cal.is_provisional(year), kinds=kinds))


def save_holiday_year(*, actor: str, year: int, text: str) -> Changes:
    """Store the office's decided days off and swapped working days for a year."""
    from ..workcalendar import parse_year_toml

    try:
        data = parse_year_toml(text)
    except BadInput:
        raise
    except Exception as exc:  # tomllib errors and bad dates: say where
        raise BadInput(_("Dữ liệu lịch năm {year} không hợp lệ: {why}").format(year=year, why=exc),
                       field="calendar") from None
    if data.year != year:
        raise BadInput(_("Dữ liệu ghi năm {a}, không phải năm {b}.").format(a=data.year, b=year),
                       field="calendar")
    now = context.now()
    with write():
        admin = auth.acting_user(actor)
        auth._deny_unless(admin, "admin", "calendar")
        HolidayYear.insert(year=year, data=text, updated_at=now).on_conflict(
            conflict_target=[HolidayYear.year], update={HolidayYear.data: text, HolidayYear.updated_at: now}
        ).execute()
        audit.record(case_id=None, actor=admin.login, action="calendar_year", at=now, recorded_at=now,
                     changes={"year": year, "days_off": len(data.days_off),
                              "working_days": len(data.working_days), "decided": data.decided,
                              "data": audit_state.text_digest(text)})
    context.reset()
    return Changes(calendar=True)
