"""Coverage, precision when answering, the precision-coverage curve and calibration bins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.trust import is_correct, trust_summary, write_trust_plots


def record(refused: bool, confidence: float, keyword: float | None, answerable: bool = True,
           similarity: float | None = None) -> dict[str, Any]:  # fmt: skip
    scores: dict[str, Any] = {"keyword_match": keyword, "semantic_similarity": similarity}
    result = {"refused": refused, "confidence": confidence, "scores": scores,
              "confidence_label": "high" if confidence >= 0.9 else "low"}  # fmt: skip
    return {"answerable": answerable, "systems": {"ours": result}}


def test_trust_metrics_count_refusals_against_coverage_and_wrong_answers_against_precision() -> (
    None
):
    records = [
        record(False, 0.95, 1.0),
        record(False, 0.92, 1.0),
        record(False, 0.5, 0.0),  # answered, wrong
        record(True, 0.1, 0.0),  # refused
        record(False, 0.3, 1.0, answerable=False),  # unanswerable: left out of these rates
    ]
    trust = trust_summary(records, "ours")
    assert trust["coverage"] == 0.75
    assert trust["precision_when_answering"] == round(2 / 3, 4)
    assert trust["answer_contains_gold"] == 0.5
    top = next(p for p in trust["precision_coverage"] if p["floor"] == 0.9)
    assert top == {"floor": 0.9, "coverage": 0.5, "precision": 1.0}
    high = next(b for b in trust["calibration"] if b["range"] == [0.9, 1.0])
    assert high["n"] == 2 and high["accuracy"] == 1.0
    assert trust["by_label"]["high"] == {"n": 2, "correct": 1.0}
    assert trust["by_label"]["low"] == {"n": 2, "correct": 0.0}  # the unanswerable one counts


def test_sets_without_keywords_judge_by_semantic_similarity() -> None:
    assert is_correct(record(False, 0.5, None, similarity=0.75)["systems"]["ours"]) is True
    assert is_correct(record(False, 0.5, None, similarity=0.6)["systems"]["ours"]) is False
    assert is_correct(record(False, 0.5, None)["systems"]["ours"]) is None


def test_plots_are_written_for_each_system(tmp_path: Path) -> None:
    records = [record(False, 0.95, 1.0), record(False, 0.5, 0.0), record(True, 0.1, 0.0)]
    trust = trust_summary(records, "ours")
    report = {"dataset": "t", "summary": {"ours": {"trust": trust}, "baseline": {"trust": trust}}}
    paths = write_trust_plots(report, tmp_path)
    assert [p.name for p in paths] == ["precision_coverage.png", "calibration.png"]
    assert all(p.stat().st_size > 1000 for p in paths)
