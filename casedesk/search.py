"""Finding a case from one search box: code, personal ID, phone or name.

THE ONE PLACE WITH ENGINE-SPECIFIC SQL.  On SQLite, names are indexed in an
FTS5 table holding the *folded* name (accents dropped, đ→d, casefolded: SQLite's
tokenizer cannot fold đ, so Python folds both the stored text and the query).
On PostgreSQL the folded name column is matched with LIKE instead.

Typed text never reaches FTS syntax: the query is folded and split into
alphanumeric tokens, each quoted as a prefix term, so nothing typed can raise a
query syntax error.  Results whose accents match the query exactly rank first.
"""
from __future__ import annotations

import re

import peewee

from .db import database, is_sqlite
from .text import fold, nfc

FTS_TABLE = "case_search"
_TOKEN = re.compile(r"[a-z0-9]+")
_CODE_LIKE = re.compile(r"^[0-9a-z.]*-\d{6}-\d+$", re.I)


def create_index(db: peewee.Database) -> None:
    """Create the name index and fill it from the cases already there."""
    if not is_sqlite(db):
        return
    db.execute_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "name, tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute_sql(f"DELETE FROM {FTS_TABLE}")
    db.execute_sql(f'INSERT INTO {FTS_TABLE}(rowid, name) SELECT id, name_folded FROM "case"')


def index_case(case_id: int, name_folded: str) -> None:
    """Keep the index in step with a case's name; call inside the same transaction."""
    db = database.obj
    if not is_sqlite(db):
        return
    db.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (case_id,))
    db.execute_sql(f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (?, ?)", (case_id, name_folded))


def fts_query(text: str) -> str | None:
    """Folded prefix-AND query for FTS5, or None when nothing searchable was typed."""
    tokens = _TOKEN.findall(fold(text))
    if not tokens:
        return None
    return " ".join(f'"{tok}"*' for tok in tokens[:12])


def name_candidates(text: str, limit: int) -> list[int]:
    """Case ids whose name matches every typed word as a prefix, newest first."""
    tokens = _TOKEN.findall(fold(text))[:12]
    if not tokens:
        return []
    db = database.obj
    if is_sqlite(db):
        sql = (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? "
               "ORDER BY rowid DESC LIMIT ?")
        rows = db.execute_sql(sql, (fts_query(text), limit)).fetchall()
        return [r[0] for r in rows]
    from .models import Case

    query = Case.select(Case.id)
    for tok in tokens:
        query = query.where(Case.name_folded.contains(tok))
    return [c.id for c in query.order_by(Case.id.desc()).limit(limit)]


def exactness(query: str, name: str) -> int:
    """2 when every typed word appears with the same accents, 1 when some do, 0 otherwise."""
    words = nfc(query).casefold().split()
    target = nfc(name).casefold().split()
    if not words:
        return 0
    hits = sum(1 for w in words if any(t.startswith(w) for t in target))
    if hits == len(words):
        return 2
    return 1 if hits else 0


def classify(text: str) -> tuple[str, str]:
    """What the typed text looks like: ('code'|'id'|'phone'|'digits'|'name', cleaned)."""
    raw = nfc(text).strip()
    compact = re.sub(r"[\s.()]", "", raw)
    if _CODE_LIKE.match(compact) and not compact.startswith("+"):
        return "code", raw.replace(" ", "").upper()
    digits = compact.lstrip("+")
    if digits.isascii() and digits.isdigit():
        if len(digits) == 12 and not digits.startswith("84"):
            return "id", digits
        from .errors import BadInput
        from .text import normalize_phone

        try:
            return "phone", normalize_phone(compact)
        except BadInput:
            pass
        if len(digits) == 12:
            return "id", digits
        return "digits", digits
    return "name", raw
