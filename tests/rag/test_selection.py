"""The extractive answerer's selection on the seed article: the issue's cases, and the
confidence every answer carries."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answering.selection import FEATURES, load_calibration, probabilities, unit_features
from rag.answering.units import Unit
from rag.engine import RagEngine
from rag.models import Passage


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who said that not every nation will feel able to contribute?", "Starmer"),
        ("What kind of truce did Emmanuel Macron propose?", "truce in the air"),
        ("When was the summit held and where?", "London"),
        ("Did Italy agree to send troops to Ukraine?", "never been on the agenda"),
    ],
)  # fmt: skip
def test_the_sentence_that_answers_is_quoted(
    seed_engine: RagEngine, question: str, expected: str
) -> None:
    answer = seed_engine.ask(question)
    assert not answer.refused, question
    assert expected in answer.answer
    assert answer.confidence is not None and 0 <= answer.confidence <= 1
    assert answer.confidence_label in {"high", "medium", "low"}


def test_a_speech_the_text_never_reports_is_refused(seed_engine: RagEngine) -> None:
    answer = seed_engine.ask("What did Zelensky say in his speech at the summit?")
    assert answer.refused and answer.citations == []
    assert answer.confidence_label == "low"


def test_a_candidate_that_only_repeats_the_question_ranks_below_one_that_adds() -> None:
    question = "What did the leaders agree on security guarantees for Ukraine?"
    texts = [
        "The leaders discussed what they agree on security guarantees for Ukraine.",
        "The leaders agreed to form a coalition that would deploy peacekeepers after a truce.",
    ]
    units = [Unit(0, 0, len(t), t, t) for t in texts]
    passage = Passage("c", "d", "s", " ".join(texts), 0.5, 0, 200, rank=1)
    dense = np.array([0.6, 0.6])  # equally similar: the other features decide
    features = unit_features(question, units, dense, [passage])
    repeats, adds = probabilities(features, load_calibration())
    assert features[0, FEATURES.index("repeats_only")] == 1.0
    assert features[1, FEATURES.index("repeats_only")] == 0.0
    # the rule itself: the same candidate scores lower when it only repeats the question
    flipped = features[1:].copy()
    flipped[0, FEATURES.index("repeats_only")] = 1.0
    assert probabilities(flipped, load_calibration())[0] < adds
    assert 0 <= repeats <= 1


def test_extractive_citations_say_whether_the_sentence_answers(seed_engine: RagEngine) -> None:
    answer = seed_engine.ask("Who is the NATO Secretary General mentioned in the article?")
    assert not answer.refused and "Rutte" in answer.answer
    first = answer.citations[0]
    assert first.supported is (first.support_score >= load_calibration().supported)
    assert first.rank >= 1 and 0 < first.relevance <= 1


def test_an_extractive_answer_streams_one_sentence_at_a_time(seed_engine: RagEngine) -> None:
    from rag.answering.base import AnswerDelta
    from rag.models import Answer

    events = list(seed_engine.stream("What did Lavrov and the Russian Foreign Ministry say?"))
    deltas = [e.text for e in events if isinstance(e, AnswerDelta)]
    (answer,) = [e for e in events if isinstance(e, Answer)]
    assert "".join(deltas) == answer.answer
    assert len(deltas) == answer.answer.count(" [") >= 1  # each delta is one cited unit
    assert all(d.rstrip().endswith("]") for d in deltas)


def test_an_answer_under_the_refusal_floor_is_labelled_low() -> None:
    # given only because its question names documents (rag.answering.named_documents)
    calibration = load_calibration()
    assert calibration.label(calibration.refuse_below * 0.99) == "low"
    # above the floor, an answer is low only under the medium threshold
    assert calibration.label(max(calibration.refuse_below, calibration.medium)) != "low"
    assert calibration.label(calibration.high) == "high"
