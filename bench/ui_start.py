"""How fast the desktop opens on a big register, against a bare Qt + sqlite3 window.

    python bench/ui_start.py                        # bench/cases-1000000.db (built by bench/run.py)
    python bench/ui_start.py --db FILE --rounds 7 --user LOGIN --password PW

Each round starts two fresh processes, one after the other (interleaved, so a busy machine slows both):

* **CaseDesk**: the real start-up of ``ui.app`` (Session: open and check the database on the runner,
  login window), then the login of a clerk (the password check is timed on its own: a memory-hard hash
  is slow on purpose), the main window, and the case list screen with its first page fetched and painted.
* **raw**: Python, PySide6 and sqlite3 only: open the same file, count and read the same rows the case
  list shows first (the open dossiers, the first 200 by due date, with their procedure and officer names),
  fill a ``QStandardItemModel`` and show it in a table.  The parent checks that both sides listed the same
  dossier codes, in the same order, and refuses to print a ratio otherwise.

Times run from just before the process is started (interpreter start-up included) to the moment the
window has painted; the case list's time runs until its rows have arrived (they are read on the runner)
and are painted.  Start-up is printed with and without the password check; the check is timed once, at
the login, and subtracted once.  Targets (the desktop issue): a usable main window in ≤ 1.5 s, the case list's first
page in ≤ 50 ms.  Also printed: the first page alone in a warm process (the model's COUNT and page query,
what the screen runs on every filter change) against the same two queries on a bare sqlite3 connection.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DB = HERE / "cases-1000000.db"
DEFAULT_PASSWORD = "bench-mat-khau-2026"      # what bench/make_db.py gives its staff

def _open_states() -> tuple[str, ...]:
    from casedesk.workflow import OPEN_STATES      # the case list opens on "Đang giải quyết"

    return tuple(OPEN_STATES)


OPEN_IN = ", ".join(f"'{s}'" for s in _open_states())
RAW_COUNT = f'SELECT COUNT(*) FROM "case" WHERE state IN ({OPEN_IN})'
RAW_PAGE = f"""
SELECT c.code, c.citizen_name, p.name, c.received_at, c.due_date, u.full_name, c.state
FROM "case" c JOIN procedure p ON p.id = c.procedure_id LEFT JOIN user u ON u.id = c.assignee_id
WHERE c.state IN ({OPEN_IN})
ORDER BY c.due_date, c.id LIMIT 200
"""


# ------------------------------------------------------------------ the two children

def _painted(widget) -> None:
    """Lay out and paint now, as the first frame on screen would."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    widget.grab()


def child_raw(db: str, t0: float) -> dict:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([sys.argv[0]])
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    count = con.execute(RAW_COUNT).fetchone()[0]
    rows = con.execute(RAW_PAGE).fetchall()
    model = QStandardItemModel(len(rows), 7)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            model.setItem(r, c, QStandardItem("" if value is None else str(value)))
    window = QMainWindow()
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    window.resize(1366, 768)
    window.show()
    _painted(window)
    done = time.time() - t0
    del app
    return {"window": done, "count": count, "codes": [row[0] for row in rows]}


def child_app(db: str, t0: float, user: str, password: str) -> dict:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from casedesk.i18n import set_language
    from ui import i18n_qt
    from ui.app import Session, guard_signal_refcounts
    from ui.ops import Runner

    set_language("vi")
    guard_signal_refcounts()
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    i18n_qt.install("vi")
    runner = Runner()
    session = Session(app, runner, target=db, label="")
    app.aboutToQuit.disconnect(session.daily_backup)     # a benchmark does not back up a million cases
    marks: dict = {}

    def shown(stage: str) -> None:
        if stage == "login" and "login" not in marks:
            _painted(session.login)
            marks["login"] = time.time() - t0
            QTimer.singleShot(0, log_in)
        elif stage == "main":
            QTimer.singleShot(0, open_list)

    def log_in() -> None:
        from casedesk.services import auth

        start = time.time()
        person = auth.login(user, password)
        marks["password_check"] = time.time() - start
        marks["_login_clicked"] = time.time()
        session._logged_in(person)

    def open_list() -> None:
        window = session.window
        _painted(window)
        marks["main"] = time.time() - marks["_login_clicked"]
        marks["main_abs"] = time.time() - t0                 # everything since the process started
        start = time.time()
        window.show_screen("cases")
        screen = window.screens["cases"]
        deadline = time.time() + 120
        while (screen.model.loading() or not screen.model.loaded()) and time.time() < deadline:
            app.processEvents()             # the rows come from the runner: wait for them, as a user would
            time.sleep(0.001)
        _painted(window)
        marks["case_list"] = time.time() - start
        marks["list_abs"] = time.time() - t0
        marks["rows"] = screen.model.loaded()
        marks["count"] = screen.model.total()
        marks["codes"] = [screen.model.row_at(i).code for i in range(min(200, screen.model.loaded()))]
        app.quit()

    session.shown.connect(shown)
    session.start()
    app.exec()
    runner.shutdown()
    marks.pop("_login_clicked", None)
    return marks


