"""The UI load test's questions come from the gold seeds file, and its check of a rendered
answer fails on a missing keyword, a missing marker or a highlight without the gold quote."""

from __future__ import annotations

import pytest

from eval.bench.loadtest import GOLD, LOAD_IDS, check_answer, seed_cases
from eval.datasets import load_jsonl
from rag.errors import InputError


def test_the_ten_load_questions_are_gold_seeds_with_keywords_and_quotes() -> None:
    cases = seed_cases()
    gold = {e.id: e for e in load_jsonl(GOLD)}
    assert [c.id for c in cases] == list(LOAD_IDS) and len(set(LOAD_IDS)) == 10
    for case in cases:
        assert case.question == gold[case.id].question and case.answerable
        assert case.keywords and case.evidence


def test_an_unknown_seed_id_is_named() -> None:
    with pytest.raises(InputError, match="no seed question with id seed-99"):
        seed_cases(GOLD, ["seed-01", "seed-99"])


def _rendered(answer: str, mark: str) -> tuple[str, str]:
    transcript = f"<div class='rag-turn'>{answer} <button class='rag-cite'>[1]</button></div>"
    return transcript, f"<p>Before. <mark>{mark}</mark> After.</p>"


def test_check_answer_needs_every_keyword_the_marker_and_a_gold_quote_highlighted() -> None:
    case = next(c for c in seed_cases() if c.id == "seed-16")  # keywords France, Britain
    quote = case.evidence[0]
    good = _rendered("France and Britain push it", f"It is {quote} and others.")
    assert check_answer(*good, case.keywords, case.evidence) is None
    one_keyword = _rendered("France pushes it", f"It is {quote}.")
    assert "lacks 'Britain'" in str(check_answer(*one_keyword, case.keywords, case.evidence))
    other_mark = _rendered("France and Britain push it", "Another sentence entirely.")
    assert "gold quote" in str(check_answer(*other_mark, case.keywords, case.evidence))
    transcript, evidence = good
    no_marker = transcript.replace("rag-cite", "plain")
    assert "no clickable citation" in str(
        check_answer(no_marker, evidence, case.keywords, case.evidence)
    )
