"""The hand-written seeds gold set: size, mix, and quotes copied exactly from the article."""

from __future__ import annotations

from collections import Counter

from eval.datasets import load_jsonl
from tests.conftest import ROOT, SEEDS

GOLD = ROOT / "eval" / "gold" / "seeds.jsonl"
ARTICLE = (SEEDS / "000_2049a57f73a0fd17.txt").read_text(encoding="utf-8")


def test_gold_set_size_and_mix() -> None:
    examples = load_jsonl(GOLD)
    assert len(examples) >= 40
    assert len({e.id for e in examples}) == len(examples)
    types = Counter(e.type for e in examples)
    assert types["unanswerable"] >= 8 and types["direct"] and types["paraphrase"] and types["multi"]
    for e in examples:
        assert e.answerable == (e.type != "unanswerable")
        if e.answerable:
            assert e.reference_answer and e.keywords and e.evidence, e.id
        else:
            assert not e.evidence, e.id


def test_every_quote_occurs_verbatim_in_the_article() -> None:
    missing = [(e.id, q) for e in load_jsonl(GOLD) for q in e.evidence if q not in ARTICLE]
    assert missing == []


def test_multi_sentence_questions_quote_more_than_one_sentence() -> None:
    for e in load_jsonl(GOLD):
        if e.type == "multi":
            assert len(e.evidence) >= 2, e.id


def test_keywords_appear_in_the_quotes_or_reference() -> None:
    for e in load_jsonl(GOLD):
        text = " ".join(e.evidence + [e.reference_answer]).lower().replace("’", "'")
        for k in e.keywords:
            assert k.lower().replace("’", "'") in text, (e.id, k)
