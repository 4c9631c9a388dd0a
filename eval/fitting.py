"""The numerical fits behind the calibration (numpy only): a conditional logit that ranks a
question's units, a logistic scaling, an isotonic confidence curve and thresholds on it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rag.answering.selection import FEATURES


def conditional_logit(
    questions: list[Any],  # eval.calibrate.Question
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
    time (at least 10 answers); above every confidence when no such point exists. Answers of
    one confidence count together (sorted apart, the right ones first would flatter it)."""
    pairs = sorted(zip(confidences, correct, strict=True), key=lambda p: -p[0])
    best = 1.01
    hits = 0
    for n, (c, k) in enumerate(pairs, 1):
        hits += k
        if n < len(pairs) and pairs[n][0] == c:
            continue  # the next answer has this confidence too
        if n >= 10 and hits / n >= precision:
            best = c
    # rounded down: a threshold rounded up would shut out the answers it was read off
    return best if best > 1.0 else math.floor(best * 10_000) / 10_000


def choose_floor(unanswerable: list[float], refused: float) -> float:
    """The lowest floor that refuses ``refused`` of the unanswerable questions (those refused
    anyway, for naming what the documents never name, count as -1)."""
    ordered = sorted(unanswerable)
    if not ordered:
        return 0.0
    must = int(np.ceil(refused * len(ordered)))
    return round(max(0.0, ordered[must - 1] + 1e-4), 4)


def choose_floor_by_accuracy(outcomes: list[tuple[str, float, bool | None]]) -> float:
    """The refusal floor that handles the most questions right, each set weighing the same:
    ``(set, confidence, correct)`` per question, ``correct`` None for an unanswerable one (right
    when refused) and True/False for an answerable one (right when answered and it holds the
    gold); a question that cannot be answered at all has confidence -1. Of floors doing
    equally well, the highest (refusing is the safer mistake)."""
    sets = sorted({s for s, _, _ in outcomes})
    candidates = sorted({round(c + 1e-4, 4) for _, c, _ in outcomes if c >= 0} | {0.0})

    def accuracy(floor: float) -> float:
        shares = []
        for name in sets:
            rows = [(c, k) for s, c, k in outcomes if s == name]
            good = sum((c < floor) if k is None else (c >= floor and k) for c, k in rows)
            shares.append(good / len(rows))
        return float(np.mean(shares))

    best, best_value = 0.0, -1.0
    for floor in candidates:
        value = accuracy(floor)
        if value >= best_value - 1e-12:
            best, best_value = floor, value
    return best
