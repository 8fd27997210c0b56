"""``casedesk-cli verify-receipt`` and ``casedesk-cli office key --export``: the office's signature
on its receipts, checked from the command line (``receipt_seal``).

``verify-receipt TEXT``: exit 0 when the receipt is genuine and matches the register (or, with
``--key FILE``, when another office's exported key signed it: then only the signature is checked,
nothing about the case); exit 5 with a sentence when the signature fails, another office signed
it, the dates or the person differ from the register; 4 when the register has no such case; 2
when the text holds no signature.  ``TEXT`` is what the scanner read ("-" reads it from stdin).
"""
from __future__ import annotations

import sys

from .errors import BadInput, NotFound
from .i18n import _


def _read_text(value: str) -> str:
    return sys.stdin.read() if value == "-" else value.replace("\\n", "\n")


def cmd_verify_receipt(args) -> int:
    from . import receipt_seal
    from .cli import emit_json, open_db

    text = _read_text(args.text)
    if args.key:
        with open(args.key, encoding="utf-8", errors="replace") as fh:
            public = receipt_seal.load_key_text(fh.read())
        verdict = receipt_seal.verify(text, public=public)
    else:
        open_db(args)
        verdict = receipt_seal.verify(text)
    status = 0 if verdict.genuine else {"no_seal": BadInput.exit_code, "unknown_case": NotFound.exit_code}.get(
        verdict.status, 5)
    if args.json:
        emit_json(verdict.as_json())
    else:
        print(verdict.message, file=sys.stdout if status == 0 else sys.stderr)
    return status


def cmd_office_key(args) -> int:
    from . import receipt_seal
    from .cli import _require_office, open_db

    if not args.export:
        raise BadInput(_("Dùng “casedesk-cli office key --export [-o TỆP]” để ghi khóa công khai ra."))
    open_db(args)
    _require_office()
    text = receipt_seal.export_text()
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print(_("Đã ghi khóa công khai ký giấy hẹn vào {path}. Chỉ có nửa công khai: dùng để kiểm tra, "
                "không ký được.").format(path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(sub) -> None:
    p = sub.add_parser("verify-receipt", help=_("kiểm tra chữ ký trên mã QR của giấy hẹn"))
    p.add_argument("text", help=_("nội dung mã QR đã quét (\"-\": đọc từ đầu vào chuẩn)"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--key", help=_("tệp khóa công khai của đơn vị đã cấp (không cần cơ sở dữ liệu)"))
    p.set_defaults(func=cmd_verify_receipt)

    office = sub.add_parser("office", help=_("văn phòng")).add_subparsers(dest="office_command", required=True)
    p = office.add_parser("key", help=_("khóa ký giấy hẹn của văn phòng"))
    p.add_argument("--export", action="store_true", help=_("ghi khóa công khai ra (không bao giờ khóa bí mật)"))
    p.add_argument("-o", "--output", help=_("tệp ghi ra (mặc định: in ra màn hình)"))
    p.set_defaults(func=cmd_office_key)
