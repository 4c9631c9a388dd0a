"""One benchmark run: build the corpora and stores, measure every size, write the reports."""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench import coldstart, corpus, ingest
from eval.bench.report import write_reports
from eval.eval_data import covid_qa_json
from rag.settings import load_settings

log = logging.getLogger(__name__)

REAL_MAX = 1000  # real text up to this many chunks; above it, generated chunks (see corpus.py)


def run_bench(
    sizes: Sequence[int],
    out: Path,
    *,
    queries: int = 40,
    cold_runs: int = 3,
    keep_stores: bool = False,
    source: Path | None = None,
    api: bool = True,
) -> dict[str, Any]:
    """Measure ``sizes`` (chunks) in one run and write JSON, Markdown and PNG into ``out``.

    ``source`` is COVID-QA's SQuAD file, by default the one in the eval-data folder.
    """
    sizes = sorted(set(sizes))
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    settings = load_settings(store=work / "unused")
    source = source or covid_qa_json(settings)
    results: dict[str, Any] = {"machine": machine(), "started": _now(), "sizes": []}
    load = [os.getloadavg()[0]]

    real_size = min(REAL_MAX, sizes[0])
    real = corpus.write_real_corpus(
        work / "corpus", real_size, chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap, source=source,
    )  # fmt: skip
    log.info("real corpus: %d articles, %d chunks", len(real.articles), len(real.chunks))
    # deferred for start-up time: modules that pull in heavy libraries
    from rag.embedding import precision

    embed_precision = precision(settings)
    vectors, bare_s, load_s = ingest.bare_model_vectors(real, embed_precision)
    real_store = work / "store-real"
    pipe_s, pipe_chunks, again_s = ingest.pipeline_ingest(real, real_store)
    li_s, li_chunks = ingest.llamaindex_default(real, settings)
    results["ingest"] = ingest.IngestResult(
        len(real.chunks), sum(len(c.text) for c in real.chunks), bare_s[embed_precision],
        pipe_s, pipe_chunks, again_s, li_s, li_chunks, load_s, embed_precision,
        bare_s["float32"],
    ).to_json()  # fmt: skip
    load.append(os.getloadavg()[0])

    questions = real.questions
    random.Random(11).shuffle(questions)
    wanted = 2 * queries + 3  # warm-up, then distinct questions for retrieval and for answers
    questions = (questions * (1 + wanted // max(1, len(questions))))[:wanted]
    qfile = work / "questions.json"
    qfile.write_text(json.dumps(questions), encoding="utf-8")

    for size in sizes:
        row: dict[str, Any] = {"size": size}
        if size <= len(real.chunks):
            store, row["generated"], row["insert_s"] = real_store, 0, None
            row["derived_build_s"] = None  # built by the ingest, inside its time
        else:
            store = work / f"store-{size}"
            row["generated"] = size - len(real.chunks)
            insert_s, derived_s = build_store(store, real, vectors, size - len(real.chunks))
            row["insert_s"], row["derived_build_s"] = round(insert_s, 1), round(derived_s, 1)
        row["store_mb"] = round(du_mb(store), 1)
        row["serve"] = serve(store, qfile, queries)
        runs = cold_runs if size == sizes[0] else 1
        asks = [coldstart.ask_seconds(store, questions[0]) for _ in range(runs)]
        row["cold_ask_s"] = {"median": round(float(np.median(asks)), 2),
                             "min": round(min(asks), 2), "runs": runs}  # fmt: skip
        load.append(os.getloadavg()[0])
        results["sizes"].append(row)
        log.info("size %d: %s", size, row)
        _save(results, out)

    uis = [coldstart.ui_seconds(real_store) for _ in range(cold_runs)]
    results["cold_ui_s"] = {"median": round(float(np.median(uis)), 2), "min": round(min(uis), 2),
                            "runs": cold_runs}  # fmt: skip
    load.append(os.getloadavg()[0])
    if api:
        # deferred for start-up time: modules that pull in heavy libraries
        from eval.bench.api_load import run_api_load

        results["api"] = run_api_load(work / "api", source=source)
        load.append(os.getloadavg()[0])
    results["load_avg_1min"] = [round(x, 2) for x in load]
    results["finished"] = _now()
    _save(results, out)
    write_reports(results, out)
    if not keep_stores:
        shutil.rmtree(work, ignore_errors=True)
    return results


def build_store(
    store: Path, real: corpus.RealCorpus, vectors: np.ndarray, generated: int
) -> tuple[float, float]:
    """Real chunks with their real vectors plus ``generated`` chunks, written through the
    library service (which embeds and stores their answer units' vectors, as an ingest does:
    the unit texts are real, so are their vectors), then the derived indexes (BM25, unit
    matrix, catalogue) built as ``rag ingest`` ends by building them. Returns both times (s)."""
    # deferred for start-up time: modules that pull in heavy libraries
    from service import LibraryService

    library = LibraryService(load_settings(store=store))
    started = time.perf_counter()
    library.import_chunks(real.chunks, vectors.tolist(), refresh=False)
    for chunks, vecs in corpus.generated_chunks(real, vectors, generated):
        library.import_chunks(chunks, vecs.tolist(), refresh=False)
    inserted = time.perf_counter()
    library.refresh()
    return inserted - started, time.perf_counter() - inserted


def serve(store: Path, qfile: Path, queries: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "eval.bench.serve", str(store), str(qfile), "--n", str(queries)],
        env={**os.environ, "PYTHONPATH": str(coldstart.ROOT)},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench serve failed: {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def machine() -> dict[str, Any]:
    # deferred for start-up time: torch only where needed
    import torch

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def _save(results: dict[str, Any], out: Path) -> None:
    (out / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
