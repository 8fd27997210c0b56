"""``casedesk-cli``: every desk action, headless and scriptable.

Exit status: 0 done, 2 bad input, 3 not allowed, 4 not found, 5 integrity
problem, 6 busy or the server unreachable (try again), 7 wrong connection settings,
8 read-only media or a full disk, 1 unexpected error (``db_errors.classify`` decides
6–8).  Messages go to stderr; ``--json`` prints one JSON document on stdout.  The
acting user's password comes from ``CASEDESK_PASSWORD`` or a prompt; a new user's
from ``CASEDESK_NEW_PASSWORD`` or a prompt.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys

from . import __version__
from .errors import BadInput, CaseDeskError
from .cli_argparse import language_of, use_language, version_text
# the acting user's password and the user commands (authenticate: also used by cli_documents, cli_trust)
from .cli_users import _secret, authenticate, cmd_user_add, cmd_user_list, cmd_user_password  # noqa: F401
from .i18n import _, set_language
from .workflow import CHANNELS, RATINGS, ROLES, STATES


# ------------------------------------------------------------------ helpers

def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def emit_json(doc) -> None:
    json.dump(_jsonable(doc), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def target_of(args) -> tuple[str, str | None]:
    """The register a command works on, and the server password if the desk keeps one."""
    from .desk_config import desk_target

    return desk_target(args.db)


def open_db(args, *, must_exist: bool = True):
    from .db import open_database

    path, password = target_of(args)
    if must_exist and "://" not in path and path != ":memory:" and not os.path.exists(path):
        raise BadInput(_("Không có cơ sở dữ liệu {path}. Hãy chạy “casedesk-cli init” hoặc “casedesk-cli demo”.")
                       .format(path=path))
    db = open_database(path, password=password)
    from . import context

    set_language(args.lang or context.settings().language)
    if getattr(db, "casedesk_moved_to", None):
        from .db import moved_sentence

        print(_("Lưu ý: {sentence}").format(sentence=moved_sentence(db.casedesk_moved_to)), file=sys.stderr)
    return path


def _require_office():
    from .services import office

    if not office.is_initialised():
        raise BadInput(_("Cơ sở dữ liệu chưa được khởi tạo. Hãy chạy “casedesk-cli init” hoặc “casedesk-cli demo”."))


# ------------------------------------------------------------------ commands

def cmd_init(args) -> int:
    from .services import office

    open_db(args, must_exist=False)
    password = _secret("CASEDESK_PASSWORD", _("Mật khẩu cho quản trị {login}: ").format(login=args.admin_user),
                       confirm=True)
    user = office.init_office(office=args.office, commune=args.commune, province=args.province,
                              unit_code=args.unit_code, admin_login=args.admin_user, admin_password=password,
                              admin_name=args.admin_name)
    print(_("Đã khởi tạo {office}; quản trị: {login}.").format(office=args.office, login=user.login))
    return 0


def _calendar_for(args):
    """The office's calendar when a database is there, else the shipped one."""
    path, _password = target_of(args)
    if "://" in path or os.path.exists(path):
        open_db(args)
        from . import context

        return context.calendar(), context.settings().cutoff_time
    from .workcalendar import WorkCalendar

    return WorkCalendar(), dt.time(15, 0)


def _calendar_year(year: int) -> None:
    """The lunar tables behind Tết and the Hùng Kings' day cover a fixed span of years."""
    from .lunar import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadInput(_("Lịch làm việc chỉ tính được cho các năm {low}–{high}; năm {year} nằm ngoài.")
                       .format(low=MIN_YEAR, high=MAX_YEAR, year=year))


def cmd_calendar_due(args) -> int:
    from .services.cases import parse_time

    received = parse_time(args.received)
    if received is None:
        raise BadInput(_("Chưa nhập --received (YYYY-MM-DD HH:MM)."), field="received")
    # The due date can run into the next year: leave a year of room for the longest processing time.
    _calendar_year(received.year)
    _calendar_year(received.year + 1)
    cal, cutoff = _calendar_for(args)
    unit = args.unit or "working_days"
    if args.procedure:
        from .services import catalogue

        proc = catalogue.get_procedure(args.procedure, on=received.date())
        days, unit = proc.days, proc.time_unit
    elif args.same_day:
        days, unit = 0, "same_day"
    else:
        if args.days is None or args.days < 0 or args.days > 365:
            raise BadInput(_("--days phải từ 0 đến 365."))
        days = args.days
    result = cal.due(received, days, cutoff=cutoff, unit=unit)
    if args.json:
        emit_json({"due_date": result.due, "received": received, "days": days, "same_day": result.same_day,
                   "time_unit": result.unit, "rolled_from": result.rolled_from,
                   "after_cutoff": result.after_cutoff, "provisional": result.provisional,
                   "explanation": list(result.explanation),
                   "skipped": [{"date": d.date, "reason": d.reason, "kind": d.kind} for d in result.skipped]})
        return 0
    print(result.due.isoformat())
    if args.explain:
        for line in result.explanation:
            print(line)
    return 0


