"""How the reading model's score becomes a unit's probability and the answer's confidence.

A unit's probability is a logistic fit of three scores: the reader's score (it read the
question against the unit; its logit, or the logit squashed to a probability so one wrong
reading cannot outweigh everything else), that score's margin under the best shortlisted
unit's, and the selection model's log-odds (retrieval, overlap, answer type). The answer's
confidence is an isotonic curve of its best unit's probability against "the answer held the
gold"; the refusal floor and the ``high``/``medium`` thresholds are read
off that curve. All of it is fitted by ``python -m eval.calibrate_reader`` on a mix of domains
and written to ``reader_calibration.json`` beside this file, with the checksum of the weights
it was fitted for.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.answering.selection import Calibration

log = logging.getLogger(__name__)

READER_CALIBRATION_FILE = Path(__file__).with_name("reader_calibration.json")
_EPS = 1e-6


@dataclass(frozen=True)
class ReaderCalibration:
    """``bias + reader * s + margin * (s - max s) + selection * logodds(p)``, where ``s`` is
    the reader's score in ``form``, then the confidence curve."""

    bias: float
    reader: float
    selection: float
    thresholds: Calibration  # curve, refusal floor, high/medium, further-unit ratio
    weights_sha256: str = ""
    fitted_on: dict[str, object] = field(default_factory=dict)
    margin: float = 0.0
    form: str = "logit"  # the reader's score as its logit, or "prob": sigmoid(logit)

    def scores(self, logits: np.ndarray) -> np.ndarray:
        """The reader's score of each unit in this calibration's form."""
        z = np.asarray(logits, dtype=float)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))) if self.form == "prob" else z

    def probabilities(self, logits: np.ndarray, selection_probs: np.ndarray) -> np.ndarray:
        """Each read unit's probability of answering (``logits``: every shortlisted unit's)."""
        p = np.clip(np.asarray(selection_probs, dtype=float), _EPS, 1 - _EPS)
        s = self.scores(logits)
        z = self.bias + self.reader * s + self.selection * np.log(p / (1 - p))
        if len(s):
            z = z + self.margin * (s - s.max())
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self) -> dict[str, object]:
        t = self.thresholds
        return {
            "weights": {
                "bias": self.bias,
                "reader": self.reader,
                "selection": self.selection,
                "margin": self.margin,
            },
            "form": self.form,
            "curve": [[x, y] for x, y in zip(t.curve_x, t.curve_y, strict=True)],
            "refuse_below": t.refuse_below,
            "high": t.high,
            "medium": t.medium,
            "more_ratio": t.more_ratio,
            "weights_sha256": self.weights_sha256,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_json(cls, data: dict) -> ReaderCalibration:
        curve = [tuple(p) for p in data.get("curve") or []]
        thresholds = Calibration(
            weights=(),
            curve_x=tuple(float(x) for x, _ in curve),
            curve_y=tuple(float(y) for _, y in curve),
            refuse_below=float(data["refuse_below"]),
            high=float(data["high"]),
            medium=float(data["medium"]),
            more_ratio=float(data["more_ratio"]),
            supported=0.5,
        )
        w = data["weights"]
        return cls(
            bias=float(w["bias"]),
            reader=float(w["reader"]),
            selection=float(w["selection"]),
            margin=float(w.get("margin", 0.0)),
            form=str(data.get("form") or "logit"),
            thresholds=thresholds,
            weights_sha256=str(data.get("weights_sha256") or ""),
            fitted_on=dict(data.get("fitted_on") or {}),
        )


@lru_cache(maxsize=4)
def load_reader_calibration(path: Path = READER_CALIBRATION_FILE) -> ReaderCalibration:
    return ReaderCalibration.from_json(json.loads(path.read_text(encoding="utf-8")))


def check_fitted_for(calibration: ReaderCalibration, fingerprint: str) -> None:
    """Warn when the installed weights are not those the calibration was fitted for."""
    if calibration.weights_sha256 and fingerprint and calibration.weights_sha256 != fingerprint:
        log.warning(
            "the reading model's weights (sha256 %s…) are not those %s was fitted for "
            "(%s…): confidences may not hold; refit with `python -m eval.calibrate_reader`",
            fingerprint[:12], READER_CALIBRATION_FILE.name, calibration.weights_sha256[:12],
        )  # fmt: skip
