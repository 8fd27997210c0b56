"""The office's signature on a receipt (Mẫu 01) and on a re-appointment (Mẫu 04).

The QR code of a receipt holds the dossier code on its first line, so any scanner still finds
the case, then a newline and the seal: ``CD1-`` and 188 digits (numeric mode keeps the code
small), which are, as one big number, 78 bytes:

    key id (2)  the first two bytes of SHA-256 of the office's public key: whose key signed it
    received (2), due (2)  days since 2000-01-01: the receipt date and the appointment
    digest (8)  SHA-256 of the code, the folded name and the ID number, cut to 8 bytes
    signature (64)  Ed25519 over ``casedesk-receipt-1``, the code and the 14 bytes above

Ed25519 signatures are deterministic: printing the receipt again gives the same QR code as
long as the appointment is the same; a new appointment (form 04) is signed anew.

The office's key pair is made at ``init`` (or by the schema upgrade for an older register) and
lives in the ``office_key`` table: the private half is never printed, exported or shown, and
goes wherever the register goes (its backups).  Only the public half leaves, ``export_text``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from .errors import BadInput
from .i18n import _, admin_date

PREFIX = "CD1-"
DOMAIN = b"casedesk-receipt-1"
EPOCH = dt.date(2000, 1, 1)
BODY_BYTES = 2 + 2 + 2 + 8
SEAL_BYTES = BODY_BYTES + 64
DIGITS = len(str(2 ** (8 * SEAL_BYTES) - 1))          # 188
_SEAL = re.compile(r"CD1-?(\d{%d})" % DIGITS)
PEM_HEAD = "-----BEGIN PUBLIC KEY-----"


# ------------------------------------------------------------------ keys

def _ed25519():
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return ed25519


def key_id(public: bytes) -> bytes:
    return hashlib.sha256(public).digest()[:2]


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public), 32 raw bytes each."""
    from cryptography.hazmat.primitives import serialization as s

    private = _ed25519().Ed25519PrivateKey.generate()
    raw = private.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())
    return raw, private.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)


def ensure_office_key(*, actor: str, at: dt.datetime) -> bool:
    """Give the office its key pair if it has none; call inside ``db.write()``.  One audit row
    (``office_key``) names the key's public half, never the private one.  True when made."""
    from . import audit
    from .models import OfficeKey

    if OfficeKey.select().where(OfficeKey.active == True).exists():  # noqa: E712 - peewee
        return False
    private, public = new_key_pair()
    OfficeKey.create(key_id=key_id(public).hex(), public_key=public, private_key=private,
                     created_at=at.replace(microsecond=0), active=True)
    audit.record(case_id=None, actor=actor, action="office_key", at=at, recorded_at=at,
                 changes={"key_id": key_id(public).hex(), "public_key": public.hex()})
    return True


def _active():
    from .models import OfficeKey

    row = OfficeKey.select().where(OfficeKey.active == True).order_by(OfficeKey.id.desc()).first()  # noqa: E712
    if row is None:
        from .errors import IntegrityProblem

        raise IntegrityProblem(_("Văn phòng chưa có khóa ký giấy hẹn. Hãy nâng cấp cơ sở dữ liệu "
                                 "(mở CaseDesk một lần) rồi thử lại."))
    return row


def office_public_keys() -> dict[bytes, bytes]:
    """Every public key the office has had, by key id (a receipt signed before a new key still checks)."""
    from .models import OfficeKey

    return {key_id(bytes(r.public_key)): bytes(r.public_key)
            for r in OfficeKey.select(OfficeKey.public_key)}


def export_text() -> str:
    """The public key as a small text file: two comment lines naming the office, then PEM."""
    from cryptography.hazmat.primitives import serialization as s

    from . import context
    from .status_data import office_title

    row = _active()
    public = _ed25519().Ed25519PublicKey.from_public_bytes(bytes(row.public_key))
    pem = public.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    st = context.settings()
    return (f"# CaseDesk: khóa công khai ký giấy hẹn / public receipt key\n"
            f"# {office_title()} ({st.unit_code}); key id {row.key_id}\n{pem}")


