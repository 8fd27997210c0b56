"""The permission matrix and the state machine, exercised through the services."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from casedesk import workflow
from casedesk.errors import BadInput, NotAllowed
from casedesk.models import Case, Event
from casedesk.services import cases

ROLE_USERS = {"admin": "admin", "clerk": "mai", "officer": "duong", "vice_chairman": "thao"}
ASSIGNEE = "hung"  # the officer the test cases are assigned to


def _to_state(receive, clock, state: str):
    """A case brought to ``state`` by the legitimate path."""
    case = receive()
    code = case.code
    steps = {
        workflow.RECEIVED: [],
        workflow.ASSIGNED: [("assign", "mai", {"to": ASSIGNEE})],
        workflow.SUPPLEMENT: [("assign", "mai", {"to": ASSIGNEE}),
                              ("request_supplement", ASSIGNEE, {"note": "Thiếu giấy tờ"})],
        workflow.AWAITING: [("assign", "mai", {"to": ASSIGNEE}), ("submit", ASSIGNEE, {})],
        workflow.APPROVED: [("assign", "mai", {"to": ASSIGNEE}), ("submit", ASSIGNEE, {}), ("approve", "thao", {})],
        workflow.REFUSED: [("assign", "mai", {"to": ASSIGNEE}), ("submit", ASSIGNEE, {}),
                           ("refuse", "thao", {"note": "Không đủ điều kiện"})],
        workflow.WITHDRAWN: [("withdraw", "mai", {})],
        workflow.DELIVERED: [("assign", "mai", {"to": ASSIGNEE}), ("submit", ASSIGNEE, {}),
                             ("approve", "thao", {}), ("deliver", "mai", {})],
    }[state]
    for action, actor, kw in steps:
        clock.advance(minutes=5)
        cases.ACTION_FUNCS[action](actor=actor, code=code, **kw)
    clock.advance(minutes=5)
    assert Case.get(Case.code == code).state == state
    return code


def _kwargs(action: str) -> dict:
    return {
        "assign": {"to": ASSIGNEE},
        "request_supplement": {"note": "Thiếu giấy khai sinh"},
        "return": {"note": "Xem lại"},
        "refuse": {"note": "Không đủ điều kiện"},
        "extend": {"note": "Chờ xác minh", "to_date": "2026-11-27"},
        "verify_extend": {"note": "Xác minh nơi sinh"},
        "deliver": {"receiver": "Nguyễn Văn Đường", "rating": "satisfied"},
    }.get(action, {})


ACTIONS = [a for a in workflow.ACTIONS if a != "receive"]


@pytest.mark.parametrize("state", workflow.STATES)
def test_every_role_and_action_in_every_state(receive, clock, state):
    """Every role × every action × every state: allowed exactly when the table says so."""
    for action, (role, login) in itertools.product(ACTIONS, list(ROLE_USERS.items()) + [("assignee", ASSIGNEE)]):
        code = _to_state(receive, clock, state)
        is_assignee = login == ASSIGNEE and state not in (workflow.RECEIVED, workflow.WITHDRAWN)
        user_role = "officer" if role == "assignee" else role
        expected = workflow.state_allows(state, action) and workflow.role_may(user_role, action,
                                                                             is_assignee=is_assignee)
        kwargs = _kwargs(action)
        before = Case.get(Case.code == code)
        try:
            cases.ACTION_FUNCS[action](actor=login, code=code, **kwargs)
        except NotAllowed:
            assert not expected, f"{login} ({role}) refused {action} in {state}"
            after = Case.get(Case.code == code)
            assert after.state == before.state and after.due_date == before.due_date
            denied = Event.select().where(Event.action == "denied").order_by(Event.id.desc()).first()
            assert denied is not None and denied.changes["attempted"] == action
        except BadInput as exc:
            # allowed by role and state, refused by the input rules (e.g. re-assigning to the same officer)
            assert expected, f"{action} by {login} in {state} should be NotAllowed, got BadInput {exc}"
        else:
            assert expected, f"{login} ({role}) was allowed {action} in {state}"


def test_happy_path_and_history(receive, clock):
    case = receive()
    steps = [("assign", "mai", {"to": "hung"}), ("request_supplement", "hung", {"note": "Thiếu tờ khai"}),
             ("resume", "hung", {}), ("submit", "hung", {}), ("return", "thao", {"note": "Bổ sung ý kiến"}),
             ("submit", "hung", {}), ("approve", "thao", {}), ("deliver", "mai", {"rating": "very_satisfied"})]
    for action, actor, kw in steps:
        clock.advance(hours=1)
        result = cases.ACTION_FUNCS[action](actor=actor, code=case.code, **kw)
    final = result.case
    assert final.state == workflow.DELIVERED
    assert final.receiver == "Nguyễn Văn Đường" and final.rating == "very_satisfied"
    assert [e.action for e in final.history] == ["receive"] + [s[0] for s in steps]
    assert final.history[-1].to_state == workflow.DELIVERED
    assert final.resolved_at is not None


def test_only_the_assigned_officer_acts(receive, clock):
    case = receive()
    cases.assign_case(actor="mai", code=case.code, to="hung")
    with pytest.raises(NotAllowed, match="không được giao"):
        cases.submit_case(actor="duong", code=case.code)
    cases.submit_case(actor="hung", code=case.code)


def test_assign_checks_the_officers_field(receive):
    case = receive(procedure="HT-09")
    with pytest.raises(BadInput, match="không phụ trách"):
        cases.assign_case(actor="mai", code=case.code, to="duong")
    with pytest.raises(BadInput, match="không phải công chức"):
        cases.assign_case(actor="mai", code=case.code, to="thao")


def test_reason_required_for_return_refuse_supplement(receive, clock):
    code = _to_state(receive, clock, workflow.AWAITING)
    for func in (cases.return_case, cases.refuse_case):
        with pytest.raises(BadInput, match="lý do"):
            func(actor="thao", code=code, note="  ")


def test_supplement_pauses_the_clock(receive, clock):
    # received Monday 02/11/2026 09:00, 3 working days -> due Thursday 05/11
    case = receive()
    assert case.due_date == dt.date(2026, 11, 5)
    cases.assign_case(actor="mai", code=case.code, to="hung")
    cases.request_supplement(actor="hung", code=case.code, note="Thiếu bản sao")
    clock.set(dt.datetime(2026, 11, 4, 10, 0))  # citizen comes back Wednesday: waited Tue+Wed
    resumed = cases.resume_case(actor="hung", code=case.code).case
    assert resumed.due_date == dt.date(2026, 11, 9)  # Thu 05 + 2 working days = Mon 09
    assert any("Chờ công dân bổ sung 2 ngày" in line for line in resumed.due_explanation)


def test_extend_once_and_in_time(receive, clock):
    case = receive()
    cases.assign_case(actor="mai", code=case.code, to="hung")
    with pytest.raises(BadInput, match="sau hạn trả"):
        cases.extend_case(actor="hung", code=case.code, to_date="2026-11-04", note="Chờ xác minh")
    with pytest.raises(BadInput, match="ngày làm việc"):
        cases.extend_case(actor="hung", code=case.code, to_date="2026-11-07", note="Chờ xác minh")
    extended = cases.extend_case(actor="hung", code=case.code, to_date="2026-11-10", note="Chờ xác minh").case
    assert extended.due_date == dt.date(2026, 11, 10) and extended.extended
    assert extended.original_due_date == dt.date(2026, 11, 5)
    with pytest.raises(NotAllowed, match="một lần"):
        cases.extend_case(actor="thao", code=case.code, to_date="2026-11-12", note="Lần nữa")


def test_extend_refused_on_the_due_date(receive, clock):
    case = receive()
    cases.assign_case(actor="mai", code=case.code, to="hung")
    clock.set(dt.datetime(2026, 11, 5, 8, 0))  # the due date itself
    with pytest.raises(BadInput, match="chậm nhất 1 ngày"):
        cases.extend_case(actor="hung", code=case.code, to_date="2026-11-10", note="Muộn")


def test_late_entry_times(receive, clock):
    case = receive()
    with pytest.raises(BadInput, match="tương lai"):
        cases.assign_case(actor="mai", code=case.code, to="hung", at="2026-11-02 12:00")
    with pytest.raises(BadInput, match="sớm hơn"):
        cases.assign_case(actor="mai", code=case.code, to="hung", at="2026-11-02 08:00")
    with pytest.raises(BadInput, match="không hợp lệ"):
        cases.assign_case(actor="mai", code=case.code, to="hung", at="2026-02-30 08:00")
    clock.set(dt.datetime(2026, 11, 2, 15, 0))
    result = cases.assign_case(actor="mai", code=case.code, to="hung", at="2026-11-02 10:30").case
    event = result.history[-1]
    assert event.at == dt.datetime(2026, 11, 2, 10, 30)
    assert event.recorded_at == dt.datetime(2026, 11, 2, 15, 0)
    assert event.late_entry and event.actor == "mai"


def test_back_dated_receive_during_an_outage(receive, clock):
    clock.set(dt.datetime(2026, 11, 3, 8, 0))
    case = receive(at="2026-11-02 16:10", procedure="HT-01")  # same-day procedure, after the cut-off
    assert case.code.endswith("-261102-0001")
    assert case.due_date == dt.date(2026, 11, 3)
    assert case.history[0].late_entry


def test_deactivated_user_cannot_act(receive, db):
    from casedesk.errors import AuthError
    from casedesk.services import auth

    auth.set_active(actor="admin", login="mai", active=False)
    with pytest.raises(AuthError):
        receive()
