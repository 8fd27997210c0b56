"""``casedesk-cli check``: is the register what its audit trail says, and the trail what was anchored?

Read only, always: the file is opened through a read-only SQLite URI with ``query_only`` (a
PostgreSQL session in read-only transactions); nothing is created, upgraded or switched, so the
file stays byte for byte as it was, and a register on read-only media checks as well.  A file that
is not a CaseDesk register, or of an older schema, gets a sentence and exit 2 (nothing judged, nothing
changed); a newer schema exit 5, as everywhere.

Exit status: 0 all sound; 5 something found (the file, the chain, a table that disagrees with
the replay of its audit rows, an anchor the chain no longer holds); 2 bad input.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import peewee

from .errors import BadInput, IntegrityProblem
from .i18n import _, format_int, set_language


def _open(path: str, *, shared: bool = False) -> str:
    """Open read-only and make sure it is a register this version can judge; returns the mode."""
    from .db import SCHEMA_VERSION, database, open_readonly, schema_version

    remote = "://" in path and not path.startswith("sqlite:")
    if not remote:
        file = Path(path[len("sqlite:///"):] if path.startswith("sqlite:///") else path).expanduser()
        if not file.exists():
            raise BadInput(_("Không có cơ sở dữ liệu {path}.").format(path=path))
        if not file.is_file():
            raise BadInput(_("{path} không phải một tệp cơ sở dữ liệu.").format(path=path))
        if not os.access(file, os.R_OK):
            raise BadInput(_("Không đọc được tệp {path}.").format(path=path))
    not_ours = BadInput(_("Tệp {path} không phải cơ sở dữ liệu CaseDesk; không kiểm tra và không thay đổi "
                          "gì trong tệp.").format(path=path))
    try:
        db = open_readonly(path, shared=shared)
        tables = set(db.get_tables())
    except peewee.DatabaseError:
        raise not_ours from None
    if not {"meta", "event", "case", "user"} <= tables:
        raise not_ours
    found = schema_version(db)
    if found == 0:
        raise not_ours
    if found > SCHEMA_VERSION:
        raise IntegrityProblem(_("Cơ sở dữ liệu thuộc phiên bản mới hơn ({found}) so với chương trình ({ours}). "
                                 "Hãy cập nhật CaseDesk.").format(found=found, ours=SCHEMA_VERSION))
    if found < SCHEMA_VERSION:
        raise BadInput(_("Cơ sở dữ liệu {path} ở phiên bản {found}, cũ hơn chương trình ({ours}); lệnh kiểm tra "
                         "không nâng cấp và không thay đổi tệp. Hãy mở nó bằng CaseDesk (sẽ nâng cấp, có sao lưu) "
                         "rồi kiểm tra lại.").format(path=path, found=found, ours=SCHEMA_VERSION))
    name = str(getattr(database.obj, "database", ""))
    return "immutable" if "immutable=1" in name else "shared"


def _run(args, path: str, *, shared: bool = False):
    from . import context
    from .anchors import parse
    from .register_check import check_register

    typed = [parse(text) for text in (args.anchor or [])]
    mode = _open(path, shared=shared)
    set_language(args.lang or context.settings().language)
    result = check_register(anchors=typed, against=args.against or [])
    return mode, result


def _stamp(path: str) -> tuple:
    """What changes when a program writes the file: the main file's size and time, a ``-wal`` beside it."""
    if "://" in path and not path.startswith("sqlite:"):
        return ()
    file = Path(path[len("sqlite:///"):] if path.startswith("sqlite:///") else path).expanduser()
    try:
        found = file.stat()
    except OSError:
        return ()
    return found.st_size, found.st_mtime_ns, found.st_ino, Path(str(file) + "-wal").exists()


