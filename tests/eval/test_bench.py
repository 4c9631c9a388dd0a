"""`rag bench` runs end to end on a tiny corpus and writes its three reports (no timing asserts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench.run import run_bench
from eval.eval_data import covid_qa_json
from rag.settings import load_settings

COVID_QA = covid_qa_json(load_settings())

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not COVID_QA.is_file(), reason=f"no COVID-QA data at {COVID_QA}"),
]


def test_bench_writes_reports(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    results = run_bench([20, 60], out, queries=2, cold_runs=1)

    assert {p.name for p in out.iterdir()} == {"bench.json", "bench.md", "bench.png"}
    saved = json.loads((out / "bench.json").read_text())
    assert saved["ingest"]["chunks"] == 20
    assert saved["ingest"]["reingest_unchanged"]["seconds"] >= 0
    first, second = saved["sizes"]
    assert first["generated"] == 0 and second["generated"] == 40
    assert second["serve"]["chunks"] == 60
    assert first["serve"]["answer_ms"]["n"] == 2
    assert "| 60 |" in (out / "bench.md").read_text()
    assert (out / "bench.png").read_bytes()[:4] == b"\x89PNG"
    assert results["cold_ui_s"]["runs"] == 1
    assert second["derived_build_s"] is not None and first["derived_build_s"] is None
    # both stores hold unit vectors (the generated one through import_chunks): served by unit
    assert first["serve"]["dense"] == second["serve"]["dense"] == "units, loaded"
    # the reading model's load time and memory, measured as the engine loads it
    assert first["serve"]["reader_load_s"] > 0 and first["serve"]["reader_rss_mb"] > 0
    assert "The reading model loads with the engine" in (out / "bench.md").read_text()
    precision = saved["ingest"]["precision"]
    assert saved["ingest"]["bare_model"]["precision"] == precision
    assert ("autocast" in (out / "bench.md").read_text()) == (precision == "bfloat16")
