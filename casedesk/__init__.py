"""CaseDesk: offline case tracker for the commune one-stop desk."""

__version__ = "0.1.0"
