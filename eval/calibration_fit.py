"""The fitting behind ``python -m eval.calibrate``: a conditional-logit selection model over
each question's candidate units, then an isotonic map from its top probability to the share
of answers that hold the gold answer, and the thresholds of the confidence labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from eval import metrics as m
from eval.examples import Example
from rag.answering.selection import FEATURES, Calibration, compose, probabilities
from rag.answering.units import Unit

HIGH_PRECISION = 0.92  # "high" must hold the gold >= 90%: fitted with a margin
MEDIUM_PRECISION = 0.6
UNANSWERABLE_REFUSED = 0.9  # the refusal floor refuses this share of unanswerable questions
SEEDS_WEIGHT = 3.0  # prose with paraphrased questions (as held-out sets are) counts more
L2 = 0.01
MORE_RATIOS = (1.01, 0.97, 0.93, 0.9, 0.85, 0.8)
EXTRA_SENTENCE_COST = 0.01  # containment a further quoted sentence must buy


@dataclass
class Question:
    """One gold question with its candidate units, their features and labels."""

    example: Example
    set_name: str
    units: list[Unit]
    features: np.ndarray
    labels: np.ndarray
    names_missing: bool


def fit(questions: list[Question], max_units: int) -> Calibration:
    usable = [q for q in questions if len(q.units) and not q.names_missing]
    x = np.vstack([q.features for q in usable])
    y = np.concatenate([q.labels for q in usable])
    # Rank with a conditional logit (which unit of this question holds the answer), then
    # scale its score into a unit probability with a two-parameter logistic fit.
    ranking = conditional_logit(usable, L2, {"seeds": SEEDS_WEIGHT})
    score = x @ ranking
    a, b = logistic_regression(np.column_stack([np.ones_like(score), score]), y, 0.0)
    weights = b * ranking
    weights[0] += a
    draft = Calibration(tuple(weights), (), (), 0.0, 1.1, 1.1, 1.01, 0.5)
    best_ratio, best_value = MORE_RATIOS[0], -1.0
    for ratio in MORE_RATIOS:
        trial = Calibration(draft.weights, (), (), 0.0, 1.1, 1.1, ratio, 0.5)
        outcomes = simulate(usable, trial, max_units)
        value = np.mean([o["correct"] for o in outcomes]) - EXTRA_SENTENCE_COST * np.mean(
            [o["units"] - 1 for o in outcomes]
        )
        if value > best_value:
            best_ratio, best_value = ratio, float(value)
    trial = Calibration(draft.weights, (), (), 0.0, 1.1, 1.1, best_ratio, 0.5)
    outcomes = simulate(usable, trial, max_units)
    curve_x, curve_y = isotonic_curve(
        [o["best"] for o in outcomes], [float(o["correct"]) for o in outcomes]
    )
    curved = Calibration(draft.weights, curve_x, curve_y, 0.0, 1.1, 1.1, best_ratio, 0.5)
    confidences = [curved.confidence(o["best"]) for o in outcomes]
    correct = [bool(o["correct"]) for o in outcomes]
    # every unanswerable question, those refused before any scoring (-1) included
    unanswerable = [
        curved.confidence(o["best"]) if o["refusable"] else -1.0
        for o in simulate(questions, curved, max_units)
        if not o["answerable"]
    ]
    return Calibration(
        weights=curved.weights,
        curve_x=curve_x,
        curve_y=curve_y,
        refuse_below=choose_floor(unanswerable, UNANSWERABLE_REFUSED),
        high=choose_threshold(confidences, correct, HIGH_PRECISION),
        medium=choose_threshold(confidences, correct, MEDIUM_PRECISION),
        more_ratio=best_ratio,
        supported=0.5,
        fitted_on={
            "questions": len(usable),
            "units": len(y),
            "sets": sorted({q.set_name for q in usable}),
            "command": "python -m eval.calibrate",
        },
    )


def conditional_logit(
    questions: list[Question],
    l2: float,
    set_weights: dict[str, float] | None = None,
    steps: int = 400,
    rate: float = 2.0,
) -> np.ndarray:
    """Weights that rank a question's units: softmax over the units of each question with a
    positive unit, gradient descent on the log loss of the positives (L2, no bias)."""
    weights = set_weights or {}
    data = [
        (q.features, q.labels / q.labels.sum(), weights.get(q.set_name, 1.0))
        for q in questions
        if q.labels.sum() > 0
    ]
    total = sum(weight for _, _, weight in data)
    w = np.zeros(len(FEATURES))
    for _ in range(steps):
        grad = l2 * w
        for x, target, weight in data:
            s = x @ w
            p = np.exp(s - s.max())
            grad += weight * x.T @ (p / p.sum() - target) / total
        grad[0] = 0.0
        w -= rate * grad
    return w


def logistic_regression(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 30) -> np.ndarray:
    """Newton's method on the L2-penalised log loss (the bias is not penalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def simulate(
    questions: list[Question], calibration: Calibration, max_units: int
) -> list[dict[str, Any]]:
    """What the answerer would answer for each question, without refusing."""
    out = []
    for q in questions:
        if not len(q.units) or q.names_missing:
            out.append({"best": 0.0, "correct": False, "units": 0, "set": q.set_name,
                        "answerable": q.example.answerable, "refusable": False})  # fmt: skip
            continue
        probs = probabilities(q.features, calibration)
        picked = compose(q.units, probs, calibration.more_ratio, max_units)
        text = " ".join(q.units[i].text for i in picked)
        out.append({"best": float(probs.max()), "correct": holds_gold(q.example, text),
                    "units": len(picked), "set": q.set_name,
                    "answerable": q.example.answerable, "refusable": True,
                    "words_min": min(len(q.units[i].text.split()) for i in picked)})  # fmt: skip
    return out


