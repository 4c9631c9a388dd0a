"""The calibration report: coverage, precision when answering, answer contains gold,
confidence bins and the precision-coverage curve of a calibration on a set of questions."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.answering.selection import Calibration


def evaluate(outcomes: list[dict[str, Any]], calibration: Calibration) -> dict[str, Any]:
    """Coverage, precision when answering, answer-contains-gold, and the calibration table of
    the answers the model would give (``eval.calibrate.simulate``)."""
    rows = []
    for o in outcomes:
        conf = calibration.confidence(o["best"]) if o["refusable"] else 0.0
        answered = o["refusable"] and conf >= calibration.refuse_below
        rows.append((conf, answered, bool(o["correct"]) and answered, o["answerable"], o))
    answerable = [r for r in rows if r[3]]
    answered = [r for r in answerable if r[1]]
    unanswerable = [r for r in rows if not r[3]]
    bins = []
    for lo, hi in ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01)):
        inside = [r for r in rows if r[1] and lo <= r[0] < hi]
        if inside:
            bins.append({"range": [lo, min(hi, 1.0)], "n": len(inside),
                         "mean_confidence": round(float(np.mean([r[0] for r in inside])), 3),
                         "held_gold": round(float(np.mean([r[2] for r in inside])), 3)})  # fmt: skip
    labels: dict[str, dict[str, float]] = {}
    for label in ("high", "medium", "low"):
        inside = [r for r in rows if r[1] and calibration.label(r[0]) == label]
        if inside:
            labels[label] = {
                "n": len(inside),
                "held_gold": round(float(np.mean([r[2] for r in inside])), 3),
            }
    short = [r for r in answered if r[4].get("words_min", 99) <= 5]
    return {
        "questions": len(rows),
        "coverage": _share(len(answered), len(answerable)),
        "precision_when_answering": _share(sum(r[2] for r in answered), len(answered)),
        "answer_contains_gold": _share(sum(r[2] for r in answerable), len(answerable)),
        "unanswerable_refused": _share(sum(not r[1] for r in unanswerable), len(unanswerable)),
        "fragment_answers": _share(len(short), len(answered)),
        "labels": labels,
        "bins": bins,
        "curve": precision_coverage(
            [(r[0], bool(r[4]["correct"])) for r in answerable if r[4]["refusable"]],
            len(answerable),
        ),
    }


def precision_coverage(pairs: list[tuple[float, bool]], total: int) -> list[dict[str, float]]:
    """Precision and coverage when answering only from each confidence floor up."""
    points = []
    for floor in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        kept = [k for c, k in pairs if c >= floor]
        points.append({"floor": floor, "coverage": _share(len(kept), total) or 0.0,
                       "precision": _share(sum(kept), len(kept)) or 0.0})  # fmt: skip
    return points


def _share(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def markdown(report: dict[str, Any]) -> str:
    c = report["calibration"]
    lines = [
        "# Extractive answer calibration",
        "",
        f"refuse below confidence {c['refuse_below']}; high from {c['high']}; medium from "
        f"{c['medium']}; further sentences within {c['more_ratio']} of the best",
        "",
        "| set | questions | coverage | precision when answering | answer contains gold | "
        "unanswerable refused | fragments | high: n / held gold | medium | low |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in report["sets"].items():
        lab = {k: f"{v['n']} / {v['held_gold']:.2f}" for k, v in s["labels"].items()}
        lines.append(
            f"| {name} | {s['questions']} | {s['coverage']} | {s['precision_when_answering']} | "
            f"{s['answer_contains_gold']} | {s['unanswerable_refused']} | {s['fragment_answers']} | "
            f"{lab.get('high', '-')} | {lab.get('medium', '-')} | {lab.get('low', '-')} |"
        )
    lines += ["", "Confidence against observed accuracy (answered questions):", ""]
    for name, s in report["sets"].items():
        cells = ", ".join(
            f"{b['range'][0]:.1f}-{b['range'][1]:.1f}: n={b['n']} conf {b['mean_confidence']:.2f} "
            f"held {b['held_gold']:.2f}"
            for b in s["bins"]
        )
        lines.append(f"- {name}: {cells}")
    return "\n".join(lines) + "\n"
