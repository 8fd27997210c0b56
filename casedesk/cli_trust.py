"""``casedesk-cli backup | backups | restore``: the register's copies, from the command line.

Exit status as for every command: 0 done, 2 bad input (no confirmation, no ``--as``, or a
backup of another office without ``--other-office``), 3 not allowed (not an admin, wrong
password, or the register is open in another program), 4 no such file, 5 the copy or the
file to restore does not verify (or belongs to a newer CaseDesk), 1 the copy could not be
written.

``restore`` is an admin's: ``--as LOGIN``, the password from ``CASEDESK_PASSWORD`` or a
prompt, checked against the register being replaced (against the backup itself when there
is no readable register there yet, e.g. on a new PC); the restore row of the audit trail
names that admin.
"""
from __future__ import annotations

import getpass
import os
import sys

from .errors import BadInput, CaseDeskError, NotAllowed, NotFound
from .i18n import _, format_int, set_language


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return _("{n} MB").format(n=format_int(round(n / 1024 / 1024)))
    return _("{n} KB").format(n=format_int(max(1, round(n / 1024))))


def _info_json(info) -> dict:
    return {"path": str(info.path), "size": info.size, "verified": info.verified,
            "schema_version": info.schema_version, "created_at": info.created_at.isoformat(),
            "unit_code": info.unit_code, "reason": info.reason, "audit_rows": info.audit_rows,
            "cases": info.cases, "problem": info.problem, "register_id": info.register_id,
            "office_name": info.office_name}


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


def _target(args) -> str:
    from .cli import target_of

    return target_of(args)[0]


def cmd_backups(args) -> int:
    from . import backup
    from .cli import emit_json

    set_language(args.lang or "vi")
    every = bool(args.all)
    register_file = None
    if args.dir is None and not every and "://" in _target(args) and not _target(args).startswith("sqlite"):
        from .cli import open_db

        open_db(args)          # a server office: the backups of its register made on this desk
        found = backup.list_backups(verify=args.verify)
        return _print_backups(args, found, every=False, folder=backup.backup_dir())
    if args.dir is None and not every:
        target = _target(args)
        if "://" not in target and backup.identify(target, details=False) is not None:
            register_file = target
        else:
            every = True
            if not args.json:
                print(_("Không đọc được cơ sở dữ liệu {path}: liệt kê bản sao lưu của mọi cơ sở dữ liệu "
                        "trên máy này.").format(path=target), file=sys.stderr)
    found = backup.list_backups(args.dir, verify=args.verify, register_file=register_file, every_register=every)
    folder = args.dir or (backup.backup_dir(register_file) if register_file else backup.backups_root())
    return _print_backups(args, found, every=every, folder=folder)


def _print_backups(args, found, *, every: bool, folder) -> int:
    from .cli import emit_json

    if args.json:
        emit_json([_info_json(b) for b in found])
    else:
        if not found:
            print(_("Chưa có bản sao lưu nào trong {folder}.").format(folder=folder))
        for b in found:
            mark = "" if b.verified else "  " + _("KHÔNG đạt: {why}").format(why=b.problem)
            office = f"  {b.office_name}" if every and b.office_name else ""
            print(f"{b.created_at:%d/%m/%Y %H:%M}  v{b.schema_version}  {_size(b.size):>8}  {b.path}{office}{mark}")
    return 0 if all(b.verified for b in found) else 5


