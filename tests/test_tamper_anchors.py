"""Anchors outside the file: a chain rewritten whole (every digest recomputed) or cut short verifies
on its own, but no longer holds the head printed on a report or kept with a backup.  ``check`` names
the anchor and exits 5.
"""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from casedesk import anchors, audit
from casedesk.cli import main
from casedesk.db import close_database, open_database
from casedesk.services import cases
from tests.test_tamper import tamper


@pytest.fixture
def register(db, receive):
    codes = [receive(citizen_name=name).code for name in ("Nguyễn Văn An", "Trần Thị Bình")]
    for code in codes:
        cases.assign_case(actor="mai", code=code, to="hung")
    close_database()
    return db, codes


def head_of(path) -> str:
    open_database(path, upgrade=False)
    try:
        return anchors.head_text()
    finally:
        close_database()


def check(path, capsys, *extra):
    status = main(["--db", str(path), "check", "--json", *extra])
    out, _err = capsys.readouterr()
    return status, json.loads(out)


def recompute_every_digest(path) -> None:
    """What a forger who read audit.py does: rewrite a row, then every digest from there on, and the head."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        rows = conn.execute(f"SELECT {audit.CHAIN_COLUMNS} FROM {audit.CHAIN_FROM} ORDER BY e.id").fetchall()
        prev = audit.GENESIS
        conn.execute("BEGIN")
        for row in rows:
            digest = audit.expected_digest(prev, row)
            conn.execute("UPDATE event SET digest = ? WHERE id = ?", (bytes.fromhex(digest), row[0]))
            prev = digest
        conn.execute("UPDATE meta SET value = ? WHERE key = ?", (prev, audit.HEAD_KEY))
        conn.execute("COMMIT")
    finally:
        conn.close()


def rewrite_history(path, codes) -> None:
    """The second case was never assigned to hung but to duong: the row and the case changed, the
    chain recomputed, so the chain and the replay both agree with the lie."""
    tamper(path, ("UPDATE event SET changes = '{\"assignee\": [null, \"duong\"]}' WHERE action = 'assign' AND "
                  "case_id = (SELECT id FROM \"case\" WHERE code = ?)", (codes[1],)),
           ("UPDATE \"case\" SET assignee_id = (SELECT id FROM \"user\" WHERE login = 'duong') WHERE code = ?",
            (codes[1],)))
    recompute_every_digest(path)


def test_a_recomputed_chain_passes_without_an_anchor(register, capsys):
    """The honest limit of a local hash chain: without an anchor nothing is found."""
    path, codes = register
    rewrite_history(path, codes)
    status, doc = check(path, capsys)
    assert status == 0 and doc["audit_ok"] and not doc["differences"]


def test_a_recomputed_chain_fails_the_anchor_read_off_paper(register, capsys):
    path, codes = register
    printed = head_of(path)          # the footer of a monthly report printed before the forgery
    rewrite_history(path, codes)
    status, doc = check(path, capsys, "--anchor", printed)
    assert status == 5 and doc["audit_ok"] is True
    problem = doc["anchor_problems"][0]
    assert problem["anchor"] == printed and problem["kind"] == "rewritten"
    status = main(["--db", str(path), "check", "--anchor", printed])
    err = capsys.readouterr().err
    assert status == 5 and printed in err and "viết lại" in err


def test_an_anchor_that_still_holds(register, capsys):
    path, _codes = register
    printed = head_of(path)
    open_database(path)
    cases.submit_case(actor="hung", code=_codes[0], note="Đủ điều kiện")
    close_database()
    status, doc = check(path, capsys, "--anchor", printed, "--anchor", printed.upper())
    assert status == 0 and doc["anchors_checked"] == 2 and doc["head"] != printed


def test_the_last_rows_cut_off_fail_the_anchor(register, capsys):
    """Delete the last rows and move the head: the chain verifies, the anchor names a row it no longer has."""
    path, _codes = register
    printed = head_of(path)
    with sqlite3.connect(path) as conn:
        last = conn.execute("SELECT max(id) FROM event").fetchone()[0]
        digest = conn.execute("SELECT digest FROM event WHERE id = ?", (last - 3,)).fetchone()[0]
    tamper(path, ("DELETE FROM event WHERE id > ?", (last - 3,)),
           ("UPDATE meta SET value = ? WHERE key = ?", (digest.hex(), audit.HEAD_KEY)))
    status, doc = check(path, capsys, "--anchor", printed)
    assert status == 5 and doc["audit_ok"] is True
    assert [p["kind"] for p in doc["anchor_problems"]] == ["truncated"]


@pytest.mark.parametrize("text", ["12", "abc:def", "5:xyz123", "5:ab"])
def test_a_badly_typed_anchor_is_bad_input(register, capsys, text):
    path, _codes = register
    assert main(["--db", str(path), "check", "--anchor", text]) == 2
    assert "SỐ-DÒNG:MÃ" in capsys.readouterr().err


def test_every_backup_keeps_an_anchor_and_check_finds_it(register, capsys):
    """A backup's sidecar holds its chain's head; the backups folder is searched without being asked."""
    from casedesk import backup

    path, codes = register
    open_database(path)
    info = backup.backup_now()
    close_database()
    sidecar = anchors.sidecar_path(info.path)
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    assert doc["row"] and len(doc["digest"]) == 64 and doc["rows"] == info.audit_rows
    assert doc["register_id"] == info.register_id
    status, out = check(path, capsys)
    assert status == 0 and out["anchors_checked"] == 1
    rewrite_history(path, codes)
    status, out = check(path, capsys)
    assert status == 5 and out["anchor_problems"][0]["source"] == str(sidecar)
    assert out["anchor_problems"][0]["kind"] == "rewritten"


def test_a_backup_without_its_sidecar_is_an_anchor_too(register, capsys):
    from casedesk import backup

    path, codes = register
    open_database(path)
    info = backup.backup_now()
    close_database()
    anchors.sidecar_path(info.path).unlink()
    rewrite_history(path, codes)
    status, out = check(path, capsys)
    assert status == 5 and out["anchor_problems"][0]["source"] == str(info.path)


def test_a_usb_stick_with_anchors(register, capsys, tmp_path):
    """``--against DIR``: the office's copy on a stick, in a folder of its own."""
    from casedesk import backup

    path, codes = register
    usb = tmp_path / "usb"
    open_database(path)
    info = backup.backup_now(usb / "casedesk")
    close_database()
    for leftover in backup.backups_root().rglob("*.anchor"):      # only the stick holds one
        leftover.unlink()
    status, out = check(path, capsys, "--against", str(usb))
    assert status == 0 and out["anchors_checked"] == 1
    with sqlite3.connect(path) as conn:
        last = conn.execute("SELECT max(id) FROM event").fetchone()[0]
        digest = conn.execute("SELECT digest FROM event WHERE id = ?", (last - 1,)).fetchone()[0]
    tamper(path, ("DELETE FROM event WHERE id = ?", (last,)),
           ("UPDATE meta SET value = ? WHERE key = ?", (digest.hex(), audit.HEAD_KEY)))
    status, out = check(path, capsys, "--against", str(usb))
    assert status == 5 and out["anchor_problems"][0]["kind"] == "truncated"
    assert out["anchor_problems"][0]["source"] == str(anchors.sidecar_path(info.path))


