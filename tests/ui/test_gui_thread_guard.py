"""The guard behind every desktop test: desktop code that connects or queries on the GUI thread is seen
(and would fail its test); the same code on the runner's worker is not."""
from __future__ import annotations

from casedesk.db import database
from casedesk.services.queries import CaseFilter
from ui.models.cases_model import export_xlsx


def test_a_query_and_a_connection_on_the_gui_thread_are_seen(gui_thread_never_touches_the_database, db, tmp_path,
                                                             qapp):
    seen = gui_thread_never_touches_the_database
    database.obj.close()                                    # the next read has to connect
    export_xlsx(str(tmp_path / "ds.xlsx"), CaseFilter())    # runner code, called here on the GUI thread
    assert any(s.startswith("connection at ui/models/cases_model.py") for s in seen), seen
    assert any(s.startswith("query 'SELECT COUNT(*)") and "cases_model.py" in s for s in seen), seen
    seen.clear()                                            # seen: this test is about the guard itself


def test_the_same_work_on_the_runner_is_not(gui_thread_never_touches_the_database, runner, tmp_path):
    assert runner.call(lambda: export_xlsx(str(tmp_path / "ds.xlsx"), CaseFilter())) == 0
    assert gui_thread_never_touches_the_database == []

