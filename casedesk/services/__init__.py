"""The only write path into the register, and the read path the screens use.

Every function is keyword-only and returns plain frozen dataclasses
(``casedesk.services.views``).  The desktop, the command line and the tests all
go through here.
"""
from .auth import add_user, list_users, login, set_active, set_password, update_user
from .cases import (ACTION_FUNCS, approve_case, assign_case, deliver_case, extend_case, receive_case,
                    refuse_case, request_supplement, resume_case, return_case, submit_case, withdraw_case)
from .catalogue import fields, find_procedures, get_procedure, list_procedures, new_version
from .office import (get_settings, holiday_year_text, init_office, is_initialised, save_holiday_year,
                     update_settings)
from .queries import (CaseFilter, allowed_actions, count_cases, get_case, list_cases, queue_counts,
                      search_cases)
from .views import ActionResult, CaseRow, CaseView, Changes, EventView, ProcedureView, QueueCounts, UserView

__all__ = [name for name in dir() if not name.startswith("_")]
