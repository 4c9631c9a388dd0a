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


def write_trust_plots(report: dict[str, Any], out: Path) -> list[Path]:
    """``precision_coverage.png`` and ``calibration.png``, ours and the baseline together."""
    # deferred for start-up time: matplotlib only where needed
    import matplotlib

    matplotlib.use("Agg")
    # deferred for start-up time: matplotlib only where needed
    import matplotlib.pyplot as plt

    summaries = {s: v.get("trust") for s, v in report["summary"].items() if v.get("trust")}
    if not summaries:
        return []
    colors = {"ours": "#1f77b4", "baseline": "#ff7f0e"}
    paths = []
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for system, trust in summaries.items():
        points = [p for p in trust["precision_coverage"] if p["precision"] is not None]
        ax.plot([p["coverage"] for p in points], [p["precision"] for p in points], "o-",
                color=colors.get(system), label=system)  # fmt: skip
        for p in points[::3]:
            ax.annotate(f"≥{p['floor']:.1f}", (p["coverage"], p["precision"]), fontsize=7)
    ax.set_xlabel("coverage (answerable questions answered)")
    ax.set_ylabel("precision when answering")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"{report['dataset']}: precision against coverage by confidence floor")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(out / "precision_coverage.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfectly calibrated")
    for system, trust in summaries.items():
        bins = trust["calibration"]
        ax.plot([b["mean_confidence"] for b in bins], [b["accuracy"] for b in bins], "o-",
                color=colors.get(system), label=system)  # fmt: skip
        for b in bins:
            ax.annotate(f"n={b['n']}", (b["mean_confidence"], b["accuracy"]), fontsize=7)
    ax.set_xlabel("stated confidence")
    ax.set_ylabel("observed share holding the gold answer")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"{report['dataset']}: calibration")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(out / "calibration.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def _share(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None