def load_key_text(text: str) -> bytes:
    """The raw public key from ``export_text``'s file (comment lines allowed before the PEM)."""
    from cryptography.hazmat.primitives import serialization as s

    start = text.find(PEM_HEAD)
    try:
        if start < 0:
            raise ValueError
        key = s.load_pem_public_key(text[start:].encode("ascii", "replace"))
        if not isinstance(key, _ed25519().Ed25519PublicKey):
            raise ValueError
    except ValueError:
        raise BadInput(_("Tệp khóa không phải khóa công khai giấy hẹn của CaseDesk "
                         "(cần tệp do “casedesk-cli office key --export” ghi ra)."), field="key") from None
    return key.public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)


# ------------------------------------------------------------------ signing

def _days(day: dt.date) -> bytes:
    n = (day - EPOCH).days
    if not 0 <= n < 65536:
        raise BadInput(_("Ngày {day} nằm ngoài khoảng ký được trên giấy hẹn.").format(day=day))
    return n.to_bytes(2, "big")


def person_digest(code: str, name: str, id_number: str) -> bytes:
    """8 bytes binding the receipt to the person (salted by the code, so equal people differ)."""
    from .text import fold

    text = "\x1f".join((code, fold(name), (id_number or "").strip()))
    return hashlib.sha256(text.encode("utf-8")).digest()[:8]


def _message(code: str, body: bytes) -> bytes:
    return DOMAIN + b"\x00" + code.encode("utf-8") + b"\x00" + body


def seal(code: str, received_on: dt.date, due_date: dt.date, name: str, id_number: str) -> str:
    """The QR text of a receipt: the code, a newline, the signed seal (same input, same text)."""
    row = _active()
    private = _ed25519().Ed25519PrivateKey.from_private_bytes(bytes(row.private_key))
    body = (key_id(bytes(row.public_key)) + _days(received_on) + _days(due_date)
            + person_digest(code, name, id_number))
    signature = private.sign(_message(code, body))
    number = int.from_bytes(body + signature, "big")
    return f"{code}\n{PREFIX}{number:0{DIGITS}d}"


def case_seal(case) -> str:
    """The QR text for ``case`` (a ``models.Case`` or a ``CaseView``) with the appointment in force now."""
    return seal(case.code, case.received_at.date(), case.due_date, case.citizen_name, case.id_number)


# ------------------------------------------------------------------ reading

@dataclass(frozen=True)
class Seal:
    code: str
    key: bytes
    received_on: dt.date
    due_date: dt.date
    digest: bytes
    signature: bytes


def looks_sealed(text: str) -> bool:
    return bool(_SEAL.search(text or ""))


def parse(text: str) -> Seal | None:
    """The seal in a scanned text: the code line then the seal, joined by a newline, a space,
    or nothing at all (a scanner that drops the newline).  None when it holds no seal."""
    text = (text or "").strip()
    found = _SEAL.search(text)
    if not found:
        return None
    code = text[:found.start()].strip().upper()
    if not code or any(ch.isspace() for ch in code):
        return None
    raw = int(found.group(1)).to_bytes(SEAL_BYTES, "big") if int(found.group(1)) < 2 ** (8 * SEAL_BYTES) else None
    if raw is None:
        return None
    day = lambda b: EPOCH + dt.timedelta(days=int.from_bytes(b, "big"))  # noqa: E731
    return Seal(code=code, key=raw[:2], received_on=day(raw[2:4]), due_date=day(raw[4:6]),
                digest=raw[6:14], signature=raw[14:])


