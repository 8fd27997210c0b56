"""Text that can't disguise itself: bidirectional controls and invisible characters are refused.

"Nguyễn Văn A" with a right-to-left override (U+202E) in it shows its letters in another order
than they are stored; a zero-width joiner makes two names that look alike different records.
Names, addresses and notes refuse them with a sentence naming the field; Vietnamese itself (any
tone mark, typed composed or decomposed) is untouched.
"""
from __future__ import annotations

import unicodedata

import pytest

from casedesk.errors import BadInput
from casedesk.models import Case, User
from casedesk.services import auth
from casedesk.text import clean_line, clean_note, invisible_char
from tests.conftest import PASSWORD
from tests.stress.tools import dump

DISGUISES = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
             "\ufeff", "\u00ad", "\u061c", "\u180e", "\u034f", "\u115f", "\u3164", "\ufe0f", "\U000e0041",
             "\U000e0100", "\ufff9", "\U0001d173"]


@pytest.mark.parametrize("ch", DISGUISES, ids=lambda c: f"U+{ord(c):04X}")
def test_every_disguise_is_refused_naming_the_field(ch):
    with pytest.raises(BadInput) as err:
        clean_line(f"Nguyễn Văn{ch} A", field="citizen_name", label="Họ và tên", max_len=120)
    assert err.value.field == "citizen_name"
    assert err.value.message.startswith("Họ và tên có ký tự ẩn U+")
    assert f"U+{ord(ch):04X}" in err.value.message
    with pytest.raises(BadInput) as err:
        clean_note(f"Thiếu giấy{ch} khai sinh")
    assert err.value.field == "note" and "Ghi chú" in err.value.message


def test_every_format_character_is_caught():
    import sys

    missed = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) == "Cf" and invisible_char(chr(c)) is None]
    assert not missed


def test_vietnamese_is_untouched():
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    every = " ".join(unicodedata.normalize("NFC", ch + t) for ch in letters for t in tones)
    for text in (every, every.upper(), unicodedata.normalize("NFD", every), "Nguyễn Thị Ngọc Ánh",
                 "Thôn Đông, xã An Phú – số 12/3", "Ông Ksor H'Bia", "Y Ngông Niê Kđăm"):
        assert invisible_char(text) is None
        clean_line(text, field="address", label="Địa chỉ", max_len=2000)
        clean_note(text)


def test_the_right_to_left_override_is_not_stored(db, receive):
    """The repro: a name with U+202E was stored (U+200B was refused)."""
    before = dump(db)
    for field, value in [("citizen_name", "Nguyễn Văn \u202eA"), ("citizen_name", "Lê\u200dThị Hoa"),
                         ("address", "Thôn \u2066Đông\u2069, xã An Phú"), ("note", "Đã nhận \u202dđủ giấy")]:
        with pytest.raises(BadInput) as err:
            receive(**{field: value})
        assert err.value.field == field
    assert dump(db) == before and Case.select().count() == 0
    with pytest.raises(BadInput) as err:
        auth.add_user(actor="admin", login="lan", role="clerk", full_name="Đỗ Thị\u200c Lan", password=PASSWORD)
    assert err.value.field == "full_name" and "Họ và tên" in err.value.message
    with pytest.raises(BadInput):
        auth.update_user(actor="admin", login="mai", full_name="Trần Thị \u202eMai")
    assert User.get(User.login == "mai").full_name == "Trần Thị Mai"


def test_the_command_line_says_which_field(db, monkeypatch, capsys):
    from casedesk.cli import main
    from casedesk.db import close_database

    close_database()
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    status = main(["--db", str(db), "case", "receive", "--as", "mai", "--procedure", "HT-09",
                   "--name", "Nguyễn Văn \u202eA", "--id-number", "001203012345", "--phone", "0912345678",
                   "--address", "Thôn Đông"])
    err = capsys.readouterr().err
    assert status == 2 and "Họ và tên có ký tự ẩn U+202E" in err and "Traceback" not in err
