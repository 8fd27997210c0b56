"""The append-only audit trail, hash-chained.

Each row's digest (SHA-256, kept as 32 bytes) covers its content and the previous
row's digest; the digest of the newest row is kept in ``meta`` as the chain head,
updated in the same transaction.  The previous digest is not stored again in each
row: the check takes it from the row before.  An altered row no longer matches its
own digest; a deleted or inserted row breaks the digest of the row after it (or, at
the end, the head).  Rows are written only inside a ``db.write()`` transaction, which
also serialises writers (SQLite's write lock; the head row's lock on PostgreSQL).

What is hashed has not changed since the first version (so a chain written as hex text
and converted by ``schema.upgrade_8`` still checks): the previous digest as hex, the row's
fields, ``changes`` and both times.  Two of them are stored more compactly than they
are hashed:

* ``recorded_at`` is stored only for a row written at another time than it took effect
  (a late entry, a clock set back); otherwise it is ``at``;
* the receive row does not repeat what its case row holds for good (the case code, the
  procedure code and version, the first due date): the check takes them from the case,
  so altering them there is caught as well.
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
# The receive row's changes taken from the case row (and put back before hashing).
RECEIVE_KEYS = ("code", "procedure", "version", "due_date")


def _canon_time(value) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(microsecond=0).isoformat(sep=" ")


def row_hash(prev_hash: str, *, case_id, actor, action, from_state, to_state, note, changes, at,
             recorded_at, late_entry) -> str:
    """The row's digest as hex: SHA-256 of its canonical JSON, starting with the previous digest (hex)."""
    content = json.dumps(
        [prev_hash, case_id, actor, action, from_state, to_state, note, changes or {},
         _canon_time(at), _canon_time(recorded_at), bool(late_entry)],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def receive_changes(*, code: str, procedure: str, version: int, due_date: dt.date | str) -> dict:
    """What the receive row's changes hold when hashed (and what its case row keeps)."""
    due = due_date if isinstance(due_date, str) else due_date.isoformat()
    return {"code": code, "procedure": procedure, "version": version, "due_date": due}


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
           changes: dict | None = None, late_entry: bool = False, kept: tuple[str, ...] = ()) -> Event:
    """Append one audit row; call inside ``db.write()``.

    ``kept`` names keys of ``changes`` that are hashed but not stored because the case row
    holds them (only ``RECEIVE_KEYS`` of a receive row: the check knows where to find them)."""
    at = at.replace(microsecond=0)
    recorded_at = recorded_at.replace(microsecond=0)
    changes = changes or {}
    if kept and (action != "receive" or set(kept) != set(RECEIVE_KEYS)):
        raise ValueError("only a receive row leaves its case's own fields to the case row")
    prev = _head()
    digest = row_hash(prev, case_id=case_id, actor=actor, action=action, from_state=from_state,
                      to_state=to_state, note=note, changes=changes, at=at,
                      recorded_at=recorded_at, late_entry=late_entry)
    stored = {k: v for k, v in changes.items() if k not in kept}
    event = Event.create(case=case_id, actor=actor, action=action, from_state=from_state,
                         to_state=to_state, note=note, changes=stored, at=at,
                         recorded=None if recorded_at == at else recorded_at, late_entry=late_entry,
                         digest=bytes.fromhex(digest))
    Meta.insert(key=HEAD_KEY, value=digest).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: digest}
    ).execute()
    return event


