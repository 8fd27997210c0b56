"""The status page on the office's LAN: a small read-only Flask app served by waitress (pure Python,
runs on Windows as on Linux).  Off by default: ``casedesk-cli status-page --host ADDR --port N`` or
the Settings screen starts it.

    /tra-cuu        a citizen (or the waiting room's kiosk with a scanner) enters the receipt's QR
                    text, or the dossier code and the last 4 digits of the phone number
    /tra-cuu.json   the same lookup as JSON: ``code``, ``state``, ``due_date``, ``ready`` (and a few more)
    /man-hinh       the waiting room's screen: results ready for collection, names masked, large
                    type, reloading itself every ``REFRESH_SECONDS``

Privacy rules are ``status_data``'s; this module only draws pages.  Every page is escaped by Jinja.
"""
from __future__ import annotations

from pathlib import Path

from . import context, status_data
from .i18n import _, admin_date

REFRESH_SECONDS = 30
SCREEN_LIMIT = 40          # requests a minute from one address to /man-hinh (it reloads itself twice)

_STYLE = """
body { font-family: "Noto Sans", "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 0; background: #f4f6f8; color: #1b2733; }
header { background: #8b1a1a; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 1.5em; } header p { margin: 4px 0 0; opacity: .9; }
main { max-width: 760px; margin: 24px auto; background: #fff; padding: 24px 28px; border-radius: 8px;
       box-shadow: 0 1px 4px rgba(0,0,0,.12); }
label { display: block; margin: 14px 0 4px; font-weight: 600; }
input[type=text], textarea { width: 100%; box-sizing: border-box; font-size: 1.1em; padding: 8px; }
textarea { height: 4.5em; }
button { margin-top: 16px; font-size: 1.1em; padding: 8px 22px; background: #8b1a1a; color: #fff; border: 0;
         border-radius: 4px; }
.or { margin: 18px 0 0; color: #555; }
.result { margin-top: 22px; padding: 16px; border-radius: 6px; background: #eef5ee; border-left: 6px solid #2e7d32; }
.result.wait { background: #fff8e1; border-left-color: #f9a825; }
.result.none { background: #fdecea; border-left-color: #c62828; }
.result dt { font-weight: 600; margin-top: 8px; } .result dd { margin: 2px 0 0 0; }
.ready { font-size: 1.3em; font-weight: 700; color: #2e7d32; }
footer { text-align: center; color: #666; font-size: .9em; margin: 12px 0 24px; }
"""

_LOOKUP = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }}</title><style>{{ style }}</style></head>
<body><header><h1>{{ t.title }}</h1><p>{{ office }}</p></header>
<main>
<form method="get" action="/tra-cuu" autocomplete="off">
  <label for="qr">{{ t.qr_label }}</label>
  <textarea id="qr" name="qr" autofocus placeholder="{{ t.qr_hint }}">{{ qr }}</textarea>
  <p class="or">{{ t.or }}</p>
  <label for="code">{{ t.code_label }}</label>
  <input type="text" id="code" name="code" value="{{ code }}" placeholder="000.00.31.H26-261102-0001">
  <label for="phone4">{{ t.phone_label }}</label>
  <input type="text" id="phone4" name="phone4" inputmode="numeric" maxlength="4" value="" placeholder="5678">
  <button type="submit">{{ t.button }}</button>
</form>
{% if status %}
<section class="result {{ 'wait' if status.supplement else '' }}" id="result" data-state="{{ status.state }}">
  <dl>
    <dt>{{ t.code }}</dt><dd id="r-code">{{ status.code }}</dd>
    <dt>{{ t.procedure }}</dt><dd>{{ status.procedure }}</dd>
    <dt>{{ t.where }}</dt><dd id="r-where">{{ status.where }}</dd>
    <dt>{{ t.due }}</dt><dd id="r-due">{{ due }}</dd>
    <dt>{{ t.supplement }}</dt><dd id="r-supplement">{{ t.yes if status.supplement else t.no }}</dd>
    <dt>{{ t.ready }}</dt><dd id="r-ready" class="{{ 'ready' if status.ready else '' }}">{{ t.ready_yes if status.ready else t.ready_no }}</dd>
  </dl>
  {% if status.note %}<p id="r-note">{{ status.note }}</p>{% endif %}
