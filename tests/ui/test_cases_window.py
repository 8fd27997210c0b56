"""The case table's window: the scroll bar is the list's true length, only a bounded window of rows is
held however far the user scrolls, rows outside it arrive when painted, and a refresh after another
desk's change keeps the user's place and the selected case."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from casedesk.models import Case
from casedesk.services import queries
from casedesk.services.queries import CaseFilter
from casedesk.text import name_sort_key
from conftest import idle
from ui.models.cases_model import BATCH, CODE_ROLE, WINDOW, CasesTableModel
from ui.widgets.case_table import CaseTable

NAMES = ["Nguyễn Văn Đường", "Trần Thị An", "Lê Văn Dũng", "Phạm Thị Ánh", "Hoàng Minh Sơn"]


def bulk(template_id: int, count: int, *, first: int = 0, due: dt.date | None = None) -> None:
    """``count`` cases copied from one received through the services (test data, written directly)."""
    base = Case.select().where(Case.id == template_id).dicts().get()
    base.pop("id")
    rows = [dict(base, code=f"W-{i:06d}", citizen_name=NAMES[i % 5], name_sort=name_sort_key(NAMES[i % 5]),
                 intake_token=None, due_date=due or base["due_date"] + dt.timedelta(days=i % 300))
            for i in range(first, first + count)]
    with Case._meta.database.atomic():
        for at in range(0, len(rows), 500):
            Case.insert_many(rows[at:at + 500]).execute()


def settle(qtbot, runner, model) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.waitUntil(lambda: not model.busy(), timeout=20000)
        idle(qtbot, runner, timeout=20000)


@pytest.fixture
def big(db, receive):
    first = receive()
    bulk(first.id, 19_999)
    return [r.code for r in queries.list_cases(CaseFilter(), order="due_date", limit=None)]


@pytest.fixture
def table(qapp, qtbot, runner, big):
    model = CasesTableModel(CaseFilter(), order="due_date", runner=runner)
    view = CaseTable(model)
    view.resize(1000, 600)
    view.show()
    qtbot.addWidget(view)
    settle(qtbot, runner, model)
    return view


def code_at(view, row):
    return view.model().index(row, 0).data(CODE_ROLE)


def test_scrolling_20k_cases_to_the_end_holds_a_bounded_window(table, qtbot, runner, big):
    model, bar = table.model(), table.verticalScrollBar()
    assert model.rowCount() == model.total() == 20_000
    visible = table.rowAt(table.viewport().height() - 1) - table.rowAt(0) + 1
    assert bar.maximum() + visible >= 20_000 - 1                  # the bar spans every row, not a page
    held = []
    while bar.value() < bar.maximum():
        bar.setValue(min(bar.maximum(), bar.value() + 120))
        table.viewport().repaint()
        settle(qtbot, runner, model)
        table.viewport().repaint()
        settle(qtbot, runner, model)
        held.append(model.loaded())
        top = table.rowAt(0)
        assert code_at(table, top) == big[top]                   # what is painted is the list's own row
    assert max(held) <= WINDOW
    assert code_at(table, 19_999) == big[-1]
    first, end = model.window()
    assert end == 20_000 and end - first <= WINDOW and code_at(table, 0) is None    # the top was dropped


def test_a_jump_of_the_scroll_bar_paints_the_rows_there_and_back_to_the_top(table, qtbot, runner, big):
    model, bar = table.model(), table.verticalScrollBar()
    for value in (bar.maximum() // 2, bar.maximum() // 10 * 9, 3 * BATCH, bar.maximum(), 0):
        bar.setValue(value)
        table.viewport().repaint()
        painted = model.index(table.rowAt(0), 0).data()
        assert painted == "…" or painted == model.row_at(table.rowAt(0)).code      # "…" until its page comes
        settle(qtbot, runner, model)
        table.viewport().repaint()
        settle(qtbot, runner, model)
        top = table.rowAt(0)
        assert abs(top - value) <= 1
        assert [code_at(table, r) for r in range(top, top + 10)] == big[top:top + 10]
        assert model.loaded() <= WINDOW


def test_selection_and_open_work_deep_and_a_refresh_keeps_the_place(table, qtbot, runner, big, receive):
    model, bar = table.model(), table.verticalScrollBar()
    bar.setValue(15_000)
    table.viewport().repaint()
    settle(qtbot, runner, model)
    table.select_row(15_003)
    assert table.current_code() == big[15_003]
    opened = []
    table.open_requested.connect(opened.append)
    table.setFocus()
    qtbot.keyPress(table, Qt.Key_Return)
    assert opened == [big[15_003]]
    # another desk: a case due before every other one, and one of the rows above removed
    Case.delete().where(Case.code == big[10]).execute()
    receive(citizen_name="Vũ Thị Mới")
    Case.update(due_date=dt.date(2020, 1, 1)).where(Case.citizen_name == "Vũ Thị Mới").execute()
    model.refresh()
    settle(qtbot, runner, model)
    table.viewport().repaint()
    settle(qtbot, runner, model)
    assert model.total() == 20_000
    assert table.current_code() == big[15_003]                  # the same case stays selected, near its place
    assert abs(table.currentIndex().row() - 15_003) <= 2
    assert abs(bar.value() - 15_000) <= 2 * BATCH


def test_rows_asked_far_apart_while_a_page_is_on_its_way_never_make_one_huge_read(table, qtbot, runner, big,
                                                                                 monkeypatch):
    model = table.model()
    reads = []
    real = queries.page_cases

    def counted(*args, **kwargs):
        reads.append(kwargs.get("limit"))
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "page_cases", counted)
    bar = table.verticalScrollBar()
    bar.setValue(5_000)                          # painted at 5,000: its page is asked for...
    table.viewport().repaint()
    assert model.busy()
    bar.setValue(17_000)                         # ...and before the read starts the user is at 17,000
    table.viewport().repaint()
    settle(qtbot, runner, model)
    table.viewport().repaint()
    settle(qtbot, runner, model)
    assert all(limit is not None and limit <= WINDOW for limit in reads), reads
    first, end = model.window()
    assert first <= 17_000 and 17_020 < end and end - first <= WINDOW
    assert code_at(table, 17_000) == big[17_000]


def test_a_refresh_after_every_case_of_the_window_went_shows_the_new_end(table, qtbot, runner, big):
    model, bar = table.model(), table.verticalScrollBar()
    bar.setValue(bar.maximum())
    table.viewport().repaint()
    settle(qtbot, runner, model)
    first, end = model.window()
    assert end == 20_000
    Case.delete().where(Case.code.in_(big[first - 50:])).execute()        # another desk's work: all gone
    model.refresh()
    settle(qtbot, runner, model)
    table.viewport().repaint()
    settle(qtbot, runner, model)
    left = first - 50
    assert model.total() == model.rowCount() == left
    assert code_at(table, left - 1) == big[left - 1]
    assert model.window()[1] == left and model.loaded() <= WINDOW
