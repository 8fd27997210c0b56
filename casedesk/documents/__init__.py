"""Document renderers: frozen dataclasses in, PDF or XLSX bytes out, no database.

The service layer builds the data objects of ``casedesk.documents.data`` from
stored cases; each ``render_*`` function lays one document out and returns its
bytes, ready to save, print or attach.
"""
from __future__ import annotations

from .data import *  # noqa: F401,F403  (the dataclasses are part of the public API)
from .data import __all__ as _data_all


def __getattr__(name: str):
    # Renderers import reportlab/openpyxl lazily: importing the data classes stays cheap.
    table = {
        "render_receipt": "receipt", "render_supplement": "supplement",
        "render_refusal": "refusal", "render_refusal_reply": "reply", "render_apology": "apology", "render_stop": "stop",
        "render_control_sheet": "control_sheet", "render_ledger": "ledger",
        "render_monthly_pdf": "monthly", "render_monthly_xlsx": "xlsx",
    }
    if name in table:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{table[name]}"), name)
    raise AttributeError(name)


__all__ = list(_data_all) + [
    "render_receipt", "render_supplement", "render_refusal", "render_refusal_reply", "render_apology", "render_stop",
    "render_control_sheet", "render_ledger", "render_monthly_pdf", "render_monthly_xlsx",
]
