"""Write a report: ``report.json`` (everything), ``report.md`` (for people) and the plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.outcomes import OUTCOMES, outcome, outcome_counts

# (key in the summary, label, how to show it)
ROWS = [
    ("hit@1", "retrieval hit@1", "rate"),
    ("hit@k", "retrieval hit@k", "rate"),
    ("mrr", "retrieval MRR", "rate"),
    ("doc_hit@k", "document hit@k", "rate"),
    ("doc_mrr", "document MRR", "rate"),
    ("keyword_match", "answer keyword match", "rate"),
    ("token_f1", "answer token F1", "rate"),
    ("semantic_similarity", "answer semantic similarity", "rate"),
    ("coverage", "coverage (answerable answered)", "rate"),
    ("precision_when_answering", "precision when answering", "rate"),
    ("answer_contains_gold", "answer contains gold", "rate"),
    ("citation_precision", "citation precision", "rate"),
    ("citation_recall", "citation recall", "rate"),
    ("refusal_precision", "refusal precision", "rate"),
    ("refusal_recall", "refusal recall", "rate"),
    ("false_refusal_rate", "answerable questions refused", "rate"),
    ("judge_correctness", "LLM judge correctness (1-5)", "score"),
    ("judge_faithfulness", "LLM judge faithfulness", "rate"),
    ("latency_p50_ms", "latency p50 (ms)", "ms"),
    ("latency_p95_ms", "latency p95 (ms)", "ms"),
]


def write_report(report: dict[str, Any], out: Path) -> list[Path]:
    """Write all report files into ``out``; returns their paths."""
    # deferred for start-up time: modules that pull in heavy libraries
    from eval.plots import write_plots
    from eval.trust import write_trust_plots

    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "report.json"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    plots = write_plots(report, out) + write_trust_plots(report, out)
    md_path = out / "report.md"
    md_path.write_text(render_markdown(report, [p.name for p in plots]), encoding="utf-8")
    return [json_path, md_path, *plots]


def render_markdown(report: dict[str, Any], plots: list[str]) -> str:
    systems = list(report["summary"])
    lines = [f"# Evaluation: {report['dataset']}", ""]
    first = next(iter(report["summary"].values()))
    lines.append(
        f"{first['questions']} questions ({first['answerable']} answerable), "
        f"{report['documents']['ingested']} documents; created {report['created']}."
    )
    sample = report.get("sample") or {}
    if sample.get("limit"):
        lines.append(f"Fixed random sample: --limit {sample['limit']} --seed {sample['seed']}.")
    lines += ["", "Settings: " + ", ".join(f"{k}={v}" for k, v in report["settings"].items())]
    if report.get("baseline"):
        lines += ["", f"Baseline: {report['baseline']['pipeline']}."]
    if report.get("judge"):
        lines += ["", f"Judge model: {report['judge']}."]
    for note in report.get("notes") or []:
        lines.append(f"- {note}")
    lines += ["", "## Summary", "", summary_table(report), ""]
    lines += ["## Retrieval", "", retrieval_table(report), ""]
    if len(report["summary"]) > 1:
        lines += [LATENCY_NOTE, ""]
    lines += ["## Outcomes", "", "| outcome | " + " | ".join(systems) + " |",
              "| --- |" + " ---: |" * len(systems)]  # fmt: skip
    counts = {s: outcome_counts(report, s) for s in systems}
    for name in OUTCOMES:
        lines.append(f"| {name} | " + " | ".join(str(counts[s][name]) for s in systems) + " |")
    lines += [""] + [f"![{p}]({p})" for p in plots] + [""]
    lines += ["## Questions", "", "| id | question | " + " | ".join(systems) + " |",
              "| --- | --- |" + " --- |" * len(systems)]  # fmt: skip
    for r in report["questions"]:
        cells = [outcome(r, r["systems"][s]) for s in systems]
        question = r["question"].replace("|", "\\|")
        question = question if len(question) <= 90 else question[:87] + "..."
        lines.append(f"| {r['id']} | {question} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summary_table(report: dict[str, Any]) -> str:
    """Metric rows, one column per system; rows no system has are left out."""
    summary = report["summary"]
    systems = list(summary)
    header = "| metric | " + " | ".join(f"{s} (top-{summary[s]['top_k']})" for s in systems) + " |"
    lines = [header, "| --- |" + " ---: |" * len(systems)]
    for key, label, kind in ROWS:
        values = [summary[s].get(key) for s in systems]
        if all(v is None for v in values):
            continue
        lines.append(f"| {label} | " + " | ".join(_fmt(v, kind) for v in values) + " |")
    return "\n".join(lines)


# The engines of one run share the embedding model and its cache (rag/encoder.py).
LATENCY_NOTE = (
    "Latencies of systems in one run are not comparable: the first system to ask a question "
    "embeds it and the sentences of its passages; the others find most of them in the shared "
    "embedding cache. Compare latency across runs of one system each."
)
RETRIEVAL_COLUMNS = [("hit@k", "hit@k"), ("mrr", "MRR"), ("hit@1", "hit@1"),
                     ("doc_hit@k", "doc hit@k"), ("doc_mrr", "doc MRR")]  # fmt: skip


def retrieval_table(report: dict[str, Any]) -> str:
    """One row per system (``rag eval --retrieval dense,bm25,hybrid``: one per mode).

    Hit and MRR are :mod:`eval.metrics`' ``hit_at_k`` and ``reciprocal_rank`` over the first
    passage holding gold evidence, as in the summary; columns no system has are left out.
    """
    summary = report["summary"]
    columns = [(k, label) for k, label in RETRIEVAL_COLUMNS
               if any(s.get(k) is not None for s in summary.values())]  # fmt: skip
    lines = ["| system | top-k | questions | " + " | ".join(lbl for _, lbl in columns) + " |",
             "| --- | ---: | ---: |" + " ---: |" * len(columns)]  # fmt: skip
    for name, s in summary.items():
        cells = [_fmt(s.get(k), "rate") for k, _ in columns]
        n = s.get("n_hit@k", s["answerable"])
        lines.append(f"| {name} | {s['top_k']} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "ms":
        return f"{value:.0f}"
    return f"{value:.2f}" if kind == "score" else f"{value:.3f}"
