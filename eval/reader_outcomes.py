"""What the fused reading model would answer, question by question, for a calibration:
the reader's logits of each question's shortlisted units (cached), the simulated answer, and
per set: answered right, refused right, coverage, precision and ``high``'s precision. Used by
``python -m eval.calibrate_reader`` to fit and to report."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from eval.calibrate import Question, holds_gold
from rag.answering.extractive import shortlist
from rag.answering.reader import Reader
from rag.answering.reader_fusion import ReaderCalibration
from rag.answering.selection import FEATURES, compose, load_calibration, probabilities


class Read:
    """One question's shortlisted units with both scores."""

    def __init__(self, q: Question, picked: list[int], logits: np.ndarray, sel: np.ndarray):
        self.q, self.picked, self.logits, self.sel = q, picked, logits, sel


def read_all(questions: list[Question], reader: Reader, cache: Path) -> list[Read]:
    saved: dict[tuple[str, str], float] = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    selection = load_calibration()
    out = []
    for q in questions:
        if not len(q.units) or q.names_missing:
            out.append(Read(q, [], np.zeros(0), np.zeros(0)))
            continue
        probs = probabilities(q.features, selection, q.example.question, q.units)
        picked = shortlist(probs, q.features[:, FEATURES.index("dense")])
        texts = [q.units[i].text for i in picked]
        missing = [t for t in texts if (q.example.question, t) not in saved]
        if missing:
            for t, v in zip(missing, reader.logits(q.example.question, missing), strict=True):
                saved[(q.example.question, t)] = float(v)
        logits = np.array([saved[(q.example.question, t)] for t in texts])
        out.append(Read(q, picked, logits, probs[picked]))
    cache.write_bytes(pickle.dumps(saved))
    return out


def simulate(reads: list[Read], fused: ReaderCalibration, max_units: int) -> list[dict[str, Any]]:
    out = []
    for r in reads:
        q = r.q
        base = {"set": q.set_name, "answerable": q.example.answerable}
        if not r.picked:
            out.append({**base, "best": 0.0, "correct": False, "units": 0, "refusable": False})
            continue
        probs = np.zeros(len(q.units))
        probs[r.picked] = fused.probabilities(r.logits, r.sel)
        chosen = compose(q.units, probs, fused.thresholds.more_ratio, max_units, q.example.question)
        text = " ".join(q.units[i].text for i in chosen)
        out.append({**base, "best": float(probs.max()), "correct": holds_gold(q.example, text),
                    "units": len(chosen), "refusable": True})  # fmt: skip
    return out


def with_thresholds(fused: ReaderCalibration, **changes: Any) -> ReaderCalibration:
    """``fused`` with some of its thresholds (or curve) changed."""
    return dataclasses.replace(fused, thresholds=dataclasses.replace(fused.thresholds, **changes))


def report(reads: list[Read], fused: ReaderCalibration, max_units: int) -> dict[str, Any]:
    """Per set: answered right, refused right, coverage, precision, and ``high``'s precision."""
    t = fused.thresholds
    out: dict[str, Any] = {}
    outcomes = simulate(reads, fused, max_units)
    for name in sorted({o["set"] for o in outcomes}):
        rows = [o for o in outcomes if o["set"] == name]
        ans = [o for o in rows if o["answerable"]]
        una = [o for o in rows if not o["answerable"]]

        def conf(o: dict[str, Any]) -> float:
            return t.confidence(o["best"]) if o["refusable"] else -1.0

        answered = [o for o in ans if conf(o) >= t.refuse_below]
        high = [o for o in rows if conf(o) >= t.high]
        out[name] = {
            "answerable": len(ans),
            "unanswerable": len(una),
            "right": _share(sum(o["correct"] for o in answered), len(ans)),
            "coverage": _share(len(answered), len(ans)),
            "precision": _share(sum(o["correct"] for o in answered), len(answered)),
            "refused": _share(sum(conf(o) < t.refuse_below for o in una), len(una)),
            # answerable answered with the gold, or unanswerable refused
            "handled_right": _share(
                sum(o["correct"] for o in answered) + sum(conf(o) < t.refuse_below for o in una),
                len(rows),
            ),
            "high_n": len(high),
            "high_right": _share(sum(o["correct"] for o in high), len(high)),
        }
    return out


def _share(a: float, b: int) -> float | None:
    return round(a / b, 3) if b else None