def record_many(entries: list[dict]) -> None:
    """Append many audit rows at once (a ledger import); call inside ``db.write()``.

    Each entry holds ``record``'s keyword arguments (no ``kept``).  The chain is the same as if
    ``record`` had been called for each in turn: the head is read (and locked) once, the digests are
    chained in memory, the rows are inserted together and the head is moved once."""
    if not entries:
        return
    from .db import database, is_sqlite

    db = database.obj
    prev = _head()
    rows = []
    for e in entries:
        at = e["at"].replace(microsecond=0)
        recorded_at = e["recorded_at"].replace(microsecond=0)
        changes = e.get("changes") or {}
        digest = row_hash(prev, case_id=e.get("case_id"), actor=e["actor"], action=e["action"],
                          from_state=e.get("from_state"), to_state=e.get("to_state"), note=e.get("note", ""),
                          changes=changes, at=at, recorded_at=recorded_at, late_entry=e.get("late_entry", False))
        recorded = None if recorded_at == at else recorded_at
        text = json.dumps(changes, ensure_ascii=False, sort_keys=True)      # as JSONText stores it
        rows.append((e.get("case_id"), e["actor"], e["action"], e.get("from_state"), e.get("to_state"),
                     e.get("note", ""), text, at, recorded, bool(e.get("late_entry", False)),
                     bytes.fromhex(digest)))
        prev = digest
    if is_sqlite(db):
        rows = [r[:7] + (r[7].isoformat(sep=" "), r[8] and r[8].isoformat(sep=" "), int(r[9]), r[10])
                for r in rows]
    p = db.param
    db.cursor().executemany(
        "INSERT INTO event (case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, "
        f"late_entry, digest) VALUES ({', '.join([p] * 11)})", rows)
    Meta.insert(key=HEAD_KEY, value=prev).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: prev}
    ).execute()


# ------------------------------------------------------------------ checking

@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_id: int | None = None
    problem: str = ""


# One row as the check reads it: the event, and for a receive row what its case holds.
CHAIN_COLUMNS = ("e.id, e.case_id, e.actor, e.action, e.from_state, e.to_state, e.note, e.changes, e.at, "
                 "e.recorded_at, e.late_entry, e.digest, c.code, p.code, p.version, c.original_due_date")
CHAIN_FROM = ('event e LEFT JOIN "case" c ON c.id = e.case_id AND e.action = \'receive\' '
              "LEFT JOIN procedure p ON p.id = c.procedure_id")


def _hex(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):          # a value written behind the program's back
        return value
    return bytes(value).hex()


def expected_digest(prev: str, row: tuple) -> str | None:
    """The digest a row read with ``CHAIN_COLUMNS`` should have after ``prev``; None if unreadable."""
    (_id, case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, late,
     _digest, case_code, proc_code, proc_version, first_due) = row
    try:
        if isinstance(changes, str):
            changes = json.loads(changes) if changes else {}
        changes = dict(changes or {})
        if action == "receive" and case_code is not None and not any(k in changes for k in RECEIVE_KEYS):
            changes.update(receive_changes(code=case_code, procedure=proc_code, version=proc_version,
                                           due_date=first_due))
        return row_hash(prev, case_id=case_id, actor=actor, action=action, from_state=from_state,
                        to_state=to_state, note=note, changes=changes, at=at,
                        recorded_at=recorded_at if recorded_at is not None else at, late_entry=late)
    except (TypeError, ValueError, AttributeError):
        return None


def walk(rows: Iterable[tuple], head: str | None, *, gaps_mean_deletion: bool = True) -> ChainReport:
    """Check rows read with ``CHAIN_COLUMNS`` in id order against each other and the chain head.

    The first row that does not match is named.  Its diagnosis: it was inserted (the row after it
    follows the row before it, or it was appended after the head), a row before it was deleted (a gap
    in the ids: SQLite never leaves one; ``gaps_mean_deletion`` is False on PostgreSQL, whose sequences
    do) -- or else it was altered."""
    from .i18n import _

    prev = GENESIS
    prev_id = 0
    count = 0
    stream: Iterator[tuple] = iter(rows)
    row = next(stream, None)
    head = head or GENESIS
    while row is not None:
        following = next(stream, None)
        count += 1
        stored = _hex(row[11])
        if expected_digest(prev, row) != stored:
            inserted = ((following is not None and expected_digest(prev, following) == _hex(following[11]))
                        or (following is None and head == prev))
            deleted = gaps_mean_deletion and row[0] - prev_id > 1
            if inserted or deleted:
                problem = _("Dòng nhật ký {id} không nối với dòng trước nó: có dòng đã bị xóa hoặc chèn vào.")
            else:
                problem = _("Dòng nhật ký {id} đã bị sửa sau khi ghi.")
            return ChainReport(False, count, row[0], problem.format(id=row[0]))
        prev, prev_id = stored, row[0]
        row = following
    if head != prev:
        return ChainReport(False, count, prev_id or None, _(
            "Các dòng nhật ký cuối cùng (sau dòng {id}) đã bị xóa."
        ).format(id=prev_id))
    return ChainReport(True, count)


