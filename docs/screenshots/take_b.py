"""Take the list and back-office screenshots in this folder: cases, worklist,
approvals, dashboard, reports, settings.

Run under a virtual screen at the target size, against a demo office:

    CASEDESK_HOME=/tmp/uib xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/take_b.py

The demo office (``casedesk.demo``, 3,000 cases by default) is built on first use.
Each screen is shown in the real main window of a user whose role has it, at
1366×768, and grabbed with ``QWidget.grab()``.  ``--db`` uses another database,
``--lang en`` takes the English ones, ``--out DIR`` writes elsewhere.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QItemSelectionModel, QTimer
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
from ui.appctx import AppContext, AppSignals  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.ops import Runner  # noqa: E402

SIZE = (1366, 768)


def wait(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(runner: Runner) -> None:
    for _ in range(200):
        wait(60)
        if not runner.pending():
            break
    wait(200)


def save(widget, path: Path) -> None:
    widget.grab().save(str(path), "PNG", 0)           # 0: smallest file
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def main_window(runner: Runner, login: str, db_path: str) -> MainWindow:
    user = next(u for u in auth.list_users() if u.login == login)
    ctx = AppContext(user=user, settings=office.get_settings(), runner=runner, signals=AppSignals(),
                     db_label="Máy này", db_path=db_path)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    wait(200)
    window.activateWindow()
    settle(runner)
    return window


def busiest_officer() -> str:
    officers = [u.login for u in auth.list_users(include_inactive=False) if u.role == "officer"]
    return max(officers, key=lambda login: queries.count_cases(CaseFilter(assignee=login,
                                                                         states=workflow.OPEN_STATES)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--lang", default="vi")
    parser.add_argument("--db", default=None)
    parser.add_argument("--cases", type=int, default=3000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "vi" else f"-{args.lang}"

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    path = Path(args.db) if args.db else default_db_path()
    fresh = not path.exists()
    open_database(path)
    if fresh:
        build_demo(cases=args.cases)
    i18n_qt.install(args.lang)
    runner = Runner()

    clerk = main_window(runner, "mai", str(path))
    clerk.show_screen("cases")
    settle(runner)
    save(clerk, out / f"cases{suffix}.png")
    clerk.shutdown()
    clerk.close()

    officer = main_window(runner, busiest_officer(), str(path))
    officer.show_screen("home")
    settle(runner)
    save(officer, out / f"dashboard{suffix}.png")
    officer.show_screen("mine")
    settle(runner)
    save(officer, out / f"worklist{suffix}.png")
    officer.shutdown()
    officer.close()

    leader = main_window(runner, "thao", str(path))
    leader.show_screen("approvals")
    settle(runner)
    approvals = leader.screens["approvals"]
    if approvals.model.rowCount() > 1:
        selection = approvals.table.selectionModel()
        selection.select(approvals.model.index(1, 0), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    settle(runner)
    save(leader, out / f"approvals{suffix}.png")
    leader.show_screen("reports")
    settle(runner)
    wait(500)
    settle(runner)
    save(leader, out / f"reports{suffix}.png")
    leader.shutdown()
    leader.close()

    admin = main_window(runner, "admin", str(path))
    admin.show_screen("settings")
    settings = admin.screens["settings"]
    settings.tabs.setCurrentIndex(3)
    settings.year.setValue(settings.year.value() + 1)        # next year: still provisional
    settle(runner)
    save(admin, out / f"settings{suffix}.png")
    admin.shutdown()
    admin.close()
    runner.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
