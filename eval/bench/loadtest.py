"""Many clients asking at once through the app's own ``ask`` endpoint (gradio_client).

``python -m eval.bench.loadtest --url http://127.0.0.1:7860`` prints latencies; the UI tests call
:func:`run_load` and check that every answer is correct and cited.
"""

from __future__ import annotations

import argparse
import re
import statistics
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from eval.datasets import load_jsonl
from eval.examples import Example
from rag.errors import InputError

GOLD = Path(__file__).resolve().parents[1] / "gold" / "seeds.jsonl"
# Ten direct seed questions, one per client: each names its answer's keywords and the quote
# that a highlighted sentence must contain.
LOAD_IDS = ("seed-01", "seed-06", "seed-08", "seed-10", "seed-11",
            "seed-16", "seed-17", "seed-19", "seed-20", "seed-22")  # fmt: skip


def seed_cases(path: Path = GOLD, ids: Sequence[str] = LOAD_IDS) -> list[Example]:
    """The gold seed questions ``ids``, in that order, each with its keywords and quotes."""
    by_id = {example.id: example for example in load_jsonl(path)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise InputError(f"{path}: no seed question with id {', '.join(missing)}")
    cases = [by_id[i] for i in ids]
    unchecked = [c.id for c in cases if not (c.keywords and c.evidence)]
    if unchecked:
        raise InputError(f"{path}: {', '.join(unchecked)} need keywords and quotes to be checked")
    return cases


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class Outcome:
    question: str
    seconds: float
    problem: str | None = None


@dataclass
class LoadReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problem is not None]

    def latencies(self) -> dict[str, float]:
        times = sorted(o.seconds for o in self.outcomes)
        if not times:
            return {}
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return {"p50": statistics.median(times), "p95": p95, "max": times[-1]}

    def summary(self) -> str:
        lat = self.latencies()
        parts = [f"{k} {v:.2f}s" for k, v in lat.items()]
        return f"{len(self.outcomes)} clients, {len(self.failures)} failed; " + ", ".join(parts)


def check_answer(
    transcript: str, evidence: str, keywords: Sequence[str], quotes: Sequence[str]
) -> str | None:
    """Why the rendered answer is wrong, or None: a clickable marker, every keyword in the
    answer, and a highlighted sentence that contains one of the gold quotes."""
    last_turn = transcript.rsplit("class='rag-turn'", 1)[-1]
    if "class='rag-cite'" not in last_turn:
        return "no clickable citation in the answer"
    answer = unescape(_TAGS.sub("", last_turn))
    lacking = [k for k in keywords if k not in answer]
    if lacking:
        return f"answer lacks {', '.join(map(repr, lacking))}"
    marks = [unescape(m) for m in _MARK.findall(evidence)]
    if not any(quote in m for quote in quotes for m in marks):
        return f"no highlighted sentence contains a gold quote ({quotes[0]!r}...)"
    return None


def ask_one(
    url: str, case: Example, auth: tuple[str, str] | None, start: threading.Barrier
) -> Outcome:
    # deferred for start-up time: gradio_client only where needed
    from gradio_client import Client

    question = case.question
    client = Client(url, auth=auth, verbose=False, download_files=False)
    start.wait()
    began = time.perf_counter()
    try:
        result = client.predict(question, "default", api_name="/ask")
    except Exception as exc:  # report every failure, do not stop the others
        return Outcome(question, time.perf_counter() - began, f"request failed: {exc}")
    seconds = time.perf_counter() - began
    transcript, _question, evidence = (str(x) for x in result[:3])
    return Outcome(
        question, seconds, check_answer(transcript, evidence, case.keywords, case.evidence)
    )


def run_load(url: str, cases: list[Example], auth: tuple[str, str] | None = None) -> LoadReport:
    """Every case from its own client, all released at the same moment."""
    start = threading.Barrier(len(cases))
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        futures = [pool.submit(ask_one, url, case, auth, start) for case in cases]
        return LoadReport([f.result() for f in futures])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--auth", help="user:password")
    args = parser.parse_args()
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    report = run_load(args.url, seed_cases(), auth)  # type: ignore[arg-type]
    for o in report.outcomes:
        print(f"{o.seconds:6.2f}s  {'ok' if o.problem is None else o.problem}  {o.question}")
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
