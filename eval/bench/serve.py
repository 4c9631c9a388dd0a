"""Query latency and memory of one store, measured in a fresh process.

``python -m eval.bench.serve STORE QUESTIONS.json`` opens a :class:`rag.engine.RagEngine` on the
store, times the first query (it loads or builds the BM25 index and the unit matrix), then retrieval alone and full
extractive answers over distinct questions, and prints one JSON object. A fresh process per size
keeps the peak RSS that of serving this store only.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rag.memory import rss_mb


def peak_rss_mb() -> float:
    """Peak RSS of this process image. Not ``getrusage``'s ``ru_maxrss``: Linux carries that
    over from the parent across fork and exec, so a child of a big bench process would report
    the parent's size."""
    return rss_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0, "n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "mean": round(statistics.fmean(ordered), 1), "n": len(ordered)}  # fmt: skip


def measure(store: Path, questions: list[str], n: int) -> dict[str, Any]:
    import rag  # noqa: F401  (offline guards)
    from rag.settings import load_settings

    started = time.perf_counter()
    # deferred for start-up time: modules that pull in heavy libraries
    from service import build_services

    services = build_services(load_settings(store=store))
    engine = services.chat.engine()
    engine_s = time.perf_counter() - started
    rss_engine = rss_mb()
    t = time.perf_counter()
    engine.retrieve(questions[0])
    first_query_ms = (time.perf_counter() - t) * 1000
    rss_first = rss_mb()
    dense = dense_path(engine)
    reader = getattr(engine.answerer, "reader", None)
    for q in questions[1:3]:  # warm-up: caches of torch, chroma, bm25
        engine.ask(q)
    # Different questions for the two loops, so that no answer reuses a cached query vector.
    retrieval, answer, answer_only, refused = [], [], [], 0
    for q in questions[3 : 3 + n]:
        t = time.perf_counter()
        engine.retrieve(q)
        retrieval.append((time.perf_counter() - t) * 1000)
    for q in questions[3 + n : 3 + 2 * n]:
        t = time.perf_counter()
        got = engine.ask(q)
        answer.append((time.perf_counter() - t) * 1000)
        answer_only.append(got.timings_ms.get("answer", 0.0))
        refused += got.refused
    return {
        "chunks": sum(d.chunks for d in services.library.documents()),
        "engine_load_s": round(engine_s, 2),
        "first_query_ms": round(first_query_ms, 1),
        "dense": dense,
        # the reading model, loaded with the engine: its share of engine_load_s and of the RSS
        "reader_load_s": round(reader.load_s, 2) if reader is not None else None,
        "reader_rss_mb": round(reader.loaded_mb, 1) if reader is not None else None,
        "rss_after_load_mb": round(rss_engine, 1),
        "rss_after_first_query_mb": round(rss_first, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "retrieval_ms": percentiles(retrieval),
        "answer_ms": percentiles(answer),
        "answer_step_ms": percentiles(answer_only),
        "refused": refused,
    }


def dense_path(engine: Any) -> str:
    """How the first query ranked chunks by meaning: by answer unit, with the unit matrix
    loaded from disk or built by that query, or by chunk vectors (no unit index)."""
    units = getattr(engine.retriever, "units", None)
    if units is None or not units.ready():
        return "chunk vectors"
    return "units, loaded" if units.loads else "units, built"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.serve")
    parser.add_argument("store", type=Path)
    parser.add_argument("questions", type=Path, help="JSON list of questions")
    parser.add_argument("--n", type=int, default=40, help="timed queries of each kind")
    args = parser.parse_args(argv)
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    print(json.dumps(measure(args.store, questions, args.n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
