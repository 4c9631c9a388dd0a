"""How far answers can be trusted: coverage, precision when answering, and whether the stated
confidence matches what happens.

An answer to an answerable question is *correct* when it holds the gold answer: every answer
keyword (COVID-QA: the gold span itself, so this is "answer contains gold"), or, for sets
without keywords (SEC 10-Q), a semantic similarity to the reference of at least 0.7.

- coverage: share of answerable questions answered (not refused);
- precision when answering: share of those answers that are correct;
- answer contains gold: share of answerable questions whose answer is correct;
- precision-coverage curve: both, when only answers at or above each confidence are kept;
- calibration: answers binned by confidence against the share of them that was correct.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.plots import COLORS

SIMILAR_ENOUGH = 0.7  # the README's "correct" for sets without keywords (semantic similarity)
FLOORS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.0))


def is_correct(result: dict[str, Any]) -> bool | None:
    """Whether an answer to an answerable question holds the gold; None when unknown."""
    if result["refused"]:
        return False
    scores = result["scores"]
    if scores.get("keyword_match") is not None:
        return bool(scores["keyword_match"] >= 1.0)
    if scores.get("semantic_similarity") is not None:
        return bool(scores["semantic_similarity"] >= SIMILAR_ENOUGH)
    return None


def trust_summary(records: list[dict[str, Any]], system: str) -> dict[str, Any]:
    """The trust metrics of one system over the answerable questions of a report."""
    rows = []
    for record in records:
        result = record["systems"][system]
        if not record["answerable"]:
            continue
        correct = is_correct(result)
        if correct is None:
            continue
        rows.append((result.get("confidence") or 0.0, not result["refused"], correct))
    if not rows:
        return {}
    answered = [r for r in rows if r[1]]
    by_label: dict[str, dict[str, float]] = {}
    for record in records:
        result = record["systems"][system]
        label = result.get("confidence_label")
        correct = is_correct(result) if record["answerable"] else False
        if result["refused"] or label is None or correct is None:
            continue
        entry = by_label.setdefault(label, {"n": 0, "correct": 0})
        entry["n"] += 1
        entry["correct"] += correct
    return {
        "coverage": _share(len(answered), len(rows)),
        "precision_when_answering": _share(sum(r[2] for r in answered), len(answered)),
        "answer_contains_gold": _share(sum(r[2] for r in rows), len(rows)),
        "precision_coverage": [
            {
                "floor": floor,
                "coverage": _share(sum(1 for r in answered if r[0] >= floor), len(rows)),
                "precision": _share(
                    sum(r[2] for r in answered if r[0] >= floor),
                    sum(1 for r in answered if r[0] >= floor),
                ),
            }
            for floor in FLOORS
        ],
        "calibration": [
            {
                "range": [lo, hi],
                "n": len(inside),
                "mean_confidence": _share(sum(r[0] for r in inside), len(inside)),
                "accuracy": _share(sum(r[2] for r in inside), len(inside)),
            }
            for lo, hi in BINS
            if (inside := [r for r in answered if lo <= r[0] < hi or (hi == 1.0 and r[0] == 1.0)])
        ],
        "by_label": {
            k: {"n": v["n"], "correct": _share(v["correct"], v["n"])} for k, v in by_label.items()
        },
    }


# One point of a curve: x, y and the note written beside it (None: no note).
Point = tuple[float, float, str | None]


def write_trust_plots(report: dict[str, Any], out: Path) -> list[Path]:
    """``precision_coverage.png`` and ``calibration.png``, ours and the baseline together."""
    summaries = {s: v.get("trust") for s, v in report["summary"].items() if v.get("trust")}
    if not summaries:
        return []
    coverage: dict[str, list[Point]] = {}
    calibration: dict[str, list[Point]] = {}
    for system, trust in summaries.items():
        points = [p for p in trust["precision_coverage"] if p["precision"] is not None]
        coverage[system] = [
            (p["coverage"], p["precision"], f"≥{p['floor']:.1f}" if k % 3 == 0 else None)
            for k, p in enumerate(points)
        ]
        calibration[system] = [
            (b["mean_confidence"], b["accuracy"], f"n={b['n']}") for b in trust["calibration"]
        ]
    name = report["dataset"]
    return [
        _plot_curves(
            out / "precision_coverage.png",
            coverage,
            title=f"{name}: precision against coverage by confidence floor",
            xlabel="coverage (answerable questions answered)",
            ylabel="precision when answering",
        ),  # fmt: skip
        _plot_curves(
            out / "calibration.png",
            calibration,
            title=f"{name}: calibration",
            xlabel="stated confidence",
            ylabel="observed share holding the gold answer",
            diagonal="perfectly calibrated",
        ),  # fmt: skip
    ]


def _plot_curves(
    path: Path,
    curves: dict[str, list[Point]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    diagonal: str | None = None,
) -> Path:
    """One curve per system on the unit square, its points annotated; ``diagonal`` labels a
    dotted y = x line drawn first."""
    # deferred for start-up time: matplotlib only where needed
    import matplotlib

    matplotlib.use("Agg")
    # deferred for start-up time: matplotlib only where needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    if diagonal is not None:
        ax.plot([0, 1], [0, 1], ":", color="grey", label=diagonal)
    for system, points in curves.items():
        ax.plot([x for x, _, _ in points], [y for _, y, _ in points], "o-",
                color=COLORS.get(system), label=system)  # fmt: skip
        for x, y, note in points:
            if note is not None:
                ax.annotate(note, (x, y), fontsize=7)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _share(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None
