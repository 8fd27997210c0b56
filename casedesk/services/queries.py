"""Reading cases: one case in full, lists with filters sorted in SQL, the queues
and their counts, and the search box.  Nothing here writes."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import peewee

from .. import context, search, urgency, workflow
from ..errors import BadInput, NotFound
from ..i18n import _
from ..models import Case, Department, Event, Field, Procedure, User
from ..text import display_phone, name_sort_key, nfc
from . import catalogue
from .views import CaseRow, CaseView, EventView, PaperView, QueueCounts


def _user_names() -> dict[int, tuple[str, str]]:
    return {u.id: (u.login, u.full_name) for u in User.select(User.id, User.login, User.full_name)}


def due_explanation(case: Case, events: list[EventView]) -> tuple[str, ...]:
    """Why the due date is what it is: the calendar's reasons, then every later move."""
    base = catalogue.due_for(case.procedure, case.received_at)
    lines = list(base.explanation)
    for ev in events:
        moved = (ev.changes or {}).get("due_date")
        if isinstance(moved, list) and len(moved) == 2:
            old, new = (dt.date.fromisoformat(x).strftime("%d/%m/%Y") for x in moved)
            if ev.action == "resume" and ev.changes.get("waited_unit") == "days":
                lines.append(_("Chờ công dân bổ sung {n} ngày (theo lịch): hạn dời từ {old} sang {new}.").format(
                    n=ev.changes.get("waited_days", 0), old=old, new=new))
            elif ev.action == "resume":
                lines.append(_("Chờ công dân bổ sung {n} ngày làm việc: hạn dời từ {old} sang {new}.").format(
                    n=ev.changes.get("waited_days", 0), old=old, new=new))
            elif ev.action == "extend":
                lines.append(_("Xin lỗi và gia hạn một lần: hạn mới {new} (trước là {old}).").format(
                    new=new, old=old))
            elif ev.action == "verify_extend":
                lines.append(_("Gia hạn để xác minh thêm {n} ngày làm việc ({reason}): hạn dời từ {old} sang {new}.")
                             .format(n=ev.changes.get("days", 0), reason=ev.note, old=old, new=new))
    if case.paused_on:
        lines.append(_("Đang chờ bổ sung từ {d}: thời hạn tạm dừng.").format(d=case.paused_on.strftime("%d/%m/%Y")))
    return tuple(lines)


def _procedure_row(procedure_id: int) -> Procedure:
    """A procedure with its field and department in one query (``to_view`` reads both; lazily that was
    three queries on every case view, after every action)."""
    return (Procedure.select(Procedure, Field, Department)
            .join(Field, on=(Procedure.field == Field.code))
            .switch(Procedure)
            .join(Department, peewee.JOIN.LEFT_OUTER, on=(Procedure.department == Department.code))
            .where(Procedure.id == procedure_id).get())


def case_view(case_id: int) -> CaseView:
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    names = _user_names()
    case.procedure = _procedure_row(case.procedure_id)
    proc = catalogue.to_view(case.procedure)
    history = tuple(
        EventView(id=e.id, at=e.at, recorded_at=e.recorded_at, actor=e.actor,
                  actor_name=next((n for (lg, n) in names.values() if lg == e.actor), e.actor),
                  action=e.action, from_state=e.from_state, to_state=e.to_state, note=e.note,
                  changes=e.changes or {}, late_entry=e.late_entry)
        for e in Event.select().where(Event.case == case.id).order_by(Event.id)
    )
    assignee = names.get(case.assignee_id, (None, ""))
    clerk = names.get(case.received_by_id, ("", ""))
    return CaseView(
        id=case.id, code=case.code, state=case.state, procedure=proc, citizen_name=case.citizen_name,
        id_number=case.id_number, phone=case.phone, phone_display=display_phone(case.phone),
        address=case.address, email=case.email, birth_date=case.birth_date, channel=case.channel,
        sets=case.sets, fee=case.fee,
        papers=tuple(PaperView(name=p["name"], original=p["original"], copies=p["copies"],
                               optional=p.get("optional", False), received=p.get("received", True))
                     for p in case.papers or ()),
        pickup=case.pickup, received_at=case.received_at, due_date=case.due_date,
        original_due_date=case.original_due_date, due_explanation=due_explanation(case, list(history)),
        assignee=assignee[0], assignee_name=assignee[1], received_by=clerk[0], received_by_name=clerk[1],
        extended=case.extended, paused_on=case.paused_on, resolved_at=case.resolved_at,
        delivered_at=case.delivered_at, receiver=case.receiver, rating=case.rating,
        ledger_book=case.ledger_book, ledger_no=case.ledger_no, history=history,
        exemption=next((e.changes.get("exemption", "") for e in history if e.action == "receive"), ""),
    )


