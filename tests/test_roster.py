"""The duty roster: set by the admin, copied week to week, printed, shown, and read by the
assignment proposal (those on duty for the case's field first)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from casedesk import audit
from casedesk.errors import BadInput, NotAllowed
from casedesk.models import Event
from casedesk.services import assignment, auth, roster

MONDAY = dt.date(2026, 11, 2)          # the tests' clock: Monday 02/11/2026 09:00
PASSWORD = "mat-khau-1234"


@pytest.fixture
def staff(db):
    auth.add_user(actor="admin", login="lan", role="officer", full_name="Đỗ Thị Lan", password=PASSWORD,
                  fields=("HT",))
    return db


def test_set_show_and_take_off(staff):
    roster.set_duty(actor="admin", day=MONDAY, half="am", login="mai", place="desk")
    roster.set_duty(actor="admin", day=MONDAY, half="am", login="hung", place="HT")
    roster.set_duty(actor="admin", day=MONDAY, half="pm", login="hung", place="ct")       # case-free code
    week = roster.week(MONDAY + dt.timedelta(days=3))                                    # any day of the week
    assert [(e.day, e.half, e.login, e.place) for e in week] == [
        (MONDAY, "am", "hung", "HT"), (MONDAY, "am", "mai", "desk"), (MONDAY, "pm", "hung", "CT")]
    assert week[1].place_name == "Bộ phận một cửa" and week[0].place_name == "Hộ tịch"
    assert roster.on_duty(dt.datetime(2026, 11, 2, 9, 0)) == {"hung": "HT", "mai": "desk"}
    assert roster.on_duty(dt.datetime(2026, 11, 2, 14, 0)) == {"hung": "CT"}
    roster.set_duty(actor="admin", day=MONDAY, half="pm", login="hung", place="")
    assert roster.on_duty(dt.datetime(2026, 11, 2, 14, 0)) == {}
    actions = [e.action for e in Event.select().where(Event.action.startswith("duty"))]
    assert actions == ["duty_set"] * 4
    assert audit.verify_chain().ok


def test_only_the_admin_and_only_sensible_places(staff):
    with pytest.raises(NotAllowed):
        roster.set_duty(actor="mai", day=MONDAY, half="am", login="mai", place="desk")
    for login, place in (("duong", "HT"),            # not his field
                         ("mai", "HT"),              # a clerk is at the desk
                         ("hung", "ZZ"),             # no such field
                         ("thao", "desk"),           # the vice-chairman is not on the roster
                         ("admin", "desk")):
        with pytest.raises(BadInput):
            roster.set_duty(actor="admin", day=MONDAY, half="am", login=login, place=place)
    for day, half in (("2026-13-01", "am"), ("hôm nay", "am"), (MONDAY, "evening")):
        with pytest.raises(BadInput):
            roster.set_duty(actor="admin", day=day, half=half, login="hung", place="HT")
    assert roster.week(MONDAY) == []


def test_copy_a_week_onto_the_next(staff):
    roster.set_duty(actor="admin", day=MONDAY, half="am", login="mai", place="desk")
    roster.set_duty(actor="admin", day=MONDAY + dt.timedelta(days=5), half="am", login="hung", place="HT")
    nxt = MONDAY + dt.timedelta(days=7)
    roster.set_duty(actor="admin", day=nxt, half="pm", login="lan", place="HT")          # replaced by the copy
    assert roster.copy_week(actor="admin", source=MONDAY + dt.timedelta(days=2), target=nxt) == 2
    assert [(e.day, e.half, e.login) for e in roster.week(nxt)] == [
        (nxt, "am", "mai"), (nxt + dt.timedelta(days=5), "am", "hung")]
    assert len(roster.week(MONDAY)) == 2                                                 # the source stays
    with pytest.raises(BadInput):
        roster.copy_week(actor="admin", source=MONDAY, target=MONDAY + dt.timedelta(days=1))
    with pytest.raises(NotAllowed):
        roster.copy_week(actor="hung", source=MONDAY, target=nxt)


def test_the_proposal_puts_those_on_duty_for_the_field_first(staff, receive):
    from casedesk.services import cases

    code = receive(procedure="HT-09").code
    cases.assign_case(actor="mai", code=code, to="lan")             # Lan has more work than Hùng
    assert [o.login for o in assignment.candidates("HT")] == ["hung", "lan"]
    assert all(o.on_duty is None for o in assignment.candidates("HT"))        # no roster: no marks
    roster.set_duty(actor="admin", day=MONDAY, half="am", login="lan", place="HT")
    found = assignment.candidates("HT")
    assert [(o.login, o.on_duty) for o in found] == [("lan", True), ("hung", False)]


def test_cli_show_set_copy_and_print(staff, tmp_path, monkeypatch):
    monkeypatch.setenv("CASEDESK_DB", str(staff))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "casedesk", *args], capture_output=True, text=True, timeout=60)

    out = cli("duty", "set", "2026-11-02", "am", "hung", "HT", "--as", "admin")
    assert out.returncode == 0, out.stderr
    out = cli("duty", "set", "2026-11-02", "am", "duong", "HT", "--as", "admin")
    assert out.returncode == 2 and "không phụ trách" in out.stderr
    out = cli("duty", "set", "2026-11-02", "am", "hung", "HT", "--as", "mai")
    assert out.returncode == 3
    out = cli("duty", "copy", "--from", "2026-11-02", "--to", "2026-11-09", "--as", "admin")
    assert out.returncode == 0 and "1" in out.stdout
    out = cli("duty", "show", "--week", "2026-11-11", "--json")
    rows = json.loads(out.stdout)
    assert rows == [{"day": "2026-11-09", "half": "am", "login": "hung", "name": "Lê Văn Hùng", "place": "HT",
                     "place_name": "Hộ tịch"}]
    pdf = tmp_path / "lich-truc.pdf"
    out = cli("duty", "print", "--week", "2026-11-09", "-o", str(pdf))
    assert out.returncode == 0, out.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_printed_week(staff):
    import io

    import pypdf

    from casedesk.documents.roster import render_roster

    roster.set_duty(actor="admin", day=MONDAY, half="am", login="mai", place="desk")
    roster.set_duty(actor="admin", day=MONDAY + dt.timedelta(days=1), half="pm", login="hung", place="HT")
    reader = pypdf.PdfReader(io.BytesIO(render_roster(MONDAY)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    text = " ".join(reader.pages[0].extract_text().split())
    for part in ("LỊCH TRỰC TUẦN", "02/11/2026", "07/11/2026", "Trần Thị Mai", "Lê Văn Hùng", "Bộ phận một cửa",
                 "Hộ tịch", "Sáng", "Chiều", "Thứ Hai"):
        assert part in text, part
