"""Replaying the audit trail for the office's own tables: users, settings, calendar, catalogue.

Each is rebuilt from the rows that changed it, in chain order, and compared with the table:

* users: ``user_add`` (login, role, name, fields, phone, active, must change password, and a
  digest of the password hash), ``user_edit``, ``user_activate``/``user_deactivate``,
  ``password_set``/``password_rehash``.  Lockout counters are not state the audit speaks for.
* settings: ``office_init`` (every value set up) and ``settings`` (``{key: [old, new]}``).
* calendar: ``calendar_year`` (a digest of the year's text).
* catalogue: ``office_init`` (a fingerprint of each shipped procedure version) and every action
  named ``procedure…``: generic over fields -- ``code`` (and ``version``, else the newest version
  replayed so far) say which row; ``row`` is the row's fingerprint; any other key that is a
  column of the table is a value the row must hold.  A new version starts from the one before.

What older versions did not record (a password digest, a year's text) is not compared: such a
user or year is compared from the first row that records it.
"""
from __future__ import annotations

import json

from . import audit_state
from .replay import Difference, Replay, _changes, when

USER_ACTIONS = ("user_add", "user_edit", "user_activate", "user_deactivate", "password_set", "password_rehash")
BASELINE = "audit_baseline"
OFFICE_ACTIONS = ("office_init", "settings", "calendar_year", BASELINE, "refuse_intake", "form_number",
                  "duty_set", "duty_copy", *USER_ACTIONS)
USER_FIELDS = ("full_name", "role", "fields", "phone", "active", "must_change_password", "password")
CATALOGUE_KEY = "catalogue"
NOT_COLUMNS = ("code", "version", "row")


class _State:
    def __init__(self):
        self.users: dict[str, dict] = {}
        self.settings: dict[str, object] = {}
        self.years: dict[int, str | None] = {}
        self.procedures: dict[tuple[str, int], dict] = {}
        self.catalogue = False
        self.refusals: dict[str, dict] = {}                   # code -> what the refuse_intake row records
        self.numbers: dict[tuple[str, str], tuple] = {}       # (kind, owner) -> (year, number)
        self.duty: dict[tuple[str, str, str], str] = {}       # (day, half, login) -> place

    def user(self, action: str, changes: dict) -> None:
        login = changes.get("login")
        if not isinstance(login, str):
            return
        if action == "user_add":
            known = {k: changes[k] for k in USER_FIELDS if k in changes}
            known["active"] = True
            self.users[login] = known
            return
        known = self.users.setdefault(login, {"unknown": True})
        if action == "user_edit":
            known.update({k: v for k, v in changes.items() if k in USER_FIELDS})
        elif action in ("user_activate", "user_deactivate"):
            known["active"] = action == "user_activate"
        else:
            for key in ("password", "must_change_password"):
                if key in changes:
                    known[key] = changes[key]
                else:
                    known.pop(key, None)       # an older row: changed, but to what is not recorded

    def procedure(self, changes: dict) -> None:
        code = changes.get("code")
        if not isinstance(code, str):
            return
        versions = sorted(v for c, v in self.procedures if c == code)
        version = changes.get("version")
        if not isinstance(version, int):      # the newest version; a procedure added anew starts at 1
            version = versions[-1] if versions else 1
        key = (code, version)
        if key not in self.procedures:
            before = [v for v in versions if v < version]
            base = dict(self.procedures[(code, before[-1])]) if before else {}
            base.pop("row", None)
            self.procedures[key] = base
        known = self.procedures[key]
        if "row" in changes:
            known.clear()
            known["row"] = changes["row"]
        known.update({k: v for k, v in changes.items() if k not in NOT_COLUMNS})

    def baseline(self, changes: dict) -> None:
        """What the tables held when an older register was upgraded (``audit_baseline``): known whole."""
        users = changes.get("users")
        if isinstance(users, dict):
            self.users = {login: dict(known) for login, known in users.items() if isinstance(known, dict)}
        if isinstance(changes.get("settings"), dict):
            self.settings = dict(changes["settings"])
        if isinstance(changes.get("years"), dict):
            self.years = {int(y): d for y, d in changes["years"].items() if str(y).isdigit()}
        if isinstance(changes.get("catalogue"), dict):
            self.procedures = {}
            self._shipped(changes["catalogue"])

    def _shipped(self, fingerprints: dict) -> None:
        self.catalogue = True
        for name, fp in fingerprints.items():
            code, _, version = str(name).rpartition("/")
            if version.isdigit():
                self.procedures[(code, int(version))] = {"row": fp}

    def roster(self, action: str, changes: dict) -> None:
        """The duty roster: a half-day set (``[old, new]`` place), or a week copied onto another
        (replacing it; the people active at the time)."""
        import datetime as dt

        if action == "duty_set":
            place = changes.get("place")
            key = (str(changes.get("day")), str(changes.get("half")), str(changes.get("login")))
            new = place[-1] if isinstance(place, list) and place else None
            if new:
                self.duty[key] = new
            else:
                self.duty.pop(key, None)
            return
        try:
            source = dt.date.fromisoformat(str(changes.get("source")))
            target = dt.date.fromisoformat(str(changes.get("target")))
        except ValueError:
            return
        week = {(source + dt.timedelta(days=i)).isoformat() for i in range(7)}
        goal = {(target + dt.timedelta(days=i)).isoformat() for i in range(7)}
        shift = target - source
        copied = {((dt.date.fromisoformat(d) + shift).isoformat(), half, login): place
                  for (d, half, login), place in self.duty.items()
                  if d in week and self.users.get(login, {}).get("active", True)}
        self.duty = {k: v for k, v in self.duty.items() if k[0] not in goal}
        self.duty.update(copied)

    def apply(self, action: str, changes: dict, row: tuple = ()) -> None:
        if action == "refuse_intake" and isinstance(changes.get("code"), str):
            note, at, actor = row or ("", None, "")
            self.refusals[changes["code"]] = {
                "procedure": f"{changes.get('procedure')}/{changes.get('version')}",
                "citizen_name": changes.get("citizen_name"), "id_number": changes.get("id_number", ""),
                "reason": note, "refused_at": when(at), "refused_by": actor}
        elif action in ("duty_set", "duty_copy"):
            self.roster(action, changes)
        elif action == "form_number":
            self.numbers[(str(changes.get("kind")), str(changes.get("owner")))] = (changes.get("year"),
                                                                                  changes.get("number"))
        elif action == BASELINE:
            self.baseline(changes)
        elif action == "office_init":
            self.settings = {k: v for k, v in changes.items() if k != CATALOGUE_KEY}
            shipped = changes.get(CATALOGUE_KEY)
            if isinstance(shipped, dict):
                self._shipped(shipped)
        elif action == "settings":
            for key, pair in changes.items():
                if isinstance(pair, list) and len(pair) == 2:
                    self.settings[key] = pair[1]
        elif action == "calendar_year":
            if isinstance(changes.get("year"), int):
                self.years[changes["year"]] = changes.get("data")
        elif action in USER_ACTIONS:
            self.user(action, changes)
        elif action.startswith("procedure"):
            self.procedure(changes)


