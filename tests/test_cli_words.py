"""The command line speaks like the desk: Vietnamese help and errors from argparse, states and actions by
their names, a quiet end when its output is cut short by `| head`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from casedesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-1234"


def test_argparse_speaks_vietnamese_and_english_on_request(capsys):
    assert main(["case", "list", "--state", "foo"]) == 2
    err = capsys.readouterr().err
    assert "cách dùng:" in err and "lỗi: tham số --state: giá trị 'foo' không hợp lệ" in err
    assert main(["--lang", "en", "case", "list", "--state", "foo"]) == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "invalid choice: 'foo'" in err
    assert main(["case", "assign", "X-1"]) == 2
    assert "thiếu tham số bắt buộc: --as, --to" in capsys.readouterr().err


def test_help_explains_the_options(capsys):
    try:
        main(["case", "receive", "--help"])
    except SystemExit:
        pass
    out = capsys.readouterr().out
    assert "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out
    assert '--at TIME' in out and 'dạng "YYYY-MM-DD HH:MM"' in out and "--as LOGIN" in out


def test_lists_and_history_show_names_not_codes(db, receive, capsys, monkeypatch):
    monkeypatch.setenv("CASEDESK_DB", str(db))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    code = receive().code
    assert main(["case", "assign", code, "--to", "hung", "--as", "mai"]) == 0
    capsys.readouterr()
    assert main(["case", "list"]) == 0
    out = capsys.readouterr().out
    assert code in out and "Đang xử lý" in out
    assert " assigned " not in out
    assert main(["case", "show", code]) == 0
    out = capsys.readouterr().out
    assert "Tiếp nhận" in out and "Chuyển xử lý" in out and " assign " not in out
    assert main(["search", code]) == 0
    assert " assigned " not in capsys.readouterr().out
    assert main(["user", "list"]) == 0
    assert "Tiếp nhận và trả kết quả" in capsys.readouterr().out
    assert main(["case", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["state"] in ("received", "assigned")


def test_output_cut_short_by_a_pipe_ends_quietly(db, receive, tmp_path):
    for _ in range(3):
        receive()
    env = dict(os.environ, CASEDESK_DB=str(db), CASEDESK_HOME=str(tmp_path / "home"), PYTHONPATH=str(ROOT))
    # a reader that closes at once: every write after that raises BrokenPipeError in the writer
    script = ("import subprocess, sys\n"
              "p = subprocess.Popen([sys.executable, '-m', 'casedesk', 'case', 'list', '--json', '--limit', '3'],"
              " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
              "p.stdout.close()\n"
              "err = p.stderr.read().decode()\n"
              "print(p.wait()); print(err)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120).stdout
    status, _, err = out.partition("\n")
    assert status.strip() == "0", out
    assert "mã tham chiếu" not in err and "Traceback" not in err


def test_a_file_that_cannot_be_written_gets_a_sentence(db, receive, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CASEDESK_DB", str(db))
    code = receive().code
    locked = tmp_path / "usb"
    locked.mkdir()
    locked.chmod(0o500)                      # a read-only stick
    try:
        if os.access(locked, os.W_OK):       # root writes anyway: use a folder the kernel refuses
            target = "/proc/receipt.pdf"
        else:
            target = str(locked / "receipt.pdf")
        assert main(["print", "receipt", code, "-o", target]) == 2
        err = capsys.readouterr().err
        assert "Không ghi được tệp" in err and "mã tham chiếu" not in err
    finally:
        locked.chmod(0o700)
