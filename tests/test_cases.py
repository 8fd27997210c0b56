"""Receiving dossiers: codes, due dates, validation, and nothing saved on refusal."""
from __future__ import annotations

import datetime as dt

import pytest

from casedesk.errors import BadInput, NotAllowed, NotFound
from casedesk.models import Case, DayCounter, Event
from casedesk.services import cases, catalogue, queries


def _snapshot():
    return (Case.select().count(), Event.select().count(), list(DayCounter.select().tuples()))


def test_code_format_and_daily_sequence(receive, clock):
    first = receive()
    second = receive(citizen_name="Trần Thị Ánh")
    assert first.code == "000.00.31.H26-261102-0001"
    assert second.code == "000.00.31.H26-261102-0002"
    clock.set(dt.datetime(2026, 11, 3, 8, 0))
    assert receive().code == "000.00.31.H26-261103-0001"


def test_received_case_is_complete(receive):
    case = receive(email="duong@example.vn", channel="online", sets=2)
    assert case.state == "received"
    assert case.phone == "+84912345678" and case.phone_display == "0912 345 678"
    assert case.procedure.code == "HT-09" and case.procedure.version == 1
    assert case.due_date == dt.date(2026, 11, 5)
    assert case.due_explanation and "3 ngày làm việc" in " ".join(case.due_explanation)
    assert [p.name for p in case.papers] and all(p.received for p in case.papers if not p.optional)
    assert case.ledger_book == "2026" and case.ledger_no == 1
    assert case.received_by == "mai" and case.channel == "online" and case.sets == 2


def test_names_are_stored_nfc(receive):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    case = receive(citizen_name="  " + decomposed + "  ")
    assert case.citizen_name == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")


@pytest.mark.parametrize("field,value,message", [
    ("id_number", "12345", "12 chữ số"),
    ("id_number", "999203012345", "mã tỉnh"),
    ("id_number", "00120301234a", "chỉ gồm chữ số"),
    ("phone", "0112345678", "không đúng định dạng"),
    ("phone", "12345", "bắt đầu bằng 0"),
    ("citizen_name", "   ", "Chưa nhập"),
    ("citizen_name", "A" * 121, "dài quá"),
    ("citizen_name", "Nguyễn\x00Văn", "ký tự điều khiển"),
    ("email", "not-an-email", "email"),
    ("channel", "fax", "Hình thức"),
    ("sets", 0, "Số bộ"),
    ("at", "2026-11-02 10:00", "tương lai"),
    ("at", "2026-13-01 10:00", "không hợp lệ"),
])
def test_bad_input_is_refused_and_nothing_saved(receive, field, value, message):
    receive()
    before = _snapshot()
    key = {"citizen_name": "citizen_name"}.get(field, field)
    with pytest.raises(BadInput, match=message) as info:
        receive(**{key: value})
    assert info.value.field == field
    assert _snapshot() == before


def test_unknown_procedure_is_not_found(receive):
    before = _snapshot()
    with pytest.raises(NotFound, match="Không có thủ tục"):
        receive(procedure="XX-99")
    assert _snapshot() == before


def test_missing_required_paper_refused(receive):
    proc = catalogue.get_procedure("HT-09")
    required = [p for p in proc.papers if not p.optional]
    papers = [{"name": p.name, "original": p.original, "copies": p.copies, "received": p is not required[0]}
              for p in proc.papers]
    with pytest.raises(BadInput, match="chưa đủ giấy tờ") as info:
        receive(papers=papers)
    assert info.value.details == [required[0].name]


def test_only_clerk_receives(receive):
    before = _snapshot()
    with pytest.raises(NotAllowed):
        receive(actor="hung")
    assert _snapshot()[0] == before[0]  # no case; one 'denied' audit row
    assert Event.select().order_by(Event.id.desc()).first().action == "denied"


def test_same_day_cutoff(receive, clock):
    clock.set(dt.datetime(2026, 11, 2, 15, 0))
    assert receive(procedure="HT-01").due_date == dt.date(2026, 11, 2)
    clock.set(dt.datetime(2026, 11, 2, 15, 1))
    assert receive(procedure="HT-01").due_date == dt.date(2026, 11, 3)


def test_case_keeps_its_procedure_version(receive, clock):
    old = receive()
    catalogue.new_version(actor="admin", code="HT-09", effective_from=dt.date(2026, 11, 3), days=5, fee=9000)
    assert receive().procedure.days == 3  # still version 1 today
    clock.set(dt.datetime(2026, 11, 3, 9, 0))
    new = receive()
    assert new.procedure.version == 2 and new.procedure.days == 5 and new.fee == 9000
    assert queries.get_case(old.code).procedure.version == 1


def test_queues_and_counts(receive, clock):
    a = receive()
    b = receive(procedure="HT-01")  # due today
    cases.assign_case(actor="mai", code=a.code, to="hung")
    counts = queries.queue_counts(login="hung")
    assert counts.mine == 1 and counts.received_today == 2 and counts.due_today == 1
    clock.set(dt.datetime(2026, 11, 6, 9, 0))  # Friday: both overdue
    overdue = queries.list_cases(queries.CaseFilter(overdue=True))
    assert {r.code for r in overdue} == {a.code, b.code}
    assert all(r.days_left < 0 for r in overdue)
    assert queries.count_cases(queries.CaseFilter(assignee="hung")) == 1


