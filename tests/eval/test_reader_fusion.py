"""How the reading model's score becomes a unit's probability (rag/answering/reader_fusion.py)
and how the refusal floor is fitted (eval/fitting.py): numbers, no models."""

from __future__ import annotations

import numpy as np
import pytest

from eval.fitting import choose_floor_by_accuracy
from rag.answering.reader_fusion import ReaderCalibration
from rag.answering.selection import Calibration

THRESHOLDS = Calibration((), (0.1, 0.9), (0.2, 0.95), 0.3, 0.8, 0.5, 0.7, 0.5)


def test_the_fused_probability_rises_with_both_scores_and_survives_json() -> None:
    fused = ReaderCalibration(-0.5, 0.4, 0.6, THRESHOLDS, "abc", margin=0.3)
    probs = fused.probabilities(np.array([2.0, -1.0, 2.0]), np.array([0.5, 0.5, 0.8]))
    assert probs[0] > probs[1]  # the reader prefers it, the selection model is indifferent
    assert probs[2] > probs[0]  # the reader is indifferent, the selection model prefers it
    # with the margin, a unit is judged against the best one read for the same question
    alone = fused.probabilities(np.array([-1.0]), np.array([0.5]))
    assert alone[0] > probs[1]  # the same scores, but no better unit beside it
    again = ReaderCalibration.from_json(fused.to_json())
    assert again == ReaderCalibration(-0.5, 0.4, 0.6, THRESHOLDS, "abc", {}, 0.3, "logit")


def test_the_prob_form_bounds_what_one_reading_can_take_away() -> None:
    logit = ReaderCalibration(0.0, 1.0, 1.0, THRESHOLDS)
    prob = ReaderCalibration(0.0, 1.0, 1.0, THRESHOLDS, form="prob")
    sel = np.array([0.9])
    assert logit.probabilities(np.array([-8.0]), sel)[0] < 0.01
    assert prob.probabilities(np.array([-8.0]), sel)[0] > 0.85  # at most 1 off the log-odds


def test_the_floor_handles_the_most_questions_of_each_set_right() -> None:
    rows: list[tuple[str, float, bool | None]] = [
        ("a", 0.9, True), ("a", 0.6, True), ("a", 0.4, False), ("a", 0.35, None),
        ("b", 0.8, True), ("b", 0.5, None), ("b", 0.45, None), ("b", -1.0, None),
    ]  # fmt: skip
    # at 0.5001: a answers 0.9 and 0.6 right and refuses the rest (3 of 4 right);
    # b answers 0.8 and refuses all three unanswerable ones (4 of 4)
    assert choose_floor_by_accuracy(rows) == pytest.approx(0.5001)
    # of floors doing equally well the highest: with nothing to tell them apart, refuse more
    tie: list[tuple[str, float, bool | None]] = [("a", 0.9, True), ("a", 0.2, False)]
    assert choose_floor_by_accuracy(tie) == pytest.approx(0.2001)
