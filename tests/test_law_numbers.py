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
