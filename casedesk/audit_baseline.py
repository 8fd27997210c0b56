"""The baseline: one audit row, written when a register made by an older version is upgraded, that
records what its tables hold at that moment, so that ``check`` can compare them from then on.

Older versions did not record a password's digest, a holiday year's text, the shipped catalogue,
or a case's intake.  This row does, once: every user (with a digest of the password hash), every
setting, every holiday year's digest, every procedure version's fingerprint, and the intake of the
cases received so far in blocks of ``BLOCK`` cases (one digest a block, so the row stays small:
about 50 KB for a million cases; a change is then placed within its block, not to the case).

It proves nothing about what happened before the upgrade -- whatever the tables held then is what
the baseline records -- only that nothing changed after it outside the program.
"""
from __future__ import annotations

import hashlib

from . import audit_state

ACTION = "audit_baseline"
BLOCK = 1000
INTAKE_COLUMNS = ("id", "code", "paper_list_id", *[n for n in audit_state.INTAKE_FIELDS if n != "papers"])


def intake_digest(case: dict, papers_digest: str) -> str:
    """One case's intake, as the receive row's fingerprint digests it."""
    values = {name: case.get(name) for name in audit_state.INTAKE_FIELDS if name != "papers"}
    values["birth_date"] = _day(values.get("birth_date"))
    values["papers"] = papers_digest
    return audit_state.fingerprint_digest(audit_state.INTAKE_FIELDS, values)


def _day(value):
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


class BlockHash:
    """The running digest of one block of cases, in id order."""

    def __init__(self):
        self.hash = hashlib.sha256()
        self.count = 0

    def add(self, case_id: int, digest: str) -> None:
        self.hash.update(f"{case_id}:{digest}\n".encode("ascii"))
        self.count += 1

    def hexdigest(self) -> str:
        return self.hash.hexdigest()[:audit_state.DIGEST_HEX]


def _papers(db):
    known: dict = {None: audit_state.papers_digest([])}
    for list_id, papers in db.execute_sql("SELECT id, papers FROM paper_list").fetchall():
        known[list_id] = audit_state.papers_digest(papers)
    return known


def _fingerprinted(db, first: int, last: int) -> set[int]:
    """The cases between two ids whose receive row keeps its own intake fingerprint."""
    mark = db.param
    rows = db.execute_sql(f"SELECT case_id, changes FROM event WHERE action = 'receive' AND case_id >= {mark} "
                          f"AND case_id <= {mark}", (first, last)).fetchall()
    return {case_id for case_id, changes in rows if changes and '"intake"' in changes}


def _case_blocks(db) -> list[list]:
    """``[first id, last id, count, digest]`` of each block of up to ``BLOCK`` cases that have no intake
    fingerprint of their own (all of them, in a register an older version wrote)."""
    papers = _papers(db)
    columns = ", ".join(INTAKE_COLUMNS)
    blocks: list[list] = []
    last = 0
    while True:
        rows = db.execute_sql(f'SELECT {columns} FROM "case" WHERE id > {db.param} ORDER BY id LIMIT {BLOCK}',
                              (last,)).fetchall()
        if not rows:
            return blocks
        own = _fingerprinted(db, rows[0][0], rows[-1][0])
        block = BlockHash()
        ids = []
        for row in rows:
            case = dict(zip(INTAKE_COLUMNS, row))
            if case["id"] in own:
                continue
            block.add(case["id"], intake_digest(case, papers.get(case["paper_list_id"], "missing")))
            ids.append(case["id"])
        if ids:
            blocks.append([ids[0], ids[-1], block.count, block.hexdigest()])
        last = rows[-1][0]


def snapshot(db) -> dict:
    """What the baseline row records (the changes of the ``audit_baseline`` row)."""
    import json

    users = {}
    for login, full_name, role, fields, phone, active, must_change, password_hash in db.execute_sql(
            'SELECT login, full_name, role, fields, phone, active, must_change_password, password_hash '
            'FROM "user" ORDER BY id').fetchall():
        users[login] = {"full_name": full_name, "role": role, "fields": json.loads(fields) if fields else [],
                        "phone": phone or "", "active": bool(active), "must_change_password": bool(must_change),
                        "password": audit_state.password_digest(password_hash)}
    settings = {key: json.loads(value) for key, value in db.execute_sql("SELECT key, value FROM setting").fetchall()}
    years = {str(year): audit_state.text_digest(data)
             for year, data in db.execute_sql("SELECT year, data FROM holiday_year").fetchall()}
    cursor = db.execute_sql("SELECT * FROM procedure ORDER BY code, version")
    names = [c[0] for c in cursor.description]
    catalogue = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        catalogue[f"{row['code']}/{row['version']}"] = audit_state.procedure_fingerprint(row)
    return {"users": users, "settings": settings, "years": years, "catalogue": catalogue,
            "cases": _case_blocks(db), "block": BLOCK}


def record_baseline(db) -> None:
    """Append the baseline row (inside the upgrade's write); nothing for a register with no office yet."""
    from . import audit, context

    if not db.execute_sql('SELECT 1 FROM "user" LIMIT 1').fetchone():
        return
    context.reset()
    now = context.now()
    audit.record(case_id=None, actor="casedesk", action=ACTION, at=now, recorded_at=now, changes=snapshot(db),
                 note="")
    context.reset()