def _rows(db):
    names = ", ".join(f"'{a}'" for a in OFFICE_ACTIONS)
    return db.execute_sql(f"SELECT action, changes, note, at, actor FROM event WHERE case_id IS NULL AND "
                          f"(action IN ({names}) OR substr(action, 1, 9) = 'procedure') ORDER BY id")


def _json(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _same(a, b) -> bool:
    return audit_state.canon(a) == audit_state.canon(b)


def _compare_users(db, state: _State, out: Replay) -> None:
    rows = db.execute_sql('SELECT login, full_name, role, fields, phone, active, must_change_password, '
                          'password_hash FROM "user" ORDER BY id').fetchall()
    seen = set()
    for login, full_name, role, fields, phone, active, must_change, password_hash in rows:
        seen.add(login)
        known = state.users.get(login)
        if known is None or known.get("unknown"):
            if known is None:
                out.differences.append(Difference("user", login, "*", None, role))
            continue
        found = {"full_name": full_name, "role": role, "fields": _json(fields) or [], "phone": phone or "",
                 "active": bool(active), "must_change_password": bool(must_change),
                 "password": audit_state.password_digest(password_hash)}
        for name in USER_FIELDS:
            if name in known and not _same(known[name] if name != "phone" else known[name] or "", found[name]):
                shown = (known[name], found[name]) if name != "password" else (None, None)
                out.differences.append(Difference("user", login, name, *shown))
    for login, known in state.users.items():
        if login not in seen and not known.get("unknown"):
            out.differences.append(Difference("user", login, "*", known.get("role"), None))


def _compare_settings(db, state: _State, out: Replay) -> None:
    stored = {key: _json(value) for key, value in db.execute_sql("SELECT key, value FROM setting").fetchall()}
    for key, value in stored.items():
        if key not in state.settings:
            out.differences.append(Difference("setting", key, "value", None, value))
        elif not _same(state.settings[key], value):
            out.differences.append(Difference("setting", key, "value", state.settings[key], value))
    for key, value in state.settings.items():
        if key not in stored:
            out.differences.append(Difference("setting", key, "value", value, None))


def _compare_years(db, state: _State, out: Replay) -> None:
    for year, data in db.execute_sql("SELECT year, data FROM holiday_year").fetchall():
        if year not in state.years:
            out.differences.append(Difference("calendar", str(year), "*", None, None))
        elif state.years[year] and state.years[year] != audit_state.text_digest(data):
            out.differences.append(Difference("calendar", str(year), "data", None, None))


def _compare_procedures(db, state: _State, out: Replay) -> None:
    cursor = db.execute_sql("SELECT * FROM procedure ORDER BY code, version")
    columns = [c[0] for c in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(columns, values))
        key = (row["code"], row["version"])
        name = f"{row['code']}/{row['version']}"
        known = state.procedures.get(key)
        if known is None:
            if state.catalogue:
                out.differences.append(Difference("procedure", name, "*", None, None))
            continue
        for column, value in known.items():
            if column in row and column != "row" and not _same(value, _json(row[column]) if column == "papers"
                                                               else row[column]):
                out.differences.append(Difference("procedure", name, column, value, row[column]))
        if "row" in known:
            for column in audit_state.differing(audit_state.PROCEDURE_FIELDS, audit_state.procedure_values(row),
                                                known["row"]) or ():
                if column not in known:       # a value named after the fingerprint replaces it
                    out.differences.append(Difference("procedure", name, column, None, row.get(column)))


def _tables(db) -> set[str]:
    return set(db.get_tables())


def _compare_refusals(db, state: _State, out: Replay) -> None:
    """Dossiers refused at the counter (form 03): what each ``refuse_intake`` row records."""
    procedures = {pid: f"{code}/{version}" for pid, code, version in
                  db.execute_sql("SELECT id, code, version FROM procedure").fetchall()}
    logins = dict(db.execute_sql('SELECT id, login FROM "user"').fetchall())
    seen = set()
    for code, proc_id, name, id_number, reason, by, at in db.execute_sql(
            "SELECT code, procedure_id, citizen_name, id_number, reason, refused_by_id, refused_at "
            "FROM intake_refusal").fetchall():
        seen.add(code)
        known = state.refusals.get(code)
        if known is None:
            out.differences.append(Difference("refusal", code, "*", None, name))
            continue
        found = {"procedure": procedures.get(proc_id), "citizen_name": name, "id_number": id_number or "",
                 "reason": reason, "refused_at": when(at), "refused_by": logins.get(by, by)}
        for field, value in known.items():
            if value != found[field]:
                out.differences.append(Difference("refusal", code, field, value, found[field]))
    for code in state.refusals:
        if code not in seen:
            out.differences.append(Difference("refusal", code, "*", state.refusals[code]["citizen_name"], None))


def _compare_duty(db, state: _State, out: Replay) -> None:
    """The duty roster against its ``duty_set``/``duty_copy`` rows."""
    from .replay import day

    seen = set()
    for when_, half, login, place in db.execute_sql(
            'SELECT d.day, d.half, u.login, d.place FROM duty d LEFT JOIN "user" u ON u.id = d.user_id').fetchall():
        key = (day(when_), half, login)
        seen.add(key)
        if state.duty.get(key) != place:
            out.differences.append(Difference("duty", " ".join(str(k) for k in key), "place",
                                              state.duty.get(key), place))
    for key, place in state.duty.items():
        if key not in seen:
            out.differences.append(Difference("duty", " ".join(key), "place", place, None))


def _compare_numbers(db, state: _State, out: Replay) -> None:
    """The numbers of printed forms (``form_number`` rows)."""
    seen = set()
    for kind, owner, year, number in db.execute_sql("SELECT kind, owner, year, number FROM form_number").fetchall():
        key = (kind, owner)
        seen.add(key)
        known = state.numbers.get(key)
        if known is None or tuple(known) != (year, number):
            out.differences.append(Difference("form_number", f"{kind} {owner}", "number",
                                              None if known is None else f"{known[1]}/{known[0]}",
                                              f"{number}/{year}"))
    for key, known in state.numbers.items():
        if key not in seen:
            out.differences.append(Difference("form_number", f"{key[0]} {key[1]}", "number",
                                              f"{known[1]}/{known[0]}", None))


def replay_office(db, out: Replay) -> None:
    state = _State()
    for action, changes, note, at, actor in _rows(db).fetchall():
        state.apply(action, _changes(changes), (note, at, actor))
    _compare_users(db, state, out)
    _compare_settings(db, state, out)
    _compare_years(db, state, out)
    _compare_procedures(db, state, out)
    tables = _tables(db)
    if "intake_refusal" in tables:
        _compare_refusals(db, state, out)
    if "form_number" in tables:
        _compare_numbers(db, state, out)
    if "duty" in tables:
        _compare_duty(db, state, out)
