"""Vietnamese lunisolar calendar, computed from astronomy at UTC+7.

Written from the published rules and from the formulas in Jean Meeus,
*Astronomical Algorithms* (2nd ed.): chapter 49 for the instants of new moon,
chapter 25 (low-accuracy method) for the apparent longitude of the sun.

The Vietnamese rules, applied to Vietnam's civil day (UTC+7):

* a lunar month begins on the civil day that contains a new moon;
* the month that contains the December solstice (sun at 270°) is month 11;
* when 13 months separate one month 11 from the next, the first of them (after
  month 11) that contains no major solar term (sun at a multiple of 30°) is a
  leap month and repeats the number of the month before it.

Days are compared at local midnight: "the month contains the solstice" means
that the solstice falls on one of its civil days.  Chinese tables use UTC+8 and
sometimes differ by a day (Tết 2030 is 2 February here, 3 February in China).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

TZ_HOURS = 7
_JD_ORDINAL = 1721424.5          # Julian Day of 0h UT on date.fromordinal(0)
_SYNODIC = 29.530588861          # mean lunation, days
_K0_JDE = 2451550.09766          # Meeus: mean new moon k = 0 (6 January 2000)
MIN_YEAR, MAX_YEAR = 1800, 2199  # range where the ΔT model below is sensible


@dataclass(frozen=True, order=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False


def _sin(deg: float) -> float:
    return math.sin(math.radians(deg))


def _delta_t_days(year: float) -> float:
    """TT − UT (Espenak & Meeus polynomials, simplified); one minute is harmless here."""
    t = year - 2000
    if 2005 <= year < 2050:
        sec = 62.92 + 0.32217 * t + 0.005589 * t * t
    elif 1986 <= year < 2005:
        sec = 63.86 + 0.3345 * t - 0.060374 * t ** 2 + 0.0017275 * t ** 3
    elif 2050 <= year < 2150:
        sec = -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year)
    else:
        sec = -20 + 32 * ((year - 1820) / 100) ** 2
    return sec / 86400


def _new_moon_jde(k: int) -> float:
    """Instant (JDE, dynamical time) of the true new moon number ``k`` (Meeus ch. 49)."""
    t = k / 1236.85
    jde = (_K0_JDE + _SYNODIC * k + 0.00015437 * t ** 2
           - 0.000000150 * t ** 3 + 0.00000000073 * t ** 4)
    e = 1 - 0.002516 * t - 0.0000074 * t ** 2
    m = 2.5534 + 29.10535670 * k - 0.0000014 * t ** 2 - 0.00000011 * t ** 3
    mp = (201.5643 + 385.81693528 * k + 0.0107582 * t ** 2
          + 0.00001238 * t ** 3 - 0.000000058 * t ** 4)
    f = (160.7108 + 390.67050284 * k - 0.0016118 * t ** 2
         - 0.00000227 * t ** 3 + 0.000000011 * t ** 4)
    om = 124.7746 - 1.56375588 * k + 0.0020672 * t ** 2 + 0.00000215 * t ** 3
    terms = (
        (-0.40720, mp), (0.17241 * e, m), (0.01608, 2 * mp), (0.01039, 2 * f),
        (0.00739 * e, mp - m), (-0.00514 * e, mp + m), (0.00208 * e * e, 2 * m),
        (-0.00111, mp - 2 * f), (-0.00057, mp + 2 * f), (0.00056 * e, 2 * mp + m),
        (-0.00042, 3 * mp), (0.00042 * e, m + 2 * f), (0.00038 * e, m - 2 * f),
        (-0.00024 * e, 2 * mp - m), (-0.00017, om), (-0.00007, mp + 2 * m),
        (0.00004, 2 * mp - 2 * f), (0.00004, 3 * m), (0.00003, mp + m - 2 * f),
        (0.00003, 2 * mp + 2 * f), (-0.00003, mp + m + 2 * f),
        (0.00003, mp - m + 2 * f), (-0.00002, mp - m - 2 * f),
        (-0.00002, 3 * mp + m), (0.00002, 4 * mp),
    )
    jde += sum(c * _sin(a) for c, a in terms)
    planetary = (
        (0.000325, 299.77 + 0.107408 * k - 0.009173 * t ** 2),
        (0.000165, 251.88 + 0.016321 * k), (0.000164, 251.83 + 26.651886 * k),
        (0.000126, 349.42 + 36.412478 * k), (0.000110, 84.66 + 18.206239 * k),
        (0.000062, 141.74 + 53.303771 * k), (0.000060, 207.14 + 2.453732 * k),
        (0.000056, 154.84 + 7.306860 * k), (0.000047, 34.52 + 27.261239 * k),
        (0.000042, 207.19 + 0.121824 * k), (0.000040, 291.34 + 1.844379 * k),
        (0.000037, 161.72 + 24.198154 * k), (0.000035, 239.56 + 25.513099 * k),
        (0.000023, 331.55 + 3.592518 * k),
    )
    return jde + sum(c * _sin(a) for c, a in planetary)


def _sun_longitude(jde: float) -> float:
    """Apparent longitude of the sun in degrees [0, 360) (Meeus ch. 25, ±0.01°)."""
    t = (jde - 2451545.0) / 36525
    l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    m = 357.52911 + 35999.05029 * t - 0.0001537 * t * t
    c = ((1.914602 - 0.004817 * t - 0.000014 * t * t) * _sin(m)
         + (0.019993 - 0.000101 * t) * _sin(2 * m) + 0.000289 * _sin(3 * m))
    omega = 125.04 - 1934.136 * t
    return (l0 + c - 0.00569 - 0.00478 * _sin(omega)) % 360


def _ordinal_of_instant(jd_ut: float) -> int:
    """Proleptic ordinal of the civil day (UTC+7) containing a UT instant."""
    return math.floor(jd_ut + TZ_HOURS / 24 - _JD_ORDINAL)


@lru_cache(maxsize=4096)
def _new_moon_day(k: int) -> int:
    """Ordinal of the local civil day on which new moon ``k`` falls."""
    jde = _new_moon_jde(k)
    year = 2000 + k / 12.3685
    return _ordinal_of_instant(jde - _delta_t_days(year))


@lru_cache(maxsize=8192)
def _sun_sector(ordinal: int) -> int:
    """Which 30° sector the sun is in at local midnight starting this civil day."""
    jd_ut = ordinal + _JD_ORDINAL - TZ_HOURS / 24
    year = dt.date.fromordinal(ordinal).year
    return int(_sun_longitude(jd_ut + _delta_t_days(year)) // 30)


def _lunation_on_or_before(ordinal: int) -> int:
    """Number ``k`` of the lunar month whose first day is the latest one <= ``ordinal``."""
    k = math.floor((ordinal + _JD_ORDINAL - _K0_JDE) / _SYNODIC)
    while _new_moon_day(k) > ordinal:
        k -= 1
    while _new_moon_day(k + 1) <= ordinal:
        k += 1
    return k


@lru_cache(maxsize=512)
def _month11(year: int) -> int:
    """``k`` of month 11 in solar year ``year``: the month holding the December solstice."""
    day = dt.date(year, 12, 15).toordinal()
    while _sun_sector(day + 1) != 9:   # 9 = sector [270°, 300°): first midnight after solstice
        day += 1
    return _lunation_on_or_before(day)


@lru_cache(maxsize=512)
def _leap_index(year: int) -> int | None:
    """Between month 11 of ``year`` and of ``year + 1``: the index (1..12) of the leap month."""
    k11 = _month11(year)
    if _month11(year + 1) - k11 != 13:
        return None
    for i in range(1, 13):
        start, end = _new_moon_day(k11 + i), _new_moon_day(k11 + i + 1)
        if _sun_sector(start) == _sun_sector(end):  # no major term inside this month
            return i
    return None  # pragma: no cover - cannot happen with 13 months


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} outside {MIN_YEAR}..{MAX_YEAR}")


def solar_to_lunar(d: dt.date) -> LunarDate:
    """The Vietnamese lunar date of a civil (Gregorian) day."""
    _check_year(d.year)
    ordinal = d.toordinal()
    k = _lunation_on_or_before(ordinal)
    base_year = d.year if k >= _month11(d.year) else d.year - 1
    i = k - _month11(base_year)                 # 0 = month 11 of base_year
    leap_i = _leap_index(base_year)
    leap = leap_i is not None and i == leap_i
    step = i - 1 if leap_i is not None and i >= leap_i else i
    month = (10 + step) % 12 + 1
    year = base_year if step <= 1 else base_year + 1
    return LunarDate(year, month, ordinal - _new_moon_day(k) + 1, leap)


def leap_month(year: int) -> int | None:
    """Number of the leap month of lunar year ``year`` (months 1..12), or None."""
    for base in (year - 1, year):
        leap_i = _leap_index(base)
        if leap_i is None:
            continue
        step = leap_i - 1
        month = (10 + step) % 12 + 1
        if (base if step <= 1 else base + 1) == year:
            return month
    return None


def month_length(year: int, month: int, leap: bool = False) -> int:
    """29 or 30: the number of days of a lunar month."""
    k = _month_k(year, month, leap)
    return _new_moon_day(k + 1) - _new_moon_day(k)


def _month_k(year: int, month: int, leap: bool) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"lunar month {month} out of range")
    _check_year(year)
    base = year if month >= 11 else year - 1
    step = month - 11 if month >= 11 else month + 1
    leap_i = _leap_index(base)
    if leap:
        if leap_i is None or leap_i - 1 != step:
            raise ValueError(f"lunar year {year} has no leap month {month}")
        return _month11(base) + leap_i
    i = step + 1 if leap_i is not None and step >= leap_i else step
    return _month11(base) + i


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The civil date of a Vietnamese lunar date; ValueError if it does not exist."""
    k = _month_k(year, month, leap)
    start = _new_moon_day(k)
    if not 1 <= day <= _new_moon_day(k + 1) - start:
        raise ValueError(f"lunar month {month}/{year} has no day {day}")
    return dt.date.fromordinal(start + day - 1)


def tet(year: int) -> dt.date:
    """Mùng 1 tháng Giêng: the first day of lunar year ``year``."""
    return lunar_to_solar(year, 1, 1)


def giao_thua(year: int) -> dt.date:
    """Last day of the lunar year before ``year``'s Tết (the eve, 29 or 30 tháng Chạp)."""
    return tet(year) - dt.timedelta(days=1)


def hung_kings_day(year: int) -> dt.date:
    """Giỗ Tổ Hùng Vương, 10 tháng 3 âm lịch (never a leap month)."""
    return lunar_to_solar(year, 3, 10)
