"""The append-only audit trail, hash-chained.

Each row's hash covers its content and the previous row's hash; the hash of the
newest row is kept in ``meta`` as the chain head, updated in the same
transaction.  An altered row breaks its own hash, a deleted or inserted row
breaks the link of the row after it, and a deleted last row no longer matches
the head.  Rows are written only inside a ``db.write()`` transaction, which also
serialises writers (SQLite's write lock; the head row's lock on PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from .models import Event, Meta

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def _canon_time(value) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(microsecond=0).isoformat(sep=" ")


def row_hash(prev_hash: str, *, case_id, actor, action, from_state, to_state, note, changes, at,
             recorded_at, late_entry) -> str:
    content = json.dumps(
        [prev_hash, case_id, actor, action, from_state, to_state, note, changes or {},
         _canon_time(at), _canon_time(recorded_at), bool(late_entry)],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _head() -> str:
    row = Meta.select(Meta.value).where(Meta.key == HEAD_KEY)
    if not _is_sqlite():
        row = row.for_update()
    found = row.first()
    return found.value if found else GENESIS


def _is_sqlite() -> bool:
    from .db import is_sqlite

    return is_sqlite()


def record(*, case_id: int | None, actor: str, action: str, at: dt.datetime, recorded_at: dt.datetime,
           from_state: str | None = None, to_state: str | None = None, note: str = "",
           changes: dict | None = None, late_entry: bool = False) -> Event:
    """Append one audit row; call inside ``db.write()``."""
    at = at.replace(microsecond=0)
    recorded_at = recorded_at.replace(microsecond=0)
    prev = _head()
    digest = row_hash(prev, case_id=case_id, actor=actor, action=action, from_state=from_state,
                      to_state=to_state, note=note, changes=changes or {}, at=at,
                      recorded_at=recorded_at, late_entry=late_entry)
    event = Event.create(case=case_id, actor=actor, action=action, from_state=from_state,
                         to_state=to_state, note=note, changes=changes or {}, at=at,
                         recorded_at=recorded_at, late_entry=late_entry, prev_hash=prev, hash=digest)
    Meta.insert(key=HEAD_KEY, value=digest).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: digest}
    ).execute()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; name the first row that does not match."""
    from .i18n import _

    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = list(
            Event.select().where(Event.id > last_id).order_by(Event.id).limit(batch).tuples()
        )
        if not rows:
            break
        cols = [f.column_name for f in Event._meta.sorted_fields]
        for values in rows:
            row = dict(zip(cols, values))
            count += 1
            last_id = row["id"]
            changes = row["changes"]
            if isinstance(changes, str):
                changes = json.loads(changes)
            if row["prev_hash"] != prev:
                return ChainReport(False, count, row["id"], _(
                    "Dòng nhật ký {id} không nối với dòng trước nó: có dòng đã bị xóa hoặc chèn vào."
                ).format(id=row["id"]))
            expected = row_hash(prev, case_id=row["case_id"], actor=row["actor"], action=row["action"],
                                from_state=row["from_state"], to_state=row["to_state"], note=row["note"],
                                changes=changes, at=row["at"], recorded_at=row["recorded_at"],
                                late_entry=row["late_entry"])
            if expected != row["hash"]:
                return ChainReport(False, count, row["id"], _(
                    "Dòng nhật ký {id} đã bị sửa sau khi ghi."
                ).format(id=row["id"]))
            prev = row["hash"]
    head = Meta.get_or_none(Meta.key == HEAD_KEY)
    if (head.value if head else GENESIS) != prev:
        return ChainReport(False, count, last_id or None, _(
            "Các dòng nhật ký cuối cùng (sau dòng {id}) đã bị xóa."
        ).format(id=last_id))
    return ChainReport(True, count)
