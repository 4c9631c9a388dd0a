"""The API load run end to end on a tiny store: every reply checked, the report rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.bench.api_load import Case, check, run_api_load
from eval.bench.report import api_markdown, api_target_lines
from eval.eval_data import covid_qa_json
from rag.settings import load_settings

COVID_QA = covid_qa_json(load_settings())


def test_check_needs_a_correct_cited_answer() -> None:
    seeds = Case("Who?", "seeds", keywords=("Macron",))
    cited = [{"id": 1, "text": "Macron said so."}]
    assert check(seeds, {"answer": "Macron said so [1].", "citations": cited}) == ""
    assert check(seeds, {"answer": "Macron said so.", "citations": cited}) == "not cited"
    assert check(seeds, {"answer": "He said so [2].", "citations": cited}) == "not cited"
    assert (
        check(seeds, {"answer": "Meloni said so [1].", "citations": cited}) == "missing ['Macron']"
    )
    assert check(seeds, {"answer": "x", "refused": True, "citations": []}) == "refused"
    covid = Case("What?", "covid", span="ACE2  receptor")
    body = {"answer": "It binds [1].", "citations": [{"id": 1, "text": "binds the ACE2 receptor"}]}
    assert check(covid, body) == ""
    body["citations"] = [{"id": 1, "text": "binds something else"}]
    assert check(covid, body) == "gold answer not in a cited passage"


@pytest.mark.slow
@pytest.mark.skipif(not COVID_QA.is_file(), reason=f"no COVID-QA data at {COVID_QA}")
def test_api_load_run_checks_every_reply(tmp_path: Path) -> None:
    results = run_api_load(tmp_path, concurrency=4, rounds=2, articles=1, per_set=6)
    assert results["questions"]["seeds_asked"] == 6 and results["questions"]["covid_asked"] == 6
    assert len(results["rounds"]) == 2
    for row in results["rounds"]:
        assert row["requests"] == 4 and row["dropped"] == 0
        assert row["correct"] == 4, row["failures"]
        assert row["rss_mb"] > 0 and row["server_cpu_ms_per_request"] > 0
    text = "\n".join(api_markdown(results) + api_target_lines(results))
    assert "| 2 | 4/4 | 0 |" in text and "API answers wrong, uncited or dropped: 0" in text
