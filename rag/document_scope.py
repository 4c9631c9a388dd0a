"""Which documents a question names: "Apple's Q3 2023 10-Q" against each document's name and
opening (its file name, the first chunks: a filing's cover page names the company, its ticker
and the period).

Twenty quarterly filings of five companies read alike: "net income" is in all of them, so
retrieval over the whole collection returns the right figure from the wrong filing. A
question's names (capitalised words, years, quarters "Q3" / "third quarter", full dates) are
matched against each document's identity; words found in every document say nothing and are
weighed by how few documents hold them (idf). The documents with the top score are the scope,
when that score rests on a discriminating word; "latest" / "most recent" keeps the scope's
newest period. No name matched: no scope, retrieval as before.

Only documents of a series take part: ones whose identity shares at least half its words with
another document's (cover pages of one form: 0.91-0.95 on the shared 10-Qs). Papers, notes and
articles share a tenth of their opening words (COVID-QA: at most 0.18), so a question naming
"MERS" is not narrowed to the papers whose abstract names it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

import numpy as np

from rag.answering.lexical import STOPWORDS

if TYPE_CHECKING:
    from rag.store import CollectionState, Store

log = logging.getLogger(__name__)

OPENING_CHUNKS = 2  # chunks of a document's start read as its identity (a cover page)
SERIES_LIKENESS = 0.5  # share of identity words two documents of one series have in common
MAX_DOCUMENTS = 2000  # series are found by comparing every pair: above this, no scoping
_WORD = re.compile(r"[a-z0-9]+")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_MONTH_PREFIX = "|".join(m[:3] for m in _MONTHS)
_DATE = re.compile(rf"\b({_MONTH_PREFIX})[a-z]*\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.I)
_ORDINALS = {"first": "q1", "second": "q2", "third": "q3", "fourth": "q4"}
_QUARTER_WORDS = re.compile(
    r"\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter\b|\bq([1-4])\b", re.I
)
_YEAR_QUARTER = re.compile(r"\b((?:19|20)\d\d)\W*q([1-4])\b|\bq([1-4])\W*((?:19|20)\d\d)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9&.-]*[A-Za-z0-9]|\b[A-Z]\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_LATEST = re.compile(r"\b(?:latest|most recent|newest|last)\s+(?:10-?[qk]|report|filing|quarter)",
                     re.I)  # fmt: skip
_EARLIER = re.compile(r"\b(?:previous|prior|past|earlier|preceding|other)\s+(?:quarters|periods|"
                      r"reports|filings|ones)\b", re.I)  # fmt: skip


@dataclass(frozen=True)
class DocumentIdentity:
    """What names a document: words of its file name and opening, and its period if known."""

    source: str
    terms: frozenset[str]
    period: tuple[int, int, int] | None  # (year, month or quarter*3, day) for "latest"


class DocumentScope:
    """The series documents of a collection, read once per collection state; which of them a
    question names."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._key: tuple[int, str, int] | None = None
        self._series: list[DocumentIdentity] = []
        self._names: dict[str, str] = {}

    def sources(self, question: str, state: CollectionState | None = None) -> list[str]:
        """The sources ``question`` names (:func:`scope`), ``[]`` for none (``state``: the
        collection's as the caller just read it)."""
        return scope(question, self._current(state)[0])

    def names(self, source: str, state: CollectionState | None = None) -> str:
        """What names a series document (its file name and opening), to read a passage of it
        with: "Apple's" in a question is named by the cover page, not by the passage's page."""
        return self._current(state)[1].get(source, "")

    def _current(
        self, state: CollectionState | None
    ) -> tuple[list[DocumentIdentity], dict[str, str]]:
        state = state or self.store.collection_state()
        with self._lock:
            if state.key != self._key:
                self._series, self._names = self._read() if state.count else ([], {})
                self._key = state.key
            return self._series, self._names

    def _read(self) -> tuple[list[DocumentIdentity], dict[str, str]]:
        openings = self.store.openings(OPENING_CHUNKS)
        if len(openings) > MAX_DOCUMENTS:
            log.info("%d documents: too many to find series among; no document scoping",
                     len(openings))  # fmt: skip
            return [], {}
        found = series([identity(src, text) for src, text in openings.items()])
        return found, {d.source: f"{PurePath(d.source).stem}\n{openings[d.source]}" for d in found}


