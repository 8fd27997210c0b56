"""``casedesk-cli import ledger FILE.xlsx --as ADMIN [--dry-run] [--json] [--map FIELD=COLUMN]``.

Reads an office's old Excel ledger, says which column it took for what, checks every row and names the
refused ones by their sheet line, then (unless ``--dry-run``) imports the good ones in batches.
"""
from __future__ import annotations

import sys

from .i18n import _


def cmd_import_ledger(args) -> int:
    from . import ledger_import, ledger_sheet
    from .cli import _require_office, authenticate, emit_json, open_db

    open_db(args)
    _require_office()
    actor = authenticate(args.as_user)
    sheet = ledger_sheet.read_sheet(args.file, sheet=args.sheet)
    mapping = ledger_sheet.parse_mapping(args.map or [], sheet)
    plan = ledger_import.plan_import(sheet, mapping)
    result = None
    if not args.dry_run and plan.rows:
        progress = None
        if not args.json and sys.stderr.isatty():
            def progress(done: int, total: int, text: str) -> None:
                print(f"\r{text}", end="", file=sys.stderr, flush=True)
        result = ledger_import.run_import(plan, actor=actor, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
    elif not args.dry_run:
        result = ledger_import.ImportResult(imported=0, already=plan.already, refused=len(plan.problems))
    if args.json:
        emit_json(ledger_import.plan_json(plan, result))
        return 0 if not plan.problems else 2
    labels = dict(ledger_sheet.FIELDS)
    print(_("Trang “{sheet}”, dòng tiêu đề {line}; các cột:").format(sheet=sheet.name, line=sheet.header_line))
    for key, _label in ledger_sheet.FIELDS:
        if key in mapping:
            print(f"  {_(labels[key])}: {sheet.column_label(mapping[key])}")
    print(_("{rows} dòng: {ready} nhập được, {already} đã có trong sổ, {bad} bị từ chối.").format(
        rows=plan.total, ready=len(plan.rows), already=plan.already, bad=len(plan.problems)))
    for problem in plan.problems[:200]:
        print(_("  dòng {line}: {why}").format(line=problem.line, why=problem.message), file=sys.stderr)
    if len(plan.problems) > 200:
        print(_("  … và {n} dòng khác (xem --json).").format(n=len(plan.problems) - 200), file=sys.stderr)
    if args.dry_run:
        print(_("Chạy thử: chưa nhập gì."))
    elif result is not None and result.imported:
        print(_("Đã nhập {n} hồ sơ ({first} … {last}) trong {s:.1f} giây.").format(
            n=result.imported, first=result.first_code, last=result.last_code, s=result.seconds))
    return 0 if not plan.problems else 2


def register(subparsers) -> None:
    importing = subparsers.add_parser("import", help=_("nhập dữ liệu từ tệp (sổ theo dõi cũ bằng Excel)"))
    kinds = importing.add_subparsers(dest="import_command", required=True)
    p = kinds.add_parser("ledger", help=_("nhập sổ theo dõi hồ sơ cũ từ tệp Excel .xlsx"))
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN",
                   help=_("quản trị thực hiện; mật khẩu lấy từ CASEDESK_PASSWORD hoặc được hỏi"))
    p.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra và xem trước, không nhập"))
    p.add_argument("--map", action="append", metavar="TRƯỜNG=CỘT",
                   help=_("chỉ cột cho một trường, ví dụ name=C hoặc received=\"Ngày nhận\"; TRƯỜNG= để bỏ"))
    p.add_argument("--sheet", help=_("tên trang tính (mặc định: trang đầu)"))
    p.add_argument("--json", action="store_true", help=_("in kết quả dạng JSON"))
    p.set_defaults(func=cmd_import_ledger)
