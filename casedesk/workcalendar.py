"""Working days, public holidays and due-date arithmetic for a commune office.

Where the days off come from, per year:

* **Decided year** (a ``resources/holidays/<year>.toml`` with ``decided = true``):
  the file is the authority.  Days off are exactly its ``[[day_off]]`` entries,
  plus Saturdays and Sundays, minus its ``[[working_day]]`` entries (swapped
  working weekends).  24/11 is added only when ``culture_day_off`` is on.
* **Provisional year** (no file, or ``decided = false``): the days off are
  computed from the Labour Code (2019, art. 112) rules below, then the file's
  entries, if any, are laid on top.  Everything touching such a year is flagged
  ``provisional`` so that the UI can warn the clerk.

Rules for provisional years:

* 1/1; 30/4; 1/5; Giỗ Tổ Hùng Vương 10/3 âm lịch.
* Tết Nguyên đán, 5 days: giao thừa (the last day of the lunar year) and mùng
  1 to mùng 4.  That is the span the Prime Minister most often picks (2026:
  16–20/02).  Weekend days inside it are compensated after the span.
* Quốc khánh 2/9 plus 1/9 or 3/9: whichever gives the longer unbroken break once
  weekends and compensatory days are counted; on a tie, 1/9 (the choice of the
  2022, 2023, 2025 and 2026 decisions).
* 24/11 Ngày Văn hóa Việt Nam, only when ``culture_day_off`` is on.
* A holiday on a Saturday or Sunday gives a compensatory day off: the first
  later weekday that is not already off.

Due dates (domain.md §5): deadlines are in working days (Monday–Friday).  A
same-day procedure (``days == 0``) received on a working day at or before the
cut-off (15:00, compared to the minute) is due that day, otherwise on the next
working day.  A procedure of N days counts N working days starting from the
first working day after the day of reception.  Naive datetimes are office time;
aware ones are converted to Vietnam time (UTC+7, no daylight saving).
"""
from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

from . import lunar
from .i18n import N_, _, short_date, weekday_name
from .paths import resource_path

VIETNAM_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
DEFAULT_CUTOFF = dt.time(15, 0)
DAY_OFF_KINDS = ("holiday", "compensatory", "day_off")
KINDS = ("working", "weekend", "holiday", "compensatory", "day_off", "swapped_working")
_ONE = dt.timedelta(days=1)
_SEARCH_LIMIT = 400  # days; a longer run of days off means broken data

# Holiday names (Vietnamese source; translated when shown).
NEW_YEAR = N_("Tết Dương lịch")
TET = N_("Tết Nguyên đán")
HUNG_KINGS = N_("Giỗ Tổ Hùng Vương")
REUNIFICATION = N_("Ngày Giải phóng miền Nam, thống nhất đất nước")
LABOUR_DAY = N_("Ngày Quốc tế Lao động")
NATIONAL_DAY = N_("Quốc khánh")
CULTURE_DAY = N_("Ngày Văn hóa Việt Nam")
WEEKEND = N_("Nghỉ cuối tuần")
COMPENSATORY = {
    NEW_YEAR: N_("Nghỉ bù Tết Dương lịch"),
    TET: N_("Nghỉ bù Tết Nguyên đán"),
    HUNG_KINGS: N_("Nghỉ bù Giỗ Tổ Hùng Vương"),
    REUNIFICATION: N_("Nghỉ bù ngày 30/4"),
    LABOUR_DAY: N_("Nghỉ bù ngày 1/5"),
    NATIONAL_DAY: N_("Nghỉ bù Quốc khánh"),
    CULTURE_DAY: N_("Nghỉ bù Ngày Văn hóa Việt Nam"),
}


# ------------------------------------------------------------------ year data

