"""Every metric on small hand-made cases whose values are worked out by hand."""

from __future__ import annotations

import pytest

from eval import metrics as m
from eval.examples import Example
from eval.scoring import aggregate, score_answer
from rag.models import Answer, Citation, Passage


def test_token_f1_known_values() -> None:
    # prediction tokens: macron said no troops (4); reference: macron (1); common 1
    # precision 1/4, recall 1/1 -> F1 = 2 * 0.25 * 1 / 1.25 = 0.4
    assert m.token_f1("Macron said: no troops [1]", "Macron") == pytest.approx(0.4)
    assert m.token_f1("The London summit.", "london summit") == pytest.approx(1.0)
    assert m.token_f1("Paris", "London") == 0.0
    assert m.token_f1("", "") == 1.0
    assert m.token_f1("", "London") == 0.0


def test_tokens_drop_citation_marks_articles_and_punctuation() -> None:
    assert m.tokens("The “truce” in the air [2] [10].") == ["truce", "in", "air"]


def test_keyword_match_is_the_share_of_keywords_found() -> None:
    answer = "He proposed a month-long “truce in the air, on the seas” [1]"
    assert m.keyword_match(answer, ["truce", "air", "seas", "energy"]) == pytest.approx(0.75)
    assert m.keyword_match(answer, ["TRUCE IN THE AIR"]) == 1.0  # case and quotes normalized
    assert m.keyword_match(answer, []) is None


def test_a_gold_span_with_the_documents_reference_marks_matches_the_sentence_quoting_it() -> None:
    # the quoted sentence keeps "[39]" and "[40]", the answer adds its citation "[1]"; all
    # bracketed numbers are dropped from both sides (before: 0.0, the answer's were dropped)
    answer = "DPIs delivered insulin [39] and low-molecular-weight heparin [40] ; thus, ... [1]"
    gold = "insulin [39] and low-molecular-weight heparin [40]"
    assert m.keyword_match(answer, [gold]) == 1.0
    assert m.keyword_match("insulin and heparin [1]", [gold]) == 0.0


def test_cosine() -> None:
    assert m.cosine([1.0, 0.0], [0.0, 2.0]) == 0.0
    assert m.cosine([1.0, 1.0], [2.0, 2.0]) == pytest.approx(1.0)
    assert m.cosine([1.0, 0.0], [1.0, 1.0]) == pytest.approx(2**-0.5)
    assert m.cosine([0.0, 0.0], [1.0, 1.0]) == 0.0


def test_contains_evidence_exact_normalized_and_partial() -> None:
    passage = (
        "Meloni said “the presence of Italian troops in Ukraine has never been on the agenda.”"
    )
    assert m.contains_evidence(passage, '"the presence of Italian troops  in Ukraine')
    evidence = "troops in Ukraine has never been on the agenda. A second sentence in the next chunk"
    # the passage holds 48 of the evidence's 83 chars contiguously: 0.58 < 0.6
    assert not m.contains_evidence(passage, evidence)
    assert m.contains_evidence(passage, evidence[:70])  # 48 of 70 = 0.69
    assert not m.contains_evidence(passage, "Starmer")
    assert not m.contains_evidence(passage, "")


def test_document_patterns_match_file_names() -> None:
    assert m.matches_document("/data/source_files/2023 Q3 AAPL.pdf", ["*2023 Q3 AAPL*"])
    assert not m.matches_document("/data/source_files/2023 Q2 AAPL.pdf", ["*2023 Q3 AAPL*"])
    assert m.matches_document("/cache/630.txt", ["630.txt"])
    assert m.matches_document("/cache/630.txt", ["630"])  # a bare name matches any extension
    assert not m.matches_document("/cache/1630.txt", ["630.txt"])


def test_relevance_uses_evidence_then_documents() -> None:
    assert m.is_relevant("x Macron said y", "/a/1.txt", ["Macron said"], []) is True
    assert m.is_relevant("x Macron said y", "/a/2.txt", ["Macron said"], ["1.txt"]) is False
    assert m.is_relevant("anything", "/a/1.txt", [], ["1.txt"]) is True
    assert m.is_relevant("anything", "/a/1.txt", [], []) is None


def test_ranks_hits_and_reciprocal_rank() -> None:
    rank = m.first_relevant_rank([False, False, True, True])
    assert rank == 3
    assert m.hit_at_k(rank, 2) == 0.0
    assert m.hit_at_k(rank, 3) == 1.0
    assert m.reciprocal_rank(rank) == pytest.approx(1 / 3)
    assert m.first_relevant_rank([False]) is None
    assert m.hit_at_k(None, 5) == 0.0
    assert m.reciprocal_rank(None) == 0.0


def test_citation_precision_and_recall() -> None:
    assert m.citation_precision([True, False, True, True]) == pytest.approx(0.75)
    assert m.citation_precision([]) is None
    assert m.evidence_recall([True, False]) == pytest.approx(0.5)
    assert m.evidence_recall([]) is None


