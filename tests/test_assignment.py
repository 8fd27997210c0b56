"""Only officers who may take the case are proposed, the least loaded in its field first."""
from __future__ import annotations

import pytest

from casedesk.errors import BadInput
from casedesk.services import assignment, auth, cases

PASSWORD = "mat-khau-1234"


@pytest.fixture
def office(db):
    auth.add_user(actor="admin", login="lan", role="officer", full_name="Đỗ Thị Lan", password=PASSWORD,
                  fields=("HT",))
    auth.add_user(actor="admin", login="binh", role="officer", full_name="Phan Văn Bình", password=PASSWORD,
                  fields=())                                   # no fields: takes every field
    auth.add_user(actor="admin", login="cu", role="officer", full_name="Hà Văn Cũ", password=PASSWORD,
                  fields=("HT",))
    auth.set_active(actor="admin", login="cu", active=False)
    return db


def logins(found):
    return [o.login for o in found]


def test_only_eligible_officers_least_loaded_first(office, receive):
    for _ in range(2):
        code = receive(procedure="HT-09").code
        cases.assign_case(actor="mai", code=code, to="hung")
    code = receive(procedure="HT-09").code
    cases.assign_case(actor="mai", code=code, to="lan")
    other = receive(procedure="CT-01").code                       # Chứng thực: Bình's only load
    cases.assign_case(actor="mai", code=other, to="binh")
    found = assignment.candidates("HT")
    assert logins(found) == ["binh", "lan", "hung"]             # 0, 1, 2 in Hộ tịch
    assert [(o.open_in_field, o.open_total) for o in found] == [(0, 1), (1, 1), (2, 2)]
    assert "duong" not in logins(found) and "cu" not in logins(found)    # other field; inactive
    assert "thao" not in logins(found) and "mai" not in logins(found)    # not officers
    # reassigning excludes the holder; the proposal is never someone the core would refuse
    for officer in assignment.candidates("HT", exclude="lan"):
        assert officer.login != "lan"
    for field in ("HT", "CT", "DD", "XD", "KT"):
        for officer in assignment.candidates(field):
            user = auth.get_user(officer.login)
            assert assignment.eligible(user, field)


def test_equal_loads_break_on_all_open_work_then_name(office, receive):
    code = receive(procedure="CT-01").code
    cases.assign_case(actor="mai", code=code, to="hung")       # Hùng holds one case, in another field
    assert logins(assignment.candidates("HT"))[:3] == ["binh", "lan", "hung"]


def test_the_core_still_refuses_an_ineligible_officer(office, receive):
    code = receive(procedure="HT-09").code
    with pytest.raises(BadInput):
        cases.assign_case(actor="mai", code=code, to="duong")
    with pytest.raises(BadInput):
        cases.assign_case(actor="mai", code=code, to="cu")
    assert logins(assignment.candidates("ZZ")) == ["binh"]          # only the officer of every field
