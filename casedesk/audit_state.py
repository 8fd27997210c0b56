"""What the audit rows record of the state they change, so that ``check`` can replay them.

The hash chain (``audit``) proves the rows were not edited; these values let the replay
(``replay``) prove the tables agree with the rows.  Most are recorded as they are (a state, an
assignee, a new due date).  Two are recorded as a *fingerprint*:

* a case's intake (the citizen's name, papers, fee, ...: what the receive row would otherwise
  repeat in full, 200-odd bytes a case);
* a procedure version's whole row (the catalogue shipped at set-up, the fields a new version
  copies from the one before).

A fingerprint is a 128-bit SHA-256 prefix of the values in a fixed order -- what proves that
nothing changed -- followed by a 16-bit hint per field, which only says *which* field changed
when the digest does not match.  Passwords are recorded as a digest of their (Argon2) hash,
never the hash itself.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

# What a case is given at intake and keeps for good.  The order is part of the recorded value:
# add a field only as a new version of the list (an old receive row keeps its own).
INTAKE_FIELDS = ("citizen_name", "id_number", "phone", "address", "email", "birth_date", "channel",
                 "pickup", "sets", "fee", "papers", "field_code", "ledger_book", "ledger_no")

# A procedure version's columns covered by its row fingerprint (code and version are its key).
# Fixed: a column added later is covered where a row's changes name it, so adding one does not
# make every earlier fingerprint disagree.
PROCEDURE_FIELDS = ("effective_from", "field_code", "department_code", "name", "days", "fee", "fee_note",
                    "result", "papers", "active")

DIGEST_HEX = 32          # 128 bits: what an attacker would have to collide
HINT_HEX = 4             # 16 bits a field: enough to name the field, not to hide a change


def norm(value):
    """A column's value as both engines and Python agree on it (dates as ISO text, JSON parsed)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def canon(value) -> str:
    return json.dumps(norm(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def papers_digest(papers) -> str:
    """A list of papers as its ``PaperList`` digest (hex): the same whatever the stored text's spacing."""
    if isinstance(papers, (str, bytes)):
        papers = json.loads(papers) if papers else []
    text = json.dumps(papers or [], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hint(name: str, value) -> str:
    return hashlib.sha256(f"{name}={canon(value)}".encode("utf-8")).hexdigest()[:HINT_HEX]


def fingerprint_digest(fields: tuple[str, ...], values: dict) -> str:
    whole = json.dumps([[name, norm(values.get(name))] for name in fields], ensure_ascii=False,
                       separators=(",", ":"))
    return hashlib.sha256(whole.encode("utf-8")).hexdigest()[:DIGEST_HEX]


def fingerprint(fields: tuple[str, ...], values: dict) -> str:
    """``digest.hints`` of ``values`` (a dict with every name of ``fields``)."""
    return fingerprint_digest(fields, values) + "." + "".join(_hint(name, values.get(name)) for name in fields)


def differing(fields: tuple[str, ...], values: dict, recorded: str) -> list[str] | None:
    """None when ``values`` match the recorded fingerprint; else the fields whose hint differs
    (``["*"]`` when only the digest does: a change the hints cannot place)."""
    if fingerprint_digest(fields, values) == str(recorded).split(".")[0]:
        return None
    hints = str(recorded).split(".")[1] if "." in str(recorded) else ""
    found = [name for i, name in enumerate(fields)
             if hints[i * HINT_HEX:(i + 1) * HINT_HEX] != _hint(name, values.get(name))]
    return found or ["*"]


def password_digest(password_hash: str | None) -> str:
    """What the audit row keeps of a password: a digest of its Argon2 hash (not the hash)."""
    return hashlib.sha256((password_hash or "").encode("utf-8")).hexdigest()[:DIGEST_HEX]


def text_digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:DIGEST_HEX]


def procedure_values(row) -> dict:
    """The covered columns of a ``Procedure`` (model or dict of columns)."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    values = {}
    for name in PROCEDURE_FIELDS:
        value = get(name)
        if name == "papers" and isinstance(value, str):
            value = json.loads(value) if value else []
        if name == "active":
            value = bool(value)
        values[name] = value
    return values


def procedure_fingerprint(row) -> str:
    return fingerprint(PROCEDURE_FIELDS, procedure_values(row))