def series(documents: list[DocumentIdentity]) -> list[DocumentIdentity]:
    """The documents that share at least ``SERIES_LIKENESS`` of their identity (shared terms
    over all terms of the two) with another. Each document's shared-term counts with all the
    others are summed from the terms' postings at once: comparing every pair of sets took
    0.75 s for 400 documents, on the first query of every process."""
    postings: dict[str, list[int]] = {}
    for k, d in enumerate(documents):
        for term in d.terms:
            postings.setdefault(term, []).append(k)
    held = {term: np.asarray(ks, dtype=np.intp) for term, ks in postings.items()}
    sizes = np.asarray([len(d.terms) for d in documents], dtype=np.float64)
    out = []
    for k, d in enumerate(documents):
        if not d.terms:
            continue  # shares nothing with anyone
        shared = np.bincount(np.concatenate([held[t] for t in d.terms]), minlength=len(documents))
        likeness = shared / np.maximum(sizes[k] + sizes - shared, 1.0)  # exact: integer counts
        likeness[k] = 0.0
        if (likeness >= SERIES_LIKENESS).any():
            out.append(d)
    return out


def identity(source: str, opening: str) -> DocumentIdentity:
    """The identity of ``source`` from its file name and ``opening`` (its first chunks)."""
    name = PurePath(source).stem
    text = f"{name}\n{opening}"
    terms = {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}
    terms |= _quarters(text) | _dates(text)
    return DocumentIdentity(source, frozenset(terms), _period(name, opening))


def question_names(question: str) -> set[str]:
    """The words of a question that may name a document: capitalised words after the first
    word, years, quarters ("Q3", "third quarter") and full dates."""
    words = question.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    names = {
        w
        for m in _CAPITALISED.finditer(rest)
        for w in _WORD.findall(m.group(0).lower().split("'")[0].split("’")[0])
        if w not in STOPWORDS and not w.isdigit()
    }
    names |= set(_YEAR.findall(question)) | _quarters(question) | _dates(question)
    return names


def scope(question: str, documents: list[DocumentIdentity]) -> list[str]:
    """The sources the question names (several when it names a company and no period), or
    ``[]`` when it names none of them or all of them alike."""
    n = len(documents)
    if n < 2:
        return []
    names = question_names(question)
    if not names:
        return []
    df = {t: sum(t in d.terms for d in documents) for t in names}
    weight = {t: math.log(n / c) for t, c in df.items() if 0 < c < n}
    if not weight:
        return []
    scores = [sum(weight.get(t, 0.0) for t in d.terms & names) for d in documents]
    top = max(scores)
    chosen = [d for d, s in zip(documents, scores, strict=True) if s >= top - 1e-9]
    if len(chosen) > 1 and _LATEST.search(question) and not _EARLIER.search(question):
        dated = [d for d in chosen if d.period is not None]
        if dated:
            newest = max(d.period for d in dated if d.period is not None)
            chosen = [d for d in dated if d.period == newest]
    if len(chosen) == n:
        return []
    return sorted(d.source for d in chosen)


def _quarters(text: str) -> set[str]:
    out = set()
    for m in _QUARTER_WORDS.finditer(text):
        out.add(_ORDINALS[m.group(1).lower()] if m.group(1) else f"q{m.group(2)}")
    return out


def _dates(text: str) -> set[str]:
    """Full dates as one term each, ``2023-07-01``."""
    out = set()
    for m in _DATE.finditer(text):
        month = _MONTHS.index(next(x for x in _MONTHS if x.startswith(m.group(1).lower()))) + 1
        out.add(f"{m.group(3)}-{month:02d}-{int(m.group(2)):02d}")
    return out


def _period(name: str, opening: str) -> tuple[int, int, int] | None:
    """A year and quarter in the file name ("2023 Q3 AAPL"), else the opening's first full
    date (a cover page's "for the quarterly period ended July 1, 2023")."""
    m = _YEAR_QUARTER.search(name)
    if m:
        year, quarter = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        return (int(year), int(quarter) * 3, 0)
    found = _DATE.search(opening)
    if found is None:
        return None
    year, month, day = (int(x) for x in next(iter(_dates(found.group(0)))).split("-"))
    return (year, month, day)