def child_scroll(db: str, user: str, password: str, limit_s: float) -> dict:
    """The desktop process itself: the case list on every state, scrolled to the end as a user holding
    End would, until every row has been shown or ``limit_s`` has passed; its resident memory then, and
    its peak (what the operating system had to give it)."""
    import resource

    from PySide6.QtWidgets import QApplication

    from casedesk.i18n import set_language
    from casedesk.services import auth
    from ui import i18n_qt
    from ui.app import Session, guard_signal_refcounts
    from ui.ops import Runner

    set_language("vi")
    guard_signal_refcounts()
    app = QApplication([sys.argv[0]])
    i18n_qt.install("vi")
    runner = Runner()
    session = Session(app, runner, target=db, label="")
    app.aboutToQuit.disconnect(session.daily_backup)
    out: dict = {}

    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def wait(screen) -> None:
        deadline = time.time() + 120
        while (screen.model.loading() or not screen.model.loaded()) and time.time() < deadline:
            app.processEvents()
            time.sleep(0.001)

    def shown(stage: str) -> None:
        if stage == "login":
            session._logged_in(auth.login(user, password))
        elif stage == "main":
            window = session.window
            window.show_screen("cases")
            screen = window.screens["cases"]
            screen.state.setCurrentIndex(screen.state.findData(None))       # "Mọi trạng thái"
            wait(screen)
            out["rss_first_page"] = rss_mb()
            start = time.time()
            table = screen.table
            while time.time() - start < limit_s:
                before = screen.model.loaded()
                table.scrollToBottom()
                app.processEvents()
                wait(screen)
                if screen.model.rowCount() >= screen.model.total() or (
                        screen.model.loaded() == before and not screen.model.canFetchMore()):
                    break
            out.update(rows_shown=screen.model.rowCount(), total=screen.model.total(),
                       seconds=time.time() - start, rss_end=rss_mb(),
                       peak=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            app.quit()

    session.shown.connect(shown)
    session.start()
    app.exec()
    runner.shutdown()
    return out


def warm_first_page(db: str, rounds: int) -> dict:
    """The model's first page in a warm process, against the same queries on bare sqlite3."""
    from casedesk.db import open_database
    from casedesk.services import queries
    from casedesk.services.queries import CaseFilter

    open_database(db)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ours, raw = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        shown = CaseFilter(states=_open_states())        # the case list's opening filter
        queries.count_cases(shown)
        queries.list_cases(shown, order="due_date", limit=200)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        con.execute(RAW_COUNT).fetchone()
        con.execute(RAW_PAGE).fetchall()
        raw.append(time.perf_counter() - start)
    return {"ours": ours, "raw": raw}


# ------------------------------------------------------------------ the parent

def run_child(kind: str, args) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=args.platform, PYTHONPATH=str(ROOT))
    env["HOME"] = env["XDG_CONFIG_HOME"] = args.home          # QSettings and logs stay out of the user's home
    env["CASEDESK_HOME"] = args.home
    t0 = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(args.db), "--t0", repr(t0),
                          "--user", args.user, "--password", args.password,
                          "--scroll-seconds", repr(args.scroll_seconds)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300 + args.scroll_seconds)
    if out.returncode != 0:
        raise SystemExit(f"{kind} start failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pick_user(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    row = con.execute("SELECT login FROM user WHERE role = 'clerk' AND active ORDER BY id LIMIT 1").fetchone()
    if row is None:
        raise SystemExit(f"{db} has no active clerk to log in as")
    return row[0]


def ms(values) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEFAULT_PASSWORD))
    parser.add_argument("--platform", default="offscreen", help="Qt platform (offscreen, xcb under Xvfb)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--scroll-seconds", type=float, default=300,
                        help="how long the memory figure may scroll the whole list (0: skip it)")
    parser.add_argument("--child", choices=("app", "raw", "scroll"), help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        if args.child == "raw":
            result = child_raw(str(args.db), args.t0)
        elif args.child == "scroll":
            result = child_scroll(str(args.db), args.user, args.password, args.scroll_seconds)
        else:
            result = child_app(str(args.db), args.t0, args.user, args.password)
        print(json.dumps(result), flush=True)
        os._exit(0)         # no teardown of Qt objects: the figure is taken, the process is done

    if not args.db.exists():
        print(f"{args.db} does not exist: build it with `python bench/run.py` (or bench/make_db.py "
              "--cases 1000000 --out bench/cases-1000000.db), or pass --db", file=sys.stderr)
        return 2
    args.user = args.user or pick_user(args.db)
    results: dict[str, list[dict]] = {"app": [], "raw": []}
    with tempfile.TemporaryDirectory(prefix="casedesk-ui-bench-") as home:
        args.home = home
        run_child("raw", args)                  # one of each first: the file's pages into the OS cache
        run_child("app", args)
        for i in range(args.rounds):
            pair = ["raw", "app"] if i % 2 == 0 else ["app", "raw"]      # neither side always goes second
            for kind in pair:
                results[kind].append(run_child(kind, args))
        scrolled = run_child("scroll", args) if args.scroll_seconds > 0 else None
    warm = warm_first_page(str(args.db), max(args.rounds * 4, 20))

    app, raw = results["app"], results["raw"]
    same = all(r["codes"] == app[0]["codes"] for r in app) and all(r["codes"] == app[0]["codes"] for r in raw)
    if not same or app[0]["count"] != raw[0]["count"]:
        print("the two sides did not list the same dossiers (codes or count differ): no ratio printed",
              file=sys.stderr)
        return 1
    check = [r["password_check"] for r in app]
    login = [r["login"] for r in app]
    main_window = [r["main"] for r in app]           # timed from after the check: nothing to subtract
    to_main_checked = [r["main_abs"] for r in app]
    to_main = [r["main_abs"] - r["password_check"] for r in app]      # the check, subtracted once
    case_list = [r["case_list"] for r in app]
    to_list_checked = [r["list_abs"] for r in app]
    to_list = [r["list_abs"] - r["password_check"] for r in app]
    raw_window = [r["window"] for r in raw]
    p50 = statistics.median
    print(f"{app[0]['count']:,} open of the cases in {args.db.name}; {args.rounds} rounds; medians; "
          f"Qt platform {args.platform}; both sides listed the same {len(app[0]['codes'])} dossiers")
    print(f"{'':48} {'CaseDesk':>10} {'raw':>10} {'ratio':>7} {'target':>10}")
    print(f"{'start to the login window painted':48} {ms(login):>10}")
    print(f"{'password check (memory-hard on purpose)':48} {ms(check):>10}")
    print(f"{'login to the main window painted':48} {ms(main_window):>10}")
    print(f"{'start to a usable main window, without check':48} {ms(to_main):>10} {'':>10} {'':>7} "
          f"{'≤ 1,500 ms':>10}")
    print(f"{'start to a usable main window, with check':48} {ms(to_main_checked):>10}")
    print(f"{'case list screen, rows read and painted':48} {ms(case_list):>10}")
    print(f"{'start to the open cases listed, without check':48} {ms(to_list):>10} {ms(raw_window):>10} "
          f"{p50(to_list) / p50(raw_window):>6.2f}x")
    print(f"{'start to the open cases listed, with check':48} {ms(to_list_checked):>10} {ms(raw_window):>10} "
          f"{p50(to_list_checked) / p50(raw_window):>6.2f}x")
    print(f"{'first page (COUNT + 200 rows), warm':48} {ms(warm['ours']):>10} {ms(warm['raw']):>10} "
          f"{p50(warm['ours']) / p50(warm['raw']):>6.2f}x {'≤ 50 ms':>10}")
    print("raw = Python + PySide6 + sqlite3 counting and showing the same open dossiers in the same order")
    if scrolled:
        reached = "the end" if scrolled["rows_shown"] >= scrolled["total"] else \
            f"{scrolled['rows_shown']:,} of {scrolled['total']:,} rows (stopped after {scrolled['seconds']:.0f} s)"
        print(f"desktop process, case list on every state scrolled to {reached}: resident "
              f"{scrolled['rss_end']:,.0f} MB (first page {scrolled['rss_first_page']:,.0f} MB), peak "
              f"{scrolled['peak']:,.0f} MB; target ≤ 300 MB")
    if args.json:
        args.json.write_text(json.dumps({"app": app, "raw": raw, "warm": warm, "scrolled": scrolled}, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