def _batches(db, batch: int) -> Iterator[tuple]:
    last_id = 0
    sql = (f"SELECT {CHAIN_COLUMNS} FROM {CHAIN_FROM} WHERE e.id > {db.param} "
           f"ORDER BY e.id LIMIT {int(batch)}")
    while True:
        rows = db.execute_sql(sql, (last_id,)).fetchall()
        if not rows:
            return
        yield from rows
        last_id = rows[-1][0]


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the whole chain of the open database in id order; name the first row that does not match."""
    from .db import database, is_sqlite

    db = database.obj
    head = Meta.get_or_none(Meta.key == HEAD_KEY)
    return walk(_batches(db, batch), head.value if head else GENESIS, gaps_mean_deletion=is_sqlite(db))


def verify_file(conn) -> ChainReport:
    """The same check on a plain ``sqlite3`` connection to a CaseDesk file (a backup being verified),
    written by this version or an older one (``prev_hash``/``hash`` as hex text, before schema 8)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(event)")}
    found = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    head = found[0] if found else GENESIS
    if "digest" in columns:
        return walk(conn.execute(f"SELECT {CHAIN_COLUMNS} FROM {CHAIN_FROM} ORDER BY e.id"), head)
    old = conn.execute("SELECT e.id, e.case_id, e.actor, e.action, e.from_state, e.to_state, e.note, e.changes, "
                       "e.at, e.recorded_at, e.late_entry, e.hash, NULL, NULL, NULL, NULL, e.prev_hash "
                       "FROM event e ORDER BY e.id")
    return _walk_linked(old, head)


def _walk_linked(rows: Iterable[tuple], head: str) -> ChainReport:
    """Rows of the old layout, which stored each row's previous digest as well."""
    from .i18n import _

    prev = GENESIS
    count = 0
    last_id = 0
    for row in rows:
        count += 1
        last_id = row[0]
        if row[16] != prev:
            return ChainReport(False, count, last_id, _(
                "Dòng nhật ký {id} không nối với dòng trước nó: có dòng đã bị xóa hoặc chèn vào."
            ).format(id=last_id))
        if expected_digest(prev, row[:16]) != row[11]:
            return ChainReport(False, count, last_id, _("Dòng nhật ký {id} đã bị sửa sau khi ghi.").format(id=last_id))
        prev = row[11]
    if head != prev:
        return ChainReport(False, count, last_id or None, _(
            "Các dòng nhật ký cuối cùng (sau dòng {id}) đã bị xóa."
        ).format(id=last_id))
    return ChainReport(True, count)


def file_row(conn, row_id: int | None = None) -> tuple[int, str]:
    """``(id, digest as hex)`` of one audit row of a file read with plain ``sqlite3`` (the newest when
    ``row_id`` is None); ``(0, "")`` when there is no such row.  Like ``verify_file``, it follows how the
    schema stores the rows (hex text before schema 9), so a backup's reader need not."""
    column = "digest" if "digest" in {r[1] for r in conn.execute("PRAGMA table_info(event)")} else "hash"
    if row_id is None:
        row = conn.execute(f"SELECT id, {column} FROM event ORDER BY id DESC LIMIT 1").fetchone()
    else:
        row = conn.execute(f"SELECT id, {column} FROM event WHERE id = ?", (row_id,)).fetchone()
    return (int(row[0]), _hex(row[1])) if row else (0, "")


def lock_chain() -> None:
    """Take the audit head's row lock now (PostgreSQL; SQLite's write transaction already holds the
    write lock): a writer that must look before it counts does both while no other desk can write."""
    _head()
