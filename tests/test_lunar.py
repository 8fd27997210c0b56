"""The Vietnamese lunar calendar against known dates (domain.md §5) and its own rules."""
from __future__ import annotations

import datetime as dt

import pytest

from casedesk import lunar
from casedesk.lunar import LunarDate, hung_kings_day, lunar_to_solar, solar_to_lunar, tet

D = dt.date

TET = {2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17), 2027: D(2027, 2, 6),
       2028: D(2028, 1, 26), 2029: D(2029, 2, 13), 2030: D(2030, 2, 2)}
HUNG_KINGS = {2024: D(2024, 4, 18), 2025: D(2025, 4, 7), 2026: D(2026, 4, 26), 2027: D(2027, 4, 16),
              2028: D(2028, 4, 4), 2029: D(2029, 4, 23), 2030: D(2030, 4, 12)}
GIAO_THUA = {2024: D(2024, 2, 9), 2025: D(2025, 1, 28), 2026: D(2026, 2, 16), 2027: D(2027, 2, 5),
             2028: D(2028, 1, 25), 2029: D(2029, 2, 12), 2030: D(2030, 2, 1)}


@pytest.mark.parametrize("year", sorted(TET))
def test_tet_matches_known_dates(year):
    assert tet(year) == TET[year]
    assert solar_to_lunar(TET[year]) == LunarDate(year, 1, 1, False)


@pytest.mark.parametrize("year", sorted(HUNG_KINGS))
def test_hung_kings_day_matches_known_dates(year):
    assert hung_kings_day(year) == HUNG_KINGS[year]
    assert solar_to_lunar(HUNG_KINGS[year]) == LunarDate(year, 3, 10, False)


@pytest.mark.parametrize("year", sorted(GIAO_THUA))
def test_giao_thua_is_last_day_of_previous_lunar_year(year):
    eve = lunar.giao_thua(year)
    assert eve == GIAO_THUA[year] == tet(year) - dt.timedelta(days=1)
    before = solar_to_lunar(eve)
    assert (before.year, before.month, before.leap) == (year - 1, 12, False)
    assert before.day == lunar.month_length(year - 1, 12) in (29, 30)


def test_tet_2030_is_vietnamese_not_chinese():
    # UTC+7 puts the new moon of 2030-02-02 on the 2nd; in China (UTC+8) it is the 3rd.
    assert tet(2030) == D(2030, 2, 2)
    assert solar_to_lunar(D(2030, 2, 3)) == LunarDate(2030, 1, 2)


@pytest.mark.parametrize("year, expected", [(1968, D(1968, 1, 29)), (1985, D(1985, 1, 21)),
                                            (2007, D(2007, 2, 17))])
def test_historic_tet_where_vietnam_and_china_differ(year, expected):
    assert tet(year) == expected


def test_round_trip_every_day_2000_to_2040():
    d, end = D(2000, 1, 1), D(2040, 12, 31)
    previous = None
    while d <= end:
        lu = solar_to_lunar(d)
        assert lunar_to_solar(lu.year, lu.month, lu.day, lu.leap) == d
        assert 1 <= lu.day <= 30 and 1 <= lu.month <= 12
        if previous is not None and lu.day != 1:
            # inside a month, the lunar day simply advances
            assert (lu.year, lu.month, lu.leap, lu.day) == (previous.year, previous.month,
                                                            previous.leap, previous.day + 1)
        previous = lu
        d += dt.timedelta(days=1)


def test_months_are_29_or_30_days_and_years_have_12_or_13_months():
    for year in range(2001, 2040):
        months = [(m, False) for m in range(1, 13)]
        leap = lunar.leap_month(year)
        if leap:
            months.insert(leap, (leap, True))
        total = sum(lunar.month_length(year, m, lp) for m, lp in months)
        assert (tet(year + 1) - tet(year)).days == total
        assert all(lunar.month_length(year, m, lp) in (29, 30) for m, lp in months)
        assert total in range(353, 356) if leap is None else total in range(383, 386)


@pytest.mark.parametrize("year, month, first_day", [
    (2023, 2, D(2023, 3, 22)),   # Quý Mão: tháng 2 nhuận
    (2025, 6, D(2025, 7, 25)),   # Ất Tỵ: tháng 6 nhuận
    (2020, 4, D(2020, 5, 23)),   # Canh Tý: tháng 4 nhuận
    (2033, 11, D(2033, 12, 22)),  # Quý Sửu: tháng 11 nhuận (the "2033 problem")
])
def test_leap_months(year, month, first_day):
    assert lunar.leap_month(year) == month
    assert lunar_to_solar(year, month, 1, leap=True) == first_day
    assert solar_to_lunar(first_day) == LunarDate(year, month, 1, True)
    # the leap month follows the regular month of the same number
    regular_start = lunar_to_solar(year, month, 1)
    assert first_day - regular_start == dt.timedelta(days=lunar.month_length(year, month))


def test_leap_month_has_no_major_solar_term():
    """The rule itself: the leap month is the first month without a major term (zhongqi)."""
    for year in (2023, 2025, 2028):
        leap = lunar.leap_month(year)
        start = lunar_to_solar(year, leap, 1, leap=True)
        end = start + dt.timedelta(days=lunar.month_length(year, leap, True))
        assert lunar._sun_sector(start.toordinal()) == lunar._sun_sector(end.toordinal())
        # and the regular month before it does contain one
        prev_start = lunar_to_solar(year, leap, 1)
        assert lunar._sun_sector(prev_start.toordinal()) != lunar._sun_sector(start.toordinal())


def test_years_without_leap_month():
    for year in (2024, 2026, 2027, 2029, 2030):
        assert lunar.leap_month(year) is None
        with pytest.raises(ValueError):
            lunar_to_solar(year, 6, 1, leap=True)


def test_month_eleven_contains_the_december_solstice():
    for year in range(2000, 2041):
        start = lunar_to_solar(year, 11, 1)
        end = start + dt.timedelta(days=lunar.month_length(year, 11))
        # the civil day (UTC+7) at whose end the sun has passed 270°
        solstice = next(D(year, 12, day) for day in range(19, 25)
                        if lunar._sun_sector(D(year, 12, day).toordinal() + 1) == 9)
        assert D(year, 12, 20) <= solstice <= D(year, 12, 23)
        assert start <= solstice < end


def test_invalid_dates_are_refused():
    with pytest.raises(ValueError):
        lunar_to_solar(2026, 13, 1)
    with pytest.raises(ValueError):
        lunar_to_solar(2026, 1, 31)
    with pytest.raises(ValueError):
        lunar_to_solar(2026, 1, 0)
    with pytest.raises(ValueError):
        solar_to_lunar(D(1500, 1, 1))


def test_lunar_date_is_frozen():
    lu = solar_to_lunar(D(2026, 2, 17))
    with pytest.raises(AttributeError):
        lu.day = 2  # type: ignore[misc]
