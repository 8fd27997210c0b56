"""The vice-chairman's queue: several rows approved at once with Ctrl+Enter,
a return that needs a reason, a refusal that needs a reason and a confirmation."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from casedesk import context, workflow
from casedesk.services import auth, cases, queries
from conftest import PASSWORD
from ui.appctx import AppContext, AppSignals
from ui.ops import Runner
from ui.screens import approvals
from ui.screens.approvals import ApprovalsScreen


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
def queue(receive):
    """Three cases submitted for approval by their officer."""
    codes = []
    for name in ("Trần Thị An", "Lê Văn Dũng", "Phạm Thị Ánh"):
        code = receive(citizen_name=name, procedure="HT-09").code
        cases.assign_case(actor="mai", code=code, to="hung")
        cases.submit_case(actor="hung", code=code, note="Đủ điều kiện, đề nghị phê duyệt")
        codes.append(code)
    return codes


def _screen(qtbot, ctx):
    screen = ApprovalsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1176, 688)
    screen.show()
    screen.activateWindow()
    qtbot.waitExposed(screen)
    screen.activate()
    qtbot.waitUntil(lambda: ctx.runner.pending() == 0)        # the queue is read on the runner
    return screen


def _wait_seen(qtbot, screen):
    """Until the current row's preview has been on screen long enough to be approved."""
    qtbot.waitUntil(lambda: screen._seen(screen.table.current_code() or "-"), timeout=5000)