def get_case(code: str) -> CaseView:
    text = nfc(code or "").strip().upper()
    row = Case.select(Case.id).where(Case.code == text).first()
    if row is None:
        raise NotFound(_("Không tìm thấy hồ sơ {code}.").format(code=text or "?"))
    return case_view(row.id)


def allowed_actions(case: CaseView, *, login: str) -> list[str]:
    """What this user may do to this case now (the desktop shows only these buttons)."""
    user = User.get_or_none(User.login == login)
    if user is None or not user.active:
        return []
    return workflow.allowed_actions(role=user.role, state=case.state, is_assignee=case.assignee == user.login,
                                    extended=case.extended,
                                    can_verify=case.procedure.extension_days > 0 and not case.verification_extended)


# ------------------------------------------------------------------ lists

SORT_KEYS = {
    "due_date": Case.due_date, "received_at": Case.received_at, "code": Case.code,
    "citizen_name": Case.name_sort, "state": Case.state, "field": Case.field,
}
# Sorted by what the list shows, not by the foreign key: the procedure's name, the officer's
# name given name first (domain brief §8).  Both tables are small; see ``_display_groups``.
DISPLAY_SORTS = ("procedure", "assignee")


# Open cases whose clock runs (a case waiting for the citizen's papers is never overdue).
RUNNING = list(urgency.RUNNING)


@dataclass(frozen=True)
class CaseFilter:
    state: str | None = None
    states: tuple[str, ...] = ()
    assignee: str | None = None
    field: str | None = None
    overdue: bool = False
    due_within: int | None = None          # working days
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    query: str = ""


def _where(f: CaseFilter, today: dt.date) -> list:
    clauses = []
    if f.state:
        clauses.append(Case.state == f.state)
    if f.states:
        clauses.append(Case.state.in_(list(f.states)))
    if f.assignee:
        user = User.get_or_none(User.login == f.assignee.strip().lower())
        clauses.append(Case.assignee == (user.id if user else -1))
    if f.field:
        clauses.append(Case.field == f.field)
    running = RUNNING
    if f.overdue:
        clauses.append(Case.state.in_(running) & (Case.due_date < today))
    if f.due_within is not None:
        if f.due_within > 365:  # the calendar ends at 2199; a typo must not walk it day by day
            raise BadInput(_("Số ngày làm việc tới hạn phải từ 0 đến 365."), field="due_within")
        first, limit = urgency.window(today, f.due_within, context.calendar())
        clauses.append(Case.state.in_(running) & (Case.due_date >= first) & (Case.due_date <= limit))
    if f.received_from:
        clauses.append(Case.received_on >= f.received_from)
    if f.received_to:
        clauses.append(Case.received_on <= f.received_to)
    if f.query.strip():
        ids = search_ids(f.query, limit=2000)
        clauses.append(Case.id.in_(ids or [-1]))
    return clauses


def _select(f: CaseFilter, today: dt.date, clauses: list | None = None):
    # the procedure's name and the officer's login and name joined in: one statement a page, not three
    query = (Case.select(Case.id, Case.code, Case.citizen_name, Case.state, Case.procedure, Case.field,
                         Case.received_at, Case.due_date, Case.assignee, Procedure.name, User.login, User.full_name)
             .join(Procedure, on=(Case.procedure == Procedure.id))
             .switch(Case)
             .join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
             .switch(Case))
    for clause in _where(f, today) if clauses is None else clauses:
        query = query.where(clause)
    return query


