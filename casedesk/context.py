"""What every service needs about the open office: its settings, its working
calendar and its clock.  Cached per open database and dropped when either changes."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .settings import SETTING_FIELDS, OfficeSettings

_settings: OfficeSettings | None = None
_calendar = None
_clock = None  # a callable returning office-local naive "now"; tests set it


def reset() -> None:
    global _settings, _calendar
    _settings = None
    _calendar = None


def settings() -> OfficeSettings:
    global _settings
    if _settings is None:
        from .models import Setting

        values = {row.key: row.value for row in Setting.select() if row.key in SETTING_FIELDS}
        _settings = OfficeSettings(**values)
    return _settings


def calendar():
    """The office's WorkCalendar: shipped year files overridden by years the office edited."""
    global _calendar
    if _calendar is None:
        from .models import HolidayYear
        from .workcalendar import WorkCalendar, load_year_files, parse_year_toml

        years = dict(load_year_files())
        for row in HolidayYear.select():
            years[row.year] = parse_year_toml(row.data)
        _calendar = WorkCalendar(years, culture_day_off=settings().culture_day_off)
    return _calendar


def set_clock(func) -> None:
    """Replace the clock (tests, and the demo that back-fills six months)."""
    global _clock
    _clock = func


def now() -> dt.datetime:
    """Office-local time, to the second, without tzinfo."""
    if _clock is not None:
        return _clock()
    zone = ZoneInfo(settings().timezone)
    return dt.datetime.now(zone).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()
