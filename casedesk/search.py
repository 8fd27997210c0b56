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
TERMS_TABLE = "case_search_term"
_TOKEN = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")       # letters and digits: the words the unicode61 tokenizer makes
_MAX_EXPANSION = 250                  # words one typed prefix may stand for in a query
_CODE_LIKE = re.compile(r"^[0-9a-z.]*-\d{6}-\d+$", re.I)
_CODE_TAIL = re.compile(r"^(\d{6})-(\d{1,4})$")     # "261201-0004": the day and number, without the unit code


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


def rebuild_index(db: peewee.Database) -> None:
    """Rebuild the name index without word positions and list its words (schema upgrade 4).

    A prefix query ("nguyen"* "th"*) makes FTS5 merge the whole posting list of every matching word
    before it can return the newest 200: 30 ms at a million cases.  Expanded into the whole words
    it stands for ("nguyen" AND ("thi" OR "thu" OR ...)), FTS5 walks the lists newest first and
    stops early (see ``name_candidates``); without positions (``detail=none``: no phrase is ever
    searched) the lists are shorter and that walk twice as fast.  The word table only grows: a word
    no longer used costs nothing.
    """
    if not is_sqlite(db):
        return
    db.execute_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    db.execute_sql(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        "name, tokenize = 'unicode61 remove_diacritics 2', detail = none)"
    )
    db.execute_sql(f'INSERT INTO {FTS_TABLE}(rowid, name) SELECT id, name_folded FROM "case"')
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {TERMS_TABLE} (term TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TERMS_TABLE}_vocab "
                   f"USING fts5vocab(main, {FTS_TABLE}, row)")
    db.execute_sql(f"INSERT OR IGNORE INTO {TERMS_TABLE}(term) SELECT term FROM temp.{TERMS_TABLE}_vocab")
    db.execute_sql(f"DROP TABLE temp.{TERMS_TABLE}_vocab")


def index_case(case_id: int, name_folded: str) -> None:
    """Keep the index in step with a case's name; call inside the same transaction."""
    db = database.obj
    if not is_sqlite(db):
        return
    db.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (case_id,))
    db.execute_sql(f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (?, ?)", (case_id, name_folded))
    words = sorted(set(_WORD.findall(name_folded)))
    if words:
        db.execute_sql(f"INSERT OR IGNORE INTO {TERMS_TABLE}(term) VALUES " + ", ".join(["(?)"] * len(words)),
                       words)


def index_cases(pairs: list[tuple[int, str]]) -> None:
    """``index_case`` for many new cases at once (a ledger import): ``(case id, folded name)`` pairs."""
    db = database.obj
    if not is_sqlite(db) or not pairs:
        return
    cursor = db.cursor()
    cursor.executemany(f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (?, ?)", pairs)
    words = sorted({w for _id, name in pairs for w in _WORD.findall(name)})
    cursor.executemany(f"INSERT OR IGNORE INTO {TERMS_TABLE}(term) VALUES (?)", [(w,) for w in words])


def fts_query(text: str) -> str | None:
    """Folded prefix-AND query for FTS5, or None when nothing searchable was typed."""
    tokens = _TOKEN.findall(fold(text))
    if not tokens:
        return None
    return " ".join(f'"{tok}"*' for tok in tokens[:12])


def _expanded_query(db: peewee.Database, tokens: list[str]) -> str:
    """``fts_query`` with each prefix spelt out as the whole words of the index it matches."""
    parts = []
    for tok in tokens:
        after = tok[:-1] + chr(ord(tok[-1]) + 1)          # tokens are [a-z0-9]+: the next prefix
        terms = [r[0] for r in db.execute_sql(
            f"SELECT term FROM {TERMS_TABLE} WHERE term >= ? AND term < ? LIMIT ?",
            (tok, after, _MAX_EXPANSION + 1))]
        if not terms or len(terms) > _MAX_EXPANSION:
            parts.append(f'"{tok}"*')                      # the plain prefix query: same rows
        else:
            parts.append("(" + " OR ".join('"%s"' % t.replace('"', '""') for t in terms) + ")")
    return " AND ".join(parts)


def name_candidates(text: str, limit: int) -> list[int]:
    """Case ids whose name matches every typed word as a prefix, newest first."""
    return [case_id for case_id, _name in name_matches(text, limit)]


def name_matches(text: str, limit: int) -> list[tuple[int, str]]:
    """(case id, citizen name) of the cases ``name_candidates`` finds, in one query."""
    tokens = _TOKEN.findall(fold(text))[:12]
    if not tokens:
        return []
    db = database.obj
    if is_sqlite(db):
        sql = (f'SELECT c.id, c.citizen_name FROM {FTS_TABLE} s JOIN "case" c ON c.id = s.rowid '
               f"WHERE {FTS_TABLE} MATCH ? ORDER BY s.rowid DESC LIMIT ?")
        return db.execute_sql(sql, (_expanded_query(db, tokens), limit)).fetchall()
    from .models import Case

    query = Case.select(Case.id, Case.citizen_name)
    for tok in tokens:
        query = query.where(Case.name_folded.contains(tok))
    return list(query.order_by(Case.id.desc()).limit(limit).tuples())


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
    """What the typed text looks like: ('code'|'code_tail'|'id'|'phone'|'digits'|'name', cleaned)."""
    raw = nfc(text).strip()
    compact = re.sub(r"[\s.()]", "", raw)
    tail = _CODE_TAIL.match(compact)
    if tail:
        return "code_tail", f"{tail.group(1)}-{int(tail.group(2)):04d}"
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
