"""Working days, holiday data and due dates (domain.md §5)."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from casedesk import i18n, lunar
from casedesk.workcalendar import (DayInfo, WorkCalendar, YearData, dump_year_toml,
                                   load_year_files, parse_year_toml)

D = dt.date
T = dt.datetime
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()  # the shipped resources/holidays files


@pytest.fixture(autouse=True)
def vietnamese():
    i18n.set_language("vi")
    yield
    i18n.set_language("vi")


def off_dates(cal: WorkCalendar, year: int) -> set[dt.date]:
    return {info.date for info in cal.days_off(year)}


# ------------------------------------------------------------------ 2026, decided

def test_2026_file_is_decided_and_loaded(cal):
    data = load_year_files()
    assert {2025, 2026, 2027} <= set(data)
    assert data[2026].decided and not cal.is_provisional(2026)
    assert data[2027].decided is False and cal.is_provisional(2027)


def test_2026_new_year_swap(cal):
    for d in (D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3), D(2026, 1, 4)):
        assert not cal.is_working_day(d)
    assert cal.day(D(2026, 1, 1)).kind == "holiday"
    assert cal.day(D(2026, 1, 2)).kind == "day_off"
    saturday = cal.day(D(2026, 1, 10))
    assert saturday == DayInfo(D(2026, 1, 10), True, "Làm bù cho ngày 02/01", "swapped_working")
    assert cal.is_working_day(D(2026, 1, 5))


def test_2026_tet_span(cal):
    for offset in range(9):
        assert not cal.is_working_day(D(2026, 2, 14) + dt.timedelta(days=offset))
    assert cal.is_working_day(D(2026, 2, 13)) and cal.is_working_day(D(2026, 2, 23))
    assert cal.day(D(2026, 2, 17)).reason == "Tết Nguyên đán"
    assert cal.day(D(2026, 2, 14)).kind == "weekend"


def test_2026_hung_kings_on_sunday_gives_monday(cal):
    sunday = cal.day(D(2026, 4, 26))
    assert (sunday.kind, sunday.reason, sunday.working) == ("holiday", "Giỗ Tổ Hùng Vương", False)
    monday = cal.day(D(2026, 4, 27))
    assert (monday.kind, monday.working) == ("compensatory", False)
    assert cal.is_working_day(D(2026, 4, 28))


def test_2026_april_may_and_national_day(cal):
    assert not cal.is_working_day(D(2026, 4, 30)) and not cal.is_working_day(D(2026, 5, 1))
    assert cal.is_working_day(D(2026, 4, 29)) and cal.is_working_day(D(2026, 5, 4))
    for d in (D(2026, 8, 29), D(2026, 8, 30), D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)):
        assert not cal.is_working_day(d), d
    assert cal.day(D(2026, 8, 31)).kind == "day_off"
    assert cal.day(D(2026, 8, 22)).kind == "swapped_working"
    assert cal.is_working_day(D(2026, 8, 22))
    assert cal.is_working_day(D(2026, 9, 3))


def test_2026_days_off_list(cal):
    days = cal.days_off(2026)
    assert [d.date for d in days] == sorted(d.date for d in days)
    assert {d.date for d in days} == {
        D(2026, 1, 1), D(2026, 1, 2), *(D(2026, 2, n) for n in range(16, 21)),
        D(2026, 4, 26), D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1),
        D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)}
    # a weekend holiday is listed, plain weekends are not
    assert D(2026, 4, 26) in {d.date for d in days}
    assert D(2026, 2, 14) not in {d.date for d in days}
    assert all(not d.working for d in days)


def test_plain_weekdays_and_weekends(cal):
    assert cal.day(D(2026, 3, 10)) == DayInfo(D(2026, 3, 10), True, None, "working")
    sat = cal.day(D(2026, 3, 14))
    assert (sat.working, sat.kind, sat.reason) == (False, "weekend", "Nghỉ cuối tuần")
    assert cal.day(D(2026, 3, 15)).kind == "weekend"
    assert cal.is_working_day(T(2026, 3, 16, 23, 59))  # a datetime is read as its date


# ------------------------------------------------------------------ arithmetic

def test_next_working_day(cal):
    assert cal.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)
    assert cal.next_working_day(D(2026, 3, 10)) == D(2026, 3, 11)
    assert cal.next_working_day(D(2026, 1, 9)) == D(2026, 1, 10)   # the swapped Saturday
    assert cal.next_working_day(D(2026, 12, 31)) == D(2027, 1, 4)  # 1/1/2027 Fri, weekend


def test_add_working_days(cal):
    assert cal.add_working_days(D(2026, 3, 10), 1) == D(2026, 3, 10)
    assert cal.add_working_days(D(2026, 3, 14), 1) == D(2026, 3, 16)  # Saturday is not day 1
    assert cal.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 23)  # Thu, Fri, after Tết
    assert cal.add_working_days(D(2026, 1, 8), 3) == D(2026, 1, 10)   # Thu 8, Fri 9, Sat 10 (swapped)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 3, 10), 0)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 3
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 16)) == 5
    assert cal.working_days_between(D(2026, 3, 16), D(2026, 3, 16)) == 0
    assert cal.working_days_between(D(2026, 3, 16), D(2026, 3, 9)) == 0
    # the whole of 2026: 261 weekdays - 14 weekday days off + 2 working Saturdays
    weekdays = sum(1 for n in range(365) if (D(2026, 1, 1) + dt.timedelta(n)).weekday() < 5)
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == weekdays - 13 + 2


# ------------------------------------------------------------------ due dates

def test_friday_before_tet_three_days(cal):
    r = cal.due(T(2026, 2, 13, 10, 0), 3)
    assert r.due == D(2026, 2, 25) and r.due.weekday() == 2
    assert r.start == D(2026, 2, 23)
    assert r.days == 3 and not r.same_day and not r.after_cutoff and not r.provisional
    assert [d.date for d in r.skipped] == [D(2026, 2, 14) + dt.timedelta(n) for n in range(9)]
    text = " ".join(r.explanation)
    assert "Tết Nguyên đán" in text and "14/02–22/02" in text
    assert "13/02/2026" in text and "25/02/2026" in text and "3 ngày làm việc" in text


def test_same_day_cutoff_exactly_1500_vs_1501(cal):
    on_time = cal.due(T(2026, 3, 10, 15, 0), 0)
    assert on_time.due == D(2026, 3, 10) and on_time.same_day and not on_time.after_cutoff
    assert on_time.skipped == ()
    late = cal.due(T(2026, 3, 10, 15, 1), 0)
    assert late.due == D(2026, 3, 11) and not late.same_day and late.after_cutoff
    assert any("sau 15:00" in line for line in late.explanation)
    # seconds do not matter: the clock on the desk shows minutes
    assert cal.due(T(2026, 3, 10, 15, 0, 59), 0).due == D(2026, 3, 10)


def test_same_day_after_cutoff_on_friday_skips_weekend(cal):
    r = cal.due(T(2026, 3, 13, 16, 30), 0)
    assert r.due == D(2026, 3, 16)
    assert [d.kind for d in r.skipped] == ["weekend", "weekend"]
    assert any("cuối tuần" in line for line in r.explanation)


def test_same_day_received_on_saturday(cal):
    r = cal.due(T(2026, 3, 14, 9, 0), 0)
    assert r.due == D(2026, 3, 16) and not r.same_day and not r.after_cutoff
    assert [d.date for d in r.skipped] == [D(2026, 3, 15)]
    assert any("ngày nghỉ" in line for line in r.explanation)


def test_same_day_on_swapped_working_saturday(cal):
    r = cal.due(T(2026, 1, 10, 9, 0), 0)
    assert r.due == D(2026, 1, 10) and r.same_day


def test_custom_cutoff(cal):
    r = cal.due(T(2026, 3, 10, 16, 0), 0, cutoff=dt.time(16, 30))
    assert r.due == D(2026, 3, 10)


def test_multi_day_counts_from_next_working_day_whatever_the_hour(cal):
    morning = cal.due(T(2026, 3, 10, 8, 0), 2)
    evening = cal.due(T(2026, 3, 10, 16, 0), 2)
    assert morning.due == evening.due == D(2026, 3, 12)
    assert evening.after_cutoff and not morning.after_cutoff


def test_due_across_hung_kings_and_compensatory_day(cal):
    r = cal.due(T(2026, 4, 24, 9, 0), 1)  # Friday
    assert r.due == D(2026, 4, 28)
    assert {d.kind for d in r.skipped} == {"weekend", "holiday", "compensatory"}
    assert any("25/04–27/04" in line and "Giỗ Tổ" in line for line in r.explanation)


def test_due_over_national_day_2026(cal):
    r = cal.due(T(2026, 8, 28, 9, 0), 1)  # Friday before the break
    assert r.due == D(2026, 9, 3)
    assert len(r.skipped) == 5


def test_aware_datetime_is_read_in_vietnam_time(cal):
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off
    r = cal.due(T(2026, 3, 10, 8, 30, tzinfo=dt.timezone.utc), 0)
    assert r.after_cutoff and r.due == D(2026, 3, 11)
    # 18:00 UTC on the 10th is already 01:00 on the 11th in Hà Nội
    r = cal.due(T(2026, 3, 10, 18, 0, tzinfo=dt.timezone.utc), 0)
    assert r.due == D(2026, 3, 11) and r.same_day


def test_negative_days_refused(cal):
    with pytest.raises(ValueError):
        cal.due(T(2026, 3, 10, 9, 0), -1)


# ------------------------------------------------------------------ provisional years

def test_2030_from_rules(cal):
    assert cal.is_provisional(2030)
    off = off_dates(cal, 2030)
    assert lunar.tet(2030) == D(2030, 2, 2)
    # giao thừa Fri 1/2 .. mùng 4 Tue 5/2; Sat 2/2 and Sun 3/2 compensated by Wed 6/2, Thu 7/2
    assert {D(2030, 2, n) for n in range(1, 8)} <= off
    assert cal.day(D(2030, 2, 2)).reason == "Tết Nguyên đán"
    assert cal.day(D(2030, 2, 6)).kind == "compensatory"
    assert cal.is_working_day(D(2030, 2, 8))
    assert D(2030, 4, 12) in off  # Giỗ Tổ
    assert {D(2030, 1, 1), D(2030, 4, 30), D(2030, 5, 1), D(2030, 9, 2)} <= off


def test_provisional_due_date_is_flagged(cal):
    r = cal.due(T(2030, 1, 31, 9, 0), 2)
    assert r.provisional
    assert r.due == D(2030, 2, 11)
    assert any("2030" in line and "chưa được quyết định" in line for line in r.explanation)
    assert any("01/02–07/02" in line and "Tết Nguyên đán" in line for line in r.explanation)


def test_due_crossing_into_a_provisional_year(cal):
    r = cal.due(T(2026, 12, 31, 9, 0), 1)
    assert r.due == D(2027, 1, 4) and r.provisional


def test_rule_years_match_the_lunar_calendar():
    cal = WorkCalendar({})
    for year in range(2024, 2041):
        off = off_dates(cal, year)
        assert lunar.tet(year) in off and lunar.giao_thua(year) in off
        assert lunar.tet(year) + dt.timedelta(days=3) in off
        assert lunar.hung_kings_day(year) in off
        assert cal.is_provisional(year)
        statutory = {D(year, 1, 1), D(year, 4, 30), D(year, 5, 1), D(year, 9, 2)}
        assert statutory <= off
        assert (D(year, 9, 1) in off) or (D(year, 9, 3) in off)
        # eleven statutory days; every one on a weekend is made up by a compensatory day
        holidays = [d for d in cal.days_off(year) if d.kind == "holiday"]
        assert len(holidays) == 11
        weekend_holidays = sum(1 for d in holidays if d.date.weekday() >= 5)
        assert sum(1 for d in cal.days_off(year) if d.kind == "compensatory") == weekend_holidays


def test_rule_national_day_picks_the_longer_break():
    cal = WorkCalendar({})
    # 2027: 2/9 is Thursday; 3/9 Friday joins the weekend (4 days) where 1/9 would not
    assert cal.day(D(2027, 9, 3)).reason == "Quốc khánh" and cal.is_working_day(D(2027, 9, 1))
    # 2026 by the rules: 2/9 Wednesday; both give 2 days, so the tie goes to 1/9
    assert not cal.is_working_day(D(2026, 9, 1)) and cal.is_working_day(D(2026, 9, 3))
    # 2029: 2/9 is Sunday: 1/9 Saturday and 2/9 are both compensated (Mon 3/9, Tue 4/9)
    assert not cal.is_working_day(D(2029, 9, 3)) and not cal.is_working_day(D(2029, 9, 4))


def test_rule_compensatory_for_weekend_fixed_dates():
    cal = WorkCalendar({})
    # 2028: 30/4 Sunday, 1/5 Monday -> compensatory Tuesday 2/5
    assert cal.day(D(2028, 5, 2)).kind == "compensatory"
    # 2027: 1/5 Saturday -> Monday 3/5
    assert cal.day(D(2027, 5, 3)).kind == "compensatory"
    assert cal.is_working_day(D(2027, 5, 4))


def test_provisional_file_adds_to_the_rules(tmp_path):
    (tmp_path / "2031.toml").write_text(
        'year = 2031\ndecided = false\n'
        '[[day_off]]\ndate = "2031-06-02"\nname = "Ngày nghỉ của tỉnh"\nkind = "day_off"\n'
        '[[working_day]]\ndate = "2031-01-04"\nname = "Làm bù"\n', encoding="utf-8")
    cal = WorkCalendar(load_year_files(tmp_path))
    assert cal.is_provisional(2031)
    assert cal.day(D(2031, 6, 2)).kind == "day_off"
    assert cal.is_working_day(D(2031, 1, 4))
    assert lunar.tet(2031) in off_dates(cal, 2031)


def test_2027_file_keeps_tet_from_rules(cal):
    assert lunar.tet(2027) == D(2027, 2, 6)
    assert {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 9)} <= off_dates(cal, 2027)
    assert not cal.is_working_day(D(2027, 1, 1))


def test_2025_file(cal):
    assert not cal.is_provisional(2025)
    assert all(not cal.is_working_day(D(2025, 1, 25) + dt.timedelta(n)) for n in range(9))
    assert cal.is_working_day(D(2025, 2, 3))
    assert cal.is_working_day(D(2025, 4, 26))  # Saturday worked for Friday 2/5
    assert all(not cal.is_working_day(D(2025, 4, 30) + dt.timedelta(n)) for n in range(5))
    assert not cal.is_working_day(D(2025, 4, 7))
    assert not cal.is_working_day(D(2025, 9, 1)) and cal.is_working_day(D(2025, 9, 3))


# ------------------------------------------------------------------ 24/11

def test_culture_day_toggle():
    data = load_year_files()
    off = WorkCalendar(data)
    on = WorkCalendar(data, culture_day_off=True)
    assert off.is_working_day(D(2026, 11, 24))             # Tuesday
    info = on.day(D(2026, 11, 24))
    assert (info.working, info.reason, info.kind) == (False, "Ngày Văn hóa Việt Nam", "holiday")
    assert D(2026, 11, 24) in off_dates(on, 2026) and D(2026, 11, 24) not in off_dates(off, 2026)
    assert on.due(T(2026, 11, 23, 9, 0), 1).due == D(2026, 11, 25)
    assert off.due(T(2026, 11, 23, 9, 0), 1).due == D(2026, 11, 24)


def test_culture_day_on_weekend_is_compensated():
    on = WorkCalendar({}, culture_day_off=True)
    # 24/11/2029 is a Saturday -> Monday 26/11
    assert D(2029, 11, 24).weekday() == 5
    assert on.day(D(2029, 11, 26)).kind == "compensatory"
    assert WorkCalendar({}).is_working_day(D(2029, 11, 26))


# ------------------------------------------------------------------ TOML

def test_toml_round_trip_of_shipped_files():
    for year, data in load_year_files().items():
        assert parse_year_toml(dump_year_toml(data)) == data, year


def test_toml_round_trip_with_odd_names():
    data = YearData(2031, {D(2031, 3, 5): 'Nghỉ "đặc biệt" \\ tỉnh', D(2031, 3, 6): "Bù"},
                    {D(2031, 3, 8): "Làm bù\nthứ Bảy"}, decided=False,
                    kinds={D(2031, 3, 6): "compensatory", D(2031, 3, 5): "holiday"})
    text = dump_year_toml(data)
    assert text.startswith("#")
    again = parse_year_toml(text)
    assert again == data
    assert again.kind_of(D(2031, 3, 6)) == "compensatory" and again.kind_of(D(2031, 3, 5)) == "holiday"


def test_shipped_files_document_the_format():
    for path in sorted((ROOT / "resources" / "holidays").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# ") and "[[working_day]]" in text and "decided" in text
    assert "NOT DECIDED" in (ROOT / "resources" / "holidays" / "2027.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [
    'year = 2026\nsurprise = 1\n',
    'year = "2026"\n',
    'year = 2026\n[[day_off]]\ndate = "2025-12-31"\nname = "x"\n',
    'year = 2026\n[[day_off]]\ndate = "2026-02-30"\nname = "x"\n',
    'year = 2026\n[[day_off]]\ndate = "2026-03-02"\n',
    'year = 2026\n[[day_off]]\ndate = "2026-03-02"\nname = "x"\nkind = "party"\n',
    'year = 2026\n[[day_off]]\ndate = "2026-03-02"\nname = "x"\n'
    '[[working_day]]\ndate = "2026-03-02"\nname = "y"\n',
    'year = 2026\n[[day_off]]\ndate = "2026-03-02"\nname = "x"\n[[day_off]]\ndate = "2026-03-02"\nname = "y"\n',
    'year = 2026\nday_off = "2026-03-02"\n',
    'year = = 2026',
])
def test_bad_files_are_refused(text):
    with pytest.raises(ValueError):
        parse_year_toml(text)


def test_file_name_must_match_year(tmp_path):
    (tmp_path / "2026.toml").write_text("year = 2027\n", encoding="utf-8")
    with pytest.raises(ValueError, match="2026.toml"):
        load_year_files(tmp_path)


def test_missing_folder_means_rules_only(tmp_path):
    assert load_year_files(tmp_path / "nothing") == {}


def test_year_data_is_read_only():
    data = load_year_files()[2026]
    with pytest.raises(TypeError):
        data.days_off[D(2026, 3, 3)] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        data.year = 2027  # type: ignore[misc]


# ------------------------------------------------------------------ translations

def _msgids(path: Path) -> set[str]:
    ids = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_") and node.args
                and isinstance(node.args[0], ast.Constant)):
            ids.add(node.args[0].value)
    return ids


def test_every_calendar_string_has_an_english_translation():
    from babel.messages.pofile import read_po

    with (ROOT / "resources" / "locale" / "en" / "calendar.po").open("rb") as fh:
        catalogue = {m.id: m.string for m in read_po(fh, locale="en") if m.id}
    ids = _msgids(ROOT / "casedesk" / "workcalendar.py")
    assert ids and not [i for i in ids if not catalogue.get(i)]
    for msgid, msgstr in catalogue.items():  # same placeholders on both sides
        assert sorted(_fields(msgid)) == sorted(_fields(msgstr)), msgid


def _fields(text: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_explanation_in_english():
    cal = WorkCalendar(load_year_files())
    i18n.set_language("en")
    r = cal.due(T(2026, 2, 13, 10, 0), 3)
    text = " ".join(r.explanation)
    assert "Lunar New Year (Tết)" in text and "14/02–22/02" in text and "Wednesday 25/02/2026" in text
    assert cal.day(D(2026, 4, 27)).reason == "Day off in lieu of Hùng Kings' Day"


def test_office_calendar_text_keeps_the_kind_of_each_day_off(db):
    """The holiday editor starts from this text: a swapped or compensatory day must stay one after saving."""
    from casedesk.services import office
    from casedesk.workcalendar import parse_year_toml

    shipped = parse_year_toml(office.holiday_year_text(2026))
    assert shipped.kind_of(dt.date(2026, 1, 2)) == "day_off"
    assert shipped.kind_of(dt.date(2026, 4, 27)) == "compensatory"
    assert shipped.kind_of(dt.date(2026, 4, 26)) == "holiday"        # a Sunday, still listed by name
    assert dt.date(2026, 1, 10) in shipped.working_days
    provisional = parse_year_toml(office.holiday_year_text(2028))
    assert not provisional.decided
    computed = {d.date: d.kind for d in WorkCalendar().days_off(2028) if d.kind != "weekend"}
    assert {d: provisional.kind_of(d) for d in provisional.days_off} == computed
    assert "compensatory" in computed.values()

    before = [office_day.kind for office_day in WorkCalendar().days_off(2026)]
    office.save_holiday_year(actor="admin", year=2026, text=office.holiday_year_text(2026))
    from casedesk import context

    after = [office_day.kind for office_day in context.calendar().days_off(2026)]
    assert after == before
