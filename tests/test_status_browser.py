"""The status page in a real headless browser (Chromium from Debian's packages): the pages render
with Vietnamese text, a scanned QR text looks the dossier up, the waiting room's screen reloads
itself.  The server listens on 127.0.0.1 only, on a free port the system picks."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse

import pytest

from casedesk import receipt_seal, status_data
from casedesk.db import close_database
from casedesk.models import Case
from casedesk.services import cases as svc

pytest.importorskip("flask")
waitress = pytest.importorskip("waitress")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("chromium is missing on CI: .ci/run installs it with apt-get", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium); "
                                                          ".ci/run installs it on CI")


def chromium(url: str, *, screenshot: str | None = None, budget_ms: int | None = None, size="1366,768") -> str:
    """The DOM Chromium ends up with after loading ``url`` (and a screenshot, if asked)."""
    profile = tempfile.mkdtemp(prefix="casedesk-chromium-")
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={profile}", f"--window-size={size}", "--lang=vi"]
    if budget_ms:
        args.append(f"--virtual-time-budget={budget_ms}")
    if screenshot:
        args.append(f"--screenshot={screenshot}")
    else:
        args.append("--dump-dom")
    try:
        done = subprocess.run(args + [url], capture_output=True, text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Counting:
    """WSGI middleware that counts the requests per path (to see the screen reload itself)."""

    def __init__(self, app):
        self.app, self.hits, self.lock = app, {}, threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.hits[environ.get("PATH_INFO")] = self.hits.get(environ.get("PATH_INFO"), 0) + 1
        return self.app(environ, start_response)


@pytest.fixture
def server(db, receive, tmp_path):
    ready = receive(citizen_name="Trần Thị Đào", phone="0987 654 321").code
    waiting = receive().code
    more = [receive(citizen_name=n).code for n in ("Lê Văn Hùng Cường", "Phạm Thị Ánh Tuyết")]
    for code in [ready] + more:
        svc.assign_case(actor="mai", code=code, to="hung")
        svc.submit_case(actor="hung", code=code)
        svc.approve_case(actor="thao", code=code)
    qr = {c: receipt_seal.case_seal(Case.get(Case.code == c)) for c in (ready, waiting)}
    close_database()
    status_data.open_read_only(db)
    from casedesk.status_web import create_app

    app = Counting(create_app(log_path=tmp_path / "lookups.log"))
    srv = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}", app, {"ready": ready, "waiting": waiting}, qr, tmp_path
    srv.close()
    thread.join(5)
    close_database()


def test_the_lookup_page_renders_vietnamese_and_finds_a_scanned_receipt(server):
    base, _app, made, qr, tmp = server
    dom = chromium(base + "/tra-cuu")
    assert "Tra cứu tình trạng hồ sơ" in dom and "4 số cuối số điện thoại" in dom
    url = base + "/tra-cuu?" + urllib.parse.urlencode({"qr": qr[made["ready"]]})
    dom = chromium(url)
    assert 'data-state="approved"' in dom and made["ready"] in dom and "Đã có, mời đến nhận" in dom
    assert "Trần Thị Đào" not in dom and "0987" not in dom
    log = (tmp / "lookups.log").read_text(encoding="utf-8")
    assert f"\tqr\t{made['ready']}\tvalid" in log


def test_the_form_submits_itself_when_the_scanner_has_typed_the_whole_qr(server, tmp_path):
    """The kiosk's scanner types into the text box; the page's script sends the form as soon as the
    signature is whole.  A copy of the page with a line that types the QR text into the box (as the
    scanner would, then an input event) is loaded from a file and posts to the live server."""
    import urllib.request

    base, app, made, qr, _tmp = server
    html = urllib.request.urlopen(base + "/tra-cuu").read().decode("utf-8")
    html = html.replace('action="/tra-cuu"', f'action="{base}/tra-cuu"')
    typed = ("<script>var q=document.getElementById('qr');q.value=%s;"
             "q.dispatchEvent(new Event('input'));</script></body>" % json.dumps(qr[made["waiting"]]))
    page = tmp_path / "kiosk.html"
    page.write_text(html.replace("</body>", typed), encoding="utf-8")
    dom = chromium(page.as_uri(), budget_ms=5000)
    assert 'data-state="received"' in dom and made["waiting"] in dom and "Chưa có" in dom


def test_the_waiting_room_screen_shows_masked_names_and_reloads_itself(server):
    base, app, made, _qr, _tmp = server
    dom = chromium(base + "/man-hinh")
    assert "Kết quả đã có, mời đến nhận" in dom and "Trần T. Đ." in dom
    assert 'http-equiv="refresh" content="30"' in dom
    assert "Trần Thị Đào" not in dom and "Nguyễn V. Đ." not in dom
    assert app.hits.get("/man-hinh", 0) == 1
    # left open in real time (a browser that stays, as the waiting room's screen does)
    profile = tempfile.mkdtemp(prefix="casedesk-chromium-")
    browser = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                "--no-first-run", f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                base + "/man-hinh?lam-moi=2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while app.hits.get("/man-hinh", 0) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait(10)
        shutil.rmtree(profile, ignore_errors=True)
    assert app.hits.get("/man-hinh", 0) >= 4, app.hits          # it came back by itself, again and again


def test_screenshots_of_both_pages(server, tmp_path):
    base, _app, made, qr, _tmp = server
    out = os.environ.get("STATUS_PAGE_SCREENSHOTS") or str(tmp_path)
    lookup = os.path.join(out, "tra-cuu.png")
    screen = os.path.join(out, "man-hinh.png")
    chromium(base + "/tra-cuu?" + urllib.parse.urlencode({"qr": qr[made["ready"]]}), screenshot=lookup,
             size="1000,900")
    chromium(base + "/man-hinh", screenshot=screen)
    for path in (lookup, screen):
        assert os.path.getsize(path) > 10_000, path
