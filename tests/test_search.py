"""One search box: code, ID, phone in any usual spelling, or a name without accents."""
from __future__ import annotations

import pytest

from casedesk.search import classify, fts_query
from casedesk.services import queries
from casedesk.text import fold


@pytest.fixture
def people(receive):
    made = {}
    for name, idn, phone in [
        ("Nguyễn Văn Đường", "001203012345", "0912 345 678"),
        ("Nguyễn Văn Dương", "001203012346", "0987 654 321"),
        ("Trần Thị Hoà", "038190123456", "0356 111 222"),
        ("Lê Dương Ánh", "079301234567", "0703 333 444"),
    ]:
        made[name] = receive(citizen_name=name, id_number=idn, phone=phone).code
    return made


def codes(text, **kw):
    return [r.code for r in queries.search_cases(text, **kw)]


def test_fold_handles_d_stroke_and_double_marks():
    assert fold("Nguyễn Văn Đường") == "nguyen van duong"
    assert fold("ĐẶNG THỊ Ặ") == "dang thi a"
    assert fold("hoà") == fold("hòa") == "hoa"


@pytest.mark.parametrize("query", ["nguyen van duong", "DUONG", "Đường", "nguyen duong", "ngu du"])
def test_accent_free_name_search(people, query):
    assert people["Nguyễn Văn Đường"] in codes(query)


def test_exact_accents_rank_first(people):
    found = codes("Dương")
    assert found[:2] == [people["Lê Dương Ánh"], people["Nguyễn Văn Dương"]] or \
        found[0] in (people["Lê Dương Ánh"], people["Nguyễn Văn Dương"])
    assert people["Nguyễn Văn Đường"] in found
    assert found.index(people["Nguyễn Văn Đường"]) > found.index(people["Nguyễn Văn Dương"])
    exact = codes("Đường")
    assert exact[0] == people["Nguyễn Văn Đường"]


def test_old_and_new_tone_placement(people):
    assert codes("hòa") == codes("hoà") == [people["Trần Thị Hoà"]]


@pytest.mark.parametrize("query", ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_phone_any_spelling(people, query):
    assert codes(query) == [people["Nguyễn Văn Đường"]]


def test_id_and_code(people):
    code = people["Trần Thị Hoà"]
    assert codes("038190123456") == [code]
    assert codes(code) == [code]
    assert codes(code.lower()) == [code]
    assert codes("0003") == [code]  # the day's sequence number alone


@pytest.mark.parametrize("hostile", ['"', "nguyen-van", "o'neil", "NEAR(a b)", "a OR b", "*", "^x",
                                     "'; DROP TABLE case; --", "🙂", "\x00", "(", "a AND", ""])
def test_no_typed_text_raises(people, hostile):
    queries.search_cases(hostile)  # must not raise


def test_fts_query_is_quoted():
    assert fts_query('nguyễn "văn') == '"nguyen"* "van"*'
    assert fts_query("!!!") is None


def test_classify():
    assert classify("000.00.31.H26-261102-0001")[0] == "code"
    assert classify("001203012345") == ("id", "001203012345")
    assert classify("0912 345 678") == ("phone", "+84912345678")
    assert classify("Nguyễn")[0] == "name"


def test_the_day_and_number_of_a_code_find_it(receive):
    from casedesk.services import queries

    first, second = receive(), receive()
    tail = second.code.split("-", 1)[1]                  # "261102-0002"
    assert [r.code for r in queries.search_cases(tail)] == [second.code]
    short = tail.split("-")[0] + "-" + tail.split("-")[1].lstrip("0")   # "261102-2"
    assert [r.code for r in queries.search_cases(short)] == [second.code]
    assert queries.search_cases("261399-0001") == []          # no such day: nothing, no error
    assert first.code != second.code
