"""Hostile command lines (hypothesis): every ``casedesk-cli`` command and argument, the document and
report commands included, gets an exit status 0/2/3/4/5 and a sentence, never the "unexpected error"
path, and a refused command leaves the register as it was (see ``test_fuzz`` for the register and
the rules it checks).  Also the findings of the fuzzing, kept as plain tests."""
from __future__ import annotations

import pytest
from hypothesis import strategies as st

from casedesk.errors import AuthError, CaseDeskError
from tests.conftest import PASSWORD
from tests.test_fuzz import (DATE_TEXTS, LOGINS, fast_hashes, hostile, register, twin,  # noqa: F401 - fixtures
                             valid_or)


# ------------------------------------------------------------------ the command line

ACTIONS = ("assign", "request-supplement", "resume", "submit", "approve", "return", "refuse", "extend", "withdraw",
           "deliver")


@st.composite
def argv(draw):
    t = hostile.filter(lambda s: "\x00" not in s)  # an OS never passes NUL in argv
    kind = draw(st.sampled_from(["receive", "action", "show", "list", "search", "due", "holidays", "user", "init",
                                 "backup", "restore", "check", "backups", "procedures", "print", "ledger",
                                 "report", "demo"]))
    who = draw(st.one_of(st.sampled_from(LOGINS), t))
    opt = lambda value, *names: list(names) + [value]  # noqa: E731
    if kind == "receive":
        args = ["case", "receive", "--as", who, "--procedure", draw(valid_or("HT-09", t)),
                "--name", draw(valid_or("Nguyễn Văn Đường", t, 1)), "--id-number", draw(valid_or("001203012345", t)),
                "--phone", draw(valid_or("0912345678", t)), "--address", draw(valid_or("Thôn Đông", t))]
        for flag in ("--email", "--at", "--note", "--sets", "--channel"):
            if draw(st.booleans()):
                args += [flag, draw(t)]
    elif kind == "action":
        action = draw(st.sampled_from(ACTIONS))
        args = ["case", action, draw(st.one_of(st.just("000.00.31.H26-261102-0001"), t)), "--as", who]
        for flag in ("--note", "--at"):
            if draw(st.booleans()):
                args += [flag, draw(t)]
        if action == "assign":
            args += ["--to", draw(st.one_of(st.sampled_from(LOGINS), t))]
        if action == "extend":
            args += ["--to-date", draw(st.one_of(st.sampled_from(DATE_TEXTS), t))]
        if action == "deliver" and draw(st.booleans()):
            args += ["--receiver", draw(t)]
    elif kind == "show":
        args = ["case", "show", draw(t)] + (["--json"] if draw(st.booleans()) else [])
    elif kind == "list":
        args = ["case", "list"] + opt(draw(t), "--state") + opt(draw(st.one_of(t, st.integers().map(str))),
                                                                 "--due-within")
        if draw(st.booleans()):
            args += ["--limit", draw(st.one_of(t, st.integers().map(str)))]
        if draw(st.booleans()):
            args += ["--assignee", draw(t)]
    elif kind == "search":
        args = ["search", draw(t), "--limit", draw(st.one_of(st.integers().map(str), t))]
    elif kind == "due":
        args = ["calendar", "due", "--received", draw(st.one_of(st.sampled_from(DATE_TEXTS), t))]
        args += draw(st.sampled_from([["--days", draw(st.one_of(st.integers().map(str), t))], ["--same-day"],
                                      ["--procedure", draw(t)]]))
        args += ["--explain"] if draw(st.booleans()) else []
    elif kind == "holidays":
        args = ["calendar", "holidays", "--year", draw(st.one_of(st.integers().map(str), t))]
    elif kind == "user":
        args = ["user", "add", draw(t), "--role", draw(st.sampled_from(["clerk", "officer"])), "--full-name", draw(t),
                "--as", who]
    elif kind == "init":
        args = ["init", "--office", draw(t), "--commune", draw(t), "--province", draw(t), "--unit-code", draw(t),
                "--admin-user", draw(t)]
    elif kind == "backup":
        name = draw(t.filter(lambda s: "/" not in s and "\\" not in s and ".." not in s and s.strip()))
        args = ["backup", "--to", "{tmp}/" + name]
    elif kind == "restore":
        args = ["restore", draw(t.filter(lambda s: "/" not in s)), "--yes"]
    elif kind == "print":
        doc = draw(st.sampled_from(["receipt", "supplement", "refusal", "apology", "stop", "control-sheet"]))
        name = draw(t.filter(lambda s: "/" not in s and "\\" not in s and ".." not in s and s.strip()))
        args = ["print", doc, draw(st.one_of(st.just("000.00.31.H26-261102-0001"), t)), "-o", "{tmp}/" + name]
        if draw(st.booleans()):
            args += ["--paper", draw(st.one_of(st.sampled_from(["a4", "a5"]), t))]
    elif kind == "ledger":
        name = draw(t.filter(lambda s: "/" not in s and "\\" not in s and ".." not in s and s.strip()))
        args = ["print", "ledger", "--from", draw(st.one_of(st.sampled_from(DATE_TEXTS), t)),
                "--to", draw(st.one_of(st.sampled_from(DATE_TEXTS), t)), "-o", "{tmp}/" + name]
    elif kind == "report":
        which = draw(st.sampled_from([("monthly", "--month", "2026-11"), ("quarterly", "--quarter", "2026-Q4"),
                                      ("yearly", "--year", "2026")]))
        args = ["report", which[0], which[1], draw(st.one_of(st.just(which[2]), t))]
        if draw(st.booleans()):
            args += ["--period", draw(st.one_of(st.sampled_from(["calendar", "15-14"]), t))]
        args += draw(st.sampled_from([["--json"], ["--pdf", "{tmp}/r.pdf"], ["--xlsx", "{tmp}/r.xlsx"], []]))
    elif kind == "demo":               # on an office that exists: refused, or a few cases more
        args = ["demo", "--cases", draw(st.one_of(st.integers(-5, 3).map(str), t))]
        if draw(st.booleans()):
            args += ["--seed", draw(st.one_of(st.integers().map(str), t))]
    elif kind == "backups":
        args = ["backups", "--dir", "{tmp}/" + draw(t.filter(lambda s: "/" not in s and ".." not in s))]
    else:
        args = [kind]
    if draw(st.integers(0, 9)) == 0:
        args = ["--lang", "en"] + args
    return args