</section>
{% elif message %}
<section class="result none" id="result" data-state="none"><p>{{ message }}</p></section>
{% endif %}
</main>
<footer>{{ t.footer }}</footer>
<script>
// a scanner types the code, a newline, then the signature: look it up as soon as the signature is whole
var qr = document.getElementById("qr");
qr.addEventListener("input", function () {
  if (/CD1-?\\d{188}\\s*$/.test(qr.value)) { qr.form.submit(); }
});
</script>
</body></html>"""

_SCREEN = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{{ refresh }}">
<title>{{ t.title }}</title>
<style>
body { font-family: "Noto Sans", "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 0; background: #0f2a44; color: #fff; }
header { display: flex; justify-content: space-between; align-items: baseline; padding: 18px 36px;
         background: #8b1a1a; }
h1 { margin: 0; font-size: 2.6em; } .clock { font-size: 2em; }
table { width: 100%; border-collapse: collapse; font-size: 2.2em; }
th { text-align: left; padding: 12px 36px; color: #ffd54f; border-bottom: 2px solid #ffd54f; font-size: .7em; }
td { padding: 14px 36px; border-bottom: 1px solid rgba(255,255,255,.15); }
td.code { font-family: "Noto Sans Mono", Consolas, monospace; white-space: nowrap; }
.empty { font-size: 2.2em; padding: 48px 36px; }
footer { position: fixed; bottom: 0; width: 100%; padding: 10px 36px; background: rgba(0,0,0,.3); font-size: 1.3em; }
</style></head>
<body data-refresh="{{ refresh }}" data-generated="{{ generated }}">
<header><h1>{{ t.title }}</h1><span class="clock" id="generated">{{ clock }}</span></header>
{% if rows %}
<table id="ready"><thead><tr><th>{{ t.code }}</th><th>{{ t.name }}</th><th>{{ t.procedure }}</th></tr></thead>
<tbody>{% for r in rows %}<tr><td class="code">{{ r.code_tail }}</td><td class="name">{{ r.name }}</td><td>{{ r.procedure }}</td></tr>{% endfor %}</tbody></table>
{% else %}<p class="empty" id="ready">{{ t.empty }}</p>{% endif %}
<footer>{{ office }} · {{ t.footer }}</footer>
</body></html>"""


def _lookup_words() -> dict:
    return {
        "title": _("Tra cứu tình trạng hồ sơ"),
        "qr_label": _("Quét mã QR trên giấy hẹn (hoặc dán nội dung mã QR)"),
        "qr_hint": _("Đưa mã QR trên giấy hẹn vào máy quét"),
        "or": _("Hoặc nhập mã hồ sơ và 4 số cuối của số điện thoại đã khai khi nộp hồ sơ:"),
        "code_label": _("Mã hồ sơ"),
        "phone_label": _("4 số cuối số điện thoại"),
        "button": _("Tra cứu"),
        "code": _("Mã hồ sơ"), "procedure": _("Thủ tục"), "where": _("Hồ sơ đang ở đâu"),
        "due": _("Ngày hẹn trả kết quả"), "supplement": _("Có cần bổ sung giấy tờ không"),
        "ready": _("Kết quả"), "yes": _("Có: mời Ông/Bà bổ sung theo phiếu yêu cầu"), "no": _("Không"),
        "ready_yes": _("Đã có, mời đến nhận"), "ready_no": _("Chưa có"),
        "footer": _("Trang chỉ để xem; không hiển thị số định danh, địa chỉ hay họ tên đầy đủ."),
    }


def _screen_words() -> dict:
    return {
        "title": _("Kết quả đã có, mời đến nhận"),
        "code": _("Số hồ sơ"), "name": _("Người nộp"), "procedure": _("Thủ tục"),
        "empty": _("Hiện chưa có kết quả chờ nhận."),
        "footer": _("Mời Ông/Bà mang giấy hẹn và CCCD đến quầy trả kết quả."),
    }