def cmd_calendar_holidays(args) -> int:
    _calendar_year(args.year)
    cal, _cutoff = _calendar_for(args)
    days = cal.days_off(args.year)
    if args.json:
        emit_json({"year": args.year, "provisional": cal.is_provisional(args.year),
                   "days_off": [{"date": d.date, "reason": d.reason, "kind": d.kind} for d in days]})
        return 0
    if cal.is_provisional(args.year):
        print(_("Năm {y}: tạm tính theo quy định (chưa có quyết định nghỉ chính thức).").format(y=args.year))
    for d in days:
        print(f"{d.date.isoformat()}  {d.reason or ''}")
    return 0


def case_json(case) -> dict:
    return {
        "code": case.code, "state": case.state, "procedure": case.procedure.code,
        "procedure_name": case.procedure.name, "field": case.procedure.field_code,
        "citizen_name": case.citizen_name, "id_number": case.id_number, "phone": case.phone,
        "phone_display": case.phone_display, "address": case.address, "email": case.email,
        "channel": case.channel, "sets": case.sets, "fee": case.fee, "received_at": case.received_at,
        "due_date": case.due_date, "original_due_date": case.original_due_date,
        "due_explanation": list(case.due_explanation), "assignee": case.assignee,
        "assignee_name": case.assignee_name, "received_by": case.received_by, "extended": case.extended,
        "resolved_at": case.resolved_at, "delivered_at": case.delivered_at, "receiver": case.receiver,
        "rating": case.rating, "ledger_book": case.ledger_book, "ledger_no": case.ledger_no,
        "exemption": case.exemption or None, "agency": case.procedure.agency,
        "papers": [{"name": p.name, "original": p.original, "copies": p.copies, "received": p.received}
                   for p in case.papers],
        "history": [{"at": e.at, "recorded_at": e.recorded_at, "actor": e.actor, "action": e.action,
                     "from_state": e.from_state, "to_state": e.to_state, "note": e.note,
                     "late_entry": e.late_entry} for e in case.history],
    }


def row_json(row) -> dict:
    return {"code": row.code, "citizen_name": row.citizen_name, "state": row.state, "due_date": row.due_date,
            "procedure_name": row.procedure_name, "field": row.field_code, "received_at": row.received_at,
            "assignee": row.assignee, "days_left": row.days_left}


def cmd_case_receive(args) -> int:
    from .services import cases

    open_db(args)
    _require_office()
    actor = authenticate(args.as_user)
    from .services.queries import identity_warnings

    warnings = identity_warnings(args.id_number, args.name)          # before: the new case is not "another"
    result = cases.receive_case(actor=actor, procedure=args.procedure, citizen_name=args.name,
                                id_number=args.id_number, phone=args.phone, address=args.address,
                                email=args.email or "", channel=args.channel, sets=args.sets, at=args.at,
                                note=args.note or "", fee=args.fee, pages=args.pages, copies=args.copies,
                                exemption=args.exemption, token=args.token)
    case = result.case
    if args.json:
        emit_json(case_json(case))
    else:
        print(case.code)
        print(_("Hẹn trả: {d}").format(d=f"{case.due_date:%d/%m/%Y}"))
    for note in warnings:                      # received all the same; stdout stays the code and the date
        print(_("Lưu ý: {note}").format(note=note), file=sys.stderr)
    return 0


def cmd_case_action(args) -> int:
    from .services import cases

    open_db(args)
    _require_office()
    actor = authenticate(args.as_user)
    action = args.action.replace("-", "_")
    func = cases.ACTION_FUNCS[action]
    kwargs = {"actor": actor, "code": args.code, "at": args.at, "note": args.note or ""}
    if action == "assign":
        if not args.to:
            raise BadInput(_("Thiếu --to LOGIN (người được giao)."))
        kwargs["to"] = args.to
    if action == "extend":
        kwargs["to_date"] = args.to_date
    if action == "verify_extend":
        kwargs["days"] = args.days
    if action == "deliver":
        kwargs["receiver"] = args.receiver or ""
        kwargs["rating"] = args.rating
    if action == "withdraw" and args.refund:
        kwargs["refund"] = True
    result = func(**kwargs)
    if args.json:
        emit_json(case_json(result.case))
    else:
        from .workflow import state_label

        print(_("{code}: {state}").format(code=result.case.code, state=state_label(result.case.state)))
    return 0


