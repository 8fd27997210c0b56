"""The case table model: lazy batches, SQL sorting in Vietnamese name order,
filters, deadline colours with words, and Qt's own model checks."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from casedesk import workflow
from casedesk.services import cases
from casedesk.services.queries import CaseFilter
from conftest import idle
from ui.models.cases_model import (BATCH, COL, CODE_ROLE, DUE_SOON, IN_TIME, OVERDUE, URGENCY_ROLE, WAITING,
                                   CasesTableModel, export_xlsx)



@pytest.fixture(autouse=True)
def _app(qapp):
    """Icons and fonts need the application object."""
    return qapp


@pytest.fixture
def settle(qtbot, runner):
    """Wait until the model's reads on the runner have answered."""
    def wait() -> None:
        idle(qtbot, runner)

    return wait


@pytest.fixture
def make(runner, settle):
    """A model reading on the runner, its first page arrived."""
    def make_(*args, **kwargs) -> CasesTableModel:
        model = CasesTableModel(*args, runner=runner, **kwargs)
        settle()
        return model

    return make_


NAMES = ["Nguyễn Văn Đường", "Trần Thị An", "Lê Văn Dũng", "Phạm Thị Ánh", "Hoàng Minh Sơn"]


def test_empty_database_passes_qt_model_checks(db, qtmodeltester, make, settle):
    model = make()
    assert model.total() == 0 and model.rowCount() == 0
    assert not model.canFetchMore()
    qtmodeltester.check(model)


def test_model_with_cases_passes_qt_model_checks(db, receive, qtmodeltester, make, settle):
    for name in NAMES:
        receive(citizen_name=name)
    model = make()
    assert model.rowCount() == len(NAMES)
    qtmodeltester.check(model)
    model.sort(COL["citizen"], Qt.DescendingOrder)
    settle()
    qtmodeltester.check(model)


def test_fetch_more_loads_batches_of_200(db, receive, clock, make, settle):
    for i in range(450):
        receive(citizen_name=NAMES[i % len(NAMES)])
        if i % 50 == 49:
            clock.advance(minutes=7)
    model = make(CaseFilter())
    assert model.total() == 450
    assert model.rowCount() == BATCH
    assert model.canFetchMore()
    model.fetchMore()
    settle()
    assert model.rowCount() == 2 * BATCH
    model.fetchMore()
    settle()
    assert model.rowCount() == 450
    assert not model.canFetchMore()
    codes = [model.index(r, COL["code"]).data(CODE_ROLE) for r in range(450)]
    assert len(set(codes)) == 450                              # no row twice across batches


def test_sorting_by_person_uses_vietnamese_given_name_order(db, receive, make, settle):
    for name in NAMES:
        receive(citizen_name=name)
    model = make()
    model.sort(COL["citizen"], Qt.AscendingOrder)
    settle()
    shown = [model.index(r, COL["citizen"]).data() for r in range(model.rowCount())]
    assert shown == ["An, Trần Thị", "Ánh, Phạm Thị", "Dũng, Lê Văn", "Đường, Nguyễn Văn", "Sơn, Hoàng Minh"]
    model.sort(COL["citizen"], Qt.DescendingOrder)
    settle()
    assert model.index(0, COL["citizen"]).data() == "Sơn, Hoàng Minh"
    model.sort(COL["code"], Qt.AscendingOrder)               # other orders show the name as written
    settle()
    assert model.index(0, COL["citizen"]).data() == "Nguyễn Văn Đường"


