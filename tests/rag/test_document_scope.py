"""Questions naming documents of a series (a company's quarterly reports) are answered from
those documents: the right quarter's figure, each quarter cited when none is named."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from rag.document_scope import DocumentIdentity, identity, scope, series
from rag.engine import RagEngine
from rag.settings import Settings

COVER = """{company} CORPORATION
Quarterly report on Form 10-Q for the quarterly period ended {date}.
Commission file number 001-{number}. Trading symbol {ticker}.

Results of operations.
Net income for the quarter was ${income} million, compared with ${before} million a year earlier.
Revenue grew on strong demand for {product}, and operating expenses were flat.
"""
REPORTS = {
    "2023 Q1 ACME": ("ACME", "ACME", "April 1, 2023", "311", "280", "rockets"),
    "2023 Q2 ACME": ("ACME", "ACME", "July 1, 2023", "347", "290", "rockets"),
    "2023 Q3 ACME": ("ACME", "ACME", "September 30, 2023", "402", "305", "rockets"),
    "2023 Q2 GLOBEX": ("GLOBEX", "GBX", "July 1, 2023", "118", "97", "lamps"),
    "2023 Q3 GLOBEX": ("GLOBEX", "GBX", "September 30, 2023", "125", "99", "lamps"),
}


def write_reports(folder: Path) -> Path:
    folder.mkdir()
    for n, (name, (company, ticker, date, income, before, product)) in enumerate(REPORTS.items()):
        text = COVER.format(company=company, ticker=ticker, date=date, income=income,
                            before=before, product=product, number=40000 + n)  # fmt: skip
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reports_engine(tmp_path_factory: pytest.TempPathFactory) -> RagEngine:
    from index.ingest import ingest_paths
    from rag.settings import load_settings

    root = tmp_path_factory.mktemp("reports")
    settings: Settings = load_settings(store=root / "store")
    report = ingest_paths([write_reports(root / "docs")], settings)
    assert len(report.added) == len(REPORTS) and not report.failed
    return RagEngine.from_settings(settings)


@pytest.mark.parametrize(
    ("question", "report", "figure"),
    [
        ("What was Acme's net income in Q1 2023?", "2023 Q1 ACME", "$311 million"),
        ("What was Acme's net income in the second quarter of 2023?", "2023 Q2 ACME", "$347"),
        ("What was Acme's net income in the latest 10-Q?", "2023 Q3 ACME", "$402"),
        ("What was Globex's net income in Q2 2023?", "2023 Q2 GLOBEX", "$118"),
        # the right report; the quoted sentence is the cover's, which repeats the date
        ("What was Globex's net income for the quarter ended July 1, 2023?", "2023 Q2 GLOBEX", ""),
    ],
)  # fmt: skip
def test_the_named_quarter_of_the_named_company_answers(
    reports_engine: RagEngine, question: str, report: str, figure: str
) -> None:
    answer = reports_engine.ask(question)
    assert not answer.refused, question
    assert figure in answer.answer
    assert {Path(c.source).stem for c in answer.citations} == {report}
    assert all(Path(p.source).stem == report for p in answer.retrieved)


def test_a_question_over_a_companys_quarters_cites_each_of_them(reports_engine: RagEngine) -> None:
    answer = reports_engine.ask("How has Acme's net income changed over the quarters?")
    assert not answer.refused
    assert {Path(c.source).stem for c in answer.citations} == {
        "2023 Q1 ACME", "2023 Q2 ACME", "2023 Q3 ACME",
    }  # fmt: skip
    for figure in ("$311", "$347", "$402"):
        assert figure in answer.answer


def test_a_sentence_every_quarter_repeats_is_quoted_once(reports_engine: RagEngine) -> None:
    # every Acme report holds the same revenue sentence; and "List" (the first word of a
    # second sentence) and "10-Qs" are not names the documents must hold
    answer = reports_engine.ask("What drove Acme's revenue growth in these 10-Qs? List it.")
    assert not answer.refused
    quoted = [" ".join(s.split()) for s in re.split(r"\[\d+\]", answer.answer) if s.strip()]
    assert len(quoted) == len(set(quoted)), answer.answer
    assert "strong demand for rockets" in answer.answer


def test_a_question_naming_no_document_is_not_scoped(reports_engine: RagEngine) -> None:
    passages = reports_engine.retrieve("What was net income?", top_k=10)
    assert len({p.source for p in passages}) == len(REPORTS)
    assert not any(p.named for p in passages)


def identities(texts: dict[str, str]) -> list[DocumentIdentity]:
    return [identity(f"/docs/{name}.txt", text) for name, text in texts.items()]


def test_documents_that_are_not_a_series_are_never_scoped() -> None:
    papers = identities({
        "630": "MERS coronavirus in dromedary camels: a serological survey in Saudi Arabia.",
        "631": "Influenza vaccination coverage among health workers in Italy, 2019.",
        "632": "SARS-CoV-2 transmission in households: a cohort study from Wuhan, China.",
    })  # fmt: skip
    assert series(papers) == []
    assert scope("What did the MERS study in Saudi Arabia find?", series(papers)) == []


def test_scope_reads_company_quarter_and_dates_from_name_and_cover() -> None:
    reports = identities({
        name: COVER.format(company=c, ticker=t, date=d, income=i, before=b, product=p, number=1)
        for name, (c, t, d, i, b, p) in REPORTS.items()
    })  # fmt: skip
    assert len(series(reports)) == len(REPORTS)

    def named(question: str) -> list[str]:
        return [Path(s).stem for s in scope(question, reports)]

    assert named("What was Globex's revenue in Q3 2023?") == ["2023 Q3 GLOBEX"]
    assert named("How did ACME's expenses change across its reports?") == [
        "2023 Q1 ACME", "2023 Q2 ACME", "2023 Q3 ACME",
    ]  # fmt: skip
    assert named("Compare Acme's most recent quarter with the previous quarters.") == [
        "2023 Q1 ACME", "2023 Q2 ACME", "2023 Q3 ACME",
    ]  # fmt: skip
    assert named("What was net income?") == []  # no name: the whole collection
    assert named("What did the reports of 2023 say?") == []  # every document alike


def test_series_is_every_document_sharing_half_its_identity_with_another() -> None:
    """The counting in ``series`` agrees with the definition, pair by pair, on documents of
    every kind: near copies, half-overlapping, unrelated, empty."""
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(60)]
    documents: list[DocumentIdentity] = []
    for k in range(120):
        if k % 10 == 0:
            terms: set[str] = set()
        elif k % 3 == 0 and documents:  # a near copy of an earlier one
            terms = set(rng.choice(documents).terms) | {rng.choice(vocabulary)}
        else:
            terms = set(rng.sample(vocabulary, rng.randint(1, 12)))
        documents.append(DocumentIdentity(f"doc{k}.txt", frozenset(terms), None))

    def likeness(a: DocumentIdentity, b: DocumentIdentity) -> float:
        return len(a.terms & b.terms) / (len(a.terms | b.terms) or 1)

    expected = [
        d for d in documents if any(o is not d and likeness(d, o) >= 0.5 for o in documents)
    ]
    assert series(documents) == expected
    assert 0 < len(expected) < len(documents)
