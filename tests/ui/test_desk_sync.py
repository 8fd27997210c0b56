"""Another desk's work shows up without touching anything: a case submitted elsewhere (the command line,
another PC on the LAN) appears in the vice-chairman's open approval queue after the next look."""
from __future__ import annotations

from casedesk.services import cases, office
from ui.screens.approvals import ApprovalsScreen


def test_a_case_submitted_at_another_desk_appears_in_the_open_queue(open_window, keys, receive, qtbot):
    window = open_window("thao", {"approvals": ApprovalsScreen})
    screen = window.screens["approvals"]
    assert screen.model.total() == 0
    qtbot.waitUntil(lambda: window.desk_sync._stamp is not None)

    # what another desk does: the services without this window's notifications
    code = receive().code
    cases.assign_case(actor="mai", code=code, to="hung")
    cases.submit_case(actor="hung", code=code)
    assert screen.model.total() == 0

    window.desk_sync.poll()                       # what the timer does every few seconds
    qtbot.waitUntil(lambda: screen.model.total() == 1, timeout=5000)
    assert screen.model.row_at(0).code == code


def test_this_desks_own_action_is_not_refreshed_twice(open_window, keys, receive, qtbot):
    window = open_window("thao", {"approvals": ApprovalsScreen})
    sync = window.desk_sync
    qtbot.waitUntil(lambda: sync._stamp is not None)
    heard = []
    window.ctx.signals.changed.connect(heard.append)
    receive()
    from casedesk.services.views import Changes

    window.ctx.notify(Changes(cases=True))         # as the intake screen does after saving
    keys.idle()
    qtbot.waitUntil(lambda: sync._stamp == office.changes_since(None)[0], timeout=5000)
    sync.poll()
    keys.idle()
    assert len(heard) == 1
