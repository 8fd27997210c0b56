"""Whom to hand a dossier to: the officers who may take it, the least loaded first.

The same rule for the first assignment and a reassignment: an active specialist officer
whose fields include the case's field (an officer with no fields takes every field), not
the one holding it now; ordered by the open cases they hold in that field, then by all
their open cases, then by name.  When the duty roster covers the current half-day, those on duty
for the case's field come first, then those on duty elsewhere, then the rest (marked not on duty).
``assign_case`` still checks eligibility itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import peewee

from .. import workflow
from ..models import Case, User
from ..text import name_sort_key


@dataclass(frozen=True)
class OfficerLoad:
    login: str
    full_name: str
    open_in_field: int       # open cases of this field in their hands
    open_total: int          # all their open cases
    on_duty: bool | None = None   # from the duty roster, when there is one for now


def eligible(user, field_code: str) -> bool:
    return user.role == "officer" and bool(user.active) and (not user.fields or field_code in user.fields)


def candidates(field_code: str, *, exclude: str | None = None) -> list[OfficerLoad]:
    """Officers who may take a case of ``field_code``, the one with the least open work in it first."""
    officers = [u for u in User.select().where((User.role == "officer") & (User.active == True))  # noqa: E712
                if eligible(u, field_code) and u.login != exclude]
    if not officers:
        return []
    ids = [u.id for u in officers]
    in_field: dict[int, int] = {}
    total: dict[int, int] = {}
    rows = (Case.select(Case.assignee, Case.field, peewee.fn.COUNT(peewee.SQL("*")))
            .where(Case.assignee.in_(ids) & Case.state.in_(list(workflow.OPEN_STATES)))
            .group_by(Case.assignee, Case.field).tuples())
    for assignee_id, field, count in rows:
        total[assignee_id] = total.get(assignee_id, 0) + count
        if field == field_code:
            in_field[assignee_id] = count
    from .roster import on_duty

    duty = on_duty()
    loads = [OfficerLoad(login=u.login, full_name=u.full_name, open_in_field=in_field.get(u.id, 0),
                         open_total=total.get(u.id, 0), on_duty=(u.login in duty) if duty else None)
             for u in officers]

    def presence(o: OfficerLoad) -> int:
        if not duty:
            return 0
        return 0 if duty.get(o.login) == field_code else 1 if o.login in duty else 2

    loads.sort(key=lambda o: (presence(o), o.open_in_field, o.open_total, name_sort_key(o.full_name), o.login))
    return loads
