"""The one eval-data setting: where shared sets are found by name, and its error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.eval_data import covid_qa_json, eval_data_dir, resolve_dataset
from eval.runner import retrieval_modes
from rag.errors import InputError
from rag.settings import load_settings


def test_a_set_name_resolves_inside_the_eval_data_folder(tmp_path: Path) -> None:
    (tmp_path / "my-set").mkdir()
    (tmp_path / "my-set" / "rag_dataset.json").write_text("{}", encoding="utf-8")
    settings = load_settings(eval_data=tmp_path)
    assert eval_data_dir(settings) == tmp_path
    assert resolve_dataset(Path("my-set"), settings) == tmp_path / "my-set" / "rag_dataset.json"
    assert covid_qa_json(settings) == tmp_path / "covid-qa-deepset" / "200423_covidQA.json"
    given = tmp_path / "elsewhere.jsonl"  # a path (suffix) is taken as given
    assert resolve_dataset(given, settings) == given
    with pytest.raises(InputError, match=r"other-set.*RAG_EVAL_DATA.*sets there: my-set"):
        resolve_dataset(Path("other-set"), settings)


def test_eval_data_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_EVAL_DATA", str(tmp_path))
    assert eval_data_dir(load_settings()) == tmp_path
    assert eval_data_dir(load_settings(eval_data=tmp_path / "cli")) == tmp_path / "cli"


def test_retrieval_modes_parse_in_order_and_reject_unknown_ones() -> None:
    assert retrieval_modes("dense, bm25,hybrid,dense") == ("dense", "bm25", "hybrid")
    assert retrieval_modes(None) == () == retrieval_modes("")
    with pytest.raises(InputError, match="sparse.*hybrid, dense, bm25"):
        retrieval_modes("dense,sparse")