def days_left(state: str, due: dt.date, today: dt.date) -> int | None:
    """The one urgency rule (``casedesk.urgency``) with the office's calendar."""
    return urgency.days_left(state, due, today, context.calendar())


def _days_left_page(pairs: list[tuple[str, dt.date]], today: dt.date) -> list[int | None]:
    """``days_left`` for every (state, due) of a page in one walk over the calendar.  Walking once
    per row cost 2 ms for each case overdue by years: 0.4 s for the overdue queue at a million cases."""
    return urgency.days_left_many(pairs, today, context.calendar())


KEY_AT = 12        # where ``page_cases`` finds the sort key it adds after ``_select``'s columns


def _fetch(query, key: str | None = None) -> list[tuple]:
    """A case select's rows as tuples, its received time and due date (and the sort key when it is one
    of them: ``key`` "date" or "time") as Python's.  SQLite gives ISO text, read here by the C parser
    (peewee's format-by-format ``strptime`` was most of a page's time); PostgreSQL gives the objects."""
    rows = Case._meta.database.execute(query).fetchall()
    if not rows or not isinstance(rows[0][7], str):
        return [tuple(r) for r in rows]
    day, when = dt.date.fromisoformat, dt.datetime.fromisoformat
    if key is None:
        return [r[:6] + (when(r[6]), day(r[7])) + r[8:] for r in rows]
    read = day if key == "date" else when
    return [r[:6] + (when(r[6]), day(r[7])) + r[8:KEY_AT] + (read(r[KEY_AT]),) + r[KEY_AT + 1:] for r in rows]


def _rows(query) -> list[CaseRow]:
    """Rows for a page: ``query`` is a case select (``_select``) or its tuples already read."""
    found = query if isinstance(query, list) else _fetch(query)
    left = _days_left_page([(c[3], c[7]) for c in found], context.today())
    return [CaseRow(id=c[0], code=c[1], citizen_name=c[2], state=c[3], procedure_name=c[9], field_code=c[5],
                    received_at=c[6], due_date=c[7], assignee=c[10], assignee_name=c[11] or "", days_left=days)
            for c, days in zip(found, left)]


@functools.lru_cache(maxsize=4096)
def text_sort_key(text: str) -> tuple[str, str]:
    """Vietnamese alphabetical order of a text as written (đ after d, ă and â after a, tones
    breaking ties), word by word: ``name_sort_key`` of each word, without moving the given name."""
    keys = [name_sort_key(word).split(" | ") for word in nfc(text).split()]
    return " ".join(k[0] for k in keys), " ".join(k[1] for k in keys)


@functools.lru_cache(maxsize=4096)
def _person_sort_key(full_name: str) -> str:
    return name_sort_key(full_name)


def _display_groups(order: str) -> tuple[peewee.Field, list[list[int | None]]]:
    """The case column behind a display sort, and its values grouped by the text the list shows,
    in that text's order.  Procedures: the name (versions that kept their name share a group).
    Officers: "Chưa phân công" (no assignee) first, then names given name first, family and
    middle names after, as Vietnamese lists sort people."""
    if order == "procedure":
        procs = Procedure.select(Procedure.id, Procedure.name, Procedure.code, Procedure.version).tuples()
        keyed = sorted((text_sort_key(name), name, code, version, pid) for pid, name, code, version in procs)
        column = Case.procedure
    else:
        users = User.select(User.id, User.full_name, User.login).tuples()
        keyed = sorted((_person_sort_key(full), full, login, 0, uid) for uid, full, login in users)
        keyed.insert(0, (("", ""), None, "", 0, None))
        column = Case.assignee
    groups: list[list[int | None]] = []
    shown = object()
    for _key, text, *_rest, value in keyed:
        if text != shown:
            groups.append([])
            shown = text
        groups[-1].append(value)
    return column, groups


