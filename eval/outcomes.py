"""One outcome per question and system, for the per-question table and plot."""

from __future__ import annotations

from typing import Any

OUTCOMES = ["correct", "partial", "wrong", "refused (should answer)", "refused (right)",
            "answered (should refuse)"]  # fmt: skip
# Without answer keywords, semantic similarity to the reference decides.
SIMILAR_CORRECT = 0.7
SIMILAR_PARTIAL = 0.5


def outcome(record: dict[str, Any], result: dict[str, Any]) -> str:
    if not record["answerable"]:
        return "refused (right)" if result["refused"] else "answered (should refuse)"
    if result["refused"]:
        return "refused (should answer)"
    scores = result["scores"]
    keyword = scores.get("keyword_match")
    if keyword is not None:
        return "correct" if keyword >= 1.0 else "partial" if keyword > 0 else "wrong"
    similarity = scores.get("semantic_similarity") or 0.0
    if similarity >= SIMILAR_CORRECT:
        return "correct"
    return "partial" if similarity >= SIMILAR_PARTIAL else "wrong"


def outcome_counts(report: dict[str, Any], system: str) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for record in report["questions"]:
        if system in record["systems"]:
            counts[outcome(record, record["systems"][system])] += 1
    return counts
