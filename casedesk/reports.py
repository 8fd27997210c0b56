"""Reports: form II.06a (Biểu số II.06a/VPCP/KSTT) and the officers' table, as plain data.

The parts live beside this module, and everything callers use is importable from here:

* ``report_periods``: the month, quarter or year reported on (calendar or 15→14);
* ``report_figures``: ``compute(period) -> Report``, the II.06a columns counted in SQL;
* ``report_officers``: the per-officer line of the same report;
* ``report_checks``: ``check_invariants``, that the figures add up.

This module turns a computed ``Report`` into what leaves the core: the renderer's
``MonthlyReportData`` and the ``report … --json`` document.
"""
from __future__ import annotations

import dataclasses
from dataclasses import fields as dc_fields

from . import context
from .documents.data import MonthlyReportData, OfficerRow, ReportRow
from .i18n import _
from .report_checks import MAX_NAMED, check_invariants, check_report
from .report_figures import COLUMNS, FieldRow, Report, compute, row_label
from .report_officers import OfficerFigures
from .report_periods import (KINDS, ROMAN, Period, month_period, parse_period, previous, quarter_period,
                             year_period)


def report_data(period: Period) -> MonthlyReportData:
    """What the II.06a renderer prints for ``period`` (no database access while drawing)."""
    return data_from(compute(period))


def data_from(report: Report) -> MonthlyReportData:
    from .documents import signers
    from .documents.build import office_header

    settings = context.settings()
    name = _("Biểu số II.06a")
    signer = signers.committee(None, name)         # the report is the People's Committee's, signed for it

    def plain(row: ReportRow, name: str) -> ReportRow:
        return ReportRow(field=name, **{c: getattr(row, c) for c in COLUMNS})

    officers = tuple(OfficerRow(**{f.name: getattr(o, f.name) for f in dc_fields(OfficerRow)})
                     for o in report.officers)
    # the report names the full unit ("… xã An Phú"): its title reads "tình hình … tại {unit}"
    office = dataclasses.replace(office_header(), unit=settings.office_name or office_header().unit)
    return MonthlyReportData(
        office=office, title_period=report.period.label, date_from=report.period.date_from,
        date_to=report.period.date_to,
        rows=tuple(plain(r, row_label(r)) for r in report.rows),
        total=plain(report.total, _("Tổng cộng")), officers=officers,
        signer_title=signer.title, signer_name=signer.name, signer_authority=signer.authority,
        prepared_by=signers.report_preparer(name), reported_to=settings.superior,
        issued_on=min(report.period.date_to, context.today()))


def report_json(report: Report) -> dict:
    """The ``report … --json`` document."""
    from .anchors import head_text

    def row_doc(row: ReportRow, total: bool = False) -> dict:
        doc = {"field": None if total else row.field, "field_name": row_label(row)}
        doc.update({c: getattr(row, c) for c in COLUMNS})
        return doc

    p = report.period
    return {
        "period": {"kind": p.kind, "spec": p.spec, "from": p.date_from.isoformat(),
                   "to": p.date_to.isoformat(), "label": p.label, "style": p.style,
                   "as_of": report.as_of.isoformat() if report.as_of else None},
        "rows": [row_doc(r) for r in report.rows],
        "total": row_doc(report.total, total=True),
        "officers": [{"login": getattr(o, "login", ""), "name": o.name, "received": o.received,
                      "resolved": o.resolved, "early": getattr(o, "early", None),
                      "on_time": getattr(o, "on_time", None), "late": getattr(o, "late", None),
                      "on_time_pct": o.on_time_pct, "overdue_in_hand": o.overdue_in_hand,
                      "very_satisfied": o.very_satisfied, "satisfied": o.satisfied,
                      "unsatisfied": o.unsatisfied, "satisfaction_pct": o.satisfaction_pct}
                     for o in report.officers],
        "audit_anchor": head_text(),      # the chain's head as the report read it: check --anchor
    }


__all__ = [
    "KINDS", "COLUMNS", "ROMAN", "MAX_NAMED",
    "Period", "month_period", "quarter_period", "year_period", "parse_period", "previous",
    "FieldRow", "OfficerFigures", "Report", "compute", "check_invariants", "check_report",
    "report_data", "data_from", "report_json",
]