def _checked(args, path: str):
    """The check, read immutable when no program has the file open; read again the ordinary way when a
    desk opened and wrote it meanwhile (an immutable read does not see writers, and may see them half)."""
    from .db import close_database

    before = _stamp(path)
    try:
        mode, result = _run(args, path)
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        if not before or before[-1]:
            raise IntegrityProblem(_("Tệp dữ liệu bị hỏng, không đọc hết được: {why}").format(why=exc)) from None
        mode, result = "immutable", None
    if mode == "immutable" and (result is None or _stamp(path) != before):
        close_database()
        try:
            mode, result = _run(args, path, shared=True)
        except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
            raise IntegrityProblem(_("Tệp dữ liệu bị hỏng, không đọc hết được: {why}").format(why=exc)) from None
    return result


def cmd_check(args) -> int:
    from .cli import emit_json, target_of

    path = target_of(args)[0]            # --db, CASEDESK_DB, else the register this user's desk opens
    for folder in args.against or []:
        if not os.path.isdir(folder):
            raise BadInput(_("Không có thư mục {path} để đối chiếu mốc.").format(path=folder))
    result = _checked(args, path)
    chain, replay = result.chain, result.replay
    problems = list(result.integrity)
    if args.json:
        emit_json({"ok": result.ok, "integrity": problems or ["ok"], "audit_rows": chain.rows,
                   "audit_ok": chain.ok, "first_bad_row": chain.first_bad_id, "problem": chain.problem,
                   "read_only": True, "head": result.head,
                   "cases_checked": replay.cases if replay else 0,
                   "cases_uncovered": replay.uncovered if replay else 0,
                   "differences": [dict(d.as_json(), message=_describe(d)) for d in result.differences],
                   "anchors_checked": len(result.anchors),
                   "anchor_problems": [p.as_json() for p in result.anchor_problems],
                   "problems": result.problems(), "notes": list(result.notes)})
        return 0 if result.ok else 5
    print(_("Kiểm tra tệp dữ liệu: {r}").format(r="ok" if not problems else "; ".join(problems[:5])))
    if chain.ok:
        print(_("Nhật ký: {n} dòng, chuỗi băm khớp.").format(n=chain.rows))
    else:
        print(_("Nhật ký KHÔNG khớp: {why}").format(why=chain.problem), file=sys.stderr)
    if replay is not None:
        if not result.differences:
            print(_("Đối chiếu với nhật ký: {n} hồ sơ, người dùng, cài đặt, lịch và danh mục thủ tục khớp.").format(
                n=format_int(replay.cases)))
        else:
            print(_("Dữ liệu KHÔNG khớp với nhật ký ({n} điểm):").format(n=format_int(len(result.differences))),
                  file=sys.stderr)
            for d in result.differences:
                print("  " + _describe(d), file=sys.stderr)
        if replay.uncovered:
            print(_("{n} hồ sơ tiếp nhận trước phiên bản này: nhật ký không giữ dấu thông tin tiếp nhận của chúng "
                    "(trạng thái, người xử lý, hạn trả vẫn được đối chiếu).").format(n=format_int(replay.uncovered)))
    if result.anchor_problems:
        for p in result.anchor_problems:
            print(_("Mốc KHÔNG khớp: {why}").format(why=p.message), file=sys.stderr)
    elif result.anchors:
        print(_("Mốc: nhật ký còn giữ đúng cả {n} mốc đã lưu (bản sao lưu, báo cáo).").format(n=len(result.anchors)))
    else:
        print(_("Mốc: không tìm thấy mốc nào để đối chiếu (bản sao lưu, --against, --anchor)."))
    for note in result.notes:
        print(note)
    if result.head:
        print(_("Mốc hiện tại: {anchor}").format(anchor=result.head))
    return 0 if result.ok else 5


def _describe(d) -> str:
    from .register_check import describe

    return describe(d)


def register(subparsers) -> None:
    p = subparsers.add_parser("check", help=_("kiểm tra tệp dữ liệu, chuỗi nhật ký, dữ liệu so với nhật ký, "
                                              "và các mốc (chỉ đọc)"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--anchor", action="append", metavar="N:MÃ",
                   help=_("mốc đọc từ chân một báo cáo in (ghi nhiều lần được)"))
    p.add_argument("--against", action="append", metavar="DIR",
                   help=_("thư mục có bản sao lưu hoặc tệp mốc (ví dụ USB) để đối chiếu"))
    p.set_defaults(func=cmd_check)