def test_refusal_scores() -> None:
    # 4 unanswerable (last four), refused: 2 of them plus 1 answerable
    refused = [True, False, False, True, True, False, False]
    answerable = [True, True, True, False, False, False, False]
    got = m.refusal_scores(refused, answerable)
    assert got["refusal_precision"] == pytest.approx(2 / 3)
    assert got["refusal_recall"] == pytest.approx(2 / 4)
    assert got["false_refusal_rate"] == pytest.approx(1 / 3)
    none = m.refusal_scores([False, False], [True, True])
    assert none["refusal_precision"] is None and none["refusal_recall"] is None


def test_percentiles_interpolate() -> None:
    values = [100.0, 200.0, 300.0, 400.0, 1000.0]
    assert m.percentile(values, 50) == 300.0
    assert m.percentile(values, 95) == pytest.approx(400 + 0.8 * 600)  # pos 3.8
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None
    assert m.mean([1.0, None, 3.0]) == 2.0
    assert m.mean([None]) is None


def _passage(n: int, text: str, source: str = "/docs/a.txt") -> Passage:
    return Passage(f"c{n}", "d", source, text, 1.0 - n / 10, n * 100, n * 100 + len(text))


def _citation(p: Passage, cid: int) -> Citation:
    return Citation(cid, p.source, p.text, p.score, p.start_char, p.end_char, None, p.chunk_id)


def test_score_answer_on_a_hand_made_answer() -> None:
    example = Example(
        id="q1",
        question="Who met in London?",
        reference_answer="European leaders met in London.",
        keywords=["leaders", "London", "Sunday"],
        evidence=["European leaders met in London", "They agreed on a plan"],
    )
    passages = [
        _passage(0, "Nothing relevant here."),
        _passage(1, "On Sunday European leaders met in London."),
        _passage(2, "Later they agreed on a plan."),
    ]
    answer = Answer(
        "Who met in London?",
        "On Sunday European leaders met in London. [1] Nothing relevant here. [2]",
        False,
        "extractive",
        citations=[_citation(passages[1], 1), _citation(passages[0], 2)],
        retrieved=passages,
    )
    scores = score_answer(example, answer, top_k=3)["scores"]
    assert scores["rank"] == 2
    assert scores["hit@1"] == 0.0 and scores["hit@k"] == 1.0
    assert scores["mrr"] == pytest.approx(0.5)
    assert scores["keyword_match"] == 1.0
    assert scores["citation_precision"] == pytest.approx(0.5)  # 1 of 2 cited passages
    assert scores["citation_recall"] == pytest.approx(0.5)  # 1 of 2 evidence texts cited
    # 10 answer tokens (on sunday european leaders met in london nothing relevant here); the
    # reference has 5 (european leaders met in london), all found: P = 5/10, R = 1, F1 = 2/3
    assert scores["token_f1"] == pytest.approx(2 / 3)


def test_score_answer_document_level_and_refusal() -> None:
    example = Example(
        id="q2",
        question="What were AAPL sales?",
        reference_answer="$81,797 million",
        gold_docs=["*2023 Q3 AAPL*"],
        gold_citations=["2023 Q3 AAPL.pdf", "2023 Q2 AAPL.pdf"],
    )
    passages = [
        _passage(0, "sales", "/sec/2023 Q3 MSFT.pdf"),
        _passage(1, "sales", "/sec/2023 Q3 AAPL.pdf"),
    ]
    answered = Answer("q", "sales [1]", False, "x", [_citation(passages[1], 1)], {}, passages)
    scores = score_answer(example, answered, top_k=2)["scores"]
    assert scores["mrr"] == pytest.approx(0.5) and scores["doc_mrr"] == pytest.approx(0.5)
    assert scores["citation_precision"] == 1.0
    assert scores["citation_recall"] == pytest.approx(0.5)  # Q3 cited, Q2 not
    refused = Answer("q", "I could not find it.", True, "x", [], {}, passages)
    scores = score_answer(example, refused, top_k=2)["scores"]
    assert scores["token_f1"] == 0.0 and scores["keyword_match"] is None
    assert scores["citation_recall"] == 0.0 and scores["citation_precision"] is None


def test_aggregate_means_over_applicable_questions() -> None:
    examples = [
        Example("a", "q", "r"),
        Example("b", "q", "r"),
        Example("c", "q", "", answerable=False),
    ]
    results = [
        {"refused": False, "scores": {"mrr": 1.0, "token_f1": 0.5}},
        {"refused": True, "scores": {"mrr": 0.5, "token_f1": 0.0}},
        {"refused": True, "scores": {}},
    ]
    got = aggregate(examples, results, [10.0, 20.0, 30.0])
    assert got["mrr"] == 0.75 and got["n_mrr"] == 2
    assert got["token_f1"] == 0.25
    assert got["refusal_precision"] == 0.5 and got["refusal_recall"] == 1.0
    assert got["false_refusal_rate"] == 0.5
    assert got["latency_p50_ms"] == 20.0
    assert "keyword_match" not in got
