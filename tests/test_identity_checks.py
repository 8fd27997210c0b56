"""The ID number's own birth year against the date of birth; one ID under two names."""
from __future__ import annotations

import datetime as dt

from casedesk.services import queries
from casedesk.text import id_year_conflict


def test_the_birth_year_in_the_id_against_the_date_of_birth():
    assert id_year_conflict("001090012345", dt.date(1990, 8, 15)) is None
    assert id_year_conflict("001090012345", dt.date(1985, 8, 15)) == 1990
    assert id_year_conflict("001203012345", dt.date(2003, 1, 1)) is None      # 4th digit 2: 2000s
    assert id_year_conflict("001303012345", dt.date(1903, 1, 1)) == 2003
    assert id_year_conflict("001 090 012 345", dt.date(1985, 1, 1)) == 1990   # typed with spaces
    for odd in ("", "12345", "C1234567", "MST 0101234567", "001990012345", "abc"):
        assert id_year_conflict(odd, dt.date(1985, 1, 1)) is None
    assert id_year_conflict("001090012345", None) is None


def test_one_id_under_two_names(receive):
    first = receive(citizen_name="Trần Văn Bảy", id_number="001090012345").code
    assert queries.other_names_for_id("001090012345", "Trần Văn Bảy") == []
    assert queries.other_names_for_id("001090012345", "tran van bay") == []      # accents and case aside
    assert queries.other_names_for_id("001090012345", "Trần Văn Tám") == [("Trần Văn Bảy", first)]
    assert queries.other_names_for_id("001 090 012 345", "Trần Văn Tám") == [("Trần Văn Bảy", first)]
    assert queries.other_names_for_id("not an id", "Trần Văn Tám") == []
    assert queries.other_names_for_id("001203099999", "Trần Văn Tám") == []


def test_the_command_line_receives_and_warns(db, monkeypatch, capsys, receive):
    from casedesk.cli import main
    from casedesk.db import open_database

    first = receive(citizen_name="Trần Văn Bảy", id_number="001090012345").code
    monkeypatch.setenv("CASEDESK_PASSWORD", "mat-khau-1234")
    monkeypatch.setenv("CASEDESK_DB", str(db))
    status = main(["case", "receive", "--as", "mai", "--procedure", "HT-09", "--name", "Trần Văn Tám",
                   "--id-number", "001090012345", "--phone", "0912 345 678", "--address", "Thôn Đông"])
    out, err = capsys.readouterr()
    open_database(db)
    assert status == 0 and out.splitlines()[0].endswith("-0002")
    assert "Lưu ý:" in err and "Trần Văn Bảy" in err and first in err
