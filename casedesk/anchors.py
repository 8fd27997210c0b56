"""Anchors: the audit chain's head, kept where the person holding the register cannot reach it.

A hash chain alone proves only that its rows agree with each other: whoever holds the file can
edit a row and recompute every digest after it, or cut the last rows off.  An *anchor* is the
chain's head at some moment -- ``N:abcdef1234``, the newest row's number and the start of its
digest -- written down elsewhere: in the footer of every monthly report, ledger and control sheet
(paper on a shelf, a PDF sent upward), in every backup (its own chain, and a small sidecar file
next to it), on a USB stick.  Each row's digest covers every row before it, so while the live
chain still holds row N with that digest, nothing up to N was changed; when it does not, history
was rewritten (or cut: the chain ends before N).

``check`` compares the live chain with every anchor it finds: this register's backups folder,
``--against DIR``, ``--anchor N:DIGEST`` typed from paper.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput
from .i18n import _

SIDECAR_SUFFIX = ".anchor"
SHORT = 10                       # hex digits printed on paper: 40 bits
MIN_DIGITS = 6                   # fewest typed back that still mean something
_TEXT = re.compile(r"^\s*(\d{1,12})\s*:\s*([0-9a-fA-F]{%d,64})\s*$" % MIN_DIGITS)


@dataclass(frozen=True)
class Anchor:
    row: int
    digest: str                  # hex, a prefix (from paper) or whole (from a backup)
    rows: int | None = None      # how many rows the chain had then (when known)
    source: str = ""             # where it was found: a file, "--anchor"
    created_at: str = ""         # YYYY-MM-DD HH:MM:SS office time, when known
    local: bool = False          # in this register's own backups folder (within reach of whoever holds it)

    @property
    def text(self) -> str:
        return f"{self.row}:{self.digest[:SHORT]}"


@dataclass(frozen=True)
class AnchorProblem:
    anchor: Anchor
    kind: str                    # "rewritten" | "truncated"
    message: str

    def as_json(self) -> dict:
        return {"anchor": self.anchor.text, "source": self.anchor.source, "kind": self.kind,
                "message": self.message}


def parse(text: str, *, source: str = "--anchor") -> Anchor:
    found = _TEXT.match(text or "")
    if not found:
        raise BadInput(_("Mốc “{text}” không đúng dạng SỐ-DÒNG:MÃ (ví dụ 1234:ab12cd34ef), như in ở chân "
                         "báo cáo.").format(text=(text or "")[:40]), field="anchor")
    return Anchor(int(found[1]), found[2].lower(), None, source)


def head(db=None, *, count: bool = True) -> tuple[int, str, int]:
    """``(row, digest as hex, number of rows)`` of the open register's chain; ``(0, "", 0)`` when empty
    (the number of rows is 0 too unless ``count``: counting reads the whole index)."""
    from .audit import _hex
    from .db import database

    db = db or database.obj
    row = db.execute_sql("SELECT id, digest FROM event ORDER BY id DESC LIMIT 1").fetchone()
    if not row:
        return 0, "", 0
    rows = db.execute_sql("SELECT count(*) FROM event").fetchone()[0] if count else 0
    return int(row[0]), _hex(row[1]), int(rows)


def head_text() -> str:
    """The anchor printed in a document's footer ("" when the chain is empty or unreadable)."""
    try:
        row, digest, _count = head(count=False)
    except Exception:          # a document must print even when the register cannot say
        return ""
    return f"{row}:{digest[:SHORT]}" if row else ""


def footer_line(anchor: str) -> str:
    return _("Mốc nhật ký CaseDesk: {anchor}").format(anchor=anchor) if anchor else ""


# ------------------------------------------------------------------ sidecars

def sidecar_path(backup: Path) -> Path:
    return backup.with_name(backup.name + SIDECAR_SUFFIX)


def write_sidecar(backup: Path, *, register_id: str, row: int, digest: str, rows: int,
                  created_at: dt.datetime) -> Path:
    """The small file next to a backup that keeps its chain's head (written whole, then renamed)."""
    path = sidecar_path(backup)
    text = json.dumps({"register_id": register_id, "row": row, "digest": digest, "rows": rows,
                       "created_at": created_at.isoformat(sep=" ")}, ensure_ascii=False)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text + "\n", encoding="utf-8")
    os.replace(temp, path)
    return path


def read_sidecar(path: Path, *, local: bool = False) -> tuple[str, Anchor] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        anchor = Anchor(int(doc["row"]), str(doc["digest"]).lower(), int(doc.get("rows") or 0) or None,
                        str(path), str(doc.get("created_at", ""))[:19], local)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not re.fullmatch(r"[0-9a-f]{%d,64}" % MIN_DIGITS, anchor.digest):
        return None
    return str(doc.get("register_id", "")), anchor


