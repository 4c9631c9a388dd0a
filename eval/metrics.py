"""Metrics that need no LLM. Pure functions over strings, ranks and flags.

Relevance of a retrieved or cited passage is judged at the finest level the gold set allows:
it contains a gold evidence text (passage level), or else its file matches a gold document
pattern (document level).
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from fnmatch import fnmatch
from pathlib import PurePath

_CITATION_MARK = re.compile(r"\s*\[\d+\]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_ARTICLES = re.compile(r"\b(a|an|the)\b")
# Evidence split across two chunks still counts when one chunk holds this much of it.
PARTIAL_EVIDENCE_SHARE = 0.6


def normalize(text: str) -> str:
    """Lower case, straight quotes and dashes, single spaces."""
    return " ".join(text.translate(_QUOTES).lower().split())


def strip_citations(answer: str) -> str:
    return _CITATION_MARK.sub("", answer)


def tokens(text: str) -> list[str]:
    """SQuAD-style answer tokens: no punctuation, no articles."""
    text = normalize(strip_citations(text))
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    return _ARTICLES.sub(" ", text).split()


def token_f1(prediction: str, reference: str) -> float:
    pred, ref = tokens(prediction), tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def keyword_match(answer: str, keywords: Sequence[str]) -> float | None:
    """Share of the acceptable-answer keywords found in the answer; None without keywords.

    Bracketed numbers are dropped from both sides: the answer's are its citation marks, but a
    quoted sentence keeps the document's own reference marks ("insulin [39] and heparin
    [40]"), which a gold span copied from the document holds too."""
    if not keywords:
        return None
    text = normalize(strip_citations(answer))
    return sum(normalize(strip_citations(k)) in text for k in keywords) / len(keywords)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def contains_evidence(passage: str, evidence: str) -> bool:
    """The passage holds the evidence text, or a contiguous ``PARTIAL_EVIDENCE_SHARE`` of it."""
    p, e = normalize(passage), normalize(evidence)
    if not e:
        return False
    if e in p:
        return True
    match = SequenceMatcher(None, p, e, autojunk=False).find_longest_match(0, len(p), 0, len(e))
    return match.size >= PARTIAL_EVIDENCE_SHARE * len(e)


def matches_document(source: str, patterns: Sequence[str]) -> bool:
    """The source's file name matches a gold pattern (``*2023 Q3 AAPL*``, ``630.txt``)."""
    name = PurePath(source).name
    return any(fnmatch(name, p) or fnmatch(name, p + ".*") for p in patterns)


def is_relevant(
    text: str, source: str, evidence: Sequence[str], gold_docs: Sequence[str]
) -> bool | None:
    """Passage level when evidence exists, else document level; None when there is no gold."""
    if evidence:
        in_doc = not gold_docs or matches_document(source, gold_docs)
        return in_doc and any(contains_evidence(text, e) for e in evidence)
    if gold_docs:
        return matches_document(source, gold_docs)
    return None


def first_relevant_rank(flags: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant item, None when none is."""
    return next((i + 1 for i, f in enumerate(flags) if f), None)


def hit_at_k(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def citation_precision(cited_relevant: Sequence[bool]) -> float | None:
    """Share of cited passages that hold gold evidence; None when nothing is cited."""
    return sum(cited_relevant) / len(cited_relevant) if cited_relevant else None


def evidence_recall(covered: Sequence[bool]) -> float | None:
    """Share of gold evidence items (texts or documents) covered by a citation."""
    return sum(covered) / len(covered) if covered else None


def refusal_scores(refused: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float | None]:
    """Refusal as a classifier of unanswerable questions: precision, recall, and how often
    answerable questions were wrongly refused. None where the denominator is empty."""
    should = [not a for a in answerable]
    true_pos = sum(r and s for r, s in zip(refused, should, strict=True))
    n_refused, n_should = sum(refused), sum(should)
    n_answerable = len(answerable) - n_should
    false_refusals = sum(r and a for r, a in zip(refused, answerable, strict=True))
    return {
        "refusal_precision": true_pos / n_refused if n_refused else None,
        "refusal_recall": true_pos / n_should if n_should else None,
        "false_refusal_rate": false_refusals / n_answerable if n_answerable else None,
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
