"""The HTTP API under load: rounds of concurrent ``/v1/chat/completions`` against ``rag serve``.

A store with two collections is built in the work folder: ``seeds`` (the seed article) and
``covid`` (whole COVID-QA articles). Questions are first asked a few at a time in this process,
through the same service tier, and a question takes part only when that answer is correct
(seeds: the gold keywords in the answer; COVID-QA: the gold answer inside a cited passage)
and cited. The server then starts fresh in its own process (no answer cached) and gets
``rounds`` bursts of ``concurrency`` requests at once, different questions in every round.
Each reply must be a 200 carrying an answer that passes the same check with its ``[n]``
markers among its citations; anything else counts as wrong or dropped. The server's RSS is
read after every round.

``rag bench --api only`` (or ``python -m eval.bench.api_load OUT``) runs it alone; ``rag bench``
runs it after the sizes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.bench.coldstart import ROOT
from eval.bench.rag_serve import RagServeProcess
from eval.bench.serve import percentiles
from eval.eval_data import covid_qa_json
from rag.settings import load_settings

log = logging.getLogger(__name__)

SEEDS_GOLD = ROOT / "eval" / "gold" / "seeds.jsonl"
COVID_ARTICLES = 40  # about 290 questions: ~150 pass alone, three rounds of 50 without repeats
PREPASS_THREADS = 8
REQUEST_TIMEOUT_S = 120.0
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Case:
    question: str
    collection: str
    keywords: tuple[str, ...] = ()  # seeds: all must be in the answer
    span: str = ""  # COVID-QA: the gold answer, found in a cited passage


def seed_cases(path: Path = SEEDS_GOLD) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("answerable", True) and item.get("keywords"):
            cases.append(Case(item["question"], "seeds", tuple(item["keywords"])))
    return cases


def covid_cases(folder: Path, articles: int, source: Path) -> list[Case]:
    """Write the first ``articles`` COVID-QA articles into ``folder``; their questions."""
    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads(source.read_text(encoding="utf-8"))
    cases: list[Case] = []
    paragraphs = [p for item in data["data"] for p in item["paragraphs"]][:articles]
    for para in paragraphs:
        (folder / f"covid_{para['document_id']}.txt").write_text(para["context"], "utf-8")
        for qa in para["qas"]:
            answers = [a["text"].strip() for a in qa.get("answers", []) if a["text"].strip()]
            if answers and not qa.get("is_impossible"):
                cases.append(Case(qa["question"], "covid", span=answers[0]))
    return cases


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def check(case: Case, body: dict[str, Any]) -> str:
    """'' when the answer is correct and cited, else what is wrong with it."""
    if body.get("refused"):
        return "refused"
    content = str(body.get("answer", ""))
    citations = body.get("citations") or []
    ids = {c["id"] for c in citations}
    used = {int(n) for n in _MARKER.findall(content)}
    if not citations or not used or not used <= ids:
        return "not cited"
    if case.keywords:
        missing = [k for k in case.keywords if k.lower() not in content.lower()]
        return f"missing {missing}" if missing else ""
    cited = " ".join(_norm(c["text"]) for c in citations)
    return "" if _norm(case.span) in cited else "gold answer not in a cited passage"


def build_store(
    work: Path, source: Path, articles: int, per_set: int | None = None
) -> tuple[Path, list[Case]]:
    """The two collections through the library service, and the candidate questions (at
    most ``per_set`` of each set)."""
    # deferred for start-up time: modules that pull in heavy libraries
    from service import build_services

    store = work / "store"
    services = build_services(load_settings(store=store))
    services.library.ingest([ROOT / "seeds"], "seeds")
    covid = covid_cases(work / "covid", articles, source)
    services.library.ingest([work / "covid"], "covid")
    return store, seed_cases()[:per_set] + covid[:per_set]


def eligible(store: Path, cases: Sequence[Case]) -> tuple[list[Case], dict[str, int]]:
    """The cases answered correctly and cited when asked without the HTTP load (in this
    process, a few at a time)."""
    # deferred for start-up time: modules that pull in heavy libraries
    from service import build_services

    chat = build_services(load_settings(store=store)).chat
    with ThreadPoolExecutor(max_workers=PREPASS_THREADS) as pool:
        bodies = list(pool.map(lambda c: chat.ask(c.question, c.collection).to_json(), cases))
    good: list[Case] = []
    counts: dict[str, int] = {}
    for case, body in zip(cases, bodies, strict=True):
        ok = not check(case, body)
        counts[f"{case.collection}_asked"] = counts.get(f"{case.collection}_asked", 0) + 1
        counts[f"{case.collection}_correct"] = counts.get(f"{case.collection}_correct", 0) + ok
        if ok:
            good.append(case)
    return good, counts


def run_api_load(
    work: Path,
    *,
    concurrency: int = 50,
    rounds: int = 3,
    source: Path | None = None,
    articles: int = COVID_ARTICLES,
    per_set: int | None = None,
) -> dict[str, Any]:
    """Build the store, pick the questions, start ``rag serve`` and measure ``rounds``.

    ``source`` is COVID-QA's SQuAD file (default: the one in the eval-data folder).
    """
    source = source or covid_qa_json(load_settings())
    store, cases = build_store(work, source, articles, per_set)
    good, counts = eligible(store, cases)
    seeds = [c for c in good if c.collection == "seeds"]
    covid = [c for c in good if c.collection == "covid"]
    # Every round: distinct questions, seeds first then COVID-QA, none reused across rounds
    # while there are enough (then they repeat, which the report says).
    pool = _interleave(seeds, covid)
    needed = concurrency * rounds
    repeats = needed > len(pool)
    batches = [[pool[(r * concurrency + i) % len(pool)] for i in range(concurrency)]
               for r in range(rounds)]  # fmt: skip
    results: dict[str, Any] = {"concurrency": concurrency, "questions": counts,
                               "eligible": len(pool), "questions_repeat": repeats, "rounds": []}  # fmt: skip
    with RagServeProcess(store, collection="seeds") as server:
        _post(server.url, Case("warm up", "seeds"))
        _post(server.url, Case("warm up", "covid"))
        results["rss_idle_mb"] = server.rss_mb()
        for batch in batches:
            cpu = server.cpu_s()
            row = _round(server.url, batch)
            row["rss_mb"] = server.rss_mb()
            # CPU time of the server per request: less sensitive to other load than wall time
            row["server_cpu_ms_per_request"] = round((server.cpu_s() - cpu) * 1000 / len(batch), 1)
            row["load_avg_1min"] = round(os.getloadavg()[0], 2)
            results["rounds"].append(row)
            log.info("api round: %s", {k: v for k, v in row.items() if k != "failures"})
    return results


def _interleave(first: list[Case], second: list[Case]) -> list[Case]:
    """Both lists mixed evenly (so that every round holds some of each)."""
    out: list[Case] = []
    total = len(first) + len(second)
    i = j = 0
    while i < len(first) or j < len(second):
        if j >= len(second) or (i < len(first) and i * total <= (i + j) * len(first)):
            out.append(first[i])
            i += 1
        else:
            out.append(second[j])
            j += 1
    return out


def _round(url: str, batch: list[Case]) -> dict[str, Any]:
    start = threading.Barrier(len(batch))
    began = time.perf_counter()

    def one(case: Case) -> tuple[float, str]:
        start.wait()
        t = time.perf_counter()
        status, body = _post(url, case)
        latency = time.perf_counter() - t
        if status != 200:
            return latency, f"dropped: HTTP {status} {str(body)[:200]}"
        return latency, check(case, body)

    with ThreadPoolExecutor(max_workers=len(batch)) as pool:
        outcomes = list(pool.map(one, batch))
    wall = time.perf_counter() - began
    latencies = [lat * 1000 for lat, _ in outcomes]
    failures = [
        f"{case.question[:60]}: {why}"
        for case, (_, why) in zip(batch, outcomes, strict=True)
        if why
    ]
    correct = len(batch) - len(failures)
    return {
        "requests": len(batch),
        "correct": correct,
        "dropped": sum(why.startswith("dropped") for _, why in outcomes),
        "wall_s": round(wall, 2),
        "answers_per_s": round(correct / wall, 2),
        "latency_ms": percentiles(latencies),
        "failures": failures,
    }


def _post(url: str, case: Case) -> tuple[int, dict[str, Any]]:
    """One chat completion; the body as ``rag ask --json`` fields (content -> answer)."""
    payload = {"model": case.collection, "messages": [{"role": "user", "content": case.question}]}
    request = urllib.request.Request(url + "/v1/chat/completions",
                                     data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode(errors="replace")[:500]}
    except OSError as error:  # refused, reset, timed out
        return 0, {"error": str(error)}
    body["answer"] = body["choices"][0]["message"]["content"]
    return 200, body


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(prog="python -m eval.bench.api_load")
    parser.add_argument("work", type=Path, help="folder for the store and results")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = run_api_load(args.work, concurrency=args.concurrency, rounds=args.rounds)
    (args.work / "api.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "rounds"}))
    for row in results["rounds"]:
        print(json.dumps({k: v for k, v in row.items() if k != "failures"}))
        for failure in row["failures"]:
            print("  " + failure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
