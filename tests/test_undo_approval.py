"""Taking back an approval: only its approver, only while nothing followed it; audited, and the
documents read the trail as if the dossier never left the leader."""
from __future__ import annotations

import pytest

from casedesk import audit, workflow
from casedesk.documents import build
from casedesk.errors import NotAllowed, NotFound
from casedesk.models import Event
from casedesk.services import auth, cases, queries


@pytest.fixture
def approved(receive):
    code = receive(citizen_name="Trần Thị An").code
    cases.assign_case(actor="mai", code=code, to="hung")
    cases.submit_case(actor="hung", code=code)
    cases.approve_case(actor="thao", code=code)
    return code


def test_undo_returns_the_case_to_the_queue_and_is_audited(approved, clock):
    clock.advance(minutes=1)
    result = cases.undo_approval(actor="thao", code=approved)
    case = queries.get_case(approved)
    assert result.case.state == case.state == workflow.AWAITING
    last = case.history[-1]
    assert (last.action, last.actor, last.from_state, last.to_state) == (
        "undo_approve", "thao", workflow.APPROVED, workflow.AWAITING)
    assert workflow.event_label("undo_approve") == "Hoàn tác phê duyệt"
    assert audit.verify_chain().ok
    # approved again later: the normal path
    cases.approve_case(actor="thao", code=approved)
    assert queries.get_case(approved).state == workflow.APPROVED


def test_undo_is_refused_once_the_case_moved_on(approved):
    cases.deliver_case(actor="mai", code=approved)
    with pytest.raises(NotAllowed):
        cases.undo_approval(actor="thao", code=approved)
    assert queries.get_case(approved).state == workflow.DELIVERED
    denied = Event.select().where(Event.action == "denied").order_by(Event.id.desc()).first()
    assert denied.changes["attempted"] == "undo_approve"


def test_undo_twice_is_refused(approved):
    cases.undo_approval(actor="thao", code=approved)
    with pytest.raises(NotAllowed):
        cases.undo_approval(actor="thao", code=approved)


def test_only_the_approver_may_undo(approved):
    auth.add_user(actor="admin", login="binh", role="vice_chairman", full_name="Đỗ Văn Bình",
                  password="mat-khau-1234")
    for other in ("binh", "mai", "hung", "admin"):
        with pytest.raises(NotAllowed):
            cases.undo_approval(actor=other, code=approved)
    assert queries.get_case(approved).state == workflow.APPROVED


def test_a_case_never_approved_cannot_be_undone(receive):
    code = receive().code
    with pytest.raises(NotAllowed):
        cases.undo_approval(actor="thao", code=code)
    with pytest.raises(NotFound):
        cases.undo_approval(actor="thao", code="KHONG-CO")


def test_documents_forget_an_undone_approval(approved):
    cases.undo_approval(actor="thao", code=approved)
    sheet = build.control_sheet_data(approved)
    assert [r.to_unit for r in sheet.rows][-1] == "Lãnh đạo UBND"          # still with the leader
    assert not any("Phê duyệt" in r.note for r in sheet.rows)


def test_the_command_line_can_undo_too(approved, monkeypatch, capsys, db):
    from casedesk.cli import main
    from casedesk.db import open_database

    monkeypatch.setenv("CASEDESK_PASSWORD", "mat-khau-1234")
    monkeypatch.setenv("CASEDESK_DB", str(db))
    assert main(["case", "undo-approve", approved, "--as", "hung"]) == 3          # not the approver
    capsys.readouterr()
    open_database(db)
    assert main(["case", "undo-approve", approved, "--as", "thao", "--json"]) == 0
    out, _err = capsys.readouterr()
    open_database(db)
    assert '"state": "awaiting_approval"' in out
    assert main(["case", "undo-approve", approved, "--as", "thao"]) == 3          # nothing left to undo
