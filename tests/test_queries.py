"""The case lists sorted by what they show: the procedure's name and the officer's name
(given name first, the Vietnamese way), not the id behind them; the same order whether the
list is filtered or not, page after page, both ways."""
from __future__ import annotations

import datetime as dt

import pytest

from casedesk import workflow
from casedesk.services import auth, cases, catalogue, queries
from casedesk.services.queries import CaseFilter
from conftest import PASSWORD

# Procedure names in Vietnamese alphabetical order (â before h before ư, Đ after C and before G).
# In code point order "Đăng ký khai sinh" would come last; in id order (HT-01) first.
PROCEDURES_IN_ORDER = [
    ("CT-10", "Cấp bản sao từ sổ gốc"),
    ("KT-04", "Chấm dứt hoạt động hộ kinh doanh"),
    ("CT-05", "Chứng thực di chúc"),
    ("HT-01", "Đăng ký khai sinh"),
    ("XD-04", "Gia hạn giấy phép xây dựng nhà ở riêng lẻ"),
    ("HT-09", "Xác nhận thông tin hộ tịch"),
]

UNFILTERED = CaseFilter()
FILTERED = CaseFilter(states=workflow.OPEN_STATES)     # every case here is open: same rows, the other path


def _pages(f, order, descending, size):
    rows, offset = [], 0
    while True:
        page = queries.list_cases(f, order=order, descending=descending, offset=offset, limit=size)
        rows += page
        if len(page) < size:
            return rows
        offset += size


@pytest.fixture
def by_procedure(receive):
    received = []
    for code, _name in reversed(PROCEDURES_IN_ORDER):     # received in the wrong order on purpose
        received.append(receive(procedure=code))
        received.append(receive(procedure=code, citizen_name="Trần Thị An"))
    return received


@pytest.mark.parametrize("f", [UNFILTERED, FILTERED], ids=["all", "filtered"])
def test_sorted_by_procedure_name_in_vietnamese_order(by_procedure, f):
    rows = queries.list_cases(f, order="procedure")
    names = [name for _code, name in PROCEDURES_IN_ORDER]
    assert [r.procedure_name for r in rows] == [n for n in names for _twice in range(2)]
    by_id = [r.id for r in rows]
    assert all(by_id[i] < by_id[i + 1] for i in range(0, len(by_id), 2))   # same name: oldest first
    down = queries.list_cases(f, order="procedure", descending=True)
    assert [r.id for r in down] == by_id[::-1]
    for size in (1, 3, 5):                                               # pages join up with nothing lost
        assert [r.id for r in _pages(f, "procedure", False, size)] == by_id
        assert [r.id for r in _pages(f, "procedure", True, size)] == by_id[::-1]


def test_versions_that_keep_their_name_sort_as_one(receive, clock):
    first = receive(procedure="HT-09")
    catalogue.new_version(actor="admin", code="HT-09", effective_from=dt.date(2026, 11, 3), days=5)
    other = receive(procedure="HT-01")
    clock.set(dt.datetime(2026, 11, 3, 9, 0))
    second = receive(procedure="HT-09")                    # version 2, same name
    third = receive(procedure="HT-01")
    catalogue.new_version(actor="admin", code="HT-09", effective_from=dt.date(2026, 11, 4),
                          name="Cấp văn bản xác nhận thông tin hộ tịch")
    clock.set(dt.datetime(2026, 11, 4, 9, 0))
    renamed = receive(procedure="HT-09")                   # version 3 shows another name
    expected = [renamed.code, other.code, third.code, first.code, second.code]
    for f in (UNFILTERED, FILTERED):
        assert [r.code for r in queries.list_cases(f, order="procedure")] == expected
        assert [r.code for r in _pages(f, "procedure", False, 2)] == expected


@pytest.fixture
def officers(db):
    """Officers whose Vietnamese order (given name: An, Dũng, Đường, Hùng) is neither their
    id order nor the order of their full names as written."""
    for login, name in (("dung", "Đỗ Văn Dũng"), ("an", "Phạm Thị An")):
        auth.add_user(actor="admin", login=login, role="officer", full_name=name, password=PASSWORD)
    return ["an", "dung", "duong", "hung"]


@pytest.mark.parametrize("f", [UNFILTERED, FILTERED], ids=["all", "filtered"])
def test_sorted_by_officer_given_name_first_unassigned_first(receive, officers, f):
    codes = {}
    for login in ("hung", "duong", None, "dung", "an", "hung"):
        case = receive(procedure="DD-04" if login == "duong" else "HT-09")      # Đường does land only
        if login:
            cases.assign_case(actor="mai", code=case.code, to=login)
        codes.setdefault(login, []).append(case.code)
    rows = queries.list_cases(f, order="assignee")
    assert [r.assignee_name for r in rows] == ["", "Phạm Thị An", "Đỗ Văn Dũng", "Nguyễn Văn Đường",
                                                "Lê Văn Hùng", "Lê Văn Hùng"]
    assert [r.code for r in rows] == codes[None] + [c for login in officers for c in codes[login]]
    down = queries.list_cases(f, order="assignee", descending=True)
    assert [r.code for r in down] == [r.code for r in rows][::-1]
    for size in (1, 2, 4):
        assert [r.code for r in _pages(f, "assignee", False, size)] == [r.code for r in rows]
        assert [r.code for r in _pages(f, "assignee", True, size)] == [r.code for r in rows][::-1]


def test_display_sorts_with_filters_limits_and_the_other_columns(receive, officers):
    a = receive(procedure="HT-09")
    b = receive(procedure="HT-01", citizen_name="Trần Thị An")
    c = receive(procedure="CT-10")
    cases.assign_case(actor="mai", code=a.code, to="hung")
    cases.assign_case(actor="mai", code=c.code, to="hung")
    mine = queries.list_cases(CaseFilter(assignee="hung"), order="procedure")
    assert [r.code for r in mine] == [c.code, a.code]
    assert [r.code for r in queries.list_cases(CaseFilter(query="tran thi an"), order="assignee")] == [b.code]
    assert queries.list_cases(order="procedure", limit=0) == []
    assert len(queries.list_cases(order="procedure", limit=-1)) == 3          # negative: all, as before
    assert len(queries.list_cases(order="assignee", limit=None, offset=1)) == 2
    assert queries.list_cases(order="procedure", offset=10) == []
    assert [r.code for r in queries.list_cases(order="code")] == sorted([a.code, b.code, c.code])


def test_text_sort_key_is_the_vietnamese_alphabet():
    words = ["Xác", "Đăng", "Dân", "Chứng", "Chấm", "Cấp", "Gia", "Ăn", "An", "Ấp", "Ba"]
    assert sorted(words, key=queries.text_sort_key) == ["An", "Ăn", "Ấp", "Ba", "Cấp", "Chấm", "Chứng", "Dân",
                                                         "Đăng", "Gia", "Xác"]
    assert queries.text_sort_key("Đăng ký") < queries.text_sort_key("Đăng ký khai sinh")
