"""Keyset paging of the case list: every order, both directions, read page by page from the last row's
key, equals the whole sorted list; ties across a page boundary; another desk adding and removing cases
between two pages; a jump (``skip``) from a known row."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from casedesk import workflow
from casedesk.models import Case
from casedesk.services import queries
from casedesk.services.queries import CaseFilter, page_cases
from casedesk.text import name_sort_key

ORDERS = ("due_date", "received_at", "code", "citizen_name", "state", "field", "procedure", "assignee")
NAMES = ["Nguyễn Văn Đường", "Trần Thị An", "Lê Văn Dũng", "Phạm Thị Ánh", "Hoàng Minh Sơn", "Đỗ Thu Hà"]


def clone(template_id: int, count: int, *, first: int = 0, same_due: dt.date | None = None) -> list[str]:
    """``count`` more cases copied from one received through the services, with spread (or equal) sort
    keys: quicker than the services for hundreds of rows; codes ``T-000000`` and on."""
    base = Case.select().where(Case.id == template_id).dicts().get()
    base.pop("id")
    procs = [p.id for p in Case.procedure.rel_model.select().limit(4)]
    users = [None] + [u.id for u in Case.assignee.rel_model.select().limit(3)]
    states = [workflow.RECEIVED, workflow.ASSIGNED, "delivered", workflow.SUPPLEMENT]
    rows = []
    for i in range(first, first + count):
        name = NAMES[i % len(NAMES)]
        rows.append(dict(base, code=f"T-{i:06d}", citizen_name=name, name_sort=name_sort_key(name),
                         intake_token=None, due_date=same_due or base["due_date"] + dt.timedelta(days=i % 9),
                         received_at=base["received_at"] + dt.timedelta(minutes=i % 13),
                         procedure=procs[i % len(procs)], assignee=users[i % len(users)],
                         state=states[i % len(states)]))
    with Case._meta.database.atomic():
        for chunk in range(0, len(rows), 200):
            Case.insert_many(rows[chunk:chunk + 200]).execute()
    return [r["code"] for r in rows]


def walk(f: CaseFilter, order: str, descending: bool, size: int) -> list[str]:
    """The whole list read page by page, each page after the last row of the one before."""
    codes, after = [], None
    for _ in range(10_000):
        page = page_cases(f, order=order, descending=descending, after=after, limit=size)
        if not page.rows:
            return codes
        assert len(page.keys) == len(page.rows)
        codes += [r.code for r in page.rows]
        after = page.keys[-1]
    raise AssertionError("paging never ended")


@pytest.fixture
def many(db, receive):
    first = receive()
    return clone(first.id, 130)


@pytest.mark.parametrize("f", [CaseFilter(), CaseFilter(states=workflow.OPEN_STATES)], ids=["all", "open"])
@pytest.mark.parametrize("order", ORDERS)
def test_every_order_both_ways_pages_to_the_whole_sorted_list(many, order, f):
    for descending in (False, True):
        whole = [r.code for r in queries.list_cases(f, order=order, descending=descending, limit=None)]
        assert len(whole) == queries.count_cases(f) and len(set(whole)) == len(whole)
        for size in (1, 7, 50):
            assert walk(f, order, descending, size) == whole, (order, descending, size)
        # backwards: the opposite direction after the first row, reversed, is the page before it
        keys = page_cases(f, order=order, descending=descending, limit=None).keys
        middle = len(whole) // 2
        back = page_cases(f, order=order, descending=not descending, after=keys[middle], limit=10)
        assert [r.code for r in back.rows][::-1] == whole[middle - 10:middle]


@pytest.mark.parametrize("order", ["due_date", "received_at", "citizen_name"])
def test_the_simple_orders_match_a_sort_in_python(many, order):
    column = {"due_date": "due_date", "received_at": "received_at", "citizen_name": "name_sort"}[order]
    rows = list(Case.select(Case.id, Case.code, getattr(Case, column)).tuples())
    for descending in (False, True):
        expected = [code for _id, code, _v in sorted(rows, key=lambda r: (r[2], r[0]), reverse=descending)]
        assert walk(CaseFilter(), order, descending, 9) == expected


def test_equal_sort_keys_across_a_page_boundary_are_neither_repeated_nor_lost(db, receive):
    first = receive()
    clone(first.id, 40, same_due=dt.date(2026, 11, 20))    # 40 cases due the same day, names repeating
    for order in ("due_date", "citizen_name", "state", "field", "procedure", "assignee"):
        for descending in (False, True):
            for size in (3, 4, 39, 40, 41):
                got = walk(CaseFilter(), order, descending, size)
                assert len(got) == len(set(got)) == 41, (order, descending, size)


@pytest.mark.parametrize("order", ["due_date", "citizen_name", "procedure", "assignee"])
def test_another_desk_adds_and_removes_cases_between_two_pages(db, receive, order):
    """Nothing shown twice, nothing skipped but what changed: a case added after the cursor appears, one
    added before it does not (it sorts above what was already read), a removed one is gone."""
    first = receive()
    clone(first.id, 60)
    f = CaseFilter()
    page = page_cases(f, order=order, limit=25)
    seen = [r.code for r in page.rows]
    before = [r.code for r in queries.list_cases(f, order=order, limit=None)]
    # another desk: two cases removed (one already shown, one not yet), four added
    gone = [seen[3], before[40]]
    Case.delete().where(Case.code.in_(gone)).execute()
    added = clone(first.id, 4, first=500)
    after = [r.code for r in queries.list_cases(f, order=order, limit=None)]
    rest = []
    cursor = page.keys[-1]
    while True:
        more = page_cases(f, order=order, after=cursor, limit=25)
        if not more.rows:
            break
        rest += [r.code for r in more.rows]
        cursor = more.keys[-1]
    shown = seen + rest
    assert len(shown) == len(set(shown))                                    # no case twice
    assert set(before) - set(gone) <= set(shown)                            # none of the others skipped
    assert before[40] not in rest
    new_after = [c for c in added if after.index(c) > after.index(seen[-1])]
    assert sorted(c for c in added if c in rest) == sorted(new_after)       # the new ones past the cursor
    assert rest == [c for c in after if after.index(c) > after.index(seen[-1])]


def test_a_jump_walks_from_the_row_given_and_inclusive_starts_on_it(many):
    f = CaseFilter()
    for order, descending in itertools.product(("due_date", "code", "procedure", "assignee"), (False, True)):
        whole = page_cases(f, order=order, descending=descending, limit=None)
        codes = [r.code for r in whole.rows]
        for at, skip in ((0, 0), (5, 17), (60, 3), (100, 40)):
            page = page_cases(f, order=order, descending=descending, after=whole.keys[at], skip=skip, limit=8)
            assert [r.code for r in page.rows] == codes[at + 1 + skip:at + 9 + skip], (order, descending, at)
            again = page_cases(f, order=order, descending=descending, after=whole.keys[at], inclusive=True,
                               limit=3)
            assert [r.code for r in again.rows] == codes[at:at + 3]
        assert [r.code for r in queries.list_cases(f, order=order, descending=descending, offset=50,
                                                   limit=5)] == codes[50:55]


def test_a_deep_page_reads_few_rows_whatever_its_depth(many, monkeypatch):
    """The keyset page's SQL has no OFFSET and starts in the index at the cursor."""
    whole = page_cases(CaseFilter(), order="due_date", limit=None)
    db = Case._meta.database.obj          # the open database behind the proxy
    plans = []
    real = db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT") and "LIMIT" in sql and '"case"' in sql:
            plans.append((sql, real("EXPLAIN QUERY PLAN " + sql, params).fetchall()))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", spy)
    page_cases(CaseFilter(), order="due_date", after=whole.keys[120], limit=5)
    monkeypatch.undo()
    sql, plan = plans[0]
    assert "OFFSET" not in sql
    assert any("case_due" in str(step) and ">" in str(step) for step in plan), plan
