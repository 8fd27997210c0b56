"""Reporting periods: a month, a quarter or a year, in the calendar or the 15→14 style.

In the 15→14 style a period runs from the 15th of the month before its first month
to the 14th of its last month (``2026-10`` is 15/09/2026–14/10/2026), and is named by
the month, quarter or year it ends in.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import context
from .errors import BadInput
from .i18n import _, pad_month
from .settings import PERIOD_STYLES

KINDS = ("month", "quarter", "year")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str          # 'month' | 'quarter' | 'year'
    style: str         # 'calendar' | '15-14'
    label: str         # "Tháng 10 năm 2026"
    date_from: dt.date
    date_to: dt.date

    @property
    def spec(self) -> str:
        """What ``parse_period`` reads back: ``2026-10``, ``2026-Q3`` or ``2026``.

        A 15→14 period is named by the month, quarter or year it ends in."""
        end = self.date_to
        if self.kind == "month":
            return f"{end.year}-{end.month:02d}"
        if self.kind == "quarter":
            return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
        return str(end.year)

    def contains(self, day: dt.date) -> bool:
        return self.date_from <= day <= self.date_to


def _style(style: str | None) -> str:
    if style is None:
        style = context.settings().period_style or "calendar"
    if style not in PERIOD_STYLES:
        raise BadInput(_("Kỳ báo cáo phải là calendar hoặc 15-14."), field="period")
    return style


def _whole(value) -> int:
    """``value`` as a whole number; 0 (outside every valid range) when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _year(year) -> int:
    value = _whole(year)
    if not 1900 <= value <= 2999:
        raise BadInput(_("Năm {year} không hợp lệ.").format(year=year), field="period")
    return value


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - _ONE_DAY


def _months_back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - n
    return index // 12, index % 12 + 1


def _span(first: tuple[int, int], last: tuple[int, int], style: str) -> tuple[dt.date, dt.date]:
    """Dates of the months ``first``..``last``: whole months, or the 15th of the month
    before ``first`` to the 14th of ``last``."""
    if style == "calendar":
        return dt.date(first[0], first[1], 1), _month_end(*last)
    y, m = _months_back(first[0], first[1], 1)
    return dt.date(y, m, 15), dt.date(last[0], last[1], 14)


def month_period(year, month, style: str | None = None) -> Period:
    """A month; in the 15→14 style ``2026-10`` is 15/09/2026–14/10/2026."""
    year = _year(year)
    month = _whole(month)
    if not 1 <= month <= 12:
        raise BadInput(_("Tháng {month} không hợp lệ; tháng phải từ 1 đến 12.").format(month=month),
                       field="period")
    style = _style(style)
    start, end = _span((year, month), (year, month), style)
    label = _("Tháng {month} năm {year}").format(month=pad_month(month), year=year)
    return Period("month", style, label, start, end)


def quarter_period(year, quarter, style: str | None = None) -> Period:
    """A quarter; in the 15→14 style from the 15th of the month before it to the 14th of its last month."""
    year = _year(year)
    quarter = _whole(quarter)
    if not 1 <= quarter <= 4:
        raise BadInput(_("Quý {quarter} không hợp lệ; quý phải từ 1 đến 4.").format(quarter=quarter),
                       field="period")
    style = _style(style)
    start, end = _span((year, 3 * quarter - 2), (year, 3 * quarter), style)
    label = _("Quý {quarter} năm {year}").format(quarter=ROMAN[quarter], year=year)
    return Period("quarter", style, label, start, end)


def year_period(year, style: str | None = None) -> Period:
    """A year; in the 15→14 style 15/12 of the year before to 14/12."""
    year = _year(year)
    style = _style(style)
    start, end = _span((year, 1), (year, 12), style)
    return Period("year", style, _("Năm {year}").format(year=year), start, end)


_SPECS = {
    "month": re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$"),
    "quarter": re.compile(r"^\s*(\d{4})-[Qq]([1-4])\s*$"),
    "year": re.compile(r"^\s*(\d{4})\s*$"),
}


def parse_period(kind: str, spec: str, style: str | None = None) -> Period:
    """``('month', '2026-10')``, ``('quarter', '2026-Q3')`` or ``('year', '2026')``."""
    if kind not in KINDS:
        raise BadInput(_("Loại kỳ báo cáo phải là month, quarter hoặc year."), field="period")
    match = _SPECS[kind].match(str(spec or ""))
    if match is None:
        text = str(spec or "")[:40]
        if kind == "month":
            message = _("Tháng báo cáo “{spec}” không hợp lệ; hãy ghi dạng YYYY-MM (ví dụ 2026-10).")
        elif kind == "quarter":
            message = _("Quý báo cáo “{spec}” không hợp lệ; hãy ghi dạng YYYY-Qn (ví dụ 2026-Q3).")
        else:
            message = _("Năm báo cáo “{spec}” không hợp lệ; hãy ghi dạng YYYY (ví dụ 2026).")
        raise BadInput(message.format(spec=text), field="period")
    if kind == "month":
        return month_period(match.group(1), match.group(2), style)
    if kind == "quarter":
        return quarter_period(match.group(1), match.group(2), style)
    return year_period(match.group(1), style)


def previous(period: Period) -> Period:
    """The period just before, of the same kind and style (its last day is the day before ``date_from``)."""
    end = period.date_to
    if period.kind == "month":
        y, m = _months_back(end.year, end.month, 1)
        return month_period(y, m, period.style)
    if period.kind == "quarter":
        q = (end.month - 1) // 3 + 1
        return quarter_period(end.year - (q == 1), 4 if q == 1 else q - 1, period.style)
    return year_period(end.year - 1, period.style)


def last_complete_month(today: dt.date, style: str = "calendar") -> tuple[int, int]:
    """(year, month) of the newest month period already over on ``today``: a report opens on it rather
    than on the month still running.  In the 15→14 style the month named M ends on the 14th of M."""
    if style == "15-14" and today.day > 14:
        return today.year, today.month
    previous = today.replace(day=1) - dt.timedelta(days=1)
    return previous.year, previous.month
