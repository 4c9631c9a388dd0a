"""Both loaders, on tiny files made here and on the first examples of the real shared sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import load_dataset, load_jsonl
from eval.eval_data import eval_data_dir
from rag.errors import InputError
from rag.settings import load_settings

SHARED = eval_data_dir(load_settings())
COVID = SHARED / "covid-qa-deepset"
SEC = SHARED / "docugami-kg-rag-sec-10q"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared eval data not present")


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_loader_reads_the_seeds_format(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "mini.jsonl",
        [
            {
                "id": "m-1",
                "question": "Who?",
                "reference_answer": "Ann.",
                "keywords": ["Ann"],
                "quotes": ["Ann came."],
                "answerable": True,
                "type": "direct",
            },
            {"question": "Why?", "answerable": False, "type": "unanswerable"},
        ],  # fmt: skip
    )
    (tmp_path / "docs").mkdir()
    dataset = load_dataset(path, tmp_path / "docs")
    assert dataset.name == "mini"
    first, second = dataset.examples
    assert (first.id, first.keywords, first.evidence, first.answerable) == (
        "m-1", ["Ann"], ["Ann came."], True
    )  # fmt: skip
    assert second.id == "mini-2" and not second.answerable and second.evidence == []
    assert dataset.doc_paths == [tmp_path / "docs"]


def test_jsonl_loader_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "ok"}\n{"no_question": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2"):
        load_jsonl(path)
    with pytest.raises(InputError, match="--docs"):
        load_dataset(path)


def test_rag_dataset_loader_with_gold_documents_and_squad_contexts(tmp_path: Path) -> None:
    folder = tmp_path / "mini-set"
    folder.mkdir()
    examples = [
        {"query": "What causes X?", "reference_answer": "Y causes X",
         "reference_contexts": ["It is known that Y causes X."]},
        {"query": "Where is Z?", "reference_answer": "in the lab", "reference_contexts": None},
    ]  # fmt: skip
    (folder / "rag_dataset.json").write_text(json.dumps({"examples": examples}), "utf-8")
    _write_jsonl(folder / "qa_meta.jsonl", [{"i": 0, "document_id": 7}, {"i": 1, "document_id": 9}])
    squad = {"data": [{"paragraphs": [
        {"document_id": 7, "context": "It is known that Y causes X.", "qas": []},
        {"document_id": 9, "context": "Z is in the lab.", "qas": []},
    ]}]}  # fmt: skip
    (folder / "squad.json").write_text(json.dumps(squad), "utf-8")
    dataset = load_dataset(folder / "rag_dataset.json", cache_dir=tmp_path / "cache")
    assert dataset.name == "mini-set"
    a, b = dataset.examples
    assert a.question == "What causes X?" and a.evidence == ["It is known that Y causes X."]
    assert a.gold_docs == ["7.txt"] and b.gold_docs == ["9.txt"] and b.evidence == []
    assert a.keywords == ["Y causes X"]  # SQuAD answers are spans: the span is the keyword
    (docs,) = dataset.doc_paths
    assert docs == tmp_path / "cache" / "mini-set-docs"
    assert (docs / "9.txt").read_text(encoding="utf-8") == "Z is in the lab."


def test_rag_dataset_loader_reads_sec_annotations(tmp_path: Path) -> None:
    folder = tmp_path / "sec"
    (folder / "source_files").mkdir(parents=True)
    answer = (
        "Sales were $1 (SOURCE: 2023 Q3 AAPL.pdf).\n\nSOURCE(S): 2023 Q3 AAPL.pdf, 2023 Q2 AAPL.pdf"
    )
    examples = [{"query": "Sales?", "reference_answer": answer, "reference_contexts": None}]
    (folder / "rag_dataset.json").write_text(json.dumps({"examples": examples}), "utf-8")
    (folder / "qna_data.csv").write_text(
        "\ufeffQuestion,Source Docs,Question Type,Source Chunk Type,Answer\n"
        'Sales?,*AAPL*,Multi-Doc RAG,Table,"x"\n',
        encoding="utf-8",
    )
    dataset = load_dataset(folder / "rag_dataset.json")
    (ex,) = dataset.examples
    assert ex.gold_docs == ["*AAPL*"] and ex.type == "Multi-Doc RAG"
    assert ex.gold_citations == ["2023 Q2 AAPL.pdf", "2023 Q3 AAPL.pdf"]
    assert ex.reference_answer == "Sales were $1 (SOURCE: 2023 Q3 AAPL.pdf)."
    assert dataset.doc_paths == [folder / "source_files"]


def test_sample_is_fixed_by_the_seed(tmp_path: Path) -> None:
    rows = [{"question": f"q{i}?"} for i in range(50)]
    dataset = load_dataset(_write_jsonl(tmp_path / "s.jsonl", rows), tmp_path)
    one, two = dataset.sample(10, seed=3), dataset.sample(10, seed=3)
    assert [e.id for e in one.examples] == [e.id for e in two.examples]
    assert len(one.examples) == 10
    assert [e.id for e in dataset.sample(10, seed=4).examples] != [e.id for e in one.examples]
    assert dataset.sample(None).examples == dataset.examples


@needs_shared
def test_real_covid_qa_loads_with_gold_documents(tmp_path: Path) -> None:
    dataset = load_dataset(COVID / "rag_dataset.json", cache_dir=tmp_path)
    assert len(dataset.examples) == 1380
    first = dataset.examples[0]
    assert first.question == "What is the main cause of HIV-1 infection in children?"
    assert first.gold_docs == ["630.txt"] and first.evidence and first.keywords
    docs = sorted(dataset.doc_paths[0].glob("*.txt"))
    assert len(docs) == 98
    article = (dataset.doc_paths[0] / "630.txt").read_text(encoding="utf-8")
    for ex in dataset.examples[:5]:
        assert ex.reference_answer in article  # verbatim spans of the gold document


@needs_shared
def test_real_sec_10q_loads_with_document_globs_and_citations() -> None:
    dataset = load_dataset(SEC / "rag_dataset.json")
    assert len(dataset.examples) == 195
    first = dataset.examples[0]
    assert first.question == "How has Apple's total net sales changed over time?"
    assert first.gold_docs == ["*AAPL*"] and first.evidence == []
    assert first.gold_citations == [f"{y} AAPL.pdf" for y in
                                    ("2022 Q3", "2023 Q1", "2023 Q2", "2023 Q3")]  # fmt: skip
    assert "SOURCE(S)" not in first.reference_answer
    assert sum(bool(e.gold_docs) for e in dataset.examples) == 195
    assert dataset.doc_paths == [SEC / "source_files"]
