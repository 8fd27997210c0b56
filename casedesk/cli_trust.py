"""``casedesk-cli backup | backups | restore``: the register's copies, from the command line.

Exit status as for every command: 0 done, 2 bad input (or no confirmation), 3 the
register is open in another program, 4 no such file, 5 the copy or the file to
restore does not verify (or belongs to a newer CaseDesk), 1 the copy could not be written.
"""
from __future__ import annotations

import os
import sys

from .errors import BadInput, NotFound
from .i18n import _, format_int, set_language


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return _("{n} MB").format(n=format_int(round(n / 1024 / 1024)))
    return _("{n} KB").format(n=format_int(max(1, round(n / 1024))))


def _info_json(info) -> dict:
    return {"path": str(info.path), "size": info.size, "verified": info.verified,
            "schema_version": info.schema_version, "created_at": info.created_at.isoformat(),
            "unit_code": info.unit_code, "reason": info.reason, "audit_rows": info.audit_rows,
            "cases": info.cases, "problem": info.problem}


def cmd_backup(args) -> int:
    from . import backup
    from .cli import emit_json, open_db

    open_db(args)
    info = backup.backup_now(args.to, reason="manual")
    if args.json:
        emit_json(_info_json(info))
    elif info.verified:
        print(info.path)
        print(_("Đã sao lưu và kiểm tra: {cases} hồ sơ, {rows} dòng nhật ký, {size}.").format(
            cases=format_int(info.cases), rows=format_int(info.audit_rows), size=_size(info.size)))
    else:
        print(info.path)
    if not info.verified:
        print(_("Bản sao KHÔNG đạt kiểm tra: {why}").format(why=info.problem), file=sys.stderr)
        return 5
    return 0


def cmd_backups(args) -> int:
    from . import backup
    from .cli import emit_json

    set_language(args.lang or "vi")
    found = backup.list_backups(args.dir, verify=args.verify)
    if args.json:
        emit_json([_info_json(b) for b in found])
    else:
        if not found:
            print(_("Chưa có bản sao lưu nào trong {folder}.").format(
                folder=args.dir or backup.backup_dir()))
        for b in found:
            mark = "" if b.verified else "  " + _("KHÔNG đạt: {why}").format(why=b.problem)
            print(f"{b.created_at:%d/%m/%Y %H:%M}  v{b.schema_version}  {_size(b.size):>8}  {b.path}{mark}")
    return 0 if all(b.verified for b in found) else 5


def _confirm(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    answer = input(question).strip().lower()
    return answer in ("y", "yes", "c", "co", "có")


def cmd_restore(args) -> int:
    from . import backup
    from .paths import default_db_path

    set_language(args.lang or "vi")
    target = args.db or os.environ.get("CASEDESK_DB") or str(default_db_path())
    if not os.path.isfile(args.file):
        raise NotFound(_("Không có tệp sao lưu {path}.").format(path=args.file))
    check = backup.check_file(args.file)
    problem = backup.describe_problem(check)
    if problem is not None:
        raise problem
    print(_("Bản sao lưu {name}: {office} ({unit}), phiên bản dữ liệu {version}, {cases} hồ sơ, "
            "{rows} dòng nhật ký; hồ sơ mới nhất nhận lúc {newest}.").format(
        name=os.path.basename(args.file), office=check.office_name or "?", unit=check.unit_code or "?",
        version=check.schema_version, cases=format_int(check.cases), rows=format_int(check.audit_rows),
        newest=check.newest_case or "—"))
    if not args.yes and not _confirm(_("Thay cơ sở dữ liệu {path} bằng bản này? Bản hiện tại được giữ lại "
                                       "làm bản an toàn. [y/N] ").format(path=target)):
        raise BadInput(_("Chưa khôi phục: cần xác nhận (gõ y, hoặc thêm --yes)."))
    info = backup.restore_backup(args.file, db_path=target)
    print(_("Đã khôi phục {path}.").format(path=info.database))
    if info.upgraded_from is not None:
        print(_("Dữ liệu đã được nâng từ phiên bản {old} lên {new}.").format(old=info.upgraded_from,
                                                                           new=info.schema_version))
    if info.safety_copy is not None:
        print(_("Cơ sở dữ liệu trước khi khôi phục được giữ tại {path}.").format(path=info.safety_copy))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help=_("sao lưu cơ sở dữ liệu ngay (có kiểm tra bản sao)"))
    p.add_argument("--to", metavar="DIR", help=_("thư mục nhận bản sao (mặc định: thư mục sao lưu tự động)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser("backups", help=_("liệt kê các bản sao lưu"))
    p.add_argument("--dir", metavar="DIR", help=_("thư mục sao lưu (mặc định: thư mục sao lưu tự động)"))
    p.add_argument("--verify", action="store_true", help=_("kiểm tra lại từng bản"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)

    p = subparsers.add_parser("restore", help=_("khôi phục cơ sở dữ liệu từ một bản sao lưu"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--yes", action="store_true", help=_("không hỏi lại"))
    p.set_defaults(func=cmd_restore)
