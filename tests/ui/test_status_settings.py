"""Cài đặt → Trang tra cứu: off by default; turned on, the desk runs the read-only page in its own
process on the address and port set, and stops it when turned off or when the desk closes."""
from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from casedesk.models import Event
from casedesk.services import office
from ui.screens.settings_status import StatusPageTab
from ui.status_server import StatusServer

pytest.importorskip("waitress")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, wait: float = 30.0) -> str:
    deadline = time.monotonic() + wait
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_off_by_default_and_saved_with_an_audit_row(qtbot, make_ctx, keys):
    ctx = make_ctx("admin")
    assert ctx.settings.status_page is False
    tab = StatusPageTab(ctx)
    qtbot.addWidget(tab)
    assert not tab.enabled.isChecked() and "đang tắt" in tab.links.text()
    tab.enabled.setChecked(True)
    tab.host.setText("127.0.0.1")
    tab.port.setValue(8099)
    assert tab.has_unsaved()
    tab.save()
    keys.idle()
    st = office.get_settings()
    assert (st.status_page, st.status_host, st.status_port) == (True, "127.0.0.1", 8099)
    assert Event.select().where(Event.action == "settings").order_by(Event.id.desc()).first().changes[
        "status_page"] == [False, True]
    assert "http://127.0.0.1:8099/tra-cuu" in tab.links.text() and not tab.has_unsaved()


def test_a_bad_address_is_refused_and_nothing_saved(qtbot, make_ctx, keys, no_dialogs):
    tab = StatusPageTab(make_ctx("admin"))
    qtbot.addWidget(tab)
    tab.enabled.setChecked(True)
    tab.host.setText("máy của tôi")
    tab.save()
    keys.idle()
    (args, _kw), = no_dialogs["messages"].calls
    assert "địa chỉ IP" in args[2]
    assert office.get_settings().status_page is False


def test_the_desk_runs_the_page_and_stops_it(db):
    port = _free_port()
    settings, _changes = office.update_settings(actor="admin", status_page=True, status_host="127.0.0.1",
                                                status_port=port)
    server = StatusServer(str(db))
    try:
        server.sync(settings)
        page = _get(f"http://127.0.0.1:{port}/tra-cuu")
        assert "Tra cứu tình trạng hồ sơ" in page
        first = server.process.pid
        server.sync(settings)                                  # the same settings: the same process
        assert server.process.pid == first
        off, _changes = office.update_settings(actor="admin", status_page=False)
        server.sync(off)
        assert server.process is None
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/tra-cuu", timeout=2)
    finally:
        server.stop()