def _page(query, skip: int, limit: int | None):
    """LIMIT, and OFFSET only for ``skip``: rows passed over after the keyset's cursor (a jump of the
    scroll bar; reading on from a row never skips)."""
    if limit is not None:
        query = query.limit(limit)
    return query.offset(skip) if skip else query       # peewee writes SQLite's LIMIT -1 when there is no limit


def _in_group(column: peewee.Field, group: list[int | None]):
    if group == [None]:
        return column.is_null()
    return column == group[0] if len(group) == 1 else column.in_(group)


def _after(columns: tuple, values: tuple, descending: bool, inclusive: bool):
    """``(sort key, id) > (value, id)`` in the list's direction (``>=`` when ``inclusive``)."""
    left, right = peewee.Tuple(*columns), peewee.Tuple(*values)
    if descending:
        return left <= right if inclusive else left < right
    return left >= right if inclusive else left > right


def _display_sorted(f: CaseFilter, today: dt.date, order: str, descending: bool, after: tuple | None,
                    skip: int, limit: int | None, inclusive: bool = False) -> list[tuple]:
    """One page sorted by procedure name or officer name, read on from ``after`` (the procedure or
    officer id and the case id of the row before it), fast at a million cases and at any depth.

    A filtered list (every filter has an index: state, officer, field, dates, search) is sorted
    whole by each case's group rank: the same work as sorting by the key itself.  The unfiltered
    list is too big for that (sorting a million rows for one page: seconds), so it is read group
    by group in display order, each through the column's own index in id order, starting in the
    cursor's group after the cursor's id.  ``skip`` (a jump) passes over whole groups by counting
    their index entries."""
    column, groups = _display_groups(order)
    clauses = _where(f, today)
    by_id = Case.id.desc() if descending else Case.id.asc()
    rank_of = {value: rank for rank, group in enumerate(groups) for value in group}
    unknown = len(groups)                       # a procedure or officer added since: sorts last
    if clauses:
        # CASE assignee_id WHEN 7 THEN 1 ... ELSE <rank of "no officer"> END: every value is listed, the ids
        # written in (they are the tables' own integers; two parameters a procedure cost more than the sort)
        whens = " ".join(f"WHEN {int(value)} THEN {rank}"
                         for rank, group in enumerate(groups) for value in group if value is not None)
        otherwise = rank_of.get(None, unknown)
        rank = peewee.NodeList((peewee.SQL("CASE"), column, peewee.SQL(f"{whens} ELSE {otherwise} END")))
        query = _select(f, today, clauses)
        if after is not None:
            query = query.where(_after((rank, Case.id), (rank_of.get(after[0], unknown), after[1]),
                                       descending, inclusive))
        query = query.order_by(rank.desc() if descending else rank.asc(), by_id)
        return _fetch(_page(query, skip, limit))
    ordered = list(enumerate(groups))
    if descending:
        ordered.reverse()
    if after is not None:                       # begin in the cursor's group
        here = rank_of.get(after[0], unknown)
        ordered = [(r, g) for r, g in ordered if (r <= here if descending else r >= here)]
    found: list[tuple] = []
    for rank, group in ordered:
        if limit is not None and len(found) >= limit:
            break
        where = [_in_group(column, group)]
        if after is not None and rank == rank_of.get(after[0], unknown):
            where.append(_after((Case.id,), (after[1],), descending, inclusive))
        if skip:
            counted = Case.select(peewee.fn.COUNT(peewee.SQL("*")))
            for clause in where:
                counted = counted.where(clause)
            size = counted.scalar() or 0
            if size <= skip:
                skip -= size
                continue
        query = _select(f, today, where).order_by(by_id)
        if limit is not None:
            query = query.limit(limit - len(found))
        found.extend(_fetch(_page(query, skip, None)))
        skip = 0
    return found


@dataclass(frozen=True)
class CasePage:
    """Rows of a list and each row's place in its order: (sort value, case id); for the procedure and
    officer sorts the value is the procedure's or officer's id.  Pass a row's key as ``after`` to read on."""
    rows: list[CaseRow]
    keys: list[tuple]


