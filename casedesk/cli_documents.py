"""``casedesk-cli print …`` and ``casedesk-cli report …``: documents and form II.06a, headless.

    casedesk-cli print receipt|supplement|refusal|apology|stop|control-sheet CODE -o FILE.pdf [--paper a4|a5]
    casedesk-cli print ledger --from YYYY-MM-DD --to YYYY-MM-DD -o FILE.pdf
    casedesk-cli report monthly --month YYYY-MM [--period calendar|15-14] [--pdf FILE] [--xlsx FILE] [--json]
    casedesk-cli report quarterly --quarter YYYY-Qn [same options]
    casedesk-cli report yearly --year YYYY [same options]

Files are written atomically (a temporary file beside the target, then a rename), so
an interrupted run never leaves half a PDF under the real name.  Exit codes are
those of ``casedesk.cli``: 2 bad input, 3 not allowed, 4 not found, 5 the figures do
not add up.
"""
from __future__ import annotations

from .files import write_atomic
from .i18n import _


def _open(args) -> None:
    from . import cli

    cli.open_db(args)
    cli._require_office()


# ------------------------------------------------------------------ print

def cmd_print_case(args) -> int:
    from .documents import build

    from .services import forms

    _open(args)
    payload = build.render_case_document(args.kind, args.code, paper=args.paper, actor="cli")
    target = write_atomic(args.output, payload)
    kind = "intake-refusal" if args.kind == "refusal" and forms.is_refusal_code(args.code) else args.kind
    print(_("Đã lưu {document} vào {path}.").format(document=build.document_label(kind), path=str(target)))
    return 0


def cmd_print_ledger(args) -> int:
    from .documents import build

    _open(args)
    if str(args.output).lower().endswith(".xlsx"):          # the extension chooses: a sheet import reads back
        from .ledger_export import ledger_xlsx

        payload = ledger_xlsx(args.date_from, args.date_to, agency=args.agency)
    else:
        payload = build.render_ledger(args.date_from, args.date_to, agency=args.agency)
    target = write_atomic(args.output, payload)
    print(_("Đã lưu sổ theo dõi hồ sơ vào {path}.").format(path=str(target)))
    return 0


# ------------------------------------------------------------------ report

def cmd_report(args) -> int:
    from . import reports
    from .cli import emit_json
    from .documents import build

    _open(args)
    period = reports.parse_period(args.kind, args.spec, args.period)
    report = reports.compute(period, agency=args.agency)
    reports.check_report(report)
    written = []
    for fmt, path in (("pdf", args.pdf), ("xlsx", args.xlsx)):
        if path:
            written.append(write_atomic(path, build.render_report(report, fmt, checked=True)))
    if args.json:
        emit_json(reports.report_json(report))
        return 0
    for target in written:
        print(_("Đã lưu báo cáo vào {path}.").format(path=str(target)))
    if not written:
        _print_table(report)
    return 0


def _print_table(report) -> None:
    from .reports import COLUMNS

    p = report.period
    print(_("Báo cáo {label} (từ {start} đến {end})").format(
        label=p.label, start=f"{p.date_from:%d/%m/%Y}", end=f"{p.date_to:%d/%m/%Y}"))
    head = "".join(f"{'(' + c[1:] + ')':>7}" for c in COLUMNS)
    print(f"{_('Lĩnh vực'):28}{head}")
    for row in (*report.rows, report.total):
        name = getattr(row, "field_name", "") or row.field
        print(f"{name[:28]:28}" + "".join(f"{getattr(row, c):>7}" for c in COLUMNS))
    if report.officers:
        print()
        print(_("Công chức: nhận / giải quyết / đúng hạn / quá hạn đang giữ / hài lòng"))
        for o in report.officers:
            on_time = "—" if o.on_time_pct is None else f"{o.on_time_pct:.1f}%"
            happy = "—" if o.satisfaction_pct is None else f"{o.satisfaction_pct:.1f}%"
            print(f"  {o.name[:26]:26} {o.received:>6} {o.resolved:>6} {on_time:>7} {o.overdue_in_hand:>5} "
                  f"{happy:>7}")


# ------------------------------------------------------------------ parser

CASE_DOCUMENTS = ("receipt", "supplement", "refusal", "apology", "stop", "control-sheet")
REPORTS = (("monthly", "month", "--month", "YYYY-MM"), ("quarterly", "quarter", "--quarter", "YYYY-Qn"),
           ("yearly", "year", "--year", "YYYY"))


def register(subparsers) -> None:
    """Add ``print`` and ``report`` to the ``casedesk-cli`` parser."""
    printing = subparsers.add_parser("print", help=_("in giấy tờ của hồ sơ hoặc sổ theo dõi (PDF)"))
    kinds = printing.add_subparsers(dest="print_command", required=True)
    for kind in CASE_DOCUMENTS:
        p = kinds.add_parser(kind)
        p.add_argument("code")
        p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
        p.add_argument("--paper", choices=("a4", "a5"))
        p.set_defaults(func=cmd_print_case, kind=kind)
    p = kinds.add_parser("ledger")
    p.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.xlsx",
                   help=_("tệp .pdf (mẫu 07 để in) hoặc .xlsx (bảng tính, nhập lại được bằng import ledger)"))
    p.add_argument("--agency", help=_("sổ của cơ quan khác (ví dụ cong_an_xa); mặc định: sổ của UBND xã"))
    p.set_defaults(func=cmd_print_ledger)

    report = subparsers.add_parser("report", help=_("báo cáo tình hình giải quyết hồ sơ (biểu II.06a)"))
    kinds = report.add_subparsers(dest="report_command", required=True)
    for name, kind, option, metavar in REPORTS:
        p = kinds.add_parser(name)
        p.add_argument(option, dest="spec", required=True, metavar=metavar)
        p.add_argument("--period", choices=("calendar", "15-14"),
                       help=_("kỳ theo tháng dương lịch hoặc từ ngày 15 tháng trước đến ngày 14"))
        p.add_argument("--pdf", metavar="FILE")
        p.add_argument("--xlsx", metavar="FILE")
        p.add_argument("--agency", help=_("chỉ thủ tục của cơ quan này (ví dụ cong_an_xa); mặc định: "
                                          "thủ tục của UBND xã, không gồm thủ tục tiếp nhận thay cơ quan khác"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_report, kind=kind)


__all__ = ["register", "write_atomic"]