def test_due_within_working_days(receive, clock):
    clock.set(dt.datetime(2026, 11, 5, 16, 0))  # Thursday after the cut-off
    case = receive(procedure="HT-01")  # due Friday 06/11
    rows = queries.list_cases(queries.CaseFilter(due_within=1))
    assert [r.code for r in rows] == [case.code] and rows[0].days_left == 1


def test_list_sorted_by_given_name(receive):
    for name in ("Trần Văn Bình", "Nguyễn Thị An", "Lê Đức Anh", "Phạm Văn Ân", "Hoàng Văn Đông", "Vũ Văn Dũng"):
        receive(citizen_name=name)
    rows = queries.list_cases(order="citizen_name")
    assert [r.citizen_name for r in rows] == ["Nguyễn Thị An", "Lê Đức Anh", "Phạm Văn Ân", "Trần Văn Bình",
                                               "Vũ Văn Dũng", "Hoàng Văn Đông"]


def test_settings_round_trip(db):
    from casedesk import context
    from casedesk.services import office

    office.update_settings(actor="admin", leader_name="Vũ Thị Thảo", cutoff="16:00", culture_day_off=True)
    context.reset()
    s = context.settings()
    assert s.leader_name == "Vũ Thị Thảo" and s.cutoff == "16:00" and s.culture_day_off is True
    office.update_settings(actor="admin", leader_name="Lê Văn An")
    context.reset()
    assert context.settings().leader_name == "Lê Văn An"
    with pytest.raises(BadInput, match="HH:MM"):
        office.update_settings(actor="admin", cutoff="3pm")
    with pytest.raises(NotAllowed):
        office.update_settings(actor="mai", leader_name="X")


@pytest.mark.parametrize("typed, stored", [
    ("001 203 012 345", "001203012345"),
    ("c1234567", "C1234567"),                       # a passport
    ("MST 0101234567", "MST 0101234567"),           # an organisation's tax code
    ("mst0101234567-001", "MST 0101234567-001"),
])
def test_identity_papers_the_receipt_accepts(receive, typed, stored):
    assert receive(id_number=typed).id_number == stored


@pytest.mark.parametrize("typed, message", [
    ("0101234567", "đúng 12 chữ số"),               # ten digits: a slip on a personal ID, not a tax code
    ("MST 01012345", "Mã số thuế"),
    ("123456789", "Chứng minh nhân dân 9 số đã hết giá trị"),
    ("00120301234a", "chỉ gồm chữ số"),
])
def test_identity_papers_refused_with_a_reason(receive, typed, message):
    with pytest.raises(BadInput, match=message):
        receive(id_number=typed)


def test_a_citizen_without_a_phone_is_received(receive):
    case = receive(phone="")
    assert case.phone == "" and case.phone_display == ""


@pytest.mark.parametrize("typed, stored", [
    ("nguyễn  thị   hồng", "Nguyễn Thị Hồng"),        # typed in a hurry: capitals added
    ("Nguyễn Thị Hồng", "Nguyễn Thị Hồng"),
    ("NGUYỄN THỊ HỒNG", "NGUYỄN THỊ HỒNG"),            # capitals as typed are kept
    ("John O'Neil", "John O'Neil"),
    ("đỗ văn ánh", "Đỗ Văn Ánh"),
])
def test_names_typed_in_lower_case_get_their_capitals(receive, typed, stored):
    assert receive(citizen_name=typed).citizen_name == stored


def test_a_fee_that_depends_on_the_dossier_is_what_was_collected(receive):
    from casedesk.models import Event

    assert receive(procedure="CT-01").fee == 2000                     # the procedure's base fee
    case = receive(procedure="CT-01", fee="12.000")                  # six pages
    assert case.fee == 12000
    row = Event.select().where(Event.action == "receive").order_by(Event.id.desc()).first()
    assert row.changes.get("fee") == 12000
    for bad, message in (("mười nghìn", "số đồng"), (-5, "từ 0"), (10 ** 12, "từ 0")):
        with pytest.raises(BadInput, match=message):
            receive(procedure="CT-01", fee=bad)


def test_a_procedure_fee_too_big_for_the_register_is_refused(db):
    """Found by the office fuzzer: a fee of 2**63 reached SQLite (OverflowError, a traceback)."""
    from casedesk.errors import BadInput
    from casedesk.services import catalogue

    for fee in (2 ** 63, 100_000_001, "nhiều", -1):
        with pytest.raises(BadInput) as err:
            catalogue.new_version(actor="admin", code="HT-09", effective_from=dt.date(2026, 11, 3), fee=fee)
        assert err.value.field == "fee"
    assert catalogue.new_version(actor="admin", code="HT-09", effective_from=dt.date(2026, 11, 3),
                                 fee=100_000_000)[0].fee == 100_000_000
