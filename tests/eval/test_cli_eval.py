"""`rag eval` end to end in a subprocess, on three seeds questions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, RunCli

pytestmark = pytest.mark.slow


def test_rag_eval_writes_the_report(run_cli: RunCli, tmp_path: Path) -> None:
    gold = (ROOT / "eval" / "gold" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    dataset = tmp_path / "mini.jsonl"
    dataset.write_text("\n".join(gold[:5] + gold[-2:]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("eval", "--dataset", str(dataset), "--docs", str(SEEDS), "--limit", "3",
                   "--seed", "1", "--baseline", "--without-reader", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| retrieval MRR |" in done.stdout and "report.md" in done.stdout
    assert "eval" in done.stderr  # the progress bar
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["sample"] == {"limit": 3, "seed": 1}
    assert len(report["questions"]) == 3
    # ours (with the reading model), ours before it, and LlamaIndex's default, side by side
    assert set(report["summary"]) == {"ours", "ours-no-reader", "baseline"}
    assert report["settings"]["reader"] is True
    assert "ours-no-reader (top-5)" in done.stdout
    assert all(set(q["systems"]) == set(report["summary"]) for q in report["questions"])
    assert (out / "outcomes.png").is_file() and (out / "report.md").is_file()


def test_rag_eval_reports_a_missing_dataset(run_cli: RunCli, tmp_path: Path) -> None:
    done = run_cli("eval", "--dataset", str(tmp_path / "nope.jsonl"), "--docs", str(SEEDS))
    assert done.returncode == 2
    assert "no such dataset file" in done.stderr and "Traceback" not in done.stderr


def test_rag_eval_compares_retrieval_modes_on_a_set_found_by_name(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """``--retrieval dense,bm25,hybrid`` scores one system per mode in one report; the set is
    found by its name in the folder given with ``--eval-data`` (a rag_dataset.json made here
    from the first seeds questions, beside a ``source_files/`` copy of the seeds)."""
    rows = [json.loads(line) for line in
            (ROOT / "eval" / "gold" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()[:6]]  # fmt: skip
    examples = [{"query": r["question"], "reference_answer": r["reference_answer"],
                 "reference_contexts": r["quotes"]} for r in rows]  # fmt: skip
    folder = tmp_path / "eval-data" / "mini-set"
    shutil.copytree(SEEDS, folder / "source_files")
    (folder / "rag_dataset.json").write_text(json.dumps({"examples": examples}), "utf-8")
    out = tmp_path / "out"
    done = run_cli("eval", "--dataset", "mini-set", "--eval-data", str(tmp_path / "eval-data"),
                   "--retrieval", "dense,bm25,hybrid", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["dataset"] == "mini-set" and len(report["questions"]) == 6
    assert list(report["summary"]) == ["ours-dense", "ours-bm25", "ours-hybrid"]
    for name, summary in report["summary"].items():
        assert 0 <= summary["mrr"] <= summary["hit@k"] <= 1, name
        assert f"| {name} | 5 | 6 |" in done.stdout  # one row per mode in the retrieval table
    # each mode really retrieved with its own retriever: dense and BM25 scores differ
    scores = {name: [[p["score"] for p in r["systems"][name]["retrieved"]]
                     for r in report["questions"]] for name in report["summary"]}  # fmt: skip
    assert scores["ours-dense"] != scores["ours-bm25"]
    assert "## Retrieval" in (out / "report.md").read_text(encoding="utf-8")


def test_rag_eval_rejects_an_unknown_retrieval_mode_and_set(
    run_cli: RunCli, tmp_path: Path
) -> None:
    done = run_cli("eval", "--dataset", str(ROOT / "eval" / "gold" / "seeds.jsonl"), "--docs",
                   str(SEEDS), "--retrieval", "dense,sparse")  # fmt: skip
    assert done.returncode == 2
    assert "sparse" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("eval", "--dataset", "no-such-set", "--eval-data", str(tmp_path))
    assert done.returncode == 2
    assert "no-such-set" in done.stderr and "RAG_EVAL_DATA" in done.stderr
