"""Check an LLM answer's citations after the fact: existence, support, uncited sentences.

Every sentence's ``[n]`` markers are matched to the cited passage; the passage sentence that
best supports the claim (embedding + lexical score, as in :mod:`rag.answering.support`) gives
``support_score``, ``supported`` and the highlight offsets. Problems become warnings on the
answer rather than silent fixes:

- a marker with no passage behind it was already removed while streaming; it is reported;
- sentences that no cited passage supports never get here: :mod:`rag.answering.gate`
  withheld them while streaming;
- in a kept sentence citing several passages, one that does not support it is kept, marked
  ``supported=False`` and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.answering.citations import CitationBook, Evidence
from rag.answering.lexical import content_terms
from rag.answering.markers import MARKER, CitationRewriter
from rag.answering.support import best_supports
from rag.models import Citation, Passage
from rag.sentences import split_sentences

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


@dataclass
class Claim:
    """One answer sentence (markers stripped) and the citation ids attached to it."""

    text: str
    ids: list[int]


def split_claims(answer: str) -> list[Claim]:
    """Answer sentences with their markers; markers opening a sentence belong to the one before."""
    claims: list[Claim] = []
    for start, end in split_sentences(answer):
        sentence = answer[start:end]
        lead = _LEADING_MARKERS.match(sentence)
        if lead and claims:
            claims[-1].ids.extend(int(n) for n in MARKER.findall(lead.group(0)))
            sentence = sentence[lead.end() :]
        ids = [int(n) for n in MARKER.findall(sentence)]
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(MARKER.sub("", sentence).split()))
        if text or ids:
            claims.append(Claim(text, ids))
    for claim in claims:
        claim.ids = list(dict.fromkeys(claim.ids))
    return claims


def check_citations(
    answer: str,
    passages: list[Passage],
    rewriter: CitationRewriter,
    embed_model: BaseEmbedding,
    min_support: float,
) -> tuple[list[Citation], list[str]]:
    """Citations (exactly the cited passages, ids in order of first use) and warnings."""
    warnings = [
        f"removed citation [{n}]: there is no passage {n} (the model was given {len(passages)})"
        for n in dict.fromkeys(rewriter.invalid)
    ]
    claims = split_claims(answer)
    pairs: list[tuple[str, Passage]] = []
    keys: list[tuple[int, int]] = []  # (claim index, citation id) per pair
    for ci, claim in enumerate(claims):
        if not claim.ids:
            if content_terms(claim.text):
                warnings.append(f"this sentence cites no passage: {_short(claim.text)!r}")
            continue
        for cid in claim.ids:
            pairs.append((claim.text or answer, passages[rewriter.passage_index(cid)]))
            keys.append((ci, cid))
    scored = best_supports(pairs, embed_model)
    evidence: dict[int, list[Evidence]] = {}
    for (ci, cid), (_, passage), best in zip(keys, pairs, scored, strict=True):
        if best is None:
            ev = Evidence(passage, passage.start_char or 0, passage.start_char or 0, 0.0, False)
        else:
            ok = best.score >= min_support
            ev = Evidence(passage, best.start, best.end, best.score, ok, max(0.0, best.dense))
        if not ev.supported:
            warnings.append(
                f"passage [{cid}] does not clearly support {_short(claims[ci].text)!r} "
                f"(support {ev.score:.2f} < {min_support:.2f})"
            )
        evidence.setdefault(cid, []).append(ev)
    book = CitationBook()
    for cid in sorted(evidence):
        for ev in evidence[cid]:
            given = book.cite(ev)
            if given != cid:  # pragma: no cover - ids come from the same first-use order
                raise AssertionError(f"citation {cid} renumbered to {given}")
    return book.citations(), warnings


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