@dataclass(frozen=True)
class YearData:
    """One year's decided (or provisional) days off and swapped working days.

    ``kinds`` says, for a day off, whether it is a ``holiday`` (the default, not
    stored), a ``compensatory`` day or a swapped ``day_off``.
    """

    year: int
    days_off: Mapping[dt.date, str]
    working_days: Mapping[dt.date, str]
    decided: bool = True
    kinds: Mapping[dt.date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label, table in (("day_off", self.days_off), ("working_day", self.working_days)):
            for d, name in table.items():
                if type(d) is not dt.date or d.year != self.year:
                    raise ValueError(f"{label} {d!r} is not a date in {self.year}")
                if not isinstance(name, str) or not name.strip():
                    raise ValueError(f"{label} {d} has no name")
        both = set(self.days_off) & set(self.working_days)
        if both:
            raise ValueError(f"both day off and working day: {sorted(both)}")
        kinds = {}
        for d, kind in self.kinds.items():
            if d not in self.days_off or kind not in DAY_OFF_KINDS:
                raise ValueError(f"bad kind {kind!r} for {d}")
            if kind != "holiday":
                kinds[d] = kind
        freeze = lambda m: MappingProxyType(dict(sorted(m.items())))  # noqa: E731
        object.__setattr__(self, "days_off", freeze(self.days_off))
        object.__setattr__(self, "working_days", freeze(self.working_days))
        object.__setattr__(self, "kinds", freeze(kinds))

    def kind_of(self, d: dt.date) -> str:
        return self.kinds.get(d, "holiday")


_FILE_HEADER = """\
# CaseDesk: days off for one year (the office may edit this file).
#
#   year = 2026            the calendar year of every date below
#   decided = true         true: the official decision, used exactly as written;
#                          false: provisional, the legal rules are computed and
#                          these entries are added on top
#   [[day_off]]            a day off on top of Saturdays and Sundays
#   date = "2026-01-01"    ISO date
#   name = "..."           shown to clerks and in deadline explanations
#   kind = "holiday"       optional: "holiday" (default), "compensatory" (nghỉ bù)
#                          or "day_off" (a working day swapped for a Saturday)
#   [[working_day]]        a Saturday or Sunday worked in exchange (làm bù)
#   date = "2026-01-10"
#   name = "..."
#
# Weekends need not be listed; 24/11 (Ngày Văn hóa Việt Nam) is a setting.
"""


def parse_year_toml(text: str) -> YearData:
    """Read one year's file; ValueError (with the reason) on anything unexpected."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML: {exc}") from exc
    unknown = set(doc) - {"year", "decided", "day_off", "working_day"}
    if unknown:
        raise ValueError(f"unknown keys: {sorted(unknown)}")
    year, decided = doc.get("year"), doc.get("decided", True)
    if type(year) is not int or type(decided) is not bool:
        raise ValueError("'year' must be an integer and 'decided' true or false")
    days_off: dict[dt.date, str] = {}
    kinds: dict[dt.date, str] = {}
    working: dict[dt.date, str] = {}
    for section, allowed in (("day_off", {"date", "name", "kind"}), ("working_day", {"date", "name"})):
        entries = doc.get(section, [])
        if not isinstance(entries, list):
            raise ValueError(f"'{section}' must be an array of tables ([[{section}]])")
        for entry in entries:
            if not isinstance(entry, dict) or set(entry) - allowed or "date" not in entry:
                raise ValueError(f"bad [[{section}]] entry: {entry!r}")
            d = entry["date"]
            if isinstance(d, str):
                try:
                    d = dt.date.fromisoformat(d)
                except ValueError as exc:
                    raise ValueError(f"bad date {entry['date']!r}") from exc
            if type(d) is not dt.date:
                raise ValueError(f"bad date {entry['date']!r}")
            target = days_off if section == "day_off" else working
            if d in target:
                raise ValueError(f"{d} listed twice in [[{section}]]")
            target[d] = entry.get("name", "")
            if "kind" in entry:
                kinds[d] = entry["kind"]
    return YearData(year, days_off, working, decided, kinds)


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid TOML basic strings


def dump_year_toml(data: YearData) -> str:
    """Write a year's data in the format :func:`parse_year_toml` reads."""
    lines = [_FILE_HEADER, f"year = {data.year}", f"decided = {str(data.decided).lower()}", ""]
    for d, name in data.days_off.items():
        lines += ["[[day_off]]", f'date = "{d.isoformat()}"', f"name = {_toml_str(name)}"]
        if data.kind_of(d) != "holiday":
            lines.append(f'kind = "{data.kind_of(d)}"')
        lines.append("")
    for d, name in data.working_days.items():
        lines += ["[[working_day]]", f'date = "{d.isoformat()}"', f"name = {_toml_str(name)}", ""]
    return "\n".join(lines)


def load_year_files(folder: Path | None = None) -> dict[int, YearData]:
    """Every ``*.toml`` in ``folder`` (default ``resources/holidays``), keyed by year."""
    folder = Path(folder) if folder is not None else resource_path("holidays")
    result: dict[int, YearData] = {}
    if not folder.is_dir():
        return result
    for path in sorted(folder.glob("*.toml")):
        try:
            data = parse_year_toml(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
        if path.stem.isdigit() and int(path.stem) != data.year:
            raise ValueError(f"{path.name}: says year = {data.year}")
        if data.year in result:
            raise ValueError(f"{path.name}: year {data.year} given twice")
        result[data.year] = data
    return result


# ------------------------------------------------------------------ rules

def _with_compensation(holidays: dict[dt.date, str], kinds: dict[dt.date, str]) -> None:
    """Give each weekend holiday the first later free weekday as a compensatory day."""
    for d in sorted(holidays):
        if d.weekday() < 5 or kinds.get(d, "holiday") != "holiday":
            continue
        comp = d + _ONE
        while comp.weekday() >= 5 or comp in holidays:
            comp += _ONE
        holidays[comp] = COMPENSATORY.get(holidays[d], COMPENSATORY[NEW_YEAR])
        kinds[comp] = "compensatory"


def _run_length(off: Mapping[dt.date, str], d: dt.date) -> int:
    """Length of the unbroken run of days off (weekends included) through ``d``."""
    is_off = lambda x: x.weekday() >= 5 or x in off  # noqa: E731
    start, end = d, d
    while is_off(start - _ONE):
        start -= _ONE
    while is_off(end + _ONE):
        end += _ONE
    return (end - start).days + 1


def rule_year(year: int, *, culture_day_off: bool = False) -> YearData:
    """The days off of ``year`` computed from the Labour Code (provisional)."""
    base: dict[dt.date, str] = {
        dt.date(year, 1, 1): NEW_YEAR,
        lunar.hung_kings_day(year): HUNG_KINGS,
        dt.date(year, 4, 30): REUNIFICATION,
        dt.date(year, 5, 1): LABOUR_DAY,
    }
    eve = lunar.giao_thua(year)
    for i in range(5):
        base[eve + dt.timedelta(days=i)] = TET
    if culture_day_off:
        base[dt.date(year, 11, 24)] = CULTURE_DAY
    best: tuple[int, dict, dict] | None = None
    for extra in (1, 3):  # 1/9 wins ties
        off = dict(base)
        off[dt.date(year, 9, 2)] = off[dt.date(year, 9, extra)] = NATIONAL_DAY
        kinds: dict[dt.date, str] = {}
        _with_compensation(off, kinds)
        length = _run_length(off, dt.date(year, 9, 2))
        if best is None or length > best[0]:
            best = (length, off, kinds)
    _, off, kinds = best
    # Tết's compensatory days can spill into the next year in theory; keep this year's only.
    off = {d: n for d, n in off.items() if d.year == year}
    return YearData(year, off, {}, decided=False, kinds={d: k for d, k in kinds.items() if d in off})


# ------------------------------------------------------------------ calendar

@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    working: bool
    reason: str | None
    kind: str  # one of KINDS


@dataclass(frozen=True)
class DueDate:
    due: dt.date
    start: dt.date               # first day counted (the due day itself for same-day)
    days: int                    # the procedure's deadline in working days (0 = same day)
    same_day: bool               # due on the day of reception
    after_cutoff: bool           # received after the cut-off time
    skipped: tuple[DayInfo, ...] # days off passed over after the day of reception
    explanation: tuple[str, ...]
    provisional: bool            # a year involved has no decided holiday data
    unit: str = "working_days"   # working_days | days (calendar days) | same_day
    rolled_from: dt.date | None = None   # calendar days: the last day, a day off, rolled forward from


@dataclass(frozen=True)
class _Year:
    off: Mapping[dt.date, tuple[str, str]]   # date -> (kind, untranslated name)
    working: Mapping[dt.date, str]
    provisional: bool


def _as_date(d: dt.date) -> dt.date:
    if isinstance(d, dt.datetime):
        return _office_time(d).date()
    return d


def _office_time(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is not None and t.utcoffset() is not None:
        return t.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    return t


class WorkCalendar:
    """Which days are worked, and when a dossier is due."""

    def __init__(self, year_data: Mapping[int, YearData] | None = None, *,
                 culture_day_off: bool = False) -> None:
        self._data = dict(load_year_files() if year_data is None else year_data)
        self.culture_day_off = culture_day_off
        self._years: dict[int, _Year] = {}
        # year -> (working days before 1 January, counted from an arbitrary first year; working days
        # from 1 January to each day of the year, that day included): see ``working_index``
        self._counts: dict[int, tuple[int, tuple[int, ...]]] = {}

    # -- per-year table

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> _Year:
        data = self._data.get(year)
        off: dict[dt.date, tuple[str, str]] = {}
        working: dict[dt.date, str] = {}
        if data is None or not data.decided:
            rules = rule_year(year, culture_day_off=self.culture_day_off)
            off.update((d, (rules.kind_of(d), n)) for d, n in rules.days_off.items())
        elif self.culture_day_off:
            extra = {dt.date(year, 11, 24): CULTURE_DAY}
            kinds: dict[dt.date, str] = {}
            _with_compensation(extra, kinds)
            for d, name in extra.items():
                if d.year == year and d not in data.days_off and d not in data.working_days:
                    off[d] = (kinds.get(d, "holiday"), name)
        if data is not None:
            off.update((d, (data.kind_of(d), n)) for d, n in data.days_off.items())
            for d, name in data.working_days.items():
                off.pop(d, None)
                working[d] = name
        provisional = data is None or not data.decided
        return _Year(MappingProxyType(off), MappingProxyType(working), provisional)

    # -- single days

    def day(self, d: dt.date) -> DayInfo:
        d = _as_date(d)
        table = self._year(d.year)
        if d in table.working:
            return DayInfo(d, True, _(table.working[d]), "swapped_working")
        if d in table.off:
            kind, name = table.off[d]
            return DayInfo(d, False, _(name), kind)
        if d.weekday() >= 5:
            return DayInfo(d, False, _(WEEKEND), "weekend")
        return DayInfo(d, True, None, "working")

    def is_working_day(self, d: dt.date) -> bool:
        return self.day(d).working

    def is_provisional(self, year: int) -> bool:
        return self._year(year).provisional

    def days_off(self, year: int) -> list[DayInfo]:
        """Every day off of ``year`` that is not a plain weekend, in date order."""
        return [self.day(d) for d in sorted(self._year(year).off)]

    # -- arithmetic

    def _working_after(self, d: dt.date) -> Iterator[dt.date]:
        """Working days strictly after ``d``, in order."""
        gap = 0
        while True:
            d += _ONE
            if self.is_working_day(d):
                gap = 0
                yield d
            else:
                gap += 1
                if gap > _SEARCH_LIMIT:
                    raise ValueError(f"no working day within {_SEARCH_LIMIT} days of {d}")

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after ``d``."""
        return next(self._working_after(_as_date(d)))

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day from ``start`` (``start`` is day 1 if it is worked)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        start = _as_date(start)
        for i, d in enumerate(self._working_after(start - _ONE), start=1):
            if i == n:
                return d
        raise AssertionError("unreachable")  # pragma: no cover

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Number of working days in the interval (a, b]: two look-ups in ``working_index``."""
        a, b = _as_date(a), _as_date(b)
        return self.working_index(b) - self.working_index(a) if b > a else 0

    def working_index(self, d: dt.date) -> int:
        """A running count of working days up to ``d`` included: ``working_index(b) - working_index(a)``
        is the number of working days in (a, b].  Each year's counts are made once (366 days) and
        chained to its neighbours' totals, so a case overdue by five years costs two look-ups, not a
        walk of 1,827 days.  Only differences mean anything: the count starts at the first year asked."""
        d = _as_date(d)
        base, running = self._year_counts(d.year)
        return base + running[d.toordinal() - dt.date(d.year, 1, 1).toordinal()]

    def _counts_within(self, year: int) -> tuple[int, ...]:
        table = self._year(year)
        running, count, d = [], 0, dt.date(year, 1, 1)
        while d.year == year:
            if d in table.working or (d not in table.off and d.weekday() < 5):
                count += 1
            running.append(count)
            d += _ONE
        return tuple(running)

    def _year_counts(self, year: int) -> tuple[int, tuple[int, ...]]:
        got = self._counts.get(year)
        if got is not None:
            return got
        if not self._counts:
            self._counts[year] = got = (0, self._counts_within(year))
            return got
        known = min(self._counts, key=lambda y: abs(y - year))
        step = 1 if year > known else -1
        for y in range(known + step, year + step, step):
            running = self._counts_within(y)
            if step == 1:            # this year starts where the year before ended
                before, previous = self._counts[y - 1]
                base = before + previous[-1]
            else:                    # and ends where the year after starts
                base = self._counts[y + 1][0] - running[-1]
            self._counts[y] = (base, running)
        return self._counts[year]

    def _off_between(self, a: dt.date, b: dt.date) -> tuple[DayInfo, ...]:
        """Days off strictly between ``a`` and ``b``."""
        result, d = [], a + _ONE
        while d < b:
            info = self.day(d)
            if not info.working:
                result.append(info)
            d += _ONE
        return tuple(result)

    def due(self, received: dt.datetime, days: int, *, cutoff: dt.time = DEFAULT_CUTOFF,
            unit: str = "working_days") -> DueDate:
        """When a dossier received at ``received`` with a limit of ``days`` is due.

        ``unit`` is the law's: ``working_days`` (the default), ``same_day`` (days is 0) or ``days``,
        calendar days: counted from the day after reception, weekends and holidays included; only
        when the last day is a day off does the due date move, to the next working day (Civil Code
        2015, arts. 147-148)."""
        if days < 0:
            raise ValueError("days must be 0 or more")
        if unit not in ("working_days", "days", "same_day"):
            raise ValueError(f"unknown time unit {unit!r}")
        received = _office_time(received)
        got = received.date()
        after_cutoff = received.replace(second=0, microsecond=0).time() > cutoff
        got_info = self.day(got)
        if unit == "days" and days > 0:
            last = got + dt.timedelta(days=days)
            due = last if self.is_working_day(last) else self.next_working_day(last)
            years = range(got.year, due.year + 1)
            provisional = any(self.is_provisional(y) for y in years)
            lines = _explain_calendar(received, days, last, due, self.day(last),
                                      [y for y in years if self.is_provisional(y)])
            return DueDate(due, got + _ONE, days, False, after_cutoff, self._off_between(last - _ONE, due),
                           lines, provisional, unit="days", rolled_from=last if due != last else None)
        if unit == "same_day":
            days = 0
        if days == 0:
            due = got if got_info.working and not after_cutoff else self.next_working_day(got)
            start = due
        else:
            start = self.next_working_day(got)
            due = self.add_working_days(start, days)
        skipped = self._off_between(got, due)
        years = range(got.year, due.year + 1)
        provisional = any(self.is_provisional(y) for y in years)
        lines = _explain(received, got_info, days, cutoff, after_cutoff, start, due, skipped,
                         [y for y in years if self.is_provisional(y)])
        return DueDate(due, start, days, due == got, after_cutoff, skipped, lines, provisional,
                       unit="same_day" if days == 0 else "working_days")


# ------------------------------------------------------------------ explanation

def _day_text(d: dt.date) -> str:
    return f"{weekday_name(d)} {short_date(d)}"


def _span_text(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first.day:02d}/{first.month:02d}"
    if first.year != last.year:
        return f"{short_date(first)}–{short_date(last)}"
    return f"{first.day:02d}/{first.month:02d}–{last.day:02d}/{last.month:02d}"


def _groups(days: Iterable[DayInfo]) -> list[list[DayInfo]]:
    """Split days off into runs of consecutive dates."""
    runs: list[list[DayInfo]] = []
    for info in days:
        if runs and (info.date - runs[-1][-1].date).days == 1:
            runs[-1].append(info)
        else:
            runs.append([info])
    return runs


def _run_reasons(run: list[DayInfo]) -> str:
    """The named reasons of a run; weekends are mentioned only when nothing else is."""
    names: list[str] = []
    for info in run:
        if info.kind != "weekend" and info.reason and info.reason not in names:
            names.append(info.reason)
    return "; ".join(names) if names else _("cuối tuần")


def _provisional_lines(years: list[int]) -> list[str]:
    return [_("Lưu ý: lịch nghỉ năm {year} chưa được quyết định chính thức, "
              "ngày nghỉ đang tính tạm theo Bộ luật Lao động.").format(year=year) for year in years]


def _explain_calendar(received: dt.datetime, days: int, last: dt.date, due: dt.date, last_info: DayInfo,
                      provisional_years: list[int]) -> tuple[str, ...]:
    lines = [_("Nhận hồ sơ lúc {time} {day}.").format(time=f"{received:%H:%M}", day=_day_text(received.date())),
             _("Thời hạn {days} ngày theo lịch (luật tính theo ngày, không quy đổi ra ngày làm việc): "
               "tính từ ngày hôm sau, kể cả ngày nghỉ; ngày cuối cùng là {day}.").format(
                 days=days, day=_day_text(last))]
    if due != last:
        lines.append(_("Ngày cuối cùng rơi vào ngày nghỉ ({reason}): hạn chuyển sang ngày làm việc tiếp theo "
                       "(Bộ luật Dân sự 2015, Điều 148).").format(reason=last_info.reason or _("cuối tuần")))
    lines.append(_("Hẹn trả kết quả: {day}.").format(day=_day_text(due)))
    lines += _provisional_lines(provisional_years)
    return tuple(lines)


def _explain(received: dt.datetime, got: DayInfo, days: int, cutoff: dt.time,
             after_cutoff: bool, start: dt.date, due: dt.date,
             skipped: tuple[DayInfo, ...], provisional_years: list[int]) -> tuple[str, ...]:
    cut = f"{cutoff:%H:%M}"
    lines = [_("Nhận hồ sơ lúc {time} {day}.").format(
        time=f"{received:%H:%M}", day=_day_text(received.date()))]
    if not got.working:
        lines.append(_("Ngày nhận là ngày nghỉ ({reason}).").format(reason=got.reason))
    if days == 0:
        if due == got.date:
            lines.append(_("Thủ tục giải quyết trong ngày, nhận trước hoặc đúng {cutoff}: "
                           "trả kết quả trong ngày.").format(cutoff=cut))
        elif got.working:
            lines.append(_("Thủ tục giải quyết trong ngày nhưng nhận sau {cutoff}: "
                           "trả kết quả vào ngày làm việc tiếp theo.").format(cutoff=cut))
        else:
            lines.append(_("Thủ tục giải quyết trong ngày: trả kết quả vào ngày làm việc tiếp theo."))
    else:
        if after_cutoff:
            lines.append(_("Nhận sau {cutoff}; thời hạn vẫn tính từ ngày làm việc tiếp theo.")
                         .format(cutoff=cut))
        lines.append(_("Thời hạn {days} ngày làm việc, bắt đầu tính từ {day}.").format(
            days=days, day=_day_text(start)))
    for run in _groups(skipped):
        lines.append(_("Không tính {count} ngày nghỉ {span}: {reasons}.").format(
            count=len(run), span=_span_text(run[0].date, run[-1].date), reasons=_run_reasons(run)))
    if days == 0:
        lines.append(_("Hẹn trả kết quả: {day}.").format(day=_day_text(due)))
    else:
        lines.append(_("Đủ {days} ngày làm việc: hẹn trả kết quả {day}.").format(
            days=days, day=_day_text(due)))
    for year in provisional_years:
        lines.append(_("Lưu ý: lịch nghỉ năm {year} chưa được quyết định chính thức, "
                       "ngày nghỉ đang tính tạm theo Bộ luật Lao động.").format(year=year))
    return tuple(lines)
