"""Form numbers under two desks printing at the same moment: one number per document, 1..N, no gap.

Each desk is a separate process (spawn) released by one barrier; both print the same six receipts,
in opposite orders, so they race both for the next number and for the same document's number."""
from __future__ import annotations

import multiprocessing
import os

import pytest



def print_desk(db_path: str, home: str, codes: list[str], barrier, results) -> None:
    os.environ["CASEDESK_HOME"] = home
    from casedesk.db import open_database
    from casedesk.documents import build

    open_database(db_path)
    barrier.wait(timeout=60)
    errors, seen = [], []
    for code in codes:
        try:
            pdf = build.render_case_document("receipt", code, actor="desk")
            seen.append((code, len(pdf)))
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(f"{code}: {exc!r}")
    results.put({"errors": errors, "seen": seen})


@pytest.fixture
def six_cases(db, receive):
    from casedesk.db import close_database, database

    codes = [receive(citizen_name=name).code for name in
             ("Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường", "Đỗ Thị Dung", "Vũ Văn Em", "Hồ Thị Giang")]
    database.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return codes


def test_two_desks_printing_at_once_get_gap_free_numbers(db, six_cases, tmp_path):
    from casedesk.db import open_database
    from casedesk.models import Event, FormNumber

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    home = str(tmp_path / "home")
    orders = (six_cases, list(reversed(six_cases)))
    procs = [ctx.Process(target=print_desk, args=(str(db), home, order, barrier, results)) for order in orders]
    for p in procs:
        p.start()
    found = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert not [e for r in found for e in r["errors"]]
    open_database(db)
    rows = list(FormNumber.select().where(FormNumber.kind == "receipt"))
    assert sorted(r.number for r in rows) == [1, 2, 3, 4, 5, 6], "a number skipped or given twice"
    assert sorted(r.owner for r in rows) == sorted(six_cases), "a document numbered twice"
    assert Event.select().where(Event.action == "form_number").count() == 6
    from casedesk.audit import verify_chain

    assert verify_chain().ok


PG_URL = os.environ.get("CASEDESK_TEST_PG")


@pytest.mark.skipif(not PG_URL, reason="CASEDESK_TEST_PG is not set")
def test_two_desks_on_postgresql_get_gap_free_numbers(clock, tmp_path):
    """The same race on PostgreSQL, where the audit head's row lock orders the desks; and a refusal at
    the counter there (the upgrade made its table)."""
    from casedesk.audit import verify_chain
    from casedesk.db import close_database, open_database
    from casedesk.models import FormNumber
    from casedesk.services import auth, cases, forms, office
    from tests.conftest import PASSWORD
    from tests.test_postgres import _wipe

    _wipe()
    open_database(PG_URL)
    office.init_office(office="TT PVHCC phường Bến Thành", commune="Phường Bến Thành", province="TP Hồ Chí Minh",
                       unit_code="000.00.79.H29", admin_login="admin", admin_password=PASSWORD)
    auth.add_user(actor="admin", login="mai", role="clerk", full_name="Trần Thị Mai", password=PASSWORD)
    codes = [cases.receive_case(actor="mai", procedure="HT-09", citizen_name=name, id_number="079203012345",
                                phone="", address="Phường Bến Thành").case.code
             for name in ("Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường", "Đỗ Thị Dung")]
    refusal = forms.refuse_intake(actor="mai", procedure="HT-09", citizen_name="Hồ Văn Tư", note="Không đủ điều kiện")
    assert refusal.code == "000.00.79.H29-TC-261102-0001"
    close_database()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=print_desk, args=(PG_URL, str(tmp_path / "home"), order, barrier, results))
             for order in (codes, list(reversed(codes)))]
    for p in procs:
        p.start()
    found = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert not [e for r in found for e in r["errors"]]
    open_database(PG_URL)
    try:
        rows = list(FormNumber.select().where(FormNumber.kind == "receipt"))
        assert sorted(r.number for r in rows) == [1, 2, 3, 4] and sorted(r.owner for r in rows) == sorted(codes)
        assert verify_chain().ok
    finally:
        close_database()
