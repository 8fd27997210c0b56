"""The office's signature on a receipt's QR code: made at init or by upgrade, never exported,
deterministic, small enough to scan at the printed size, and refused when forged, re-dated,
issued for another person or signed by another office."""
from __future__ import annotations

import pytest

from casedesk import audit, context, receipt_seal
from casedesk.db import close_database, open_database
from casedesk.documents.build import render_case_document
from casedesk.models import Case, Event, OfficeKey
from casedesk.services import cases as svc
from tests.conftest import PASSWORD


def _qr_texts(pdf: bytes, dpi: int = 150, page: int = 0) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pdfium.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def _private_forms() -> list[str]:
    row = OfficeKey.get()
    raw = bytes(row.private_key)
    import base64
    return [raw.hex(), base64.b64encode(raw).decode()[:20], base64.urlsafe_b64encode(raw).decode()[:20]]


def test_init_gives_the_office_one_key_with_an_audit_row_and_the_chain_holds(db):
    keys = list(OfficeKey.select())
    assert len(keys) == 1 and len(bytes(keys[0].public_key)) == 32 and len(bytes(keys[0].private_key)) == 32
    row = Event.get(Event.action == "office_key")
    assert row.changes["public_key"] == bytes(keys[0].public_key).hex()
    assert all(form not in str(row.changes) for form in _private_forms())    # never the private half
    assert audit.verify_chain().ok
    assert not receipt_seal.ensure_office_key(actor="admin", at=context.now())   # never a second one


def test_the_upgrade_gives_an_older_register_its_key(db, tmp_path):
    from casedesk.db import database
    from casedesk.services import office

    close_database()
    path = tmp_path / "older.sqlite3"
    open_database(path)
    office.init_office(office="TT", commune="Xã B", province="Tỉnh C", unit_code="000.00.31.H27",
                       admin_login="admin", admin_password=PASSWORD)
    database.obj.execute_sql("DROP TABLE office_key")            # as a register written at upgrade 13
    database.obj.execute_sql("UPDATE meta SET value = '13' WHERE key = 'schema_version'")
    before = Event.select().where(Event.action == "office_key").count()
    close_database()
    open_database(path)
    assert OfficeKey.select().count() == 1
    assert Event.select().where(Event.action == "office_key").count() == before + 1
    assert Event.select().order_by(Event.id.desc()).first().actor == "system"
    assert audit.verify_chain().ok
    close_database()
    open_database(path)                                           # opening again makes no second key
    assert OfficeKey.select().count() == 1


def test_the_receipt_qr_holds_the_code_first_then_a_seal_that_scans_at_150_dpi(receive):
    case = Case.get(Case.code == receive().code)
    expected = receipt_seal.case_seal(case)
    assert expected.split("\n")[0] == case.code
    for paper in ("a4", "a5"):
        pdf = render_case_document("receipt", case.code, paper=paper)
        for page in (0, 1):                               # both copies (liên)
            assert _qr_texts(pdf, 150, page) == [expected], (paper, page)
    again = render_case_document("receipt", case.code)
    assert _qr_texts(again) == [expected]                 # re-printing: the same QR
    assert receipt_seal.verify(expected).status == "valid"


def test_the_seal_keeps_the_qr_small(receive):
    import segno

    from casedesk.documents.codes import qr_segments

    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    assert segno.make(qr_segments(text), error="m", micro=False).version <= 6      # 41 modules
    assert segno.make(text, error="m", micro=False).version >= 10                 # as plain bytes


def test_an_extension_signs_the_new_date_and_the_old_receipt_is_refused(receive, clock):
    code = receive(procedure="DD-01").code
    old = receipt_seal.case_seal(Case.get(Case.code == code))
    svc.assign_case(actor="mai", code=code, to="duong")
    due = Case.get(Case.code == code).due_date
    new_due = context.calendar().add_working_days(due, 3)
    svc.extend_case(actor="duong", code=code, to_date=new_due.isoformat(), note="Chờ đo đạc")
    verdict = receipt_seal.verify(old)
    assert verdict.status == "dates_differ" and not verdict.genuine
    assert "Sai ngày hẹn" in verdict.message and verdict.register_due_date == new_due
    letter = render_case_document("apology", code)
    (found,) = _qr_texts(letter)
    assert found.startswith(code + "\n")
    fresh = receipt_seal.verify(found)
    assert fresh.status == "valid" and fresh.due_date == new_due
    assert _qr_texts(render_case_document("receipt", code)) == [found]   # a reprint signs the same date


def _tamper(text: str, index: int) -> str:
    code, seal = text.split("\n")
    digits = list(seal)
    digits[index] = "1" if digits[index] != "1" else "2"
    return code + "\n" + "".join(digits)


