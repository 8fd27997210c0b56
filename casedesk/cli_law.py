"""``casedesk-cli settings …`` and ``casedesk-cli case refuse-intake``: the office's settings, and a
dossier refused at the counter.

    casedesk-cli settings show [--json]
    casedesk-cli settings set KEY VALUE --as ADMIN [--json]
    casedesk-cli case refuse-intake --as LOGIN --procedure CODE --name NAME --id-number N --note TEXT
                                    [--phone P] [--address A] [--email E] [--at TIME] [--json]
    casedesk-cli case refusals [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N] [--json]

Every office setting is reachable: ``set`` checks the acting user is an admin before it looks at the
key or the value (a refusal is audited), then validates the value and audits the change.
"""
from __future__ import annotations

import dataclasses

from .i18n import _


def cmd_settings_show(args) -> int:
    from . import cli, context
    from .settings import setting_label

    cli.open_db(args)
    cli._require_office()
    values = dataclasses.asdict(context.settings())
    if args.json:
        cli.emit_json(values)
        return 0
    for key, value in values.items():
        print(f"{key:20} {setting_label(key)[:44]:44} {value}")
    return 0


def cmd_settings_set(args) -> int:
    from . import cli
    from .services import office

    cli.open_db(args)
    cli._require_office()
    actor = cli.authenticate(args.as_user)
    settings, _changes = office.update_settings(actor=actor, **{args.key: args.value})
    value = getattr(settings, args.key)
    if args.json:
        cli.emit_json({args.key: value})
    else:
        print(_("Đã lưu thiết lập {key} = {value}.").format(key=args.key, value=value))
    return 0


def cmd_refuse_intake(args) -> int:
    from . import cli
    from .services import forms

    cli.open_db(args)
    cli._require_office()
    actor = cli.authenticate(args.as_user)
    refusal = forms.refuse_intake(actor=actor, procedure=args.procedure, citizen_name=args.name,
                                  id_number=args.id_number, phone=args.phone or "", address=args.address or "",
                                  email=args.email or "", note=args.note, at=args.at)
    if args.json:
        cli.emit_json(refusal)
    else:
        print(refusal.code)
        print(_("In phiếu từ chối (mẫu 03): casedesk-cli print refusal {code} -o FILE.pdf").format(
            code=refusal.code))
    return 0


def cmd_refusals(args) -> int:
    from . import cli
    from .services import forms
    from .services.cases import parse_date

    cli.open_db(args)
    first = parse_date(args.date_from, field="from") if args.date_from else None
    last = parse_date(args.date_to, field="to") if args.date_to else None
    rows = forms.list_intake_refusals(date_from=first, date_to=last, limit=args.limit)
    if args.json:
        cli.emit_json(rows)
        return 0
    for r in rows:
        print(f"{r.code:30} {r.refused_at:%d/%m/%Y %H:%M} {r.refused_by:10} {r.procedure:8} {r.citizen_name}: {r.reason}")
    return 0


def register_case(case_parsers) -> None:
    """``case refuse-intake``, added to the ``case`` group."""
    as_help = _("người thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi")
    p = case_parsers.add_parser("refuse-intake", help=_("từ chối tiếp nhận hồ sơ tại quầy (mẫu 03)"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN", help=as_help)
    p.add_argument("--procedure", required=True, help=_("mã thủ tục (xem: casedesk-cli procedures)"))
    p.add_argument("--name", required=True, help=_("họ và tên người nộp"))
    p.add_argument("--id-number", required=True, help=_("số định danh cá nhân, hộ chiếu hoặc mã số thuế"))
    p.add_argument("--note", required=True, help=_("lý do từ chối tiếp nhận (in trên phiếu)"))
    p.add_argument("--phone", help=_("số điện thoại"))
    p.add_argument("--address", help=_("địa chỉ"))
    p.add_argument("--email")
    p.add_argument("--at", metavar="TIME", help=_("thời điểm thực tế khi nhập bù, dạng \"YYYY-MM-DD HH:MM\""))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_refuse_intake)
    p = case_parsers.add_parser("refusals", help=_("các hồ sơ đã từ chối tiếp nhận tại quầy"))
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_refusals)


def register(subparsers) -> None:
    """Add ``settings`` to the ``casedesk-cli`` parser."""
    group = subparsers.add_parser("settings", help=_("thiết lập của văn phòng"))
    kinds = group.add_subparsers(dest="settings_command", required=True)
    p = kinds.add_parser("show")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_settings_show)
    p = kinds.add_parser("set")
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE")
    p.add_argument("--as", dest="as_user", required=True, metavar="ADMIN",
                   help=_("quản trị thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_settings_set)
