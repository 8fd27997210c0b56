"""Which procedure the clerk meant: the one ranking used by the intake picker and
``casedesk-cli procedures --find``.

Tiers, best first: the exact code or national code; every typed word a whole word of the
name, in the typed order (an unbroken phrase before scattered words); every word the start
of a name word (or of the code); every word anywhere in the name or code.  Accents are
ignored for matching ("tam tru" finds "tạm trú"), but among equals a name carrying the very
tones typed comes first ("tạm trú" before "tâm trụ"); then the office's most used procedure
(cases received in the last year); then the catalogue's own order.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Iterable, Sequence, TypeVar

from .text import fold, nfc

P = TypeVar("P")

EXACT_CODE, WHOLE_WORDS, WORD_STARTS, SUBSTRING = range(4)


def _tone_words(text: str) -> list[str]:
    """Words as typed with their marks, case-free (NFC)."""
    return [w for w in nfc(text).casefold().replace(",", " ").replace("(", " ").replace(")", " ").split() if w]


def _subsequence(needles: Sequence[str], hay: Sequence[str]) -> tuple[bool, bool]:
    """Whether ``needles`` occur as whole items of ``hay`` in order, and whether as one unbroken run."""
    n = len(needles)
    for start in range(len(hay) - n + 1):
        if list(hay[start:start + n]) == list(needles):
            return True, True
    it = iter(hay)
    return all(any(h == w for h in it) for w in needles), False


def _words(folded: str) -> list[str]:
    out = []
    for ch in ",;:()/.-–":
        folded = folded.replace(ch, " ")
    for w in folded.split():
        out.append(w)
    return out


def rank_key(proc, text: str, position: int, usage: dict[str, int]) -> tuple | None:
    """The sort key of one procedure for the typed text, or None when it does not match."""
    typed = fold(text or "")
    words = _words(typed)
    if not words:
        return (SUBSTRING, 0, 0, -usage.get(proc.code, 0), position)
    codes = [fold(proc.code)]
    national = getattr(proc, "national_code", None)
    if national:
        codes.append(fold(str(national)))
    name_words = _words(fold(proc.name))
    if typed in codes:
        tier, run = EXACT_CODE, True
    else:
        whole, run = _subsequence(words, name_words)
        if whole:
            tier = WHOLE_WORDS
        elif all(any(nw.startswith(w) for nw in name_words) or any(c.startswith(w) for c in codes)
                 for w in words):
            tier = WORD_STARTS
        else:
            hay = " ".join(name_words) + " " + " ".join(codes)
            if not all(w in hay for w in words):
                return None
            tier = SUBSTRING
    toned = _tone_words(text)
    name_toned = _tone_words(proc.name)
    tones_differ = any(fold(w) != w for w in toned) and not all(
        any(nw == w or nw.startswith(w) for nw in name_toned) for w in toned)
    return (tier, int(tones_differ), int(not run), -usage.get(proc.code, 0), position)


def rank(procs: Iterable[P], text: str, usage: dict[str, int] | None = None) -> list[P]:
    """The procedures matching ``text``, best first (all of them, in catalogue order, for no text)."""
    usage = usage or {}
    keyed = []
    for position, proc in enumerate(procs):
        key = rank_key(proc, text, position, usage)
        if key is not None:
            keyed.append((key, proc))
    keyed.sort(key=lambda kp: kp[0])
    return [proc for _key, proc in keyed]


_usage_cache: dict[tuple, tuple[float, dict[str, int]]] = {}
USAGE_TTL = 300.0


def office_usage(today: dt.date) -> dict[str, int]:
    """Cases received per procedure code in the year up to ``today`` (kept five minutes)."""
    from .db import database
    from .models import Case, Procedure
    from peewee import fn

    key = (id(database.obj), today)
    hit = _usage_cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < USAGE_TTL:
        return hit[1]
    since = today - dt.timedelta(days=365)
    rows = (Case.select(Procedure.code, fn.COUNT(Case.id)).join(Procedure, on=(Case.procedure == Procedure.id))
            .where(Case.received_on > since).group_by(Procedure.code).tuples())
    counts = {code: n for code, n in rows}
    _usage_cache.clear()
    _usage_cache[key] = (time.monotonic(), counts)
    return counts


def forget_usage() -> None:
    _usage_cache.clear()


__all__ = ["rank", "rank_key", "office_usage", "forget_usage"]