def _confirm(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    answer = input(question).strip().lower()
    return answer in ("y", "yes", "c", "co", "có")


def _password(login: str) -> str:
    value = os.environ.get("CASEDESK_PASSWORD")
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise BadInput(_("Chưa có mật khẩu: đặt biến môi trường {env} hoặc chạy trong cửa sổ lệnh.").format(
            env="CASEDESK_PASSWORD"))
    return getpass.getpass(_("Mật khẩu của {login}: ").format(login=login))


def _restoring_admin(args, target, file) -> str:
    """The admin asking for the restore: one of the register being replaced, logged in there (a
    wrong password counts towards its lockout, a refusal is audited there); when there is no
    readable register yet, one of the backup's own."""
    import peewee

    from .db import close_database, open_database

    login = (args.as_user or "").strip()
    if not login:
        raise BadInput(_("Thiếu --as LOGIN: chỉ quản trị được khôi phục cơ sở dữ liệu."))
    if target.current is not None and target.current.users:
        try:
            open_database(target.path, upgrade=False)  # the register being replaced: changed no more than a login
        except (CaseDeskError, peewee.DatabaseError):
            close_database()
        else:
            try:
                from .cli import authenticate
                from .services import auth

                actor = authenticate(login)
                if auth.get_user(actor).role != "admin":
                    auth.record_refusal(actor, "restore", _("chỉ quản trị được khôi phục"))
                    raise NotAllowed(_("Chỉ quản trị được khôi phục cơ sở dữ liệu."))
                return actor
            except peewee.DatabaseError:
                pass  # a damaged register: its users cannot be read, the backup's can
            finally:
                close_database()
    from . import backup

    return backup.admin_in_file(file, login, _password(login))


def _restore_server(args) -> int:
    """Restore onto the PostgreSQL register ``--db`` names: its contents replaced in one transaction."""
    from . import backup
    from .cli import authenticate, open_db
    from .server_backup import restore_server, restore_summary, server_register

    if not os.path.isfile(args.file):
        raise NotFound(_("Không có tệp sao lưu {path}.").format(path=args.file))
    open_db(args)
    check = backup.check_file(args.file)
    problem = backup.describe_problem(check)
    if problem is not None:
        raise problem
    login = (args.as_user or "").strip()
    if not login:
        raise BadInput(_("Thiếu --as LOGIN: chỉ quản trị được khôi phục cơ sở dữ liệu."))
    _register, users, _row, _digest = server_register()
    if users:
        from .services import auth

        actor = authenticate(login)
        if auth.get_user(actor).role != "admin":
            auth.record_refusal(actor, "restore", _("chỉ quản trị được khôi phục"))
            raise NotAllowed(_("Chỉ quản trị được khôi phục cơ sở dữ liệu."))
    else:   # an empty server database: one of the backup's own admins
        actor = backup.admin_in_file(args.file, login, _password(login))
    question = (_("Thay toàn bộ sổ trên máy chủ bằng bản này? Sổ hiện tại được giữ lại làm bản an toàn. [y/N] ")
                if users else _("Khôi phục bản này vào cơ sở dữ liệu trống trên máy chủ? [y/N] "))
    if not args.yes and not _confirm(question):
        raise BadInput(_("Chưa khôi phục: cần xác nhận (gõ y, hoặc thêm --yes)."))
    info = restore_server(args.file, actor=actor, other_office=bool(args.other_office))
    print(restore_summary(info))
    if info.upgraded_from is not None:
        from .db import SCHEMA_VERSION

        print(_("Dữ liệu đã được nâng từ phiên bản {old} lên {new}.").format(old=info.upgraded_from,
                                                                           new=SCHEMA_VERSION))
    if info.safety_copy is not None:
        print(_("Cơ sở dữ liệu trước khi khôi phục được giữ tại {path}.").format(path=info.safety_copy))
    return 0


def cmd_restore(args) -> int:
    from . import backup
    from .backup_restore import received_text

    set_language(args.lang or "vi")
    target_path = _target(args)
    if "://" in target_path and not target_path.startswith("sqlite"):
        return _restore_server(args)
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
        newest=received_text(check.newest_case)))
    target = backup.restore_target(args.file, check, target_path)
    if target.current is not None:
        print(_("Đang dùng {path}: {office} ({unit}), {cases} hồ sơ; hồ sơ mới nhất nhận lúc {newest}.").format(
            path=target.path, office=target.current.office_name or "?", unit=target.current.unit_code or "?",
            cases=format_int(target.current.cases), newest=received_text(target.current.newest_case)))
    if target.same_register is False:
        if not args.other_office:
            raise backup.other_office_error(args.file, check, target)
        print(_("Bản sao lưu này là của một văn phòng khác (--other-office): dữ liệu đang dùng sẽ được thay "
                "bằng dữ liệu của văn phòng đó."))
    actor = _restoring_admin(args, target, args.file)
    if not args.yes and not _confirm(_("Thay cơ sở dữ liệu {path} bằng bản này? Bản hiện tại được giữ lại "
                                       "làm bản an toàn. [y/N] ").format(path=target.path)):
        raise BadInput(_("Chưa khôi phục: cần xác nhận (gõ y, hoặc thêm --yes)."))
    info = backup.restore_backup(args.file, db_path=target_path, actor=actor, other_office=bool(args.other_office))
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
    p.add_argument("--all", action="store_true",
                   help=_("bản sao lưu của mọi cơ sở dữ liệu trên máy này (mặc định: chỉ của cơ sở dữ liệu đang dùng)"))
    p.add_argument("--verify", action="store_true", help=_("kiểm tra lại từng bản"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)

    p = subparsers.add_parser("restore", help=_("khôi phục cơ sở dữ liệu từ một bản sao lưu"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--as", dest="as_user", metavar="LOGIN", help=_("quản trị thực hiện việc khôi phục"))
    p.add_argument("--other-office", action="store_true",
                   help=_("cho phép khôi phục bản sao lưu của một văn phòng khác (cơ sở dữ liệu khác)"))
    p.add_argument("--yes", action="store_true", help=_("không hỏi lại"))
    p.set_defaults(func=cmd_restore)