def _backup_anchor(path: Path, register_id: str, *, local: bool = False) -> Anchor | None:
    """The head of a backup file's own chain, when it is a copy of this register."""
    import sqlite3

    from . import audit
    from .backup_check import connect_ro, meta

    try:
        conn = connect_ro(path)
    except sqlite3.DatabaseError:
        return None
    try:
        if register_id and meta(conn, "register_id") != register_id:
            return None
        row, digest = audit.file_row(conn)
        count = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    from .backup_files import parse_name

    parsed = parse_name(path.name)
    made = parsed[1].isoformat(sep=" ") if parsed else ""
    return Anchor(row, digest, count, str(path), made, local) if row else None


def find(folder: Path, register_id: str, *, depth: int = 2, local: bool = False) -> tuple[list[Anchor], int]:
    """Anchors of this register in ``folder`` (and folders below it, ``depth`` deep): sidecars, and the
    backups without one (read read-only).  Also how many anchors of other registers were passed over."""
    found: list[Anchor] = []
    others = 0
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found, others
    names = {p.name for p in entries}
    for path in entries:
        if path.is_dir():
            if depth > 0:
                more, skipped = find(path, register_id, depth=depth - 1, local=local)
                found += more
                others += skipped
        elif path.name.endswith(SIDECAR_SUFFIX):
            read = read_sidecar(path, local=local)
            if read is None:
                continue
            owner, anchor = read
            if register_id and owner and owner != register_id:
                others += 1
            else:
                found.append(anchor)
        elif (path.name.startswith("casedesk_") and path.name.endswith(".sqlite3")
              and path.name + SIDECAR_SUFFIX not in names):
            anchor = _backup_anchor(path, register_id, local=local)
            if anchor is not None:
                found.append(anchor)
    return found, others


# ------------------------------------------------------------------ comparing

def last_restore(db) -> tuple[str, str] | None:
    """``(time, backup file)`` of the newest restore row of the chain, None when there is none."""
    from .replay import when

    row = db.execute_sql("SELECT at, changes FROM event WHERE action = 'restore' ORDER BY id DESC LIMIT 1").fetchone()
    if not row:
        return None
    try:
        source = json.loads(row[1]).get("from", "")
    except (TypeError, ValueError, AttributeError):
        source = ""
    return when(row[0]) or "", source or "?"


def superseded(problems: list[AnchorProblem], db=None) -> tuple[list[AnchorProblem], list[AnchorProblem]]:
    """Split off the anchors of this register's own backups made before its newest restore: that restore
    replaced the history they anchored (kept in the safety copy).  They are reported as a note, not a
    finding -- they were within reach of whoever holds the file anyway (deleting them would hide as
    much); anchors from paper, ``--anchor`` and ``--against`` are never excused."""
    from .db import database

    restore = last_restore(db or database.obj)
    if restore is None:
        return problems, []
    kept, excused = [], []
    for problem in problems:
        anchor = problem.anchor
        if anchor.local and anchor.created_at and anchor.created_at < restore[0]:
            excused.append(problem)
        else:
            kept.append(problem)
    return kept, excused


def _restore_note(db) -> str:
    found = last_restore(db)
    if not found:
        return ""
    at, source = found
    return " " + _("(Cơ sở dữ liệu đã được khôi phục lúc {at} từ {file}: lịch sử sau bản sao lưu đó đã bị thay.)"
                   ).format(at=at[:16], file=source)


def compare(anchors: list[Anchor], db=None) -> list[AnchorProblem]:
    """Each anchor the live chain no longer holds, with the reason, naming the anchor."""
    from .audit import _hex
    from .db import database

    db = db or database.obj
    problems: list[AnchorProblem] = []
    last, _digest, count = head(db)
    note = None
    for anchor in anchors:
        where = anchor.source if anchor.source != "--anchor" else _("mốc nhập vào")
        if anchor.row > last or (anchor.rows is not None and count < anchor.rows):
            kind = "truncated"
            message = _("Mốc {anchor} ({where}) ghi nhật ký có {rows} dòng đến dòng {row}; nhật ký hiện chỉ có "
                        "{count} dòng, đến dòng {last}: các dòng cuối đã bị xóa.").format(
                anchor=anchor.text, where=where, rows=anchor.rows or anchor.row, row=anchor.row, count=count,
                last=last)
        else:
            found = db.execute_sql(f"SELECT digest FROM event WHERE id = {db.param}", (anchor.row,)).fetchone()
            if found is not None and _hex(found[0]).startswith(anchor.digest):
                continue
            kind = "rewritten"
            message = _("Mốc {anchor} ({where}): nhật ký hiện không còn dòng {row} với mã đó, lịch sử đến dòng "
                        "này đã bị viết lại.").format(anchor=anchor.text, where=where, row=anchor.row)
        if note is None:
            note = _restore_note(db)
        problems.append(AnchorProblem(anchor, kind, message + note))
    return problems
