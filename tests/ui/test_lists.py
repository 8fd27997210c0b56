"""All cases and my work: filters, the search box, Enter opens, Excel export, counts."""
from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from casedesk import context
from casedesk.services import auth, cases
from conftest import PASSWORD
from ui.appctx import AppContext, AppSignals
from ui.models.cases_model import COL
from ui.ops import Runner
from ui.screens.case_list import CaseListScreen
from ui.screens.worklist import WorklistScreen


@pytest.fixture
def make_ctx(db, qapp):
    made = []

    def _make(login):
        ctx = AppContext(user=auth.login(login, PASSWORD), settings=context.settings(), runner=Runner(),
                         signals=AppSignals())
        made.append(ctx)
        return ctx

    yield _make
    for ctx in made:
        ctx.runner.shutdown()


@pytest.fixture
def office(receive, clock):
    """Five cases: two for Hùng (one overdue), one land case for Đường, two not yet assigned."""
    late = receive(citizen_name="Trần Thị An", procedure="HT-01")          # same day: overdue later
    cases.assign_case(actor="mai", code=late.code, to="hung")
    clock.advance(days=2)                                                  # Wednesday 04/11
    soon = receive(citizen_name="Lê Văn Dũng", procedure="HT-09")
    cases.assign_case(actor="mai", code=soon.code, to="hung")
    land = receive(citizen_name="Nguyễn Văn Đường", procedure="DD-01")
    cases.assign_case(actor="mai", code=land.code, to="duong")
    receive(citizen_name="Phạm Thị Ánh", procedure="CT-03")
    receive(citizen_name="Hoàng Minh Sơn", procedure="KT-01")
    return {"late": late.code, "soon": soon.code, "land": land.code}


def _show(qtbot, screen):
    qtbot.addWidget(screen)
    screen.resize(1176, 688)
    screen.show()
    screen.activate()
    _settle(qtbot, screen)
    return screen


def _settle(qtbot, screen):
    """Every list, count and filter box is read on the runner: wait for its answers."""
    qtbot.waitUntil(lambda: screen.ctx.runner.pending() == 0)
    QApplication.processEvents()


def _codes(model):
    return [model.row_at(r).code for r in range(model.rowCount())]


def test_case_list_filters(qtbot, make_ctx, office):
    screen = _show(qtbot, CaseListScreen(make_ctx("mai")))
    assert screen.model.total() == 5
    assert screen.overdue.text() == "Quá hạn (1)"
    screen.overdue.setChecked(True)
    _settle(qtbot, screen)
    assert _codes(screen.model) == [office["late"]]
    screen.due_soon.setChecked(True)                         # the two toggles exclude each other
    _settle(qtbot, screen)
    assert not screen.overdue.isChecked()
    screen.due_soon.setChecked(False)
    _settle(qtbot, screen)
    screen.field.setCurrentIndex(screen.field.findData("DD"))
    _settle(qtbot, screen)
    assert _codes(screen.model) == [office["land"]]
    screen.field.setCurrentIndex(0)
    _settle(qtbot, screen)
    screen.officer.setCurrentIndex(screen.officer.findData("hung"))
    _settle(qtbot, screen)
    assert set(_codes(screen.model)) == {office["late"], office["soon"]}
    screen.officer.setCurrentIndex(0)
    _settle(qtbot, screen)
    screen.period.setCurrentIndex(screen.period.findData("today"))      # received on Wednesday
    _settle(qtbot, screen)
    assert screen.model.total() == 4
    screen.period.setCurrentIndex(screen.period.findData("custom"))
    _settle(qtbot, screen)
    screen.date_from.setDate(screen.date_from.date().addDays(-10))
    _settle(qtbot, screen)
    screen.date_to.setDate(screen.date_to.date().addDays(-2))
    _settle(qtbot, screen)
    assert screen.model.total() == 4 - 3                                 # only Monday's case
    assert screen.count.text() == "1 hồ sơ"


def test_search_box_is_accent_insensitive_and_enter_opens(qtbot, make_ctx, office):
    ctx = make_ctx("mai")
    screen = _show(qtbot, CaseListScreen(ctx))
    opened = []
    ctx.signals.open_case.connect(opened.append)
    qtbot.keyClicks(screen.search, "nguyen van duong")
    qtbot.waitUntil(lambda: screen.model.total() == 1, timeout=2000)
    qtbot.keyClick(screen.search, Qt.Key_Return)
    _settle(qtbot, screen)
    assert opened == [office["land"]]
    screen.search.clear()
    screen.apply_filter()
    _settle(qtbot, screen)
    screen.table.setFocus()
    screen.table.select_row(1)
    qtbot.keyClick(screen.table, Qt.Key_Return)
    assert opened[-1] == screen.model.row_at(1).code


def test_sorting_by_person_from_the_header(qtbot, make_ctx, office):
    screen = _show(qtbot, CaseListScreen(make_ctx("mai")))
    screen.table.sortByColumn(COL["citizen"], Qt.AscendingOrder)
    _settle(qtbot, screen)
    names = [screen.model.index(r, COL["citizen"]).data() for r in range(5)]
    assert names == ["An, Trần Thị", "Ánh, Phạm Thị", "Dũng, Lê Văn", "Đường, Nguyễn Văn", "Sơn, Hoàng Minh"]


def test_export_excel_in_background(qtbot, make_ctx, office, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    ctx = make_ctx("mai")
    screen = _show(qtbot, CaseListScreen(ctx))
    screen.officer.setCurrentIndex(screen.officer.findData("hung"))
    _settle(qtbot, screen)
    target = tmp_path / "hung"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    status = []
    ctx.signals.status.connect(status.append)
    screen.export.click()
    qtbot.waitUntil(lambda: bool(status), timeout=5000)
    rows = list(load_workbook(tmp_path / "hung.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {office["late"], office["soon"]}
    assert screen.export.isEnabled()


def test_worklist_shows_my_open_cases_by_due_date(qtbot, make_ctx, office):
    ctx = make_ctx("hung")
    screen = _show(qtbot, WorklistScreen(ctx))
    assert _codes(screen.model) == [office["late"], office["soon"]]   # nearest due date first
    assert screen.table.isColumnHidden(COL["assignee"])
    assert screen.buttons["overdue"].text() == "Quá hạn (1)"
    assert screen.buttons["all"].text() == "Đang giải quyết (2)"
    opened = []
    ctx.signals.open_case.connect(opened.append)
    qtbot.keyClick(screen.table, Qt.Key_Return)
    assert opened == [office["late"]]
    cases.submit_case(actor="hung", code=office["late"], note="")
    from casedesk.services.views import Changes
    ctx.notify(Changes(cases=True))
    _settle(qtbot, screen)
    assert screen.buttons["submitted"].text() == "Đã trình phê duyệt (1)"
    screen.buttons["overdue"].click()
    _settle(qtbot, screen)
    assert _codes(screen.model) == [office["late"]]                   # still overdue while awaiting approval
    screen.buttons["all"].click()
    _settle(qtbot, screen)
    screen.table.select_row(1)
    assert screen.table.current_code() == office["soon"]
    screen.buttons["all"].click()                                     # a view chosen: the cursor on its first row
    _settle(qtbot, screen)
    assert screen.table.current_code() == office["late"]