def _clamp(skip: int, limit: int | None) -> tuple[int, int | None]:
    skip = min(max(skip, 0), 2 ** 62)
    if limit is not None:  # SQLite takes 64-bit limits: "--limit 99999999999999999999" means all
        limit = min(limit, 2 ** 62) if limit >= 0 else None         # and a negative one means all too
    return skip, limit


def page_cases(f: CaseFilter | None = None, *, order: str = "due_date", descending: bool = False,
               after: tuple | None = None, skip: int = 0, limit: int | None = 200,
               inclusive: bool = False) -> CasePage:
    """The rows after the row whose key is ``after`` (none: from the top), in the list's order:
    keyset paging, so a page deep in the list costs what the first one does.  ``inclusive`` starts at
    that row itself (a refresh keeping the user's place); ``skip`` passes over that many rows first
    (a jump of the scroll bar, walking the index from the nearest known row).  Read backwards by
    asking the opposite direction after the first row shown, and reversing."""
    f = f or CaseFilter()
    skip, limit = _clamp(skip, limit)
    today = context.today()
    if order in DISPLAY_SORTS:
        found = _display_sorted(f, today, order, descending, after, skip, limit, inclusive)
        at = 4 if order == "procedure" else 8
        return CasePage(_rows(found), [(c[at], c[0]) for c in found])
    key = SORT_KEYS.get(order, Case.due_date)
    query = _select(f, today).select_extend(key)
    if after is not None:
        query = query.where(_after((key, Case.id), (key.to_value(after[0]), after[1]), descending, inclusive))
    query = query.order_by(key.desc() if descending else key.asc(), Case.id.desc() if descending else Case.id.asc())
    found = _fetch(_page(query, skip, limit), {"due_date": "date", "received_at": "time"}.get(order))
    return CasePage(_rows(found), [(c[KEY_AT], c[0]) for c in found])


def list_cases(f: CaseFilter | None = None, *, order: str = "due_date", descending: bool = False,
               offset: int = 0, limit: int | None = 200, after: tuple | None = None) -> list[CaseRow]:
    """A page of the list: after the row keyed ``after`` (see ``page_cases``), ``offset`` rows on."""
    return page_cases(f, order=order, descending=descending, after=after, skip=offset, limit=limit).rows


def count_cases(f: CaseFilter | None = None) -> int:
    query = Case.select(peewee.fn.COUNT(peewee.SQL("*")))    # COUNT(id) misses SQLite's fast count: 40x
    for clause in _where(f or CaseFilter(), context.today()):
        query = query.where(clause)
    return query.scalar() or 0


def queue_counts(*, login: str | None = None) -> QueueCounts:
    today = context.today()
    mine = 0
    if login:
        mine = count_cases(CaseFilter(assignee=login, states=workflow.OPEN_STATES))
    return QueueCounts(
        mine=mine,
        due_soon=count_cases(CaseFilter(due_within=1)),
        overdue=count_cases(CaseFilter(overdue=True)),
        awaiting_approval=count_cases(CaseFilter(state=workflow.AWAITING)),
        awaiting_delivery=count_cases(CaseFilter(states=workflow.DELIVERABLE)),
        supplement=count_cases(CaseFilter(state=workflow.SUPPLEMENT)),
        received_today=count_cases(CaseFilter(received_from=today, received_to=today)),
        due_today=Case.select().where(Case.state.in_(RUNNING) & (Case.due_date == today)).count(),
    )


# ------------------------------------------------------------------ search