def test_sorting_by_procedure_and_officer_follows_the_text_shown(db, receive, make, settle):
    for code, officer in (("HT-09", "hung"), ("HT-01", None), ("DD-04", "duong"), ("CT-10", "hung")):
        case = receive(procedure=code)
        if officer:
            cases.assign_case(actor="mai", code=case.code, to=officer)
    model = make()

    def shown(column):
        return [model.index(r, COL[column]).data() for r in range(model.rowCount())]

    model.sort(COL["procedure"], Qt.AscendingOrder)          # Vietnamese order: Đ after C, before H and X
    settle()
    assert shown("procedure") == ["Cấp bản sao từ sổ gốc", "Đăng ký khai sinh", "Hòa giải tranh chấp đất đai",
                                  "Xác nhận thông tin hộ tịch"]
    model.sort(COL["procedure"], Qt.DescendingOrder)
    settle()
    assert shown("procedure")[0] == "Xác nhận thông tin hộ tịch"
    model.sort(COL["assignee"], Qt.AscendingOrder)           # unassigned first, then by given name, shown first
    settle()
    assert shown("assignee") == ["Chưa phân công", "Đường, Nguyễn Văn", "Hùng, Lê Văn", "Hùng, Lê Văn"]
    model.sort(COL["assignee"], Qt.DescendingOrder)
    settle()
    assert shown("assignee") == ["Hùng, Lê Văn", "Hùng, Lê Văn", "Đường, Nguyễn Văn", "Chưa phân công"]
    model.sort(COL["code"], Qt.AscendingOrder)               # other orders show the name as written
    settle()
    assert "Lê Văn Hùng" in shown("assignee")


def test_filters_and_search(db, receive, clock, make, settle):
    a = receive(citizen_name="Nguyễn Văn Đường", procedure="HT-09")
    b = receive(citizen_name="Trần Thị An")
    cases.assign_case(actor="mai", code=b.code, to="hung")
    model = make()
    model.set_filter(CaseFilter(assignee="hung"))
    settle()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [b.code]
    model.set_filter(CaseFilter(query="nguyen van duong"))          # accent-insensitive
    settle()
    assert model.total() == 1 and model.index(0, 0).data() == a.code
    model.set_filter(CaseFilter(state=workflow.ASSIGNED))
    settle()
    assert model.index(0, COL["state"]).data() == "Đang xử lý"
    assert model.index(0, COL["assignee"]).data() == "Lê Văn Hùng"


def test_deadline_colours_always_come_with_words(db, receive, clock, make, settle):
    case = receive(procedure="HT-01")            # same-day procedure: due today
    model = make()
    idx = model.index(0, COL["left"])
    assert idx.data(URGENCY_ROLE) == DUE_SOON
    assert idx.data() == "Hạn hôm nay"
    assert idx.data(Qt.ToolTipRole) == "Sắp đến hạn"
    assert idx.data(Qt.BackgroundRole) is not None and idx.data(Qt.DecorationRole) is not None
    clock.set(dt.datetime(2026, 11, 5, 9, 0))         # three working days later
    model.refresh()
    settle()
    idx = model.index(0, COL["left"])
    assert idx.data(URGENCY_ROLE) == OVERDUE
    assert idx.data() == "Quá 3 ngày" and idx.data(Qt.ToolTipRole) == "Quá hạn"
    cases.assign_case(actor="mai", code=case.code, to="hung")
    cases.request_supplement(actor="hung", code=case.code, note="Thiếu giấy chứng sinh")
    model.refresh()
    settle()
    assert model.index(0, COL["left"]).data(URGENCY_ROLE) == WAITING
    assert model.index(0, COL["left"]).data() == "Tạm dừng"


def test_long_procedure_is_green_in_time(db, receive, make, settle):
    receive(procedure="DD-01")                   # 20 working days
    model = make()
    assert model.row_at(0).days_left > 1
    assert model.index(0, COL["left"]).data(URGENCY_ROLE) == IN_TIME
    assert model.index(0, COL["left"]).data(Qt.ToolTipRole) == "Trong hạn"


def test_export_writes_every_row_of_the_filter(db, receive, tmp_path, runner):
    from openpyxl import load_workbook

    for name in NAMES:
        receive(citizen_name=name)
    seen = []
    path = tmp_path / "ds.xlsx"
    count = runner.call(lambda: export_xlsx(str(path), CaseFilter(), report=lambda d, t, s="": seen.append((d, t))))
    assert count == len(NAMES) and seen[-1] == (5, 5)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ" and len(rows) == 1 + len(NAMES)
    assert {r[1] for r in rows[1:]} == set(NAMES)
    assert isinstance(rows[1][4], dt.datetime)               # real dates, not text
