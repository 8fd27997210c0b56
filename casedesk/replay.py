"""Replaying the audit trail: does every case row say what its audit rows say?

The hash chain (``audit.verify_chain``) proves the audit rows were not edited.  It proves nothing
about the case table: ``UPDATE "case" SET state = 'approved'`` leaves the chain intact.  So
``check`` replays each case's rows in order -- the receive row, then every action -- and compares
the result with the case row: state, assignee, due date (first and current), extension, pause,
resolution and delivery, the receiving clerk and time, and the intake (the citizen's fields, the
papers, the fee, the ledger number) against the receive row's fingerprint (``audit_state``).
The procedure version and the first due date are part of the receive row's own digest (see
``audit.RECEIVE_KEYS``): an edit there breaks the chain itself.

A case with no receive row, or audit rows whose case is gone, is a difference too.  Cases received
before the receive row carried a fingerprint (older versions) have their intake uncounted:
``uncovered`` says how many.  The users, settings, calendar and catalogue tables are replayed in
``replay_office``.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterator

from . import audit_state, workflow

BATCH = 2000

CASE_COLUMNS = ("id", "code", "state", "assignee_id", "due_date", "original_due_date", "extended", "paused_on",
                "resolved_at", "resolved_on", "delivered_at", "receiver", "rating", "received_at", "received_on",
                "received_by_id", "last_event_at", "paper_list_id", "procedure_id",
                *[name for name in audit_state.INTAKE_FIELDS if name != "papers"])


@dataclass(frozen=True)
class Difference:
    kind: str            # case | user | setting | calendar | procedure | audit
    key: str             # the case code, login, setting key, year, procedure CODE/version
    field: str           # the column (or "*": the row as a whole)
    recorded: object = None    # what the audit rows say (None when they keep only a fingerprint)
    found: object = None       # what the table holds

    def as_json(self) -> dict:
        return {"kind": self.kind, "key": self.key, "field": self.field,
                "recorded": _plain(self.recorded), "found": _plain(self.found)}


@dataclass
class Replay:
    differences: list[Difference] = field(default_factory=list)
    cases: int = 0
    uncovered: int = 0        # cases whose receive row has no intake fingerprint (older versions)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def when(value) -> str | None:
    """A time as ``YYYY-MM-DD HH:MM:SS`` whichever engine or string it came from."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if len(value) == 19 and value[10] == " ":     # as SQLite keeps it: already canonical
            return value
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return str(value)


