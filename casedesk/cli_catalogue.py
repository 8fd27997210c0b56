"""``casedesk-cli procedures …``: the catalogue, listed and managed by the admin.

    casedesk-cli procedures [--json] [--all] [--agency CODE]
    casedesk-cli procedures add CODE --name … --field HT --days N [--time-unit …] … --as ADMIN
    casedesk-cli procedures edit CODE [--effective-from YYYY-MM-DD] [--days N] [--fee N] … --as ADMIN
    casedesk-cli procedures retire|enable CODE [--effective-from YYYY-MM-DD] [--note …] --as ADMIN
    casedesk-cli procedures import FILE.xlsx [--dry-run] --as ADMIN
    casedesk-cli procedures export -o FILE.xlsx
"""
from __future__ import annotations

import sys

from .errors import BadInput
from .files import write_atomic
from .i18n import N_, _

UNIT_LABELS = {"working_days": "ngày làm việc", "days": "ngày", "same_day": "trong ngày"}


def _open(args):
    from . import cli

    cli.open_db(args)
    cli._require_office()


def procedure_json(p) -> dict:
    return {"code": p.code, "name": p.name, "field": p.field_code, "field_name": p.field_name,
            "processing_days": p.days, "same_day": p.same_day, "fee": p.fee, "version": p.version,
            "effective_from": p.effective_from, "department": p.department_name,
            "papers": [{"name": x.name, "original": x.original, "copies": x.copies, "optional": x.optional}
                       for x in p.papers],
            "national_code": p.national_code or None, "agency": p.agency, "agency_name": p.agency_name,
            "time_unit": p.time_unit, "extension_days": p.extension_days, "legal_basis": p.legal_basis,
            "verified": p.verified, "source_note": p.source_note, "fee_kind": p.fee_kind,
            "fee_pending": p.fee_pending, "fee_rule": p.fee_rule or None, "fee_note": p.fee_note,
            "active": p.active}


def cmd_list(args) -> int:
    from .cli import emit_json
    from .i18n import format_money
    from .services import catalogue

    _open(args)
    # --find: the intake picker's own ranking, best first
    procs = (catalogue.find_procedures(args.find) if args.find
             else catalogue.list_procedures(include_inactive=args.all))
    if args.find and not procs and not args.json:
        print(_("Không có thủ tục nào khớp “{text}”.").format(text=args.find), file=sys.stderr)
        return 0
    if args.agency:
        procs = [p for p in procs if p.agency == args.agency.lower()]
    if args.json:
        emit_json([procedure_json(p) for p in procs])
        return 0
    for p in procs:
        if p.same_day:
            days = _("trong ngày")
        elif p.time_unit == "days":
            days = _("{n} ngày (lịch)").format(n=p.days)
        else:
            days = _("{n} ngày LV").format(n=p.days)
        fee = _("theo NQ HĐND tỉnh") if p.fee_pending else format_money(p.fee)
        off = "" if p.active else _(" [chưa bật]")
        print(f"{p.code:9} {days:14} {fee:>18}  {p.name} ({p.agency_name}){off}")
    return 0


def _values(args) -> dict:
    values = {}
    for key in ("name", "field", "national_code", "agency", "time_unit", "days", "extension_days", "legal_basis",
                "source_note", "fee_kind", "fee", "fee_note", "result"):
        value = getattr(args, key, None)
        if value is not None:
            values[key] = value
    if getattr(args, "verified", None) is not None:
        values["verified"] = args.verified == "yes"
    return values


def cmd_add(args) -> int:
    from .cli import authenticate, emit_json
    from .services import catalogue_admin

    _open(args)
    actor = authenticate(args.as_user)
    view, _changes = catalogue_admin.add_procedure(actor=actor, code=args.code,
                                                   effective_from=args.effective_from, **_values(args))
    return _done(args, view, _("Đã thêm thủ tục {code}, hiệu lực từ {d}."), emit_json)


