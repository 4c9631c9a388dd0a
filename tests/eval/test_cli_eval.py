"""`rag eval` end to end in a subprocess, on three seeds questions."""

from __future__ import annotations

import json
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
                   "--seed", "1", "--baseline", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| retrieval MRR |" in done.stdout and "report.md" in done.stdout
    assert "eval" in done.stderr  # the progress bar
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["sample"] == {"limit": 3, "seed": 1}
    assert len(report["questions"]) == 3
    assert set(report["summary"]) == {"ours", "baseline"}
    assert (out / "outcomes.png").is_file() and (out / "report.md").is_file()


def test_rag_eval_reports_a_missing_dataset(run_cli: RunCli, tmp_path: Path) -> None:
    done = run_cli("eval", "--dataset", str(tmp_path / "nope.jsonl"), "--docs", str(SEEDS))
    assert done.returncode == 2
    assert "no such dataset file" in done.stderr and "Traceback" not in done.stderr
