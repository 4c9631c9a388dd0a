"""Score one system's answer to one gold question, and aggregate many such scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval import metrics as m
from eval.examples import Example
from rag.models import Answer


def score_answer(example: Example, answer: Answer, top_k: int) -> dict[str, Any]:
    """Everything about one answer: what was retrieved and cited, relevance, scores.

    Semantic similarity and judge scores are added later, in batches.
    """
    ev, docs = example.evidence, example.gold_docs
    retrieved = [
        {
            "source": p.source,
            "page": p.page,
            "score": round(p.score, 6),
            "relevant": m.is_relevant(p.text, p.source, ev, docs),
            "doc_relevant": m.matches_document(p.source, docs) if docs else None,
        }
        for p in answer.retrieved
    ]
    cited_docs = docs + example.gold_citations
    citations = [
        {
            "id": c.id,
            "source": c.source,
            "page": c.page,
            "text": c.text,
            "highlight": c.highlight,
            "supported": c.supported,
            "relevant": m.is_relevant(c.text, c.source, ev, cited_docs),
        }
        for c in answer.citations
    ]
    scores: dict[str, Any] = {"refused": answer.refused}
    if example.answerable:
        scores.update(_retrieval_scores(retrieved, top_k, has_docs=bool(docs)))
        scores.update(_correctness_scores(example, answer))
        scores.update(_citation_scores(example, answer, citations))
    return {
        "answer": answer.answer,
        "refused": answer.refused,
        "confidence": answer.confidence,
        "confidence_label": answer.confidence_label,
        "citations": citations,
        "retrieved": retrieved,
        "scores": scores,
    }


def _retrieval_scores(
    retrieved: list[dict[str, Any]], top_k: int, has_docs: bool
) -> dict[str, Any]:
    flags = [r["relevant"] for r in retrieved]
    if all(f is None for f in flags):
        return {}
    rank = m.first_relevant_rank([bool(f) for f in flags])
    out: dict[str, Any] = {
        "rank": rank,
        "hit@1": m.hit_at_k(rank, 1),
        "hit@k": m.hit_at_k(rank, top_k),
        "mrr": m.reciprocal_rank(rank),
    }
    if has_docs:
        doc_rank = m.first_relevant_rank([bool(r["doc_relevant"]) for r in retrieved])
        out["doc_hit@k"] = m.hit_at_k(doc_rank, top_k)
        out["doc_mrr"] = m.reciprocal_rank(doc_rank)
    return out


def _correctness_scores(example: Example, answer: Answer) -> dict[str, Any]:
    if answer.refused:
        keyword = 0.0 if example.keywords else None
        return {"keyword_match": keyword, "token_f1": 0.0}
    return {
        "keyword_match": m.keyword_match(answer.answer, example.keywords),
        "token_f1": m.token_f1(answer.answer, example.reference_answer),
    }


def _citation_scores(
    example: Example, answer: Answer, citations: list[dict[str, Any]]
) -> dict[str, Any]:
    precision = m.citation_precision([bool(c["relevant"]) for c in citations])
    if example.evidence:
        covered = [
            any(m.contains_evidence(c.text, e) for c in answer.citations) for e in example.evidence
        ]
    else:
        wanted = example.gold_citations or example.gold_docs
        covered = [any(m.matches_document(c.source, [w]) for c in answer.citations) for w in wanted]
    recall = m.evidence_recall(covered)
    if precision is None and recall is None:
        return {}
    return {"citation_precision": precision, "citation_recall": recall}


# Metric name -> how it is aggregated from per-question scores (all are means).
AGGREGATED = [
    "hit@1",
    "hit@k",
    "mrr",
    "doc_hit@k",
    "doc_mrr",
    "keyword_match",
    "token_f1",
    "semantic_similarity",
    "citation_precision",
    "citation_recall",
    "judge_correctness",
    "judge_faithfulness",
]


def aggregate(
    examples: Sequence[Example], results: Sequence[dict[str, Any]], latencies: Sequence[float]
) -> dict[str, Any]:
    """Means over the questions each metric applies to, refusal scores and latency percentiles."""
    out: dict[str, Any] = {}
    for name in AGGREGATED:
        values = [r["scores"].get(name) for r in results]
        value = m.mean(values)
        if value is not None:
            out[name] = round(value, 4)
            out[f"n_{name}"] = sum(v is not None for v in values)
    refusal = m.refusal_scores(
        [bool(r["refused"]) for r in results], [e.answerable for e in examples]
    )
    out.update({k: None if v is None else round(v, 4) for k, v in refusal.items()})
    out["latency_p50_ms"] = _round(m.percentile(latencies, 50))
    out["latency_p95_ms"] = _round(m.percentile(latencies, 95))
    out["questions"] = len(results)
    out["answerable"] = sum(e.answerable for e in examples)
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
