"""Take the desk screenshots in this folder: login, intake, case detail, delivery.

Run under a virtual screen at the target size, against a demo office:

    CASEDESK_HOME=/tmp/uia xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/take.py

The demo office is built on first use (``casedesk.demo``).  The windows are the
real ones, sized 1366×768, driven the way the tests drive them; each PNG is
grabbed with ``QWidget.grab()``.  Pass ``--out DIR`` to write elsewhere.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from casedesk import workflow  # noqa: E402
from casedesk.db import open_database  # noqa: E402
from casedesk.demo import build_demo  # noqa: E402
from casedesk.paths import default_db_path  # noqa: E402
from casedesk.services import auth, office, queries  # noqa: E402
from casedesk.services.queries import CaseFilter  # noqa: E402
from ui import i18n_qt  # noqa: E402
from ui.app import guard_signal_refcounts  # noqa: E402
from ui.appctx import AppContext, AppSignals  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.ops import Runner  # noqa: E402
from ui.screens.login import LoginScreen  # noqa: E402

SIZE = (1366, 768)


def wait(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(runner: Runner) -> None:
    for _ in range(100):
        wait(60)
        if not runner.pending():
            break
    wait(150)


def focus_target():
    target = QApplication.focusWidget() or QApplication.activeWindow()
    if target is None:
        raise SystemExit("no window has the keyboard focus (is the X server up?)")
    return target


def type_text(text: str) -> None:
    for ch in text:
        target = focus_target()
        QApplication.sendEvent(target, QKeyEvent(QEvent.KeyPress, 0, Qt.NoModifier, ch))
        QApplication.sendEvent(target, QKeyEvent(QEvent.KeyRelease, 0, Qt.NoModifier, ch))


def press(key, modifiers=Qt.NoModifier) -> None:
    target = focus_target()
    QApplication.sendEvent(target, QKeyEvent(QEvent.KeyPress, key, modifiers, ""))
    QApplication.sendEvent(target, QKeyEvent(QEvent.KeyRelease, key, modifiers, ""))


def save(widget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def main_window(runner: Runner, login: str) -> MainWindow:
    user = next(u for u in auth.list_users() if u.login == login)
    ctx = AppContext(user=user, settings=office.get_settings(), runner=runner, signals=AppSignals(),
                     db_label="", db_path=str(default_db_path()))
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    wait(200)
    window.activateWindow()
    settle(runner)
    return window


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--lang", default="vi")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "vi" else f"-{args.lang}"

    guard_signal_refcounts()
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    path = default_db_path()
    fresh = not path.exists()
    open_database(path)
    if fresh:
        build_demo(cases=300)
    i18n_qt.install(args.lang)
    runner = Runner()

    login = LoginScreen(runner, office_name=office.get_settings().office_name)
    login.resize(*SIZE)
    login.show()
    wait(200)
    login.activateWindow()
    login.reset("mai")
    settle(runner)
    login.password.setFocus()
    type_text("sai-mat-khau")
    press(Qt.Key_Return)
    settle(runner)
    save(login, out / f"login{suffix}.png")
    login.close()

    # intake, half-way through a citizen
    clerk = main_window(runner, "mai")
    press(Qt.Key_F2)
    settle(runner)
    type_text("khai sinh")
    settle(runner)
    press(Qt.Key_Return)
    settle(runner)
    intake = clerk.screens["intake"]
    intake.name.edit.setFocus()
    type_text("Nguyễn Thị Ánh Tuyết")
    press(Qt.Key_Tab)
    type_text("001303012345")
    press(Qt.Key_Tab)
    type_text("15/08/2003")
    press(Qt.Key_Tab)
    type_text("0912 345 678")
    press(Qt.Key_Tab)
    press(Qt.Key_Tab)
    type_text("Số 5, thôn Đông, xã An Phú, tỉnh Phú Thọ")
    intake.why_button.setChecked(True)
    settle(runner)
    save(clerk, out / f"intake{suffix}.png")

    # delivery of an approved case
    waiting = queries.list_cases(CaseFilter(state=workflow.APPROVED), order="received_at", limit=1)
    if waiting:
        clerk.show_screen("delivery")
        clerk.screens["delivery"].load_code(waiting[0].code)
        settle(runner)
        press(Qt.Key_2)
        settle(runner)
        save(clerk, out / f"delivery{suffix}.png")
    clerk.shutdown()
    clerk.hide()

    # case detail: an officer's case in progress, the window over the officer's main window
    mine = queries.list_cases(CaseFilter(state=workflow.ASSIGNED), order="received_at", descending=True, limit=1)
    if mine:
        officer = main_window(runner, mine[0].assignee)
        officer.open_case(mine[0].code)
        settle(runner)
        detail = officer.case_detail()
        detail.panel.why_button.setChecked(True)
        settle(runner)
        save(detail, out / f"case-detail{suffix}.png")
        officer.shutdown()
    runner.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
