"""PNG plots of a report (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.outcomes import OUTCOMES, outcome

# Rates in 0..1 shown in the comparison chart, in this order.
RATE_METRICS = ["hit@1", "hit@k", "mrr", "doc_hit@k", "keyword_match", "token_f1",
                "semantic_similarity", "citation_precision", "citation_recall",
                "refusal_precision", "refusal_recall", "judge_faithfulness"]  # fmt: skip
COLORS = {"ours": "#1f77b4", "baseline": "#ff7f0e", "ours-dense": "#2ca02c",
          "ours-bm25": "#9467bd", "ours-hybrid": "#1f77b4", "ours-no-reader": "#8c564b"}  # fmt: skip
OUTCOME_COLORS = ["#2ca02c", "#bcbd22", "#d62728", "#9467bd", "#17becf", "#e377c2"]


def write_plots(report: dict[str, Any], out: Path) -> list[Path]:
    # deferred for start-up time: matplotlib only where needed
    import matplotlib

    matplotlib.use("Agg")
    out.mkdir(parents=True, exist_ok=True)
    return [
        _metrics_chart(report, out / "metrics_vs_baseline.png"),
        _latency_chart(report, out / "latency.png"),
        _outcomes_chart(report, out / "outcomes.png"),
    ]


def _metrics_chart(report: dict[str, Any], path: Path) -> Path:
    # deferred for start-up time: matplotlib only where needed
    import matplotlib.pyplot as plt

    summary = report["summary"]
    names = [m for m in RATE_METRICS if any(s.get(m) is not None for s in summary.values())]
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(names) * len(summary) + 1.5))
    height = 0.8 / len(summary)
    for n, (system, values) in enumerate(summary.items()):
        ys = [i + n * height for i in range(len(names))]
        xs = [values.get(m) or 0.0 for m in names]
        label = f"{system} (top-{values.get('top_k')})"
        bars = ax.barh(ys, xs, height=height, label=label, color=COLORS.get(system))
        ax.bar_label(bars, labels=[_fmt(values.get(m)) for m in names], fontsize=7, padding=2)
    ax.set_yticks([i + height * (len(summary) - 1) / 2 for i in range(len(names))], names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_title(f"{report['dataset']}: {len(report['questions'])} questions")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _latency_chart(report: dict[str, Any], path: Path) -> Path:
    # deferred for start-up time: matplotlib only where needed
    import matplotlib.pyplot as plt

    systems = list(report["summary"])
    data = [[r["systems"][s]["latency_ms"] for r in report["questions"]] for s in systems]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.hist(data, bins=30, label=systems, color=[COLORS.get(s, "grey") for s in systems], alpha=0.8)
    for s in systems:
        p50, p95 = report["summary"][s]["latency_p50_ms"], report["summary"][s]["latency_p95_ms"]
        ax.axvline(p50, color=COLORS.get(s), linestyle="--", linewidth=1)
        ax.axvline(p95, color=COLORS.get(s), linestyle=":", linewidth=1)
    ax.set_xlabel("latency per question (ms); dashed p50, dotted p95")
    ax.set_ylabel("questions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _outcomes_chart(report: dict[str, Any], path: Path) -> Path:
    # deferred for start-up time: matplotlib only where needed
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    systems = list(report["summary"])
    questions = report["questions"]
    grid = [[OUTCOMES.index(outcome(r, r["systems"][s])) for r in questions] for s in systems]
    fig, ax = plt.subplots(figsize=(max(8, min(24, len(questions) * 0.06)), 1.2 + len(systems)))
    ax.imshow(grid, aspect="auto", cmap=ListedColormap(OUTCOME_COLORS), vmin=0,
              vmax=len(OUTCOMES) - 1, interpolation="nearest")  # fmt: skip
    ax.set_yticks(range(len(systems)), systems)
    ax.set_xlabel("question (report order)")
    ax.legend(
        handles=[Patch(color=c, label=o) for c, o in zip(OUTCOME_COLORS, OUTCOMES, strict=True)],
        loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=3, fontsize=8,
    )  # fmt: skip
    ax.set_title("per-question outcome")
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