def test_ctrl_enter_approves_every_selected_row(qtbot, make_ctx, queue, monkeypatch):
    asked = []
    monkeypatch.setattr(approvals, "confirm_batch", lambda parent, title, text: asked.append(text) or True)
    ctx = make_ctx("thao")
    screen = _screen(qtbot, ctx)
    assert screen.model.total() == 3
    assert "Còn 3 hồ sơ" in screen.counter.text()
    qtbot.waitUntil(lambda: "Đề xuất của cán bộ" in screen.preview.toPlainText())
    assert "Đủ điều kiện, đề nghị phê duyệt" in screen.preview.toPlainText()
    sel = screen.table.selectionModel()
    sel.select(screen.model.index(0, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
    sel.select(screen.model.index(1, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    picked = screen.table.selected_codes()
    assert len(picked) == 2 and "đã chọn 2" in screen.counter.text()
    seen = []
    ctx.signals.changed.connect(seen.append)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0].cases
    for code in picked:
        assert queries.get_case(code).state == workflow.APPROVED
    assert len(asked) == 1 and "2 hồ sơ" in asked[0] and all(code in asked[0] for code in picked)
    qtbot.waitUntil(lambda: screen.model.total() == 1)
    assert "Còn 1 hồ sơ" in screen.counter.text()


def test_return_needs_a_reason(qtbot, make_ctx, queue, monkeypatch):
    ctx = make_ctx("thao")
    screen = _screen(qtbot, ctx)
    screen.table.select_row(0)
    code = screen.table.current_code()
    monkeypatch.setattr(approvals, "ask_reason", lambda *a: None)          # cancelled: nothing happens
    qtbot.keyClick(screen.table, Qt.Key_R, Qt.ControlModifier)
    qtbot.wait(50)
    assert queries.get_case(code).state == workflow.AWAITING
    monkeypatch.setattr(approvals, "ask_reason", lambda *a: "Thiếu ý kiến thẩm định")
    seen = []
    ctx.signals.changed.connect(seen.append)
    qtbot.keyClick(screen.table, Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    case = queries.get_case(code)
    assert case.state == workflow.ASSIGNED
    assert case.history[-1].note == "Thiếu ý kiến thẩm định"
    qtbot.waitUntil(lambda: screen.model.total() == 2)


def test_reason_dialog_keeps_ok_disabled_until_a_reason_is_written(qtbot, qapp):
    dialog = approvals.ReasonDialog(None, "Trả lại", "Lý do")
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    dialog.text.setPlainText("   ")
    assert not dialog.ok.isEnabled()
    dialog.text.setPlainText("Thiếu giấy tờ")
    assert dialog.ok.isEnabled()


def test_refuse_asks_reason_then_confirmation(qtbot, make_ctx, queue, monkeypatch):
    ctx = make_ctx("thao")
    screen = _screen(qtbot, ctx)
    screen.table.select_row(0)
    code = screen.table.current_code()
    monkeypatch.setattr(approvals, "ask_reason", lambda *a: "Không đủ điều kiện")
    monkeypatch.setattr(approvals, "confirm", lambda *a: False)
    screen.refuse.click()
    qtbot.wait(50)
    assert queries.get_case(code).state == workflow.AWAITING
    monkeypatch.setattr(approvals, "confirm", lambda *a: True)
    screen.refuse.click()
    qtbot.waitUntil(lambda: queries.get_case(code).state == workflow.REFUSED, timeout=5000)


def test_an_officer_cannot_approve_the_core_says_why(qtbot, make_ctx, queue, monkeypatch):
    ctx = make_ctx("hung")                       # the UI hides the screen; the core refuses anyway
    screen = _screen(qtbot, ctx)
    errors = []
    monkeypatch.setattr(approvals, "show_error", lambda parent, exc: errors.append(str(exc)))
    screen.table.select_row(0)
    _wait_seen(qtbot, screen)
    screen.approve_selected()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert queries.get_case(queue[0]).state == workflow.AWAITING


def test_two_ctrl_enter_300ms_apart_approve_exactly_one(qtbot, make_ctx, queue):
    ctx = make_ctx("thao")
    screen = _screen(qtbot, ctx)
    statuses = []
    ctx.signals.status.connect(statuses.append)
    screen.table.setFocus()
    _wait_seen(qtbot, screen)
    first = screen.table.current_code()
    qtbot.keyClick(screen.table, Qt.Key_Return, Qt.ControlModifier)
    qtbot.wait(300)
    qtbot.keyClick(screen.table, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: screen.model.total() == 2, timeout=5000)
    qtbot.wait(1200)                                   # anything queued has long run by now
    states = {code: queries.get_case(code).state for code in queue}
    assert [c for c, s in states.items() if s == workflow.APPROVED] == [first]
    assert sum(s == workflow.AWAITING for s in states.values()) == 2
    assert any("vừa hiện ra" in s for s in statuses)
    # and a deliberate press once the next dossier has been read approves that one
    second = screen.table.current_code()
    assert second != first
    _wait_seen(qtbot, screen)
    qtbot.keyClick(screen.table, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: queries.get_case(second).state == workflow.APPROVED, timeout=5000)


def test_a_batch_needs_a_confirmation_naming_the_count(qtbot, make_ctx, queue, monkeypatch):
    asked = []
    monkeypatch.setattr(approvals, "confirm_batch", lambda parent, title, text: asked.append(text) or False)
    ctx = make_ctx("thao")
    screen = _screen(qtbot, ctx)
    screen.table.setFocus()
    _wait_seen(qtbot, screen)
    screen.table.selectAll()
    qtbot.keyClick(screen.table, Qt.Key_Return, Qt.ControlModifier)
    qtbot.wait(200)
    assert len(asked) == 1 and "3 hồ sơ" in asked[0]
    assert all(queries.get_case(code).state == workflow.AWAITING for code in queue)


def test_ctrl_z_takes_back_the_last_approval_once(qtbot, make_ctx, queue):
    ctx = make_ctx("thao")
    screen = _screen(qtbot, ctx)
    assert not screen.undo.isEnabled()
    _wait_seen(qtbot, screen)
    code = screen.table.current_code()
    qtbot.keyClick(screen.table, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: queries.get_case(code).state == workflow.APPROVED, timeout=5000)
    qtbot.waitUntil(screen.undo.isEnabled, timeout=5000)
    qtbot.keyClick(screen.table, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: queries.get_case(code).state == workflow.AWAITING, timeout=5000)
    case = queries.get_case(code)
    assert [e.action for e in case.history[-2:]] == ["approve", "undo_approve"]
    assert case.history[-1].actor == "thao"
    qtbot.waitUntil(lambda: screen.model.total() == 3, timeout=5000)
    assert not screen.undo.isEnabled()
    qtbot.keyClick(screen.table, Qt.Key_Z, Qt.ControlModifier)       # nothing left to take back
    qtbot.wait(200)
    assert queries.get_case(code).history[-1].action == "undo_approve"