def signature_ok(found: Seal, public: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    body = found.key + _days(found.received_on) + _days(found.due_date) + found.digest
    try:
        _ed25519().Ed25519PublicKey.from_public_bytes(public).verify(found.signature,
                                                                      _message(found.code, body))
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class Verdict:
    """What a receipt's QR code says and whether to believe it.

    ``status``: ``valid`` (genuine and, with the register, matching it), ``signed`` (genuine under
    the given key; no register compared), ``bad_signature``, ``other_office``, ``dates_differ``,
    ``person_differs``, ``unknown_case``, ``no_seal``."""

    status: str
    message: str
    code: str = ""
    received_on: dt.date | None = None
    due_date: dt.date | None = None
    register_due_date: dt.date | None = None
    compared_with_register: bool = False

    @property
    def genuine(self) -> bool:
        return self.status in ("valid", "signed")

    def as_json(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"status": self.status, "genuine": self.genuine, "message": self.message, "code": self.code,
                "received_on": iso(self.received_on), "due_date": iso(self.due_date),
                "register_due_date": iso(self.register_due_date),
                "compared_with_register": self.compared_with_register}


def verify(text: str, *, public: bytes | None = None) -> Verdict:
    """Check a scanned receipt text.  With ``public`` (another office's exported key) only the
    signature is checked; without it, against the open register: the office's keys, the case,
    its receipt date, its appointment now and the person."""
    found = parse(text)
    if found is None:
        return Verdict("no_seal", _("Mã này không có chữ ký của giấy hẹn (chỉ có mã hồ sơ, hoặc đọc "
                                    "thiếu): không xác minh được."))
    dates = dict(code=found.code, received_on=found.received_on, due_date=found.due_date)
    if public is not None:
        if found.key != key_id(public):
            return Verdict("other_office", _("Giấy hẹn {code} được ký bằng khóa của một đơn vị khác, không "
                                             "phải khóa trong tệp đã cho.").format(code=found.code), **dates)
        if not signature_ok(found, public):
            return Verdict("bad_signature", _("Chữ ký trên giấy hẹn {code} không đúng: nội dung đã bị sửa "
                                              "hoặc giấy hẹn bị làm giả.").format(code=found.code), **dates)
        return Verdict("signed", _("Chữ ký hợp lệ: giấy hẹn {code}, nhận {received}, hẹn trả {due}, do "
                                   "đơn vị giữ khóa này cấp. Chưa đối chiếu với sổ hồ sơ (không có dữ liệu hồ "
                                   "sơ ở đây): không biết hồ sơ đã gia hạn hay đã trả.").format(
            code=found.code, received=admin_date(found.received_on), due=admin_date(found.due_date)), **dates)
    from .models import Case

    keys = office_public_keys()
    key = keys.get(found.key)
    if key is None:
        return Verdict("other_office", _("Giấy hẹn không do bộ phận này cấp: giấy hẹn {code} được ký bằng "
                                         "khóa của đơn vị khác.").format(code=found.code), **dates)
    if not signature_ok(found, key):
        return Verdict("bad_signature", _("Giấy hẹn không do bộ phận này cấp: chữ ký trên giấy hẹn {code} "
                                          "không đúng (nội dung đã bị sửa hoặc bị làm giả).").format(
            code=found.code), **dates)
    case = Case.get_or_none(Case.code == found.code)
    if case is None:
        return Verdict("unknown_case", _("Chữ ký đúng nhưng sổ không có hồ sơ {code} (cơ sở dữ liệu khác hoặc "
                                         "đã khôi phục bản sao cũ).").format(code=found.code), **dates)
    dates["register_due_date"] = case.due_date
    dates["compared_with_register"] = True
    if found.digest != person_digest(case.code, case.citizen_name, case.id_number):
        return Verdict("person_differs", _("Sai người: giấy hẹn {code} được ký cho một người khác với người "
                                           "nộp ghi trong sổ.").format(code=found.code), **dates)
    if found.received_on != case.received_at.date():
        return Verdict("dates_differ", _("Sai ngày hẹn: giấy hẹn {code} ghi nhận hồ sơ {a}, sổ ghi {b}.").format(
            code=found.code, a=admin_date(found.received_on), b=admin_date(case.received_at.date())), **dates)
    if found.due_date != case.due_date:
        return Verdict("dates_differ", _("Sai ngày hẹn: giấy hẹn {code} hẹn trả {a}, nhưng theo sổ hồ sơ hẹn "
                                         "trả {b} (đã gia hạn, bổ sung hoặc đổi ngày hẹn).").format(
            code=found.code, a=admin_date(found.due_date), b=admin_date(case.due_date)), **dates)
    return Verdict("valid", _("Giấy hẹn hợp lệ: hồ sơ {code}, nhận {received}, hẹn trả {due}.").format(
        code=found.code, received=admin_date(found.received_on), due=admin_date(found.due_date)), **dates)
