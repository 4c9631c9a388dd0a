"""Which answer unit answers the question, and how sure to be: a small calibrated model.

Each unit gets features (embedding similarity to the question, share of the question's words
it holds, how many words it adds beyond the question's, whether it holds the expected answer
type, its passage's retrieval rank, its gap to the best unit, the share of the question's names
it leaves out, whether it negates what the question asks); a logistic model turns them into
the probability that the unit holds the answer. The answer's ``confidence`` is
:func:`answer_score` (the best unit's probability weighed by its lead over the runner-up)
mapped through a monotone curve fitted on gold sets, so that it reads as the observed share of
answers that held the gold answer. The lead matters: on COVID-QA the 30 answers whose best
unit was the most probable held the gold 0.80 of the time, the 30 with the largest
probability times lead 0.93 (training) and 0.90 (held out). Weights, curve and thresholds live in
``calibration.json`` beside this module, written by ``python -m eval.calibrate``.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from rag.answering.answer_type import expected_type, holds_type
from rag.answering.attribution import about_subject
from rag.answering.lexical import STOPWORDS, content_terms, name_found, named_terms, stem
from rag.answering.parties import asked_parties, names_all
from rag.answering.polarity import contradicts
from rag.answering.units import Unit
from rag.models import Passage

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
SUBJECT_RATIO = 0.5
# How much the best unit's lead counts in :func:`answer_score`. On the COVID-QA eval sample
# (held out), with the curve and floor refitted each time: the bare probability (0) gave
# coverage 0.94 but "high" answers held the gold 0.83 (0.74 in training); 0.25 coverage 0.84,
# high 1.00 (0.90 in training); 0.5 coverage 0.78; 1 coverage 0.72, high 0.95.
LEAD_POWER = 0.25
COVER_RATIO = 0.2  # a unit naming a party the answer leaves out joins it from this share
_WORDS = re.compile(r"[a-z0-9]+")
_STOP_PAIRS = {(a, b) for a in STOPWORDS for b in STOPWORDS}
ConfidenceLabel = Literal["high", "medium", "low"]

FEATURES = (
    "bias", "dense", "lexical", "novelty", "repeats_only", "type_match", "type_miss",
    "passage_rank", "dense_gap", "lexical_gap", "length", "joined", "rare_overlap", "bigrams",
    "rare_gap", "names_missed", "contradicts",
)  # fmt: skip
LABEL_MEANINGS: dict[str, str] = {
    "high": "the quoted sentence very likely answers the question",
    "medium": "likely answers it; check the cited sentence",
    "low": "may not answer it; read the sources",
}


@dataclass(frozen=True)
class Calibration:
    """The fitted model: unit weights, the confidence curve and the thresholds on it."""

    weights: tuple[float, ...]
    curve_x: tuple[float, ...]  # best unit's probability ...
    curve_y: tuple[float, ...]  # ... -> observed share of answers holding the gold answer
    refuse_below: float  # confidence under which the answerer refuses
    high: float  # confidence from which an answer is labelled high
    medium: float
    more_ratio: float  # a further unit joins the answer at this share of the best's probability
    supported: float  # a cited unit is "supported" (answers the question) from this probability
    fitted_on: dict[str, object] = field(default_factory=dict)

    def confidence(self, score: float) -> float:
        """The calibrated confidence for an answer of this :func:`answer_score`."""
        if not self.curve_x:
            return score
        i = bisect.bisect_right(self.curve_x, score)
        if i == 0:
            return self.curve_y[0]
        if i == len(self.curve_x):
            return self.curve_y[-1]
        x0, x1 = self.curve_x[i - 1], self.curve_x[i]
        y0, y1 = self.curve_y[i - 1], self.curve_y[i]
        return y0 + (y1 - y0) * (score - x0) / (x1 - x0 or 1.0)

    def label(self, confidence: float) -> ConfidenceLabel:
        """``low`` under the refusal floor too: such an answer is given only because its
        question names documents (:mod:`rag.answering.named_documents`)."""
        if confidence < self.refuse_below:
            return "low"
        if confidence >= self.high:
            return "high"
        if confidence >= self.medium:
            return "medium"
        return "low"

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "curve": [
                [round(x, 6), round(y, 6)] for x, y in zip(self.curve_x, self.curve_y, strict=True)
            ],
            "refuse_below": self.refuse_below,
            "high": self.high,
            "medium": self.medium,
            "more_ratio": self.more_ratio,
            "supported": self.supported,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Calibration:
        names = list(data["features"])  # type: ignore[call-overload]
        given = dict(zip(names, data["weights"], strict=True))  # type: ignore[call-overload]
        curve = [tuple(p) for p in data.get("curve") or []]  # type: ignore[attr-defined]
        return cls(
            weights=tuple(float(given.get(f, 0.0)) for f in FEATURES),
            curve_x=tuple(float(x) for x, _ in curve),
            curve_y=tuple(float(y) for _, y in curve),
            refuse_below=float(data["refuse_below"]),  # type: ignore[arg-type]
            high=float(data["high"]),  # type: ignore[arg-type]
            medium=float(data["medium"]),  # type: ignore[arg-type]
            more_ratio=float(data["more_ratio"]),  # type: ignore[arg-type]
            supported=float(data["supported"]),  # type: ignore[arg-type]
            fitted_on=dict(data.get("fitted_on") or {}),  # type: ignore[call-overload]
        )


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    return Calibration.from_json(json.loads(path.read_text(encoding="utf-8")))


def unit_features(
    question: str, units: list[Unit], dense: np.ndarray, passages: list[Passage]
) -> np.ndarray:
    """One row of :data:`FEATURES` per unit."""
    terms = content_terms(question)
    wanted = expected_type(question)
    rows = np.zeros((len(units), len(FEATURES)))
    unit_terms_all = [content_terms(u.text) for u in units]
    lexical = np.array([_overlap(terms, t) for t in unit_terms_all])
    # A question word found in few of the candidate units says more than one found in all.
    weight = {
        t: math.log(1 + len(units) / (1 + sum(t in ut for ut in unit_terms_all))) for t in terms
    }
    total = sum(weight.values()) or 1.0
    rare = np.array([sum(weight[t] for t in terms & ut) / total for ut in unit_terms_all])
    pairs = _bigrams(question)
    names = named_terms(question)
    best_dense = float(dense.max()) if len(units) else 0.0
    best_lexical = float(lexical.max()) if len(units) else 0.0
    best_rare = float(rare.max()) if len(units) else 0.0
    for i, unit in enumerate(units):
        unit_terms = unit_terms_all[i]
        novel = len(unit_terms - terms)
        typed = wanted != "none"
        match = typed and holds_type(wanted, unit.text, question)
        rank = passages[unit.passage_index].rank or unit.passage_index + 1
        rows[i] = (
            1.0,
            dense[i],
            lexical[i],
            min(novel, 12) / 12,
            1.0 if novel < 3 else 0.0,
            1.0 if match else 0.0,
            1.0 if typed and not match else 0.0,
            1.0 / rank,
            dense[i] - best_dense,
            lexical[i] - best_lexical,
            math.log(max(len(unit.text.split()), 1)) / 4,
            1.0 if unit.joined else 0.0,
            rare[i],
            len(pairs & _bigrams(unit.text)) / len(pairs) if pairs else 0.0,
            rare[i] - best_rare,
            _names_missed(names, unit.text),
            1.0 if contradicts(question, unit.text) else 0.0,
        )
    return rows


def answer_score(probs: np.ndarray) -> float:
    """What the confidence curve maps: the best unit's probability times (a root of) its lead
    over the second best: a question two units answer about equally well is less settled."""
    if not len(probs):
        return 0.0
    top = np.sort(probs)[::-1]
    second = float(top[1]) if len(top) > 1 else 0.0
    return float(top[0]) * (float(top[0]) - second) ** LEAD_POWER


def compose(
    units: list[Unit],
    probs: np.ndarray | Sequence[float],
    more_ratio: float,
    max_units: int,
    question: str = "",
) -> list[int]:
    """Indices of the units an answer quotes: the best, and further ones (neither overlapping
    a chosen one nor repeating its text: overlapping chunks and filings repeat sentences)
    within ``more_ratio`` of its probability, up to ``max_units``; reading order. A question
    about several named parties ("What did Lavrov and the Foreign Ministry say?") also gets
    the best unit naming a party the others leave out, if within ``COVER_RATIO`` of the best."""
    if not units:
        return []
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")
    best = int(order[0])
    chosen = [best]
    for i in order[1:]:
        if len(chosen) >= max_units or probs[i] < more_ratio * probs[best]:
            break
        if not _repeats(units[int(i)], [units[c] for c in chosen]):
            chosen.append(int(i))
    for party in asked_parties(question):
        if len(chosen) >= max_units:
            break
        if any(names_all(party, units[c].text) for c in chosen):
            continue
        for i in order:
            if probs[i] < COVER_RATIO * probs[best]:
                break
            unit = units[int(i)]
            if names_all(party, unit.text) and not _repeats(unit, [units[c] for c in chosen]):
                chosen.append(int(i))
                break
    return sorted(chosen, key=lambda c: (units[c].passage_index, units[c].start))


def _repeats(unit: Unit, chosen: list[Unit]) -> bool:
    """``unit`` overlaps a chosen unit or quotes the same text."""
    key = text_key(unit.text)
    return any(_overlaps(unit, c) or text_key(c.text) == key for c in chosen)


def text_key(text: str) -> str:
    """A unit's text with case and spacing set aside: a line break inside a sentence differs
    from page to page."""
    return " ".join(text.split()).lower()


def _overlaps(a: Unit, b: Unit) -> bool:
    return a.start < b.end and b.start < a.end and a.passage_index == b.passage_index


def probabilities(
    features: np.ndarray,
    calibration: Calibration,
    question: str = "",
    units: list[Unit] | None = None,
) -> np.ndarray:
    """Each unit's probability of answering. A yes/no question about a named subject ("Did
    Macron rule it out?") is settled only by units naming it, when one of them comes within
    ``SUBJECT_RATIO`` of the best unit (otherwise the documents name the subject differently:
    "Canada" answered by a sentence on Trudeau)."""
    logits = features @ np.asarray(calibration.weights)
    probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
    mask = about_subject(question, [u.text for u in units]) if question and units else None
    if mask is not None:
        named = probs * np.asarray(mask, dtype=float)
        if named.max() >= SUBJECT_RATIO * probs.max():
            return named
    return probs


def _names_missed(names: set[str], text: str) -> float:
    """Share of the question's names (people, places, numbers) the unit does not mention."""
    if not names:
        return 0.0
    return sum(not name_found(n, text) for n in names) / len(names)


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = [stem(w) for w in _WORDS.findall(text.lower())]
    return set(zip(words, words[1:], strict=False)) - _STOP_PAIRS


def _overlap(question_terms: set[str], unit_terms: set[str]) -> float:
    if not question_terms:
        return 0.0
    return len(question_terms & unit_terms) / len(question_terms)