def search_ids(text: str, *, limit: int = 50) -> list[int]:
    """Case ids for what was typed in the search box, best first."""
    kind, value = search.classify(text or "")
    if not value:
        return []
    ids: list[int] = []
    if kind == "code":
        exact = Case.select(Case.id).where(Case.code == value).first()
        if exact:
            return [exact.id]
        ids = [c.id for c in Case.select(Case.id).where(Case.code.startswith(value)).order_by(Case.id.desc())
               .limit(limit)]
        return ids
    if kind == "code_tail":
        try:
            day = dt.datetime.strptime(value[:6], "%y%m%d")
        except ValueError:
            return []
        # the code's day is the day it was received: the received_at index narrows it to that day
        return [c.id for c in Case.select(Case.id).where((Case.received_at >= day)
                                                          & (Case.received_at < day + dt.timedelta(days=1))
                                                          & Case.code.endswith("-" + value))
                .order_by(Case.id.desc()).limit(limit)]
    if kind == "id":
        return [c.id for c in Case.select(Case.id).where(Case.id_number == value).order_by(Case.id.desc())
                .limit(limit)]
    if kind == "phone":
        return [c.id for c in Case.select(Case.id).where(Case.phone == value).order_by(Case.id.desc())
                .limit(limit)]
    if kind == "digits":
        if len(value) < 4:
            return []
        ids = [c.id for c in Case.select(Case.id).where(Case.id_number.startswith(value))
               .order_by(Case.id.desc()).limit(limit)]
        ids += [c.id for c in Case.select(Case.id).where(Case.code.endswith("-" + value.zfill(4)))
                .order_by(Case.id.desc()).limit(limit) if c.id not in ids]
        return ids[:limit]
    matches = search.name_matches(value, limit * 4)      # ids and names in one query
    if not matches:
        return []
    candidates = [cid for cid, _name in matches]
    names = dict(matches)
    order = {cid: i for i, cid in enumerate(candidates)}
    candidates.sort(key=lambda cid: (-search.exactness(value, names.get(cid, "")), order[cid]))
    return candidates[:limit]


def search_cases(text: str, *, limit: int = 50) -> list[CaseRow]:
    ids = search_ids(text, limit=limit)
    if not ids:
        return []
    rows = {r.id: r for r in _rows(_select(CaseFilter(), context.today()).where(Case.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def find_for_delivery(text: str) -> tuple[CaseView | None, list[CaseRow]]:
    """What the desk typed or scanned to hand a result over, in any form the search box accepts
    (full code, ``261206-0001``, ID number, phone, name): the one case meant, or the candidates
    waiting for their result when several match."""
    rows = search_cases(text, limit=50)
    if not rows:
        raise NotFound(_("Không tìm thấy hồ sơ nào khớp “{text}”.").format(text=nfc(text or "").strip()[:60]))
    ready = [r for r in rows if r.state in workflow.DELIVERABLE]
    if len(rows) == 1:
        return get_case(rows[0].code), rows
    if len(ready) == 1:
        return get_case(ready[0].code), ready
    return None, ready or rows


def other_names_for_id(id_number: str, name: str, *, limit: int = 3) -> list[tuple[str, str]]:
    """Names already in the register under this ID number that are not ``name`` (accents, case and spacing
    aside), with the latest case code of each: one ID under two names is usually a typing slip."""
    from ..text import fold

    try:
        from ..text import validate_id_number

        number = validate_id_number(id_number)
    except BadInput:
        return []
    mine = fold(name or "")
    found: dict[str, tuple[str, str]] = {}
    for other, code in (Case.select(Case.citizen_name, Case.code).where(Case.id_number == number)
                        .order_by(Case.id.desc()).limit(200).tuples()):
        key = fold(other)
        if key != mine and key not in found:
            found[key] = (other, code)
    return list(found.values())[:limit]


def identity_warnings(id_number: str, name: str, birth_date: dt.date | None = None) -> list[str]:
    """What to check before saving (nothing is refused): the birth year the ID's digits carry against
    the date of birth, and the same ID already registered under another name."""
    from ..i18n import short_date
    from ..text import id_year_conflict

    notes = []
    year = id_year_conflict(id_number, birth_date)
    if year is not None:
        notes.append(_("Số định danh ghi năm sinh {year}, khác ngày sinh {birth}: kiểm tra lại một trong hai.")
                     .format(year=year, birth=short_date(birth_date)))
    if (name or "").strip():
        for other, code in other_names_for_id(id_number, name):
            notes.append(_("Số định danh này đã được ghi với tên “{name}” (hồ sơ {code}): kiểm tra lại số hoặc "
                           "tên.").format(name=other, code=code))
    return notes
