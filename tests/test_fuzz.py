"""Bad input never crashes and never half-saves (hypothesis).

Random and hostile text goes through every service and every CLI argument: control
characters, NFD text, 10,000-character names, SQL and FTS syntax, emoji, impossible
dates, times in the future.  For each attempt:

* the only exceptions allowed are ``casedesk.errors.CaseDeskError`` subclasses, with a
  non-empty message for people (the CLI: an exit status 0/2/3/4/5 and a message, never
  the "unexpected error" path);
* a refused attempt leaves the register exactly as it was: every table's rows are dumped
  before and after and compared.  By design a ``NotAllowed`` refusal appends one ``denied``
  audit row (and a wrong password one ``login_failed`` row and the user's failure counter);
  nothing else may change.

``make test`` runs about 200 examples in all; ``make stress`` (marker ``stress``) or
``HYPOTHESIS_PROFILE=stress`` runs over 10,000.  The Argon2 cost is lowered for these
tests only (the hash parameters are not what is being fuzzed, input handling is).

Also here: an unexpected exception in ``casedesk-cli`` becomes a message with a reference,
exit 1, and the traceback lands in the log under CASEDESK_HOME.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.errors import AuthError, CaseDeskError, NotAllowed
from tests.conftest import PASSWORD
from tests.stress.tools import dump

STRESS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") == "stress"
LOGINS = ("admin", "mai", "hung", "duong", "thao")


def examples(quick: int, stress: int) -> int:
    return stress if STRESS_PROFILE else quick


def fuzz_settings(n: int, *, random: bool = STRESS_PROFILE):
    """Quick runs are derandomized (the same examples every time, for CI); stress runs explore."""
    return settings(max_examples=n, deadline=None, database=None, derandomize=not random,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


# ------------------------------------------------------------------ hostile input

HOSTILE = [
    "", " ", "\t", "\n\n", '"', "'", "*", "NEAR(", 'NEAR("a" "b")', "a OR b", "a AND NOT b", "^x", "-x", "x:*",
    "'; DROP TABLE \"case\"; --", "Robert'); DROP TABLE event;--", "1 OR 1=1", "%", "_", "\\", "%_%", "/*", "*/",
    "\x00", "\x07", "\x1b[31m", "\u202e", "\ufeff", "\u200b", "\u2028", "\r\n",
    "Nguye\u0302\u0303n Va\u0306n D\u0301", unicodedata.normalize("NFD", "Nguyễn Văn Đường"), "Đ", "đ", "ẞ", "ǅ",
    "😀", "👨‍👩‍👧‍👦", "🇻🇳", "名前", "ﷺ", "\U0010ffff", "𝔑𝔤𝔲𝔶𝔢𝔫",
    "x" * 10_000, "Nguyễn " * 2000, "0" * 12, "001203012345", "0912345678", "+84912345678", "84912345678",
    "000.00.31.H26-261102-0001", "-261102-0001", "0001",
    "2026-02-30", "2026-02-29", "2026-13-01", "2026-11-02 25:00", "2026-11-02T09:00+07:00", "2099-01-01 08:00",
    "9999-12-31 23:59", "0001-01-01", "1900-01-01 00:00", "2026-11-02", "2026-11-01 23:59", "now", "None", "null",
    "NaN", "-1", "1e309", "99999999999999999999999", "0x10",
]
DATE_TEXTS = ["2026-02-30", "2026-02-29", "2026-13-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-16",
              "2026-12-31", "2027-02-17", "2099-12-31", "9999-12-31", "0001-01-01", "1900-02-28",
              "2026-11-02 09:00", "2026-11-02 08:59", "2026-11-02 09:01", "2026-11-02 09:00:59", "2026-11-03 09:00",
              "2026-10-30 16:00", "2025-01-01 08:00", "2026-11-02T09:00", "2026-11-02 9:0", "02/11/2026", "",
              "2026-11-02 09:00+14:00", "2026-11-02 09:00Z"]

hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9f), max_size=12),
    st.builds(lambda a, b, c: a + b + c, st.sampled_from(HOSTILE), st.text(max_size=8), st.sampled_from(HOSTILE)),
)
when = st.one_of(st.none(), st.sampled_from(DATE_TEXTS), hostile,
                 st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)))
day = st.one_of(st.none(), st.sampled_from(DATE_TEXTS), hostile,
                st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date(9999, 12, 30)))
number = st.one_of(st.integers(-5, 120), st.integers(), st.sampled_from([0, -1, 2 ** 63, -(2 ** 63) - 1, 10 ** 30]),
                   st.floats(allow_nan=True, allow_infinity=True), hostile, st.none())


def valid_or(valid, strategy=hostile, weight=3):
    """Mostly the valid value (so that the other fields get tested deeper), sometimes hostile."""
    return st.one_of(*([st.just(valid)] * weight), strategy)


# ------------------------------------------------------------------ the register under attack

class Register:
    """Runs attempts against one open register and checks what a refusal left behind."""

    def __init__(self, path):
        self.path = path
        self.before = dump(path)
        self.counts = {"ok": 0, "refused": 0}

    def attempt(self, call, *, login: bool = False):
        try:
            result = call()
        except CaseDeskError as exc:
            assert isinstance(exc.message, str) and exc.message.strip(), repr(exc)
            assert "Traceback" not in exc.message
            self.refused(refusal=isinstance(exc, NotAllowed), login=login and isinstance(exc, AuthError))
            return exc
        except BaseException:
            self.before = dump(self.path)  # hypothesis replays and shrinks from the state as it is now
            raise
        self.accepted()
        return result

    def accepted(self):
        self.before = dump(self.path)
        self.counts["ok"] += 1

    def refused(self, *, refusal: bool, login: bool):
        before, after = self.before, dump(self.path)
        self.before = after
        self.counts["refused"] += 1
        self.compare(before, after, refusal=refusal, login=login)

    @staticmethod
    def compare(before, after, *, refusal: bool, login: bool):
        assert set(after) == set(before)
        for table in before:
            old, new = before[table], after[table]
            if old == new:
                continue
            if table == "event" and refusal:
                added = [r for r in new if r not in old]
                assert len(new) == len(old) + 1 and len(added) == 1, "a refusal changed the audit trail"
                action = added[0][3]  # id, case_id, actor, action, ...
                assert action in ("denied", "login_failed"), added[0]
                continue
            if table == "meta" and refusal:
                changed = {r[0] for r in set(new) ^ set(old)}
                assert changed == {"audit_head"}, changed
                continue
            if table == "user" and login:
                continue  # the failure counter and the lock of a wrong password, by design
            raise AssertionError(f"a refused action changed table {table!r}")


@pytest.fixture
def fast_hashes(monkeypatch):
    """Cheap Argon2id for the fuzz office (each CLI call checks a password)."""
    from argon2 import PasswordHasher

    from casedesk.services import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def register(db, fast_hashes, receive):
    from casedesk.db import database
    from casedesk.models import User
    from casedesk.services import auth, cases

    for user in User.select():
        User.update(password_hash=auth.hash_password(PASSWORD)).where(User.id == user.id).execute()
    # a few cases in different states to act on
    codes = [receive(citizen_name=n).code for n in ("Nguyễn Văn Đường", "Lê Thị Hoà", "Trần Bảo")]
    cases.assign_case(actor="mai", code=codes[1], to="hung")
    cases.assign_case(actor="mai", code=codes[2], to="hung")
    cases.submit_case(actor="hung", code=codes[2])
    database.obj.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
    reg = Register(db)
    reg.codes = codes
    yield reg
    from casedesk.audit import verify_chain
    from casedesk.db import integrity_check

    if database.obj is not None:
        assert verify_chain().ok and integrity_check() == []
    print(f"\nfuzz: {reg.counts['ok']} accepted, {reg.counts['refused']} refused")


def twin(body, quick: int, stress: int, **strategies):
    """A quick test for ``make test`` and a stress-marked twin with many more examples."""
    fast = fuzz_settings(examples(quick, stress))(given(**strategies)(body))
    slow = pytest.mark.stress(fuzz_settings(stress, random=True)(given(**strategies)(body)))
    return fast, slow


# ------------------------------------------------------------------ services

@st.composite
def mutated(draw, valid: dict, bad: dict, most: int = 2):
    """Keyword arguments that are valid (plain or awkward-but-acceptable) except for up to
    ``most`` fields drawn from their hostile strategy: deep paths and shallow ones both get hit."""
    names = sorted(valid)
    spoiled = draw(st.sets(st.sampled_from(names), max_size=most))
    return {k: draw(bad.get(k, hostile) if k in spoiled else valid[k]) for k in names}


NAMES_OK = st.sampled_from(["Nguyễn Văn Đường", unicodedata.normalize("NFD", "Lê Thị Hoà"), "O'Neil Trần",
                            "Ông \"Ba\" Tâm", "'; DROP TABLE \"case\"; --", "Nguyễn 😀 An", "Đỗ   Thị\tHà",
                            "Ê" * 120, "NEAR( * ) \"x", "Ngọc Ánh 名前"])
TEXT_OK = st.one_of(NAMES_OK, st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cf",
                                                                                                  "Zl", "Zp"]),
                                      min_size=1, max_size=60).filter(lambda x: x.strip()))
NOTE_OK = st.one_of(st.just(""), TEXT_OK, st.just("dòng một\ndòng hai\ttab"), st.just("ghi chú " * 200))
papers = st.one_of(
    st.lists(st.fixed_dictionaries({"name": st.one_of(st.sampled_from(["Tờ khai", "Giấy chứng sinh"]), hostile)},
                                   optional={"original": number, "copies": number, "received": st.booleans()}),
             max_size=3),
    st.lists(st.one_of(hostile, st.integers(), st.none()), min_size=1, max_size=2),
    hostile, st.integers(),
)
RECEIVE_OK = dict(
    actor=st.just("mai"), procedure=st.sampled_from(["HT-09", "ht-09", " HT-09 "]), citizen_name=NAMES_OK,
    id_number=st.sampled_from(["001203012345", "001 203 012 345", "001.203.012.345", "079190000001"]),
    phone=st.sampled_from(["0912 345 678", "+84912345678", "84912345678", "024 3826 1234", "(0912) 345-678"]),
    address=TEXT_OK, email=st.sampled_from(["", "an.nguyen@example.vn", " a@b.vn "]),
    channel=st.sampled_from(["in_person", "post", "online"]), sets=st.integers(1, 99), papers=st.none(),
    pickup=st.sampled_from(["desk", "post"]), birth_date=st.sampled_from([None, "", "1990-05-01", dt.date(2001, 1, 31)]),
    at=st.sampled_from([None, "", "2026-11-02 08:30", "2026-11-02T08:59", dt.datetime(2026, 11, 2, 7, 45)]),
    note=NOTE_OK,
)
RECEIVE_BAD = dict(actor=st.one_of(hostile, st.sampled_from(LOGINS)), sets=number, papers=papers, birth_date=day,
                   at=when, channel=st.one_of(hostile, st.none()), pickup=st.one_of(hostile, st.none()),
                   procedure=st.one_of(hostile, st.sampled_from(["HT-01", "CT-01", "XX-99"]), st.none()))


def _receive(register, kw):
    from casedesk.services import cases

    result = register.attempt(lambda: cases.receive_case(**kw))
    if not isinstance(result, CaseDeskError):
        case = result.case
        for text in (case.citizen_name, case.address, case.history[0].note):
            assert unicodedata.is_normalized("NFC", text)
            assert not any(unicodedata.category(ch) == "Cc" for ch in text.replace("\n", "").replace("\t", ""))
        assert case.citizen_name == case.citizen_name.strip() and "  " not in case.citizen_name


test_receive_fuzz, test_receive_fuzz_stress = twin(_receive, 45, 2500, kw=mutated(RECEIVE_OK, RECEIVE_BAD))

ACTOR_FOR = {"assign": "mai", "request_supplement": "hung", "resume": "hung", "submit": "hung", "approve": "thao",
             "return": "thao", "refuse": "thao", "extend": "thao", "withdraw": "mai", "deliver": "mai"}
PATH_TO = {"received": [], "assigned": ["assign"], "supplement_requested": ["assign", "request_supplement"],
           "awaiting_approval": ["assign", "submit"], "approved": ["assign", "submit", "approve"],
           "refused": ["assign", "submit", "refuse"]}


def case_for(register, action: str) -> str:
    """A case this action may be taken on: found, or received and walked there (valid steps)."""
    from casedesk import workflow
    from casedesk.models import Case
    from casedesk.services import cases

    sources = workflow.ACTIONS[action].sources
    query = Case.select().where(Case.state.in_(list(sources))).order_by(Case.id.desc())
    if action == "extend":
        query = query.where(Case.extended == False)  # noqa: E712
    found = query.first()
    if found is not None:
        return found.code
    code = cases.receive_case(actor="mai", procedure="HT-09", citizen_name="Phạm Văn Dự Phòng",
                              id_number="001203012345", phone="0912345678", address="Thôn Đông").case.code
    for step in PATH_TO[sorted(sources, key=lambda s: len(PATH_TO.get(s, [0] * 9)))[0]]:
        kwargs = {"to": "hung"} if step == "assign" else {}
        cases.ACTION_FUNCS[step](actor=ACTOR_FOR[step], code=code, note="Lý do", **kwargs)
    register.before = dump(register.path)
    return code


ACTION_NAMES = sorted(ACTOR_FOR)
ACT_OK = dict(actor=st.none(), code=st.none(), note=st.one_of(st.just("Lý do"), TEXT_OK), at=st.sampled_from(
    [None, "", "2026-11-02 09:00", "2026-11-02T09:00:30"]), to=st.just("hung"),
    to_date=st.sampled_from(["2026-11-16", dt.date(2026, 11, 17)]), receiver=st.one_of(st.just(""), NAMES_OK),
    rating=st.sampled_from([None, "", "satisfied", "very_satisfied", "unsatisfied"]))
ACT_BAD = dict(actor=st.one_of(st.sampled_from(LOGINS), hostile), code=hostile, note=st.one_of(hostile, st.none()),
               at=when, to=st.one_of(st.sampled_from(LOGINS), hostile), to_date=day,
               rating=st.one_of(hostile, st.integers()))


def _act(register, action, kw):
    from casedesk.services import cases

    code = kw["code"] if kw["code"] is not None else case_for(register, action)
    kwargs = {"actor": kw["actor"] or ACTOR_FOR[action], "code": code, "note": kw["note"], "at": kw["at"]}
    if action == "assign":
        kwargs["to"] = kw["to"]
    if action == "extend":
        kwargs["to_date"] = kw["to_date"]
    if action == "deliver":
        kwargs.update(receiver=kw["receiver"], rating=kw["rating"])
    register.attempt(lambda: cases.ACTION_FUNCS[action](**kwargs))


test_actions_fuzz, test_actions_fuzz_stress = twin(_act, 40, 2500, action=st.sampled_from(ACTION_NAMES),
                                                   kw=mutated(ACT_OK, ACT_BAD))

LOGIN_OK = st.from_regex(r"[a-z][a-z0-9._-]{0,15}", fullmatch=True).filter(lambda x: x not in LOGINS)
PEOPLE_OK = dict(actor=st.just("admin"), login=st.sampled_from(["hung", "duong", "mai", " Mai "]),
                 new_login=LOGIN_OK, role=st.sampled_from(["clerk", "officer", "vice_chairman"]), full_name=NAMES_OK,
                 password=st.one_of(st.just(PASSWORD), st.text(min_size=8, max_size=40).filter(
                     lambda x: "\x00" not in x)), fields=st.sampled_from([(), ("HT",), ["ct", "HT"]]),
                 phone=st.sampled_from(["", "0912345678"]), active=st.booleans(), old_password=st.just(PASSWORD))
PEOPLE_BAD = dict(actor=st.one_of(st.sampled_from(LOGINS), hostile), login=hostile, new_login=hostile,
                  role=st.one_of(hostile, st.none()), full_name=st.one_of(hostile, st.none()),
                  password=st.one_of(hostile, st.none()), phone=st.one_of(hostile, st.none()),
                  fields=st.one_of(hostile, st.lists(hostile, max_size=3)), old_password=st.one_of(hostile, st.none()))


def _people(register, op, kw):
    from casedesk.services import auth

    calls = {
        "add": lambda: auth.add_user(actor=kw["actor"], login=kw["new_login"], role=kw["role"],
                                     full_name=kw["full_name"], password=kw["password"], fields=kw["fields"],
                                     phone=kw["phone"]),
        "update": lambda: auth.update_user(actor=kw["actor"], login=kw["login"], full_name=kw["full_name"],
                                           fields=kw["fields"], phone=kw["phone"]),
        "password": lambda: auth.set_password(actor=kw["actor"], login=kw["login"], password=kw["password"],
                                              old_password=kw["old_password"]),
        "active": lambda: auth.set_active(actor=kw["actor"], login=kw["login"], active=kw["active"]),
        "login": lambda: auth.login(kw["login"], kw["password"]),
    }
    register.attempt(calls[op], login=(op == "login"))


test_people_fuzz, test_people_fuzz_stress = twin(
    _people, 25, 1000, op=st.sampled_from(["add", "update", "password", "active", "login"]),
    kw=mutated(PEOPLE_OK, PEOPLE_BAD, most=1))

SETTINGS_OK = st.sampled_from([("office_name", "Trung tâm 😀 An Phú"), ("cutoff", "14:30"), ("period_style", "15-14"),
                               ("culture_day_off", True), ("paper", "a5"), ("timezone", "Asia/Bangkok"),
                               ("ledger_book", "02/2026"), ("lockout_attempts", 7), ("lockout_minutes", 60),
                               ("language", "en"), ("leader_name", "'; DROP TABLE setting; --")])
SETTING_KEYS = ("office_name", "unit_code", "cutoff", "office_open", "period_style", "culture_day_off", "paper",
                "timezone", "ledger_book", "lockout_attempts", "lockout_minutes", "language", "leader_name")
YEAR_OK = st.sampled_from(['year = 2027\ndecided = true\n[[day_off]]\ndate = 2027-01-01\nname = "Tết Dương lịch"\n',
                           'year = 2027\n[[working_day]]\ndate = "2027-02-06"\nname = "Làm bù"\n'])
YEAR_BAD = st.one_of(hostile, st.sampled_from([
    "year = 2027\n[[day_off]]\ndate = 2027-02-30\n", 'year = 2027\n[[day_off]]\ndate = "2027-02-30"\n',
    "year = 2027\n[[working_day]]\ndate = 1999-01-01\n", "year = '2027'", "[[day_off]]\ndate = 9999-12-31\n",
    'year = 2027\n[[day_off]]\ndate = 2027-01-01\nname = "\x07"\n', "year = 2027\n[days_off]\n"]))
OFFICE_OK = dict(actor=st.just("admin"), setting=SETTINGS_OK, year_text=YEAR_OK, code=st.sampled_from(["HT-09", "ht-09"]),
                 effective_from=st.dates(min_value=dt.date(2026, 11, 2), max_value=dt.date(2027, 12, 31)),
                 name=st.one_of(st.none(), NAMES_OK), days=st.one_of(st.none(), st.integers(0, 365)),
                 fee=st.one_of(st.none(), st.integers(0, 10 ** 7)))
OFFICE_BAD = dict(actor=st.one_of(st.sampled_from(LOGINS), hostile),
                  setting=st.tuples(st.one_of(st.sampled_from(SETTING_KEYS), hostile),
                                    st.one_of(hostile, st.integers(-3, 100), st.booleans(), st.none())),
                  year_text=YEAR_BAD, code=hostile, effective_from=st.dates(max_value=dt.date(2026, 11, 1)),
                  name=hostile, days=st.integers(), fee=st.integers())


def _office(register, op, kw):
    from casedesk.services import catalogue, office

    key, value = kw["setting"]
    calls = {
        "settings": lambda: office.update_settings(actor=kw["actor"], **{key: value}),
        "holidays": lambda: office.save_holiday_year(actor=kw["actor"], year=2027, text=kw["year_text"]),
        "version": lambda: catalogue.new_version(actor=kw["actor"], code=kw["code"],
                                                 effective_from=kw["effective_from"], name=kw["name"],
                                                 days=kw["days"], fee=kw["fee"]),
        "init": lambda: office.init_office(office=kw["name"], commune="Xã Mới", province="Tỉnh Mới",
                                           unit_code=kw["code"], admin_login="admin2", admin_password=PASSWORD),
    }
    register.attempt(calls[op])


test_office_fuzz, test_office_fuzz_stress = twin(
    _office, 20, 1000, op=st.sampled_from(["settings", "holidays", "version", "init"]),
    kw=mutated(OFFICE_OK, OFFICE_BAD, most=1))


def _lookups(register, text, state, login, due_within, limit, order, day_from):
    from casedesk.services import catalogue, queries

    for call in (lambda: queries.search_cases(text, limit=limit or 50),
                 lambda: queries.get_case(text),
                 lambda: queries.list_cases(queries.CaseFilter(state=state, assignee=login, due_within=due_within,
                                                               received_from=day_from, query=text),
                                            order=order, limit=limit),
                 lambda: queries.count_cases(queries.CaseFilter(field=state, overdue=True)),
                 lambda: queries.queue_counts(login=login),
                 lambda: catalogue.find_procedures(text),
                 lambda: catalogue.get_procedure(text)):
        register.attempt(call)


LOOKUPS = dict(
    text=hostile, state=st.one_of(st.none(), st.sampled_from(["received", "assigned"]), hostile),
    login=st.one_of(st.none(), st.sampled_from(LOGINS), hostile),
    due_within=st.one_of(st.none(), st.integers(-3, 400), st.integers()),
    limit=st.one_of(st.integers(1, 200), st.integers(-5, 0), st.just(None)),
    order=st.one_of(st.sampled_from(["due_date", "name", "received_at", "code"]), hostile),
    day_from=st.one_of(st.none(), st.dates()),
)
test_lookups_fuzz, test_lookups_fuzz_stress = twin(_lookups, 35, 1500, **LOOKUPS)


# ------------------------------------------------------------------ errors for people

def test_an_unexpected_error_gets_a_reference_and_lands_in_the_log(db, tmp_path, monkeypatch, capsys):
    from casedesk import logs
    from casedesk.cli import main
    from casedesk.services import queries

    home = tmp_path / "home"
    monkeypatch.setenv("CASEDESK_HOME", str(home))
    monkeypatch.setenv("CASEDESK_DB", str(db))
    monkeypatch.setattr(logs, "_logger", None)
    log = logging.getLogger("casedesk")
    handlers = list(log.handlers)

    def boom(code):
        raise RuntimeError("ổ đĩa biến mất giữa chừng")

    monkeypatch.setattr(queries, "get_case", boom)
    try:
        status = main(["case", "show", "000.00.31.H26-261102-0001"])
        out, err = capsys.readouterr()
        for h in log.handlers:
            h.flush()
        assert status == 1
        assert "Traceback" not in err and "RuntimeError" not in err
        ref = err.split("mã tham chiếu ")[1].split(")")[0]
        assert len(ref) == 6 and ref.isalnum()
        text = (home / "casedesk.log").read_text(encoding="utf-8")
        assert f"[{ref}]" in text
        assert "Traceback (most recent call last)" in text and "ổ đĩa biến mất giữa chừng" in text
        assert "in boom" in text  # the traceback names where it happened
    finally:
        for h in log.handlers:
            if h not in handlers:
                h.close()
                log.removeHandler(h)
