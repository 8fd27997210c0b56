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


def test_another_desks_users_settings_and_procedures_arrive(open_window, keys, qtbot):
    from casedesk.services import auth
    from ui.screens.case_list import CaseListScreen
    from ui.screens.settings import SettingsScreen

    window = open_window("admin", {"settings": SettingsScreen, "cases": CaseListScreen})
    settings, cases_screen = window.screens["settings"], window.screens["cases"]
    qtbot.waitUntil(lambda: window.desk_sync._stamp is not None)
    # another desk: a new officer, a new signer
    auth.add_user(actor="admin", login="lan", role="officer", full_name="Phạm Thị Lan", password="mat-khau-lan-1")
    office.update_settings(actor="admin", leader_name="Đỗ Văn Bình")
    window.desk_sync.poll()
    qtbot.waitUntil(lambda: "lan" in [u.login for u in settings.users.rows()], timeout=5000)
    qtbot.waitUntil(lambda: cases_screen.officer.findData("lan") >= 0, timeout=5000)   # the filter's officers
    assert window.ctx.settings.leader_name == "Đỗ Văn Bình"
    assert settings.signer_edits["leader_name"].text() == "Đỗ Văn Bình"


def test_a_half_edited_form_is_never_overwritten(open_window, keys, qtbot):
    from ui.screens.settings import SettingsScreen

    window = open_window("admin", {"settings": SettingsScreen})
    screen = window.screens["settings"]
    qtbot.waitUntil(lambda: window.desk_sync._stamp is not None)
    screen.office_edits["phone"].setText("0210 3855 123")              # typed here, not saved yet
    assert screen.has_unsaved()
    office.update_settings(actor="admin", leader_name="Đỗ Văn Bình")   # another desk saves meanwhile
    window.desk_sync.poll()
    keys.idle()
    qtbot.waitUntil(lambda: screen.held() is not None, timeout=5000)
    assert screen.office_edits["phone"].text() == "0210 3855 123"       # what was typed stays
    assert screen.signer_edits["leader_name"].text() != "Đỗ Văn Bình"
    screen.save_office()                                                # only the edited field is sent
    keys.idle()
    saved = office.get_settings()
    assert saved.phone == "0210 3855 123" and saved.leader_name == "Đỗ Văn Bình"   # neither desk's lost
    window.desk_sync.poll()
    keys.idle()
    qtbot.waitUntil(lambda: screen.held() is None, timeout=5000)
    assert screen.signer_edits["leader_name"].text() == "Đỗ Văn Bình" and not screen.has_unsaved()


def test_an_outage_turns_the_light_red_and_back(open_window, keys, qtbot, monkeypatch):
    """Without a server: the register made unreachable by hand, the backoff, the way back."""
    from casedesk.errors import Unavailable
    from ui import desk_sync as sync_module
    from ui.screens.approvals import ApprovalsScreen

    window = open_window("thao", {"approvals": ApprovalsScreen})
    sync = window.desk_sync
    sync.retry_ms = (50, 100, 200)
    down = [True]

    def look(after):
        if down[0]:
            raise Unavailable("Không kết nối được máy chủ thử.")
        return real(after)

    real = sync_module._look
    monkeypatch.setattr(sync_module, "_look", look)
    probes = []
    monkeypatch.setattr(sync, "_probe", lambda: probes.append(1) or sync.probed.emit(not down[0]))
    sync.poll()
    qtbot.waitUntil(lambda: not window.connection_ok, timeout=5000)
    assert window.outage.isVisible() and "Chưa đọc được dữ liệu trên máy này" in window.outage_text.text()
    assert "Mất kết nối" in window.connection.text()
    qtbot.waitUntil(lambda: len(probes) >= 3, timeout=5000)            # retried with backoff
    assert window.connection_ok is False
    down[0] = False
    qtbot.waitUntil(lambda: window.connection_ok, timeout=5000)
    assert not window.outage.isVisible() and sync.timer.interval() == sync.interval_ms
