"""The same register on PostgreSQL (several desks of one office on a LAN).

Runs when CASEDESK_TEST_PG names a server database (``.ci/run`` starts one with
``.ci/postgres.sh``); the database is wiped at the start of each test.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os

import pytest

from casedesk import context
from casedesk.db import close_database, open_database
from tests.conftest import NOW, PASSWORD

URL = os.environ.get("CASEDESK_TEST_PG")
pytestmark = pytest.mark.skipif(not URL, reason="CASEDESK_TEST_PG is not set")


def _wipe():
    import peewee
    from urllib.parse import urlparse

    parsed = urlparse(URL)
    raw = peewee.PostgresqlDatabase(parsed.path.lstrip("/"), user=parsed.username, host=parsed.hostname,
                                    port=parsed.port)
    raw.connect()
    raw.execute_sql("DROP SCHEMA public CASCADE")
    raw.execute_sql("CREATE SCHEMA public")
    raw.close()


@pytest.fixture
def pg(clock):
    from casedesk.services import auth, office

    _wipe()
    open_database(URL)
    office.init_office(office="TT PVHCC phường Bến Thành", commune="Phường Bến Thành", province="TP Hồ Chí Minh",
                       unit_code="000.00.79.H29", admin_login="admin", admin_password=PASSWORD)
    auth.add_user(actor="admin", login="mai", role="clerk", full_name="Trần Thị Mai", password=PASSWORD)
    auth.add_user(actor="admin", login="hung", role="officer", full_name="Lê Văn Hùng", password=PASSWORD,
                  fields=["HT"])
    auth.add_user(actor="admin", login="thao", role="vice_chairman", full_name="Vũ Thị Thảo", password=PASSWORD)
    yield URL
    close_database()


def _receive(name="Nguyễn Văn Đường", **kw):
    from casedesk.services import cases

    values = dict(actor="mai", procedure="HT-09", citizen_name=name, id_number="079203012345",
                  phone="0912345678", address="Phường Bến Thành")
    values.update(kw)
    return cases.receive_case(**values).case


def test_full_life_of_a_case(pg, clock):
    from casedesk.audit import verify_chain
    from casedesk.services import cases, office, queries

    case = _receive()
    assert case.code == "000.00.79.H29-261102-0001" and case.due_date == dt.date(2026, 11, 5)
    assert _receive("Trần Thị Hoà").code.endswith("-0002")
    for action, actor, kw in [("assign", "mai", {"to": "hung"}), ("request_supplement", "hung", {"note": "Thiếu"}),
                              ("resume", "hung", {}), ("submit", "hung", {}), ("approve", "thao", {}),
                              ("deliver", "mai", {"rating": "satisfied"})]:
        clock.advance(minutes=10)
        cases.ACTION_FUNCS[action](actor=actor, code=case.code, **kw)
    final = queries.get_case(case.code)
    assert final.state == "delivered" and len(final.history) == 7
    assert [r.code for r in queries.search_cases("nguyen van duong")] == [case.code]
    assert [r.code for r in queries.search_cases("0912 345 678")][0].startswith("000.00.79.H29")
    assert queries.search_cases('"; DROP TABLE') == []
    assert queries.count_cases(queries.CaseFilter(state="delivered")) == 1
    office.update_settings(actor="admin", leader_name="Vũ Thị Thảo")
    context.reset()
    assert context.settings().leader_name == "Vũ Thị Thảo"
    assert verify_chain().ok


def test_refusal_leaves_nothing(pg):
    from casedesk.errors import BadInput, NotAllowed
    from casedesk.models import Case

    with pytest.raises(BadInput):
        _receive(id_number="123")
    with pytest.raises(NotAllowed):
        _receive(actor="hung")
    assert Case.select().count() == 0
    _receive()
    assert Case.select().count() == 1


def _desk(url: str, desk: int, count: int, out) -> None:
    from casedesk import context as ctx
    from casedesk.db import open_database as open_db
    from casedesk.services import cases

    open_db(url)
    ctx.set_clock(lambda: NOW)
    codes = []
    for i in range(count):
        codes.append(cases.receive_case(actor="mai", procedure="HT-01", citizen_name=f"Người Nộp {desk} {i}",
                                        id_number="079203012345", phone="0912345678", address="Bến Thành").case.code)
    out.put(codes)


def test_two_desks_at_once(pg):
    from casedesk.audit import verify_chain

    close_database()
    spawn = multiprocessing.get_context("spawn")
    queue = spawn.Queue()
    procs = [spawn.Process(target=_desk, args=(URL, d, 15, queue)) for d in range(2)]
    for p in procs:
        p.start()
    codes = queue.get(timeout=120) + queue.get(timeout=120)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert len(set(codes)) == 30
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 31))
    open_database(URL)
    assert verify_chain().ok


def test_sourced_catalogue_on_postgres(pg, clock):
    """Other agencies' procedures, calendar days, the admin's changes and upgrade 14 on the server."""
    from casedesk import db as dbmod, schema
    from casedesk import reports
    from casedesk.errors import BadInput
    from casedesk.models import Procedure
    from casedesk.services import catalogue, catalogue_admin

    with pytest.raises(BadInput):
        _receive(procedure="CTR-02")
    catalogue_admin.enable_procedure(actor="admin", code="CTR-02")
    police = _receive(procedure="CTR-02")
    ours = _receive(procedure="HT-09")
    assert "-CA-" in police.code and "-CA-" not in ours.code
    mediation = _receive(procedure="DD-04")
    assert mediation.due_date == NOW.date() + dt.timedelta(days=30)
    period = reports.month_period(NOW.year, NOW.month, "calendar")
    assert reports.compute(period).total.c3 == 2
    assert reports.compute(period, agency="cong_an_xa").total.c3 == 1
    catalogue_admin.retire_procedure(actor="admin", code="HT-07")
    with pytest.raises(BadInput):
        _receive(procedure="HT-07")
    # the upgrade step runs again without harm, and corrects a limit still at its old shipped value
    Procedure.update(days=3, national_code="", legal_basis="").where(Procedure.code == "CTR-04").execute()
    with dbmod.write():
        schema.upgrade_14(dbmod.database.obj)
    assert catalogue.list_procedures(include_inactive=True)  # still readable
    newest = Procedure.select().where(Procedure.code == "CTR-04").order_by(Procedure.version.desc()).first()
    assert newest.days == 5 and "Điều 25" in newest.legal_basis


def test_undo_an_approval_the_roster_and_the_proposal_on_postgresql(pg, clock):
    from casedesk.audit import verify_chain
    from casedesk.procedure_search import forget_usage
    from casedesk.services import assignment, cases, catalogue, queries, roster

    case = _receive()
    for action, actor, kw in [("assign", "mai", {"to": "hung"}), ("submit", "hung", {}), ("approve", "thao", {})]:
        clock.advance(minutes=5)
        cases.ACTION_FUNCS[action](actor=actor, code=case.code, **kw)
    clock.advance(minutes=1)
    assert cases.undo_approval(actor="thao", code=case.code).case.state == "awaiting_approval"
    assert queries.get_case(case.code).history[-1].action == "undo_approve"
    roster.set_duty(actor="admin", day=dt.date(2026, 11, 2), half="am", login="hung", place="HT")
    roster.copy_week(actor="admin", source=dt.date(2026, 11, 2), target=dt.date(2026, 11, 9))
    assert [(e.login, e.place) for e in roster.week(dt.date(2026, 11, 9))] == [("hung", "HT")]
    assert [(o.login, o.on_duty, o.open_in_field) for o in assignment.candidates("HT")] == [("hung", True, 1)]
    forget_usage()
    from casedesk.services import catalogue_admin

    catalogue_admin.enable_procedure(actor="admin", code="CTR-02")     # the police's: shipped turned off
    assert catalogue.find_procedures("tam tru")[0].code == "CTR-02"
    assert verify_chain().ok


def test_keyset_pages_equal_the_whole_sorted_list_on_the_server(pg, clock):
    """The case list's keyset (``(key, id) > (value, id)``) in every order, both ways, on PostgreSQL: its
    dates come back as objects, not ISO text, and its text order is the server's."""
    from casedesk.services import cases, queries
    from casedesk.services.queries import CaseFilter

    names = ["Nguyễn Văn Đường", "Trần Thị An", "Lê Văn Dũng", "Phạm Thị Ánh", "Đỗ Thu Hà"]
    for i in range(23):
        case = _receive(names[i % len(names)])
        if i % 3 == 0:
            cases.assign_case(actor="mai", code=case.code, to="hung")
        if i % 7 == 6:
            clock.advance(days=1)
    for order in ("due_date", "received_at", "code", "citizen_name", "state", "field", "procedure", "assignee"):
        for descending in (False, True):
            whole = queries.page_cases(CaseFilter(), order=order, descending=descending, limit=None)
            codes, after = [], None
            while True:
                page = queries.page_cases(CaseFilter(), order=order, descending=descending, after=after, limit=4)
                if not page.rows:
                    break
                codes += [r.code for r in page.rows]
                after = page.keys[-1]
            assert codes == [r.code for r in whole.rows], (order, descending)
            assert len(codes) == 23
            jump = queries.page_cases(CaseFilter(), order=order, descending=descending, after=whole.keys[5],
                                      skip=3, limit=4)
            assert [r.code for r in jump.rows] == codes[9:13]