@pytest.mark.parametrize("index", [6, 10, 40, 120, -1])
def test_a_changed_digit_is_refused(receive, index):
    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    verdict = receipt_seal.verify(_tamper(text, index))
    assert not verdict.genuine and verdict.status in ("bad_signature", "other_office", "no_seal")


def test_a_seal_moved_to_another_case_is_refused(receive):
    first = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    second = receive(citizen_name="Trần Thị Đào").code
    moved = second + "\n" + first.split("\n")[1]
    assert receipt_seal.verify(moved).status == "bad_signature"


def test_another_person_or_another_office_is_refused(receive, monkeypatch):
    case = Case.get(Case.code == receive().code)
    other_person = receipt_seal.seal(case.code, case.received_at.date(), case.due_date, "Nguyễn Văn Khác",
                                     case.id_number)
    assert receipt_seal.verify(other_person).status == "person_differs"
    # a receipt made with another office's key (a second register, same code)
    private, public = receipt_seal.new_key_pair()
    row = OfficeKey.get()
    monkeypatch.setattr(receipt_seal, "_active", lambda: type("K", (), {"private_key": private,
                                                                        "public_key": public})())
    foreign = receipt_seal.case_seal(case)
    monkeypatch.undo()
    verdict = receipt_seal.verify(foreign)
    assert verdict.status == "other_office" and "không do bộ phận này cấp" in verdict.message
    assert receipt_seal.verify(foreign, public=public).status == "signed"
    assert receipt_seal.verify(foreign, public=bytes(row.public_key)).status == "other_office"


def test_plain_codes_and_rubbish_have_no_seal(receive):
    code = receive().code
    for text in (code, "", "CD1-123", code + "\nCD1-" + "9" * 188, "x\nCD1-" + "0" * 187):
        assert not receipt_seal.verify(text).genuine


def test_a_scanner_that_drops_or_changes_the_newline_still_reads(receive):
    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    code, seal = text.split("\n")
    for variant in (code + seal, code + " " + seal, code.lower() + "\r\n" + seal):
        assert receipt_seal.verify(variant).status == "valid", variant


# ------------------------------------------------------------------ command line


def test_cli_verify_receipt_genuine_forged_and_json(cli, receive):
    import json

    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    status, out, err = cli("verify-receipt", text)
    assert status == 0 and "Giấy hẹn hợp lệ" in out, err
    status, out, err = cli("verify-receipt", text, "--json")
    doc = json.loads(out)
    assert status == 0 and doc["status"] == "valid" and doc["genuine"] and doc["due_date"] == "2026-11-05"
    status, out, err = cli("verify-receipt", _tamper(text, 150))
    assert status == 5 and "không do bộ phận này cấp" in err and out == ""
    status, out, err = cli("verify-receipt", text.split("\n")[0])
    assert status == 2 and "không có chữ ký" in err


def test_cli_exports_only_the_public_key_and_another_desk_verifies_with_it(cli, receive, tmp_path):
    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    secrets = _private_forms()
    out_file = tmp_path / "office.pub"
    status, out, err = cli("office", "key", "--export", "-o", out_file)
    assert status == 0, err
    exported = out_file.read_text(encoding="utf-8")
    assert "BEGIN PUBLIC KEY" in exported and "000.00.31.H26" in exported
    assert "PRIVATE" not in exported and all(s not in exported for s in secrets)
    status, out, err = cli("office", "key", "--export")
    assert status == 0 and out == exported
    status, out, err = cli("--db", tmp_path / "nothing-here.sqlite3", "verify-receipt", text, "--key", out_file)
    assert status == 0 and "Chưa đối chiếu với sổ hồ sơ" in out, err
    status, out, err = cli("verify-receipt", _tamper(text, 150), "--key", out_file)
    assert status == 5 and "không đúng" in err
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key", encoding="utf-8")
    status, out, err = cli("verify-receipt", text, "--key", bad)
    assert status == 2 and "Tệp khóa" in err


def test_cli_reads_the_scanned_text_from_stdin_and_another_desk_gets_json(db, receive, tmp_path):
    import json
    import os
    import subprocess
    import sys

    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    env = {**os.environ, "CASEDESK_DB": str(db)}
    close_database()
    done = subprocess.run([sys.executable, "-m", "casedesk", "verify-receipt", "-"], input=text + "\n",
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "Giấy hẹn hợp lệ" in done.stdout, done.stderr
    key = tmp_path / "k.pub"
    done = subprocess.run([sys.executable, "-m", "casedesk", "office", "key", "--export", "-o", str(key)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    other = {k: v for k, v in env.items() if k != "CASEDESK_DB"}
    done = subprocess.run([sys.executable, "-m", "casedesk", "verify-receipt", text, "--key", str(key), "--json"],
                          capture_output=True, text=True, env=other)
    doc = json.loads(done.stdout)
    assert done.returncode == 0 and doc["status"] == "signed" and doc["compared_with_register"] is False
    open_database(db)