def isotonic_curve(
    x: list[float], y: list[float], min_block: int = 15
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pool-adjacent-violators: a non-decreasing map from x to the observed mean of y, as
    (block mean x, block mean y) points with at least ``min_block`` observations each."""
    order = np.argsort(x)
    blocks: list[list[float]] = []  # [sum_x, sum_y, n]
    for i in order:
        blocks.append([x[i], y[i], 1.0])
        while len(blocks) > 1 and (
            blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]
            or blocks[-2][2] < min_block
        ):
            sx, sy, n = blocks.pop()
            blocks[-1][0] += sx
            blocks[-1][1] += sy
            blocks[-1][2] += n
    if len(blocks) > 1 and blocks[-1][2] < min_block:
        sx, sy, n = blocks.pop()
        blocks[-1] = [blocks[-1][0] + sx, blocks[-1][1] + sy, blocks[-1][2] + n]
    xs = tuple(round(b[0] / b[2], 6) for b in blocks)
    ys = tuple(round(b[1] / b[2], 6) for b in blocks)
    return xs, ys


def choose_threshold(confidences: list[float], correct: list[bool], precision: float) -> float:
    """The lowest confidence from which answers hold the gold at least ``precision`` of the
    time (at least 10 answers); above every confidence when no such point exists."""
    pairs = sorted(zip(confidences, correct, strict=True), reverse=True)
    best = 1.01
    hits = 0
    for n, (c, k) in enumerate(pairs, 1):
        hits += k
        if n >= 10 and hits / n >= precision:
            best = c
    return round(best, 4)


def choose_floor(unanswerable: list[float], refused: float) -> float:
    """The lowest floor that refuses ``refused`` of the unanswerable questions (those refused
    anyway, for naming what the documents never name, count as -1)."""
    ordered = sorted(unanswerable)
    if not ordered:
        return 0.0
    must = int(np.ceil(refused * len(ordered)))
    return round(max(0.0, ordered[must - 1] + 1e-4), 4)


def holds_gold(example: Example, text: str, *, partial: bool = False) -> bool:
    """The text holds the gold answer: every keyword (COVID-QA: the span itself)."""
    if not example.answerable or not example.keywords:
        return False
    if partial and len(example.keywords) == 1:
        return m.contains_evidence(text, example.keywords[0])
    return m.keyword_match(text, example.keywords) == 1.0