def cmd_edit(args) -> int:
    from .cli import authenticate, emit_json
    from .services import catalogue_admin

    _open(args)
    actor = authenticate(args.as_user)
    view, _changes = catalogue_admin.edit_procedure(actor=actor, code=args.code, effective_from=args.effective_from,
                                                    note=args.note or "", **_values(args))
    return _done(args, view, _("Đã tạo phiên bản {v} của thủ tục {code}, hiệu lực từ {d}."), emit_json)


def cmd_retire(args) -> int:
    from .cli import authenticate, emit_json
    from .services import catalogue_admin

    _open(args)
    actor = authenticate(args.as_user)
    func = catalogue_admin.enable_procedure if args.enable else catalogue_admin.retire_procedure
    view, _changes = func(actor=actor, code=args.code, effective_from=args.effective_from, note=args.note or "")
    message = (_("Đã bật thủ tục {code} từ {d}.") if args.enable else _("Đã ngừng áp dụng thủ tục {code} từ {d}."))
    return _done(args, view, message, emit_json)


def _done(args, view, message: str, emit_json) -> int:
    if getattr(args, "json", False):
        emit_json(procedure_json(view))
    else:
        print(message.format(code=view.code, v=view.version, d=view.effective_from.strftime("%d/%m/%Y")))
    return 0


STATUS_LABELS = {"add": N_("thêm"), "edit": N_("sửa (phiên bản mới)"), "same": N_("không đổi"), "refused": N_("từ chối")}


def cmd_import(args) -> int:
    from . import catalogue_xlsx
    from .cli import authenticate, emit_json

    _open(args)
    actor = authenticate(args.as_user)
    with open(args.file, "rb") as fh:
        data = fh.read()
    report = catalogue_xlsx.import_bytes(data, actor=actor, dry_run=args.dry_run)
    refused = [line for line in report if line.status == "refused"]
    if args.json:
        emit_json({"dry_run": args.dry_run, "rows": [{"row": r.row, "code": r.code or None, "status": r.status,
                                                      "reason": r.reason or None} for r in report]})
    else:
        for r in report:
            line = _("Dòng {row}: {code} — {status}").format(row=r.row, code=r.code or "?",
                                                             status=_(STATUS_LABELS[r.status]))
            print(line + (f": {r.reason}" if r.reason else ""))
        counts = {s: sum(1 for r in report if r.status == s) for s in STATUS_LABELS}
        summary = _("Thêm {add}, sửa {edit}, không đổi {same}, từ chối {refused}.").format(**counts)
        print((_("Xem trước (chưa ghi gì): ") if args.dry_run else "") + summary)
    return 2 if refused else 0


def cmd_agency(args) -> int:
    from .cli import authenticate, emit_json
    from .services import catalogue, catalogue_admin

    _open(args)
    if args.unit_code is None and args.name is None:
        rows = catalogue.agencies().values()
        if args.json:
            emit_json([{"code": a.code, "name": a.name, "own": a.own, "book": a.book or None,
                        "unit_code": a.unit_code or None} for a in rows])
        else:
            for a in rows:
                kind = _("UBND xã") if a.own else _("cơ quan khác, sổ {book}").format(book=a.book or a.code.upper())
                print(f"{a.code:18} {a.name} ({kind}){'  ' + a.unit_code if a.unit_code else ''}")
        return 0
    actor = authenticate(args.as_user)
    row = catalogue_admin.set_agency(actor=actor, code=args.code, unit_code=args.unit_code, name=args.name)
    print(_("Đã lưu cơ quan {agency}.").format(agency=row.name))
    return 0


def cmd_export(args) -> int:
    from . import catalogue_xlsx

    _open(args)
    target = write_atomic(args.output, catalogue_xlsx.export_bytes())
    print(_("Đã lưu danh mục thủ tục vào {path}.").format(path=str(target)))
    return 0


