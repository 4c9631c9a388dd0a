"""Ask latency while documents are ingested beside the serving process (issue 16).

A serving process (this one) answers distinct COVID-QA questions idle, then while an ingest
of another corpus runs in a second process, twice: once as a plain library ingest (no
priority: the baseline) and once as ``rag ingest`` (lower CPU priority, see
:mod:`rag.priority`). Only answers that finished while the ingest was still running count as
"during". The target is p95 during ``rag ingest`` at most 3x the idle p95. The machine may be
shared: the load average is recorded before and after, and the ratios (measured in the same
run) matter more than the milliseconds.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from eval.bench import corpus
from eval.bench.serve import percentiles
from rag.settings import load_settings
from service import build_services

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
TARGET_RATIO = 3.0
_PLAIN_INGEST = (
    "import sys; import rag; from rag.settings import load_settings; "
    "from service import LibraryService; "
    "LibraryService(load_settings(store=sys.argv[1])).ingest([sys.argv[2]])"
)


def run_during_ingest(
    out: Path,
    source: Path,
    *,
    queries: int = 40,
    serve_chunks: int = 200,
    ingest_chunks: int = 800,
) -> dict[str, Any]:
    """``source``: COVID-QA's SQuAD file (corpus and questions)."""
    work = out / "work-during-ingest"
    shutil.rmtree(work, ignore_errors=True)
    settings = load_settings(store=work / "serve-store")
    size, overlap = settings.chunk_size, settings.chunk_overlap
    served = corpus.write_real_corpus(
        work / "serve-docs", serve_chunks, chunk_size=size, chunk_overlap=overlap, source=source
    )
    docs = corpus.write_real_corpus(
        work / "ingest-docs", ingest_chunks, chunk_size=size, chunk_overlap=overlap, source=source
    ).folder
    services = build_services(settings)
    services.library.ingest([served.folder])
    questions = list(dict.fromkeys(q for a in corpus.load_articles(source) for q in a.questions))
    chat = services.chat
    for q in questions[:3]:  # warm-up: model, BM25, torch caches
        chat.ask(q)
    pool = iter(questions[3:])
    results: dict[str, Any] = {"load_before": os.getloadavg()[0], "queries": queries}
    results["idle_ms"] = percentiles([_ask_ms(chat, next(pool)) for _ in range(queries)])
    log.info("idle: %s", results["idle_ms"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    modes = {
        "plain ingest (no priority)": [sys.executable, "-c", _PLAIN_INGEST],
        "rag ingest": [sys.executable, "-m", "cli", "ingest", "--store"],
    }
    for name, command in modes.items():
        store = work / f"store-{len(results)}"
        args = [*command, str(store), str(docs)] if name != "rag ingest" else [
            *command, str(store), str(docs), "--json"]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(3.0)  # let it load its model and start embedding
        during: list[float] = []
        while proc.poll() is None and len(during) < queries:
            ms = _ask_ms(chat, next(pool))
            if proc.poll() is None:
                during.append(ms)
        proc.wait()
        seconds = time.perf_counter() - started
        results[name] = {"during_ms": percentiles(during), "ingest_s": round(seconds, 1),
                         "ingest_rc": proc.returncode}  # fmt: skip
        log.info("%s: %s", name, results[name])
    results["load_after"] = os.getloadavg()[0]
    idle = results["idle_ms"]["p95"] or 1.0
    for name in modes:
        results[name]["p95_ratio"] = round(results[name]["during_ms"]["p95"] / idle, 2)
    if not os.environ.get("RAG_BENCH_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    return results


def _ask_ms(chat: Any, question: str) -> float:
    t = time.perf_counter()
    chat.ask(question)
    return (time.perf_counter() - t) * 1000


def markdown(results: dict[str, Any]) -> str:
    idle = results["idle_ms"]
    lines = [
        "| ask latency (extractive) | n | p50 ms | p95 ms | p95 / idle | ingest s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| idle | {idle['n']} | {idle['p50']} | {idle['p95']} | 1.00 | – |",
    ]
    for name in ("plain ingest (no priority)", "rag ingest"):
        r = results[name]
        d = r["during_ms"]
        lines.append(f"| during {name} | {d['n']} | {d['p50']} | {d['p95']} | "
                     f"{r['p95_ratio']:.2f} | {r['ingest_s']} |")  # fmt: skip
    ok = results["rag ingest"]["p95_ratio"] <= TARGET_RATIO
    lines.append(f"\ntarget p95 during `rag ingest` <= {TARGET_RATIO:g}x idle: "
                 f"{'met' if ok else 'NOT met'}; load average {results['load_before']:.2f} "
                 f"before, {results['load_after']:.2f} after (shared machine)")  # fmt: skip
    return "\n".join(lines)
