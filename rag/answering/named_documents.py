"""Answers over the documents a question names ("Apple's Q3 2023 10-Q", "Intel's reports").

Retrieval reads only the named documents then (:mod:`rag.document_scope`), so every passage is
about what was asked for, even when no sentence of it scores as a confident answer: the
question is answered with the best units, labelled low, rather than refused (a refusal would
say the documents do not cover it). A question naming several documents and no one of them
(a company's quarters) is answered from each: the best unit of every named document, in
reading order, so each filing the figures come from is cited.

Which units: the ones closest in meaning to the question (the cosine of the two vectors), not
the selection model's probability. The model is fitted on factual questions over prose (the
seeds, COVID-QA: who, when, how many), where the words a sentence shares with the question
tell the answer; questions naming filings ask for analysis ("how has ... changed", "what
risks ...") over documents whose cover pages, certifications and forward-looking boilerplate
repeat the company, the form and the period, and those words then pick the boilerplate. On
the 195 SEC 10-Q questions the answer is close to the reference (cosine >= 0.7) for 37
answers ranked by cosine against 18 ranked by the model (same passages, same refusals).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.selection import compose, text_key
from rag.answering.table_units import is_row_unit
from rag.answering.units import Unit
from rag.models import Passage

MAX_DOCUMENTS_QUOTED = 4  # a year of quarterly reports
# a further unit of one document joins the answer within this share of the best one's cosine
# (SEC 10-Q, answers close to the reference: 0.95: 28, 0.9: 35, 0.85: 37, 0.8: 39 of 195)
CLOSE_RATIO = 0.85


def names_documents(passages: Sequence[Passage]) -> bool:
    """Whether the passages come from documents the question named."""
    return bool(passages) and all(p.named for p in passages)


def quote_named(
    units: Sequence[Unit], similarity: Sequence[float], passages: Sequence[Passage],
    max_units: int,
) -> list[int]:  # fmt: skip
    """Indices of the units answering a question that names documents, in reading order:
    the closest unit of each document when the passages come from several, else the closest
    unit and those within ``CLOSE_RATIO`` of it (a table row alone)."""
    each = best_per_document(units, similarity, passages)
    if each:
        return each
    best = max(range(len(units)), key=lambda i: similarity[i])
    if is_row_unit(units[best].text):
        return [best]
    floor = [max(s, 1e-6) for s in similarity]
    return compose(list(units), floor, CLOSE_RATIO, max_units)


def best_per_document(
    units: Sequence[Unit], scores: Sequence[float], passages: Sequence[Passage]
) -> list[int]:
    """Indices of the best-scoring unit of each document (at most ``MAX_DOCUMENTS_QUOTED``,
    the best documents first), in retrieval order; ``[]`` for a single document. A document
    whose best unit repeats one already chosen (filings repeat their sentences from one
    quarter to the next) adds nothing: its next best would be an answer to something else."""
    sources = {passages[u.passage_index].source for u in units}
    if len(sources) < 2:
        return []
    best: dict[str, int] = {}
    for i in sorted(range(len(units)), key=lambda i: -scores[i]):
        best.setdefault(passages[units[i].passage_index].source, i)
    chosen: dict[str, int] = {}
    for source, i in best.items():  # best documents first
        if text_key(units[i].text) not in {text_key(units[c].text) for c in chosen.values()}:
            chosen[source] = i
    picked = sorted(chosen.values(), key=lambda i: -scores[i])[:MAX_DOCUMENTS_QUOTED]
    return sorted(picked, key=lambda i: (units[i].passage_index, units[i].start))