def cmd_case_undo_approve(args) -> int:
    """Take back an approval just given (its own approver, while nothing followed it)."""
    from .services import cases
    from .workflow import state_label

    open_db(args)
    _require_office()
    actor = authenticate(args.as_user)
    result = cases.undo_approval(actor=actor, code=args.code, note=args.note or "")
    if args.json:
        emit_json(case_json(result.case))
    else:
        print(_("{code}: {state}").format(code=result.case.code, state=state_label(result.case.state)))
    return 0


def _action_label(action: str) -> str:
    from .workflow import event_label

    return event_label(action)


def cmd_case_show(args) -> int:
    from .services import queries
    from .workflow import state_label

    open_db(args)
    case = queries.get_case(args.code)
    if args.json:
        emit_json(case_json(case))
        return 0
    print(f"{case.code}  [{state_label(case.state)}]")
    print(f"{case.citizen_name} · {case.id_number} · {case.phone_display}")
    print(f"{case.procedure.name} · {_('hẹn trả')} {case.due_date:%d/%m/%Y}")
    for line in case.due_explanation:
        print("  " + line)
    for e in case.history:
        late = _(" (nhập bù)") if e.late_entry else ""
        print(f"  {e.at:%d/%m/%Y %H:%M} {e.actor:12} {_action_label(e.action):24} {e.note}{late}")
    return 0


def cmd_case_list(args) -> int:
    from .services import queries
    from .workflow import state_label

    open_db(args)
    f = queries.CaseFilter(state=args.state, assignee=args.assignee, overdue=args.overdue,
                           due_within=args.due_within)
    rows = queries.list_cases(f, limit=args.limit)
    if args.json:
        emit_json([row_json(r) for r in rows])
    else:
        for r in rows:
            print(f"{r.code:28} {r.due_date:%d/%m/%Y} {state_label(r.state):24} {r.citizen_name}")
        if args.limit is not None and len(rows) == args.limit:
            print(_("(chỉ in {n} hồ sơ đầu; dùng --limit để in nhiều hơn)").format(n=len(rows)), file=sys.stderr)
    return 0


def cmd_search(args) -> int:
    from .services import queries
    from .workflow import state_label

    open_db(args)
    rows = queries.search_cases(args.query, limit=max(1, min(args.limit, 1000)))
    if args.json:
        emit_json([row_json(r) for r in rows])
    else:
        for r in rows:
            print(f"{r.code:28} {state_label(r.state):24} {r.citizen_name}")
    return 0


DEMO_MAX_CASES = 20_000        # a demo to try the desk; bench/make_db.py builds the big registers


# ------------------------------------------------------------------ parser

