"""``casedesk-cli duty``: the duty roster — show a week, set a half-day, copy a week, print a week."""
from __future__ import annotations

import datetime as dt

from .i18n import _


def _week_of(args) -> dt.date:
    from . import context
    from .services import roster

    return roster.week_start(roster.parse_day(args.week, field="week") if args.week else context.today())


def cmd_duty_show(args) -> int:
    from .cli import emit_json, open_db
    from .services import roster

    open_db(args)
    monday = _week_of(args)
    found = roster.week(monday)
    if args.json:
        emit_json([{"day": e.day, "half": e.half, "login": e.login, "name": e.full_name, "place": e.place,
                    "place_name": e.place_name} for e in found])
        return 0
    print(_("Lịch trực tuần từ {monday}:").format(monday=monday.strftime("%d/%m/%Y")))
    if not found:
        print(_("  (chưa có lịch trực)"))
    for e in found:
        half = _(roster.HALF_LABELS[e.half])
        print(f"  {e.day:%d/%m} {half:6} {e.full_name:26} {e.place_name}")
    return 0


def cmd_duty_set(args) -> int:
    from .cli import authenticate, open_db
    from .services import roster

    open_db(args)
    actor = authenticate(args.as_user)
    roster.set_duty(actor=actor, day=args.day, half=args.half, login=args.user, place=args.place)
    print(_("Đã ghi lịch trực."))
    return 0


def cmd_duty_copy(args) -> int:
    from .cli import authenticate, open_db
    from .services import roster

    open_db(args)
    actor = authenticate(args.as_user)
    n = roster.copy_week(actor=actor, source=args.source, target=args.target)
    print(_("Đã chép {n} buổi trực sang tuần mới.").format(n=n))
    return 0


def cmd_duty_print(args) -> int:
    from .cli import open_db
    from .documents.roster import render_roster
    from .files import write_atomic

    open_db(args)
    target = write_atomic(args.output, render_roster(_week_of(args)))
    print(_("Đã lưu lịch trực tuần vào {path}.").format(path=str(target)))
    return 0


def register(subparsers) -> None:
    duty = subparsers.add_parser("duty", help=_("lịch trực: ai ở bộ phận một cửa, ai trực lĩnh vực nào"))
    kinds = duty.add_subparsers(dest="duty_command", required=True)
    p = kinds.add_parser("show", help=_("xem lịch trực một tuần"))
    p.add_argument("--week", metavar="YYYY-MM-DD", help=_("một ngày trong tuần (mặc định: tuần này)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_duty_show)
    p = kinds.add_parser("set", help=_("ghi một buổi trực (quản trị)"))
    p.add_argument("day", metavar="YYYY-MM-DD")
    p.add_argument("half", choices=("am", "pm"), help=_("am: sáng, pm: chiều"))
    p.add_argument("user", metavar="LOGIN")
    p.add_argument("place", help=_("desk (bộ phận một cửa), mã lĩnh vực, hoặc \"\" để bỏ"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.set_defaults(func=cmd_duty_set)
    p = kinds.add_parser("copy", help=_("chép lịch một tuần sang tuần khác (quản trị)"))
    p.add_argument("--from", dest="source", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="target", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.set_defaults(func=cmd_duty_copy)
    p = kinds.add_parser("print", help=_("in lịch trực một tuần (PDF)"))
    p.add_argument("--week", metavar="YYYY-MM-DD")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_duty_print)
