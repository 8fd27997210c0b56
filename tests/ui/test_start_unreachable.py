"""A desk started while its server is out of reach: the sentence, and a way to try again without relaunching."""
from __future__ import annotations


def test_an_unreachable_server_at_start_up_offers_to_try_again(qtbot, qapp, no_dialogs, monkeypatch):
    """The server not up yet when the desk starts: the sentence, "Thử lại" tries again, "Thoát" quits."""
    import socket

    import pytest

    pytest.importorskip("psycopg2")
    from ui import app as app_module
    from ui.ops import Runner

    with socket.socket() as s:                 # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    answers = [True, False]                    # try again once, then quit
    asked = []
    monkeypatch.setattr(app_module, "ask_retry", lambda why: asked.append(why) or answers.pop(0))
    monkeypatch.setattr(qapp, "quit", lambda: None)
    runner = Runner()
    try:
        session = app_module.Session(qapp, runner, target=f"postgresql://mai@127.0.0.1:{port}/casedesk",
                                     label=f"127.0.0.1:{port}/casedesk")
        session.start()
        qtbot.waitUntil(lambda: session.finished, timeout=15000)
    finally:
        runner.shutdown()
    assert len(asked) == 2 and f"127.0.0.1:{port}/casedesk" in asked[0] and "Không kết nối được" in asked[0]
    assert session.exit_code == app_module.NOT_READY_EXIT
    assert no_dialogs["messages"].calls == []                # one question, not an error dialog as well