ACTIONS = ("assign", "request-supplement", "resume", "submit", "approve", "return", "refuse", "extend",
           "withdraw", "deliver", "verify-extend")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casedesk-cli", description=_("CaseDesk: sổ theo dõi hồ sơ một cửa."))
    parser.add_argument("--version", action="version", version=version_text(__version__))
    parser.add_argument("--db", help=_("tệp cơ sở dữ liệu hoặc postgresql://… (mặc định: CASEDESK_DB)"))
    parser.add_argument("--lang", choices=("vi", "en"), help=_("ngôn ngữ thông báo (mặc định: theo cài đặt)"))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help=_("khởi tạo văn phòng mới"))
    p.add_argument("--office", required=True)
    p.add_argument("--commune", required=True)
    p.add_argument("--province", required=True)
    p.add_argument("--unit-code", required=True)
    p.add_argument("--admin-user", required=True)
    p.add_argument("--admin-name")
    p.set_defaults(func=cmd_init)

    user = sub.add_parser("user", help=_("người dùng")).add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add")
    p.add_argument("login")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--full-name", required=True)
    p.add_argument("--field", action="append", help=_("mã lĩnh vực cán bộ xử lý (ghi nhiều lần được)"))
    p.add_argument("--phone")
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN", help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--json", action="store_true", help=_("in một tài liệu JSON"))
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("password", help=_("đổi mật khẩu của mình, hoặc (quản trị) đặt mật khẩu cho người khác"))
    p.add_argument("login", nargs="?", help=_("người được đặt mật khẩu (mặc định: chính người thực hiện)"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu hiện tại lấy từ CASEDESK_PASSWORD, mật khẩu mới từ "
                          "CASEDESK_NEW_PASSWORD, hoặc được hỏi"))
    p.set_defaults(func=cmd_user_password)
    p = user.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_user_list)

    cal = sub.add_parser("calendar", help=_("ngày làm việc")).add_subparsers(dest="cal_command", required=True)
    p = cal.add_parser("due")
    p.add_argument("--received", required=True, help=_("thời điểm tiếp nhận, dạng \"YYYY-MM-DD HH:MM\""))
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--days", type=int, help=_("số ngày làm việc"))
    group.add_argument("--same-day", action="store_true", help=_("trả trong ngày (sau giờ chốt: ngày làm việc sau)"))
    group.add_argument("--procedure", help=_("mã thủ tục, lấy thời hạn từ danh mục"))
    p.add_argument("--unit", choices=("working_days", "days"),
                   help=_("với --days: ngày làm việc (mặc định) hoặc ngày theo lịch"))
    p.add_argument("--explain", action="store_true", help=_("in cách tính: những ngày bỏ qua và vì sao"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_calendar_due)
    p = cal.add_parser("holidays")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_calendar_holidays)

    case = sub.add_parser("case", help=_("hồ sơ")).add_subparsers(dest="case_command", required=True)
    p = case.add_parser("receive")
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN", help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--procedure", required=True, help=_("mã thủ tục (xem: casedesk-cli procedures)"))
    p.add_argument("--name", required=True, help=_("họ và tên người nộp"))
    p.add_argument("--id-number", required=True, help=_("số định danh cá nhân 12 chữ số; hộ chiếu (C1234567); tổ chức: MST 0101234567"))
    p.add_argument("--phone", default="", help=_("số điện thoại, ví dụ 0912 345 678 (bỏ trống nếu không có)"))
    p.add_argument("--address", required=True, help=_("địa chỉ"))
    p.add_argument("--email")
    p.add_argument("--channel", default="in_person", choices=CHANNELS,
                   help=_("cách nộp: trực tiếp, bưu chính, trực tuyến (mặc định in_person)"))
    p.add_argument("--sets", type=int, default=1, help=_("số bộ hồ sơ (mặc định 1)"))
    p.add_argument("--fee", help=_("lệ phí thu (đồng) khi lệ phí tính theo hồ sơ; mặc định: lệ phí của thủ tục"))
    p.add_argument("--pages", help=_("số trang (lệ phí tính theo trang)"))
    p.add_argument("--copies", help=_("số bản (lệ phí tính theo trang hoặc theo bản)"))
    p.add_argument("--exemption", metavar="KIND",
                   help=_("diện miễn phí, lệ phí: nguoi_co_cong, ho_ngheo, nguoi_khuyet_tat, tre_em, "
                          "nguoi_cao_tuoi, dong_bao_dtts, khac (ghi rõ ở --note)"))
    p.add_argument("--at", metavar="TIME", help=_("thời điểm thực tế khi nhập bù, dạng \"YYYY-MM-DD HH:MM\""))
    p.add_argument("--note", help=_("ghi chú"))
    p.add_argument("--token", help=_("mã phiếu nhập (ví dụ một UUID): gửi lại cùng mã sau khi mất kết nối sẽ "
                                     "trả về hồ sơ đã lưu, không tạo hồ sơ thứ hai"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_receive)
    for action in ACTIONS:
        p = case.add_parser(action)
        p.add_argument("code", help=_("mã hồ sơ"))
        p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN", help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
        p.add_argument("--note", help=_("lý do (bắt buộc khi yêu cầu bổ sung, trả lại, từ chối, gia hạn)"))
        p.add_argument("--at", metavar="TIME", help=_("thời điểm thực tế khi nhập bù, dạng \"YYYY-MM-DD HH:MM\""))
        if action == "assign":
            p.add_argument("--to", required=True, help=_("cán bộ được giao (tên đăng nhập)"))
        if action == "extend":
            p.add_argument("--to-date", required=True, help=_("ngày hẹn mới, dạng YYYY-MM-DD"))
        if action == "verify-extend":
            p.add_argument("--days", help=_("số ngày làm việc xác minh thêm (mặc định: tối đa thủ tục cho phép)"))
        if action == "withdraw":
            p.add_argument("--refund", action="store_true", help=_("đã hoàn trả phí, lệ phí đã nộp (in trên mẫu 05)"))
        if action == "deliver":
            p.add_argument("--receiver", help=_("họ tên người nhận kết quả"))
            p.add_argument("--rating", choices=RATINGS, help=_("mức hài lòng của người dân"))
        p.add_argument("--json", action="store_true", help=_("in một tài liệu JSON"))
        p.set_defaults(func=cmd_case_action, action=action)
    p = case.add_parser("undo-approve", help=_("hoàn tác lần phê duyệt vừa rồi (người đã phê duyệt, khi hồ sơ "
                                                "chưa chuyển bước)"))
    p.add_argument("code", help=_("mã hồ sơ"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--note", help=_("lý do (không bắt buộc)"))
    p.add_argument("--json", action="store_true", help=_("in một tài liệu JSON"))
    p.set_defaults(func=cmd_case_undo_approve)
    from .cli_law import register_case

    register_case(case)
    p = case.add_parser("show")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_show)
    p = case.add_parser("list")
    p.add_argument("--state", choices=STATES, help=_("chỉ hồ sơ ở trạng thái này"))
    p.add_argument("--assignee", help=_("chỉ hồ sơ của cán bộ này (tên đăng nhập)"))
    p.add_argument("--overdue", action="store_true", help=_("chỉ hồ sơ quá hạn"))
    p.add_argument("--due-within", type=int, help=_("chỉ hồ sơ đến hạn trong N ngày làm việc"))
    p.add_argument("--limit", type=int, default=200, help=_("in nhiều nhất N hồ sơ (mặc định 200)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_list)

    p = sub.add_parser("search", help=_("tìm hồ sơ"))
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    from .cli_demo import register as register_demo

    register_demo(sub)        # in its own module: the demo, and its refusal to touch a real office

    for register in _extensions():
        register(sub)
    return parser


def _extensions():
    """Sub-command groups that live in their own modules (documents, reports, backups)."""
    found = []
    for name in ("casedesk.cli_catalogue", "casedesk.cli_documents", "casedesk.cli_trust", "casedesk.cli_law",
                 "casedesk.cli_import", "casedesk.cli_roster", "casedesk.cli_check", "casedesk.cli_move",
                 "casedesk.cli_receipts", "casedesk.cli_status"):
        try:
            module = __import__(name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append(module.register)
    return found


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = language_of(argv)
    set_language(lang)
    use_language(lang)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors: exit 2 as documented
        return int(exc.code or 0)
    try:
        status = args.func(args)
        sys.stdout.flush()          # a closed pipe shows here, inside the handlers below
        return status
    except CaseDeskError as exc:
        print(_("Lỗi: {msg}").format(msg=exc.message), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `casedesk-cli case list | head`: the reader has what it wanted
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # nothing more to flush at exit
        except (OSError, ValueError):
            pass
        return 0
    except OSError as exc:  # a path given on the command line that the system refuses: say which and why
        from .db_errors import classify
        from .logs import logger

        found = classify(exc)
        if found is not None:   # a full disk, read-only media
            logger().warning("command line: %r", exc)
            print(_("Lỗi: {msg}").format(msg=found.message), file=sys.stderr)
            return found.exit_code

        logger().warning("command line: %r", exc)      # the user's path, not a fault of the program
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        name = exc.filename if isinstance(exc.filename, str) else ""
        where = (name[:80] + "…") if len(name) > 80 else name
        print(_("Lỗi: không dùng được tệp hoặc thư mục {path}: {why}.").format(path=where, why=why), file=sys.stderr)
        return 2
    except Exception as exc:  # no traceback reaches a user: it goes to the log
        from .db_errors import classify
        from .logs import log_unexpected, logger

        found = classify(exc)
        if found is not None:   # busy, the server down, a full disk, read-only media: a sentence and its code
            logger().warning("command line: %r", exc)
            print(_("Lỗi: {msg}").format(msg=found.message), file=sys.stderr)
            return found.exit_code

        ref = log_unexpected(exc)
        print(_("Lỗi không mong đợi (mã tham chiếu {ref}); chi tiết đã ghi vào nhật ký lỗi.").format(ref=ref),
              file=sys.stderr)
        return 1
    finally:
        from .db import close_database

        close_database()


if __name__ == "__main__":
    sys.exit(main())
