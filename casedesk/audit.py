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
from typing import Iterable, Iterator

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


# One row as the check reads it, in this order.
CHAIN_COLUMNS = ("id, case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, late_entry, "
                 "prev_hash, hash")


def walk(rows: Iterable[tuple], head: str | None) -> ChainReport:
    """Check rows read with ``CHAIN_COLUMNS`` in id order against each other and the chain head;
    name the first row that does not match."""
    from .i18n import _

    prev = GENESIS
    count = 0
    last_id = 0
    for (row_id, case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, late,
         prev_hash, digest) in rows:
        count += 1
        last_id = row_id
        if prev_hash != prev:
            return ChainReport(False, count, row_id, _(
                "Dòng nhật ký {id} không nối với dòng trước nó: có dòng đã bị xóa hoặc chèn vào."
            ).format(id=row_id))
        try:
            if isinstance(changes, str):
                changes = json.loads(changes) if changes else {}
            expected = row_hash(prev, case_id=case_id, actor=actor, action=action, from_state=from_state,
                                to_state=to_state, note=note, changes=changes, at=at, recorded_at=recorded_at,
                                late_entry=late)
        except (TypeError, ValueError, AttributeError):
            expected = None
        if expected != digest:
            return ChainReport(False, count, row_id, _(
                "Dòng nhật ký {id} đã bị sửa sau khi ghi."
            ).format(id=row_id))
        prev = digest
    if (head or GENESIS) != prev:
        return ChainReport(False, count, last_id or None, _(
            "Các dòng nhật ký cuối cùng (sau dòng {id}) đã bị xóa."
        ).format(id=last_id))
    return ChainReport(True, count)


def _batches(db, batch: int) -> Iterator[tuple]:
    last_id = 0
    sql = f"SELECT {CHAIN_COLUMNS} FROM event WHERE id > {db.param} ORDER BY id LIMIT {int(batch)}"
    while True:
        rows = db.execute_sql(sql, (last_id,)).fetchall()
        if not rows:
            return
        yield from rows
        last_id = rows[-1][0]


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the whole chain of the open database in id order; name the first row that does not match."""
    from .db import database

    head = Meta.get_or_none(Meta.key == HEAD_KEY)
    return walk(_batches(database.obj, batch), head.value if head else GENESIS)


def verify_file(conn) -> ChainReport:
    """The same check on a plain ``sqlite3`` connection to a CaseDesk file (a backup being verified).

    Whoever checks a file should call this rather than read the audit rows itself: how they are
    stored may change with the schema (this function follows it)."""
    found = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    return walk(conn.execute(f"SELECT {CHAIN_COLUMNS} FROM event ORDER BY id"), found[0] if found else GENESIS)


def file_row(conn, row_id: int | None = None) -> tuple[int, str]:
    """``(id, digest as hex)`` of one audit row of a file read with plain ``sqlite3`` (the newest when
    ``row_id`` is None); ``(0, "")`` when there is no such row.  Like ``verify_file``, it follows how the
    schema stores the rows, so a backup's reader need not."""
    if row_id is None:
        row = conn.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
    else:
        row = conn.execute("SELECT id, hash FROM event WHERE id = ?", (row_id,)).fetchone()
    return (int(row[0]), str(row[1] or "")) if row else (0, "")