def day(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def _changes(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        found = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _case_batches(db) -> Iterator[list[dict]]:
    mark = db.param
    columns = ", ".join(f'c.{name}' for name in CASE_COLUMNS)
    sql = (f'SELECT {columns} FROM "case" c WHERE c.id > {mark} ORDER BY c.id LIMIT {BATCH}')
    last = 0
    while True:
        rows = db.execute_sql(sql, (last,)).fetchall()
        if not rows:
            return
        yield [dict(zip(CASE_COLUMNS, row)) for row in rows]
        last = rows[-1][0]


def _events(db, first: int, last: int) -> dict[int, list[tuple]]:
    mark = db.param
    found: dict[int, list[tuple]] = {}
    for row in db.execute_sql(
            f"SELECT case_id, id, actor, action, to_state, changes, at FROM event "
            f"WHERE case_id >= {mark} AND case_id <= {mark} ORDER BY case_id, id", (first, last)):
        found.setdefault(row[0], []).append(row[1:])
    return found


class _Papers:
    """Each list of papers' digest, computed once from its stored text (not its stored digest)."""

    def __init__(self, db):
        self.db = db
        self.known: dict[int | None, str] = {None: audit_state.papers_digest([])}

    def digest(self, list_id) -> str:
        if list_id not in self.known:
            row = self.db.execute_sql(f"SELECT papers FROM paper_list WHERE id = {self.db.param}",
                                      (list_id,)).fetchone()
            self.known[list_id] = audit_state.papers_digest(row[0]) if row else "missing"
        return self.known[list_id]


# the actions whose changes the replay reads (the others only move the state)
_READS_CHANGES = frozenset({"receive", "import", "assign", "request_supplement", "resume", "extend", "deliver"})
# the rows a case's history starts with: received at the desk, or imported from an office's old ledger
STARTS = ("receive", "import")


def expected_case(events: list[tuple], case: dict, logins: dict[str, int]) -> dict | None:
    """What the audit rows say the case row holds; None when there is no receive row first."""
    if not events or events[0][2] not in STARTS:
        return None
    state = None
    exp: dict = {"assignee_id": None, "due_date": day(case["original_due_date"]), "extended": False,
                 "paused_on": None, "resolved_at": None, "delivered_at": None, "receiver": "", "rating": None}
    for _id, actor, action, to_state, changes, at in events:
        if action not in STARTS and action not in workflow.ACTIONS:
            continue                   # a refusal ("denied") changed nothing
        changes = _changes(changes) if action in _READS_CHANGES else {}
        at = when(at)
        if action == "import":
            if state is not None:
                exp["receive_again"] = True
            _imported(exp, changes, at, logins.get(actor, actor))
            state = to_state
            continue
        if action == "receive":
            if state is not None:
                exp["receive_again"] = True
            exp["received_at"], exp["received_by_id"] = at, logins.get(actor, actor)
            exp["intake"] = changes.get("intake")
            if "fee" in changes:
                exp["fee"] = changes["fee"]
            state = to_state or workflow.RECEIVED
            exp["last_event_at"] = at
            continue
        if to_state:
            if to_state in workflow.RESOLVED_STATES and state not in workflow.RESOLVED_STATES:
                exp["resolved_at"] = at
            state = to_state
        if action == "assign" and isinstance(changes.get("assignee"), list):
            new = changes["assignee"][-1]
            exp["assignee_id"] = logins.get(new, new) if new else None
        elif action == "request_supplement":
            exp["paused_on"] = changes.get("paused_on")
        elif action in ("resume", "extend"):
            if action == "resume":
                exp["paused_on"] = None
            if isinstance(changes.get("due_date"), list):
                exp["due_date"] = changes["due_date"][-1]
            if action == "extend":
                exp["extended"] = True
        elif action == "deliver":
            exp["delivered_at"] = at
            exp["receiver"] = changes.get("receiver", "")
            exp["rating"] = changes.get("rating")
        exp["last_event_at"] = at
    exp["state"] = state
    return exp


def _imported(exp: dict, changes: dict, at: str | None, clerk) -> None:
    """What an ``import`` row (a case from the office's old Excel ledger) says its case row holds:
    the row records the values themselves (``ledger_import``)."""
    received = when(changes.get("received_at")) or at
    resolved, delivered = when(changes.get("resolved_at")), when(changes.get("delivered_at"))
    exp.update(received_at=received, received_by_id=clerk, due_date=changes.get("due_date"),
               original_due_date=changes.get("due_date"), resolved_at=resolved, delivered_at=delivered,
               receiver=changes.get("citizen_name", "") if delivered else "",
               last_event_at=max(t for t in (received, resolved, delivered) if t), imported=changes)


def _import_differences(case: dict, values: dict, changes: dict, procedures: dict, out: Replay) -> None:
    """An imported case against the values its import row records."""
    book, _, number = str(changes.get("ledger", "")).rpartition("/")
    recorded = {"code": changes.get("code"), "procedure": f"{changes.get('procedure')}/{changes.get('version')}",
                "citizen_name": changes.get("citizen_name"), "sets": changes.get("sets"),
                "id_number": changes.get("id_number", ""), "phone": changes.get("phone", ""),
                "address": changes.get("address", ""), "email": "", "channel": "in_person", "pickup": "desk",
                "fee": 0, "papers": None, "ledger_book": book,
                "ledger_no": int(number) if number.isdigit() else number}
    found = {**values, "code": case["code"], "procedure": procedures.get(case["procedure_id"]),
             "papers": case["paper_list_id"]}
    for name, value in recorded.items():
        if found.get(name) != value:
            out.differences.append(Difference("case", case["code"], name, value, found.get(name)))


def _found(case: dict) -> dict:
    return {"state": case["state"], "assignee_id": case["assignee_id"], "due_date": day(case["due_date"]),
            "extended": bool(case["extended"]), "paused_on": day(case["paused_on"]),
            "resolved_at": when(case["resolved_at"]), "delivered_at": when(case["delivered_at"]),
            "receiver": case["receiver"] or "", "rating": case["rating"] or None,
            "received_at": when(case["received_at"]), "received_by_id": case["received_by_id"],
            "last_event_at": when(case["last_event_at"]), "fee": case["fee"],
            "original_due_date": day(case["original_due_date"])}


class _Blocks:
    """The intake of the cases a baseline row (``audit_baseline``) recorded, block by block, in id order."""

    def __init__(self, blocks: list):
        from .audit_baseline import BlockHash

        self.blocks = [b for b in blocks if isinstance(b, list) and len(b) == 4]
        self.last = self.blocks[-1][1] if self.blocks else 0
        self.at = 0
        self.running = BlockHash()
        self.codes: list[str] = []
        self.make = BlockHash

    def covers(self, case_id: int) -> bool:
        return case_id <= self.last

    def _close(self, out: Replay) -> None:
        first, last, count, digest = self.blocks[self.at]
        if self.running.count != count or self.running.hexdigest() != digest:
            key = f"{self.codes[0]} … {self.codes[-1]}" if self.codes else f"#{first} … #{last}"
            out.differences.append(Difference("case", key, "intake_block", count, self.running.count))
        self.at += 1
        self.running, self.codes = self.make(), []

    def add(self, case: dict, digest: str, out: Replay) -> None:
        while self.at < len(self.blocks) and case["id"] > self.blocks[self.at][1]:
            self._close(out)
        self.running.add(case["id"], digest)
        self.codes = [self.codes[0] if self.codes else case["code"], case["code"]]

    def finish(self, out: Replay) -> None:
        while self.at < len(self.blocks):
            self._close(out)


def _baseline_blocks(db) -> _Blocks | None:
    row = db.execute_sql("SELECT changes FROM event WHERE action = 'audit_baseline' AND case_id IS NULL "
                         "ORDER BY id DESC LIMIT 1").fetchone()
    if not row:
        return None
    blocks = _changes(row[0]).get("cases")
    return _Blocks(blocks) if isinstance(blocks, list) and blocks else None


def compare_case(case: dict, events: list[tuple], logins: dict[str, int], ids: dict[int, str],
                 papers: _Papers, out: Replay, blocks: _Blocks | None = None,
                 procedures: dict | None = None) -> None:
    code = case["code"]
    exp = expected_case(events, case, logins)
    if exp is None:
        out.differences.append(Difference("case", code, "receive", None, None))
        exp = {}
    found = _found(case) if exp else {}
    checks = [name for name in found if name in exp]
    for name in checks:
        if exp[name] != found[name]:
            recorded, seen = exp[name], found[name]
            if name in ("assignee_id", "received_by_id"):
                recorded, seen = ids.get(recorded, recorded), ids.get(seen, seen)
                name = name[:-3]
            out.differences.append(Difference("case", code, name, recorded, seen))
    if found.get("resolved_at") and day(case["resolved_on"]) != found["resolved_at"][:10]:
        out.differences.append(Difference("case", code, "resolved_on", found["resolved_at"][:10],
                                          day(case["resolved_on"])))
    if found.get("received_at") and day(case["received_on"]) != found["received_at"][:10]:
        out.differences.append(Difference("case", code, "received_on", found["received_at"][:10],
                                          day(case["received_on"])))
    if exp.get("receive_again"):
        out.differences.append(Difference("case", code, "receive", None, None))
    values = {name: case.get(name) for name in audit_state.INTAKE_FIELDS if name != "papers"}
    values["birth_date"] = day(values["birth_date"])
    values["papers"] = papers.digest(case["paper_list_id"])
    intake = exp.get("intake")
    in_block = not intake and blocks is not None and blocks.covers(case["id"])
    if in_block:
        blocks.add(case, audit_state.fingerprint_digest(audit_state.INTAKE_FIELDS, values), out)
    if exp.get("imported"):
        _import_differences(case, values, exp["imported"], procedures or {}, out)
        return
    if in_block or not exp:
        return
    if not intake:
        out.uncovered += 1
        return
    for name in audit_state.differing(audit_state.INTAKE_FIELDS, values, intake) or ():
        out.differences.append(Difference("case", code, name, None, values.get(name) if name != "*" else None))


def replay_cases(db, out: Replay) -> None:
    ids = {row[0]: row[1] for row in db.execute_sql('SELECT id, login FROM "user"').fetchall()}
    logins = {login: uid for uid, login in ids.items()}
    papers = _Papers(db)
    blocks = _baseline_blocks(db)
    procedures = {pid: f"{code}/{version}" for pid, code, version in
                  db.execute_sql("SELECT id, code, version FROM procedure").fetchall()}
    for batch in _case_batches(db):
        events = _events(db, batch[0]["id"], batch[-1]["id"])
        for case in batch:
            out.cases += 1
            compare_case(case, events.get(case["id"], []), logins, ids, papers, out, blocks, procedures)
    if blocks is not None:
        blocks.finish(out)
    orphans = db.execute_sql('SELECT DISTINCT e.case_id FROM event e LEFT JOIN "case" c ON c.id = e.case_id '
                             "WHERE e.case_id IS NOT NULL AND c.id IS NULL ORDER BY e.case_id").fetchall()
    for (case_id,) in orphans:
        out.differences.append(Difference("case", f"#{case_id}", "*", None, None))


def replay_register() -> Replay:
    """Cases, then users, settings, calendar and catalogue, of the open register (read only)."""
    from .db import database
    from .replay_office import replay_office

    db = database.obj
    out = Replay()
    if not db.execute_sql("SELECT 1 FROM event LIMIT 1").fetchone() and \
            db.execute_sql('SELECT 1 FROM "user" LIMIT 1').fetchone():
        out.differences.append(Difference("audit", "", "*"))      # an office with no audit row at all
    replay_cases(db, out)
    replay_office(db, out)
    return out