def _cli(register, args, cli_env):
    from casedesk import logs
    from casedesk.cli import main

    tmp, captured = cli_env
    args = [a.replace("{tmp}", str(tmp)) if a.startswith("{tmp}/") else a for a in args]
    unexpected = []
    original = logs.log_unexpected
    logs.log_unexpected = lambda exc: unexpected.append(exc) or original(exc)
    try:
        status = main(args)
    finally:
        logs.log_unexpected = original
    out, err = captured.readouterr()
    assert not unexpected, f"{repr(args)[:300]} crashed: {repr(unexpected[0])[:300]}"
    assert "Traceback" not in err
    assert status in (0, 1, 2, 3, 4, 5), status
    if status != 0:
        register.refused(refusal=status == 3, login=status == 3)
        assert err.strip(), f"{repr(args)[:300]} failed without a message"
    else:
        register.accepted()


@pytest.fixture
def cli_env(register, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CASEDESK_DB", str(register.path))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("CASEDESK_NEW_PASSWORD", PASSWORD)
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path, capsys
    from casedesk.db import close_database, open_database

    close_database()
    open_database(register.path)


def _cli_body(register, cli_env, args):
    _cli(register, args, cli_env)


test_cli_fuzz, test_cli_fuzz_stress = twin(_cli_body, 35, 1500, args=argv())


# ------------------------------------------------------------------ findings of the fuzzing, fixed

def test_undecodable_command_line_bytes_get_a_clear_message(register, monkeypatch, capsys):
    """``casedesk-cli case receive --name $'Nguy\xe1n'`` typed in a Latin-1 terminal: Python hands
    the stray byte over as a lone surrogate."""
    from casedesk.cli import main

    monkeypatch.setenv("CASEDESK_DB", str(register.path))
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    name = b"Nguy\xe1n V\xe3n A".decode("utf-8", "surrogateescape")
    status = main(["case", "receive", "--as", "mai", "--procedure", "HT-09", "--name", name, "--id-number",
                   "001203012345", "--phone", "0912345678", "--address", "Thôn Đông"])
    assert status == 2 and "Họ và tên" in capsys.readouterr().err


def test_an_absurd_lockout_setting_is_refused(register):
    from casedesk.services import auth, office

    try:
        office.update_settings(actor="admin", lockout_minutes=10 ** 12)
    except CaseDeskError:
        return
    with pytest.raises(CaseDeskError):
        for _ in range(5):
            try:
                auth.login("mai", "sai-mat-khau")
            except AuthError:
                pass


@pytest.mark.parametrize("args", [["calendar", "due", "--received", "9999-12-31", "--days", "0"],
                                  ["calendar", "holidays", "--year", "2500"],
                                  ["calendar", "holidays", "--year", "0"],
                                  ["calendar", "due", "--received", "", "--days", "3"]])
def test_calendar_years_outside_the_tables_get_a_clear_message(args, capsys):
    from casedesk.cli import main

    assert main(["--db", "/nonexistent/nothing.sqlite3", *args]) == 2