def test_another_registers_anchors_are_passed_over(register, capsys, tmp_path, template_db):
    from casedesk import backup

    path, _codes = register
    other = tmp_path / "other.sqlite3"
    shutil.copy(template_db, other)
    open_database(other)
    backup.backup_now(tmp_path / "usb")
    close_database()
    open_database(path)
    backup.register_id(create=True)
    close_database()
    status, out = check(path, capsys, "--against", str(tmp_path / "usb"))
    assert status == 0 and out["anchors_checked"] == 0 and out["notes"]


def test_a_missing_against_folder_is_bad_input(register, capsys, tmp_path):
    path, _codes = register
    assert main(["--db", str(path), "check", "--against", str(tmp_path / "nowhere")]) == 2


def test_reports_ledgers_and_control_sheets_print_the_anchor(register):
    """The small footer line on every page: what an inspector can read back with --anchor."""
    import datetime as dt

    from casedesk.documents import build
    from tests.test_cli_documents import pdf_text

    path, codes = register
    printed = head_of(path)
    open_database(path)
    try:
        pdfs = {"control_sheet": build.render_case_document("control-sheet", codes[0]),
                "ledger": build.render_ledger(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
                "receipt": build.render_case_document("receipt", codes[0])}
        from casedesk.report_periods import parse_period

        pdfs["monthly"] = build.render_report(parse_period("month", "2026-11"), "pdf")
    finally:
        close_database()
    import re

    found = {}
    for kind, payload in pdfs.items():
        match = re.search(r"CaseDesk:(\d+:[0-9a-f]{10})", pdf_text(payload).replace(" ", ""))
        found[kind] = match[1] if match else None
    assert found["receipt"] is None                       # the citizen's papers stay as they were
    # printing a form may number it (an audit row): each document shows the head as it read it
    assert found["control_sheet"] == printed
    for kind in ("control_sheet", "ledger", "monthly"):
        assert found[kind] and anchors.parse(found[kind]).row >= anchors.parse(printed).row, kind
        assert main(["--db", str(path), "check", "--anchor", found[kind]]) == 0, kind


def test_after_a_restore_the_older_backups_anchors_are_a_note(register, capsys, clock, receive, tmp_path,
                                                               monkeypatch):
    """A restore really replaces the history written since its backup: the anchors of this register's own
    backups made before it are a note (they were within reach of the holder anyway); an anchor kept
    elsewhere (a USB stick, paper) still fails."""
    from casedesk import backup
    from tests.conftest import PASSWORD

    path, _codes = register
    open_database(path)
    first = backup.backup_now()
    kept = tmp_path / first.path.name         # the day's rotation keeps only its newest backup
    shutil.copy(first.path, kept)
    clock.advance(hours=1)
    receive(citizen_name="Phạm Thị Yến")
    later = backup.backup_now()
    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.copy(anchors.sidecar_path(later.path), usb)
    close_database()
    clock.advance(hours=1)
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    assert main(["--db", str(path), "restore", str(kept), "--as", "admin", "--yes"]) == 0
    capsys.readouterr()
    status, doc = check(path, capsys)
    assert status == 0 and doc["anchor_problems"] == [] and any("khôi phục" in n for n in doc["notes"])
    status, doc = check(path, capsys, "--against", str(usb))
    assert status == 5 and doc["anchor_problems"][0]["source"] == str(usb / anchors.sidecar_path(later.path).name)
    assert "khôi phục" in doc["anchor_problems"][0]["message"]


def test_the_ledger_spreadsheet_prints_the_anchor_too(register, tmp_path):
    """The ledger exported as .xlsx carries the anchor in its page footer (never a cell)."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from casedesk.ledger_export import ledger_xlsx

    path, _codes = register
    printed = head_of(path)
    open_database(path)
    try:
        payload = ledger_xlsx(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    finally:
        close_database()
    sheet = load_workbook(io.BytesIO(payload)).active
    assert printed in sheet.oddFooter.right.text
    assert not any(printed in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
