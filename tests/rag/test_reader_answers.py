"""The reading model in the default answer path: short facts answered with their line, an
FAQ answered with its answer (never its question), near misses refused. Real store, real
embedding model, the real reading model installed by `make reader`."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.settings import Settings, load_settings

NOTES = """Alice's locker code is 4417.
Bob's phone number is 555-0199.
The team lunch is on Fridays at noon in the rooftop cafe.
"""
HANDBOOK = """Office handbook

Front door code: 7391
Wi-Fi network: HarborGuest
- Fire warden, 1st floor: Ana Diaz
- Fire warden, 2nd floor: Ben Cho

Release notes
| version | date | feature |
| --- | --- | --- |
| 4.1 | 2 March 2026 | CSV export |
| 4.2 | 9 June 2026 | dark theme |
"""
FAQ = """Community garden FAQ

Q: Who do I contact about a plot?
A: Email the garden coordinator, Dana Ortiz, at dana.ortiz@example.org.

Q: When is the compost collected?
A: The compost bins are emptied every second Saturday morning.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from index.ingest import ingest_paths
    from rag.engine import RagEngine

    docs = tmp_path_factory.mktemp("notes-docs")
    (docs / "notes.txt").write_text(NOTES, encoding="utf-8")
    (docs / "handbook.md").write_text(HANDBOOK, encoding="utf-8")
    (docs / "faq.txt").write_text(FAQ, encoding="utf-8")
    settings: Settings = load_settings(store=tmp_path_factory.mktemp("notes-store"))
    report = ingest_paths([Path(docs)], settings)
    assert report.added and not report.failed
    engine = RagEngine.from_settings(settings)
    assert getattr(engine.answerer, "reader", None) is not None, "the reading model is missing"
    return engine


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("What is the locker code?", "4417"),
        ("What is Bob's phone number?", "555-0199"),
        ("What is the front door code?", "7391"),
        ("Who is the fire warden on the 2nd floor?", "Ben Cho"),
    ],
)
def test_a_short_fact_is_answered_with_its_line(engine, question: str, line: str) -> None:  # type: ignore[no-untyped-def]
    answer = engine.ask(question)
    assert not answer.refused, question
    assert line in answer.answer
    assert answer.citations and line in answer.citations[0].highlight


def test_an_faq_is_answered_with_its_answer_not_its_question(engine) -> None:  # type: ignore[no-untyped-def]
    answer = engine.ask("Who should I contact about a garden plot?")
    assert not answer.refused
    assert "Dana Ortiz" in answer.answer
    assert "Who do I contact" not in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Who is the fire warden on the 3rd floor?",
        "When does release 4.3 ship?",
        "What is Carol's locker code?",
    ],
)
def test_a_floor_version_or_person_the_documents_do_not_mention_is_refused(
    engine,  # type: ignore[no-untyped-def]
    question: str,
) -> None:
    answer = engine.ask(question)
    assert answer.refused, (question, answer.answer, answer.confidence)
