"""Answers over the documents a question names ("Apple's Q3 2023 10-Q", "Intel's reports").

Retrieval reads only the named documents then (:mod:`rag.document_scope`), so every passage is
about what was asked for, even when no sentence of it scores as a confident answer: the
question is answered with the best units, labelled low, rather than refused (a refusal would
say the documents do not cover it). A question naming several documents and no one of them
(a company's quarters) is answered from each: the best unit of every named document, in
reading order, so each filing the figures come from is cited.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.units import Unit
from rag.models import Passage

MAX_DOCUMENTS_QUOTED = 4  # a year of quarterly reports


def names_documents(passages: Sequence[Passage]) -> bool:
    """Whether the passages come from documents the question named."""
    return bool(passages) and all(p.named for p in passages)


def best_per_document(
    units: Sequence[Unit], probabilities: Sequence[float], passages: Sequence[Passage]
) -> list[int]:
    """Indices of the most probable unit of each document (at most ``MAX_DOCUMENTS_QUOTED``,
    the most probable documents first), in retrieval order; ``[]`` for a single document."""
    best: dict[str, int] = {}
    for i, unit in enumerate(units):
        source = passages[unit.passage_index].source
        if source not in best or probabilities[i] > probabilities[best[source]]:
            best[source] = i
    if len(best) < 2:
        return []
    chosen = sorted(best.values(), key=lambda i: -probabilities[i])[:MAX_DOCUMENTS_QUOTED]
    return sorted(chosen, key=lambda i: (units[i].passage_index, units[i].start))