def create_app(*, log_path: str | Path | None = None, limit: int = 20, window: float = 60.0,
               clock=None, screen_limit: int = SCREEN_LIMIT):
    """The Flask app over the register already opened by ``status_data.open_read_only``."""
    from flask import Flask, jsonify, render_template_string, request
    from markupsafe import escape

    app = Flask("casedesk_status")
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    lookups = status_data.RateLimit(limit, window, **({"clock": clock} if clock else {}))
    screens = status_data.RateLimit(screen_limit, window, **({"clock": clock} if clock else {}))
    log = status_data.LookupLog(log_path or status_data.default_log_path())

    def client() -> str:
        return request.remote_addr or "?"

    def too_many(json: bool):
        text = _("Quá nhiều lượt tra cứu từ máy này. Xin đợi một phút rồi thử lại.")
        log.write(client(), "limit", "", "rate_limited")
        if json:
            return jsonify({"error": "rate_limited", "message": text}), 429, {"Retry-After": str(int(window))}
        return (render_template_string(_LOOKUP, t=_lookup_words(), style=_STYLE, office=status_data.office_title(),
                                       qr="", code="", status=None, message=text), 429,
                {"Retry-After": str(int(window))})

    def lookup():
        """(status, message, how, asked_code) for this request's query."""
        qr = (request.values.get("qr") or "").strip()[:600]
        code = (request.values.get("code") or "").strip()[:60]
        phone4 = (request.values.get("phone4") or "").strip()[:12]
        if qr:
            status, outcome = status_data.lookup_receipt(qr)
            how, asked = "qr", qr.split()[0] if qr.split() else ""
        elif code or phone4:
            status, outcome = status_data.lookup_code_phone(code, phone4)
            how, asked = "code+phone", code
        else:
            return None, "", None, qr, code
        log.write(client(), how, status.code if status else asked, outcome)
        if status is not None:
            return status, "", outcome, qr, code
        if outcome == "incomplete":
            message = _("Cần nhập đủ mã hồ sơ (dạng 000.00.31.H26-261102-0001) và 4 số cuối số điện thoại.")
        elif how == "qr":
            message = _("Không xác minh được giấy hẹn này: mã QR không phải của Bộ phận Một cửa này, đã bị sửa "
                        "hoặc đọc thiếu. Xin quét lại hoặc hỏi cán bộ tại quầy.")
        else:
            message = _("Không tìm thấy hồ sơ khớp mã và 4 số cuối số điện thoại đã nhập. Xin kiểm tra lại "
                        "giấy hẹn hoặc hỏi cán bộ tại quầy.")
        return None, message, outcome, qr, code

    @app.get("/")
    def home():
        from flask import redirect

        return redirect("/tra-cuu", code=302)

    @app.route("/tra-cuu", methods=["GET", "POST"])
    def page():
        asked = any(request.values.get(k) for k in ("qr", "code", "phone4"))
        if asked and not lookups.allow(client()):
            return too_many(False)
        status, message, _outcome, qr, code = lookup()
        due = admin_date(status.due_date) if status else ""
        return render_template_string(_LOOKUP, t=_lookup_words(), style=_STYLE, office=status_data.office_title(),
                                      qr="" if status else qr, code=code, status=status, message=message,
                                      due=due)

    @app.route("/tra-cuu.json", methods=["GET", "POST"])
    def page_json():
        if not lookups.allow(client()):
            return too_many(True)
        status, message, outcome, _qr, _code = lookup()
        if status is None:
            return jsonify({"code": None, "state": None, "due_date": None, "ready": None,
                            "error": outcome or "empty", "message": message or _(
                                "Cần mã QR của giấy hẹn, hoặc mã hồ sơ và 4 số cuối số điện thoại.")}), (
                404 if outcome else 400)
        return jsonify(status.as_json())

    @app.get("/man-hinh")
    def screen():
        if not screens.allow(client()):      # the screen comes back by itself once the minute is over
            return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta http-equiv="refresh" '
                    f'content="{int(window)}"></head><body>{escape(_("Quá nhiều yêu cầu."))}</body></html>', 429,
                    {"Retry-After": str(int(window))})
        now = context.now()                  # the office's time, whatever the server's zone
        try:        # ?lam-moi=N: another interval for a slow screen (bounded)
            refresh = min(600, max(2, int(request.args.get("lam-moi", REFRESH_SECONDS))))
        except ValueError:
            refresh = REFRESH_SECONDS
        return render_template_string(_SCREEN, t=_screen_words(), rows=status_data.ready_for_collection(),
                                      refresh=refresh, office=status_data.office_title(),
                                      clock=now.strftime("%H:%M"), generated=now.isoformat(timespec="seconds"))

    @app.after_request
    def headers(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                            "script-src 'unsafe-inline'; form-action 'self'")
        return response

    @app.errorhandler(Exception)
    def failed(exc):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return exc
        from .logs import log_unexpected

        ref = log_unexpected(exc)
        return _("Trang tra cứu tạm thời không trả lời được (mã tham chiếu {ref}).").format(ref=ref), 503

    return app


def serve(db: str, *, host: str, port: int, log_path: str | None = None, threads: int = 4) -> None:
    """Open the register read-only and serve until stopped (Ctrl+C)."""
    from waitress import serve as waitress_serve

    status_data.open_read_only(db)
    app = create_app(log_path=log_path)
    waitress_serve(app, host=host, port=port, threads=threads, ident="CaseDesk")