def _edit_options(p, *, new: bool) -> None:
    p.add_argument("code", help=_("mã thủ tục, ví dụ HT-16"))
    p.add_argument("--name", required=new, help=_("tên thủ tục"))
    p.add_argument("--field", required=new, help=_("mã lĩnh vực, ví dụ HT"))
    p.add_argument("--national-code", help=_("mã TTHC trên Cơ sở dữ liệu quốc gia, ví dụ 1.001193"))
    p.add_argument("--agency", help=_("cơ quan giải quyết: ubnd_xa, chu_tich_ubnd_xa, cong_an_xa, …"))
    p.add_argument("--time-unit", choices=("working_days", "days", "same_day"),
                   help=_("đơn vị thời hạn: ngày làm việc, ngày theo lịch, trong ngày"))
    p.add_argument("--days", type=int, required=new, help=_("thời hạn (0 khi giải quyết trong ngày)"))
    p.add_argument("--extension-days", type=int, help=_("số ngày làm việc được gia hạn để xác minh"))
    p.add_argument("--legal-basis", help=_("căn cứ pháp lý: văn bản, điều, khoản"))
    p.add_argument("--verified", choices=("yes", "no"), help=_("đã đối chiếu văn bản gốc chưa"))
    p.add_argument("--source-note", help=_("ghi chú nguồn: đọc ở đâu, điều gì chưa đối chiếu được"))
    p.add_argument("--fee-kind", choices=("free", "fixed", "province", "per_page", "per_copy"))
    p.add_argument("--fee", type=int, help=_("lệ phí (đồng)"))
    p.add_argument("--fee-note")
    p.add_argument("--result", help=_("kết quả giải quyết"))
    p.add_argument("--effective-from", metavar="YYYY-MM-DD", help=_("hiệu lực từ ngày (mặc định hôm nay)"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--json", action="store_true")


def register(subparsers) -> None:
    procs = subparsers.add_parser("procedures", help=_("danh mục thủ tục"))
    procs.add_argument("--json", action="store_true")
    procs.add_argument("--find", metavar="TEXT", default="",
                       help=_("tìm theo mã hoặc tên (không dấu cũng được), xếp thủ tục khớp nhất lên đầu"))
    procs.add_argument("--all", action="store_true", help=_("kể cả thủ tục chưa bật hoặc đã ngừng"))
    procs.add_argument("--agency", help=_("chỉ thủ tục của cơ quan này (mã, ví dụ cong_an_xa)"))
    procs.set_defaults(func=cmd_list)
    sub = procs.add_subparsers(dest="procedures_command")
    p = sub.add_parser("add", help=_("thêm thủ tục"))
    _edit_options(p, new=True)
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("edit", help=_("sửa thủ tục: phiên bản mới có hiệu lực từ một ngày"))
    _edit_options(p, new=False)
    p.add_argument("--note", help=_("lý do sửa"))
    p.set_defaults(func=cmd_edit)
    for name, enable, text in (("retire", False, _("ngừng áp dụng thủ tục từ một ngày")),
                               ("enable", True, _("bật lại thủ tục (hoặc tiếp nhận thay cơ quan khác)"))):
        p = sub.add_parser(name, help=text)
        p.add_argument("code")
        p.add_argument("--effective-from", metavar="YYYY-MM-DD", help=_("từ ngày (mặc định hôm nay)"))
        p.add_argument("--note", help=_("lý do"))
        p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                       help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_retire, enable=enable)
    p = sub.add_parser("import", help=_("nhập danh mục từ bảng tính Excel"))
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("agency", help=_("cơ quan giải quyết: xem, hoặc đặt mã đơn vị của cơ quan khác"))
    p.add_argument("code", nargs="?", help=_("mã cơ quan, ví dụ cong_an_xa"))
    p.add_argument("--unit-code", help=_("mã đơn vị của cơ quan (đầu dãy mã hồ sơ của thủ tục tiếp nhận thay)"))
    p.add_argument("--name", help=_("tên cơ quan"))
    p.add_argument("--as", dest="as_user", metavar="LOGIN",
                   help=_("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_agency)
    p = sub.add_parser("export", help=_("xuất danh mục ra bảng tính Excel (nhập lại được)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_export)


__all__ = ["register", "procedure_json", "BadInput"]
