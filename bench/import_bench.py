"""Importing an office's Excel ledger, against reading the same sheet with openpyxl and a bare sqlite3
``executemany`` of its rows, in the same run.

    python bench/import_bench.py                 # 100,000 rows, 2 rounds
    python bench/import_bench.py --rows 20000 --rounds 3

The sheet is made once per run (a form-07-like ledger: code, procedure, name, ID number, address, phone,
received, due, result date, hand-back, result), written with openpyxl to a temporary folder.  Each round
times both sides on fresh files, the order alternating (raw first in odd rounds, CaseDesk first in even):

* **raw**: ``load_workbook(read_only=True)``, every row's values, and one ``executemany`` of them into a
  15-column table of a new SQLite file with the same pragmas as a register (WAL, ``synchronous=FULL``),
  committed;
* **CaseDesk**: ``ledger_sheet.read_sheet`` (headers found and matched), ``plan_import`` (every row
  checked: name, ID, phone, dates, procedure, duplicates) and ``run_import`` (codes, ledger numbers, the
  name index, one chained audit row per case, batched transactions) into a new register.

Targets (the speed issue): 100,000 rows in under a minute, and at least 0.5x the raw side's speed (its
time at most twice the raw side's).  The register is checked afterwards (integrity and the whole chain).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

HEADERS = ("TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
           "Số định danh", "Địa chỉ", "Điện thoại", "Nhận hồ sơ", "Hẹn trả kết quả", "Ngày có kết quả",
           "Trả kết quả cho cá nhân, tổ chức", "Kết quả", "Ghi chú", "Ký nhận")
PASSWORD = "bench-mat-khau-2026"


def make_sheet(path: Path, rows: int, procedures: list[tuple[str, int]], seed: int = 7) -> None:
    from openpyxl import Workbook

    from office_life import People
    from casedesk.text import display_phone

    rng = random.Random(seed)
    people = People(random.Random(seed))
    book = Workbook(write_only=True)
    ws = book.create_sheet("Sổ theo dõi")
    ws.append(["SỔ THEO DÕI HỒ SƠ"])
    ws.append([])
    ws.append(HEADERS)
    start = dt.datetime(2021, 1, 4, 7, 30)
    span = (dt.datetime(2026, 10, 30) - start).total_seconds()     # results and hand-backs stay in the past
    per_day: dict[dt.date, int] = {}
    for n in range(1, rows + 1):
        name, _f, _s, id_number, phone, address, _b, _e = people.citizen()
        received = start + dt.timedelta(seconds=rng.random() * span)
        received = received.replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59), second=0, microsecond=0)
        day = received.date()
        per_day[day] = per_day.get(day, 0) + 1
        proc_name, days = procedures[rng.randrange(len(procedures))]
        due = (received + dt.timedelta(days=max(1, days) * 7 // 5)).date()
        done = received + dt.timedelta(days=rng.randint(0, max(1, days)), hours=rng.randint(0, 5))
        back = done + dt.timedelta(days=rng.randint(0, 4))
        result = rng.choices(("Đã giải quyết", "Từ chối", "Rút hồ sơ", ""), (90, 3, 2, 5))[0]
        code = f"H21.58.06-{day:%y%m%d}-{per_day[day]:04d}"
        ws.append([n, code, proc_name, 1, name, id_number, address, display_phone(phone), received, due,
                   done if result else None, back if result else None, result or None, None, None])
    book.save(path)


def raw_side(sheet: Path, db: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    book = load_workbook(sheet, read_only=True, data_only=True)
    width = len(HEADERS)
    rows = [tuple(values[:width]) + (None,) * (width - len(values))
            for values in book.worksheets[0].iter_rows(min_row=4, values_only=True)]
    book.close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE ledger (" + ", ".join(f"c{i}" for i in range(len(HEADERS))) + ")")
    con.executemany(f"INSERT INTO ledger VALUES ({', '.join('?' * len(HEADERS))})",
                    [tuple(v.isoformat(sep=' ') if isinstance(v, dt.datetime) else v for v in r) for r in rows])
    con.commit()
    con.close()
    return time.perf_counter() - start


def new_register(path: Path) -> None:
    from casedesk.db import close_database, open_database
    from casedesk.services import office

    close_database()
    open_database(str(path))
    office.init_office(office="Trung tâm Phục vụ hành chính công xã Thử", commune="Xã Thử", province="Tỉnh Thử",
                       unit_code="000.00.77.H99", admin_login="quantri", admin_password=PASSWORD)


def app_side(sheet: Path, db: Path) -> tuple[float, object]:
    from casedesk import ledger_import, ledger_sheet

    new_register(db)
    start = time.perf_counter()
    read = ledger_sheet.read_sheet(sheet)
    plan = ledger_import.plan_import(read, ledger_sheet.parse_mapping([], read))
    result = ledger_import.run_import(plan, actor="quantri")
    return time.perf_counter() - start, (plan, result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="casedesk-import-bench-") as folder:
        folder = Path(folder)
        os.environ.setdefault("CASEDESK_HOME", str(folder / "home"))
        new_register(folder / "catalogue.sqlite3")
        from casedesk.services import catalogue

        procedures = [(p.name, p.days) for p in catalogue.list_procedures()]
        sheet = folder / "so-theo-doi.xlsx"
        t = time.perf_counter()
        make_sheet(sheet, args.rows, procedures)
        made = time.perf_counter() - t
        ours, raw, ratios = [], [], []
        last = None
        for i in range(args.rounds):
            sides = ["raw", "app"] if i % 2 == 0 else ["app", "raw"]
            took = {}
            for side in sides:
                if side == "raw":
                    took["raw"] = raw_side(sheet, folder / f"raw-{i}.sqlite3")
                else:
                    took["app"], last = app_side(sheet, folder / f"app-{i}.sqlite3")
            ours.append(took["app"])
            raw.append(took["raw"])
            ratios.append(took["app"] / took["raw"])
        from casedesk.register_check import check_register

        verdict = check_register()
        plan, result = last
        p50 = statistics.median
        print(f"Import of {args.rows:,} ledger rows ({sheet.stat().st_size / 2**20:.1f} MB sheet, made in {made:.0f} s); "
              f"{args.rounds} rounds, order alternating")
        print(f"  CaseDesk (read, check every row, write with audit): {p50(ours):.1f} s "
              f"({args.rows / p50(ours):,.0f} rows/s); imported {result.imported:,}, refused {result.refused:,}")
        print(f"  raw (openpyxl read + sqlite3 executemany, WAL + FULL): {p50(raw):.1f} s "
              f"({args.rows / p50(raw):,.0f} rows/s)")
        speed = 1 / p50(ratios)
        print(f"  CaseDesk at {speed:.2f}x the raw speed (time ratio {p50(ratios):.2f}, rounds "
              f"{', '.join(f'{r:.2f}' for r in ratios)}); targets: under 60 s for 100,000 rows, at least 0.5x")
        print(f"  register check after the import: {'ok' if verdict.ok else 'FAILED: ' + verdict.problem()}")
        met = p50(ours) * 100_000 / args.rows < 60 and speed >= 0.5 and verdict.ok
        if plan.problems:
            print(f"  first refused rows: {[(p.line, p.message) for p in plan.problems[:3]]}")
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
