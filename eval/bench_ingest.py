"""Ingestion benchmark (not a test): full pipeline vs the bare embedding model, and re-ingest.

    make bench-ingest            # or: python -m eval.bench_ingest [--covid-json PATH]

Writes a handful of COVID-QA contexts (>= 300 chunks) as .txt files into a temp folder and
measures, in one run: chunks/s of the whole pipeline (discover, read, hash, chunk, embed,
write to Chroma), chunks/s of the bare sentence-transformers model on the same chunk texts
(the limit), their ratio (target >= 0.9), and the speed-up of re-ingesting the unchanged
corpus (target >= 50x). The model is loaded and warmed before any timing. The bare model runs
once before and once after the pipeline on the same texts, and the faster run is the limit, so
that a busy machine does not flatter the ratio. Each stage is also timed in process CPU seconds
(all threads): on a shared, loaded machine wall time swings by 20% between identical runs, while
CPU time measures the work done; on an idle machine the two ratios agree.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import rag  # noqa: F401  (offline guards first)
from rag.settings import Settings, load_settings

COVID_QA = Path("/work/shared/eval-data/covid-qa-deepset/200423_covidQA.json")
MIN_CHUNKS = 300


def write_corpus(covid_json: Path, folder: Path, settings: Settings) -> int:
    """Write contexts as ``doc_NN.txt`` until they make at least MIN_CHUNKS chunks."""
    from index.chunking import chunk_text

    data = json.loads(covid_json.read_text(encoding="utf-8"))["data"]
    total = 0
    for number, item in enumerate(data):
        text = item["paragraphs"][0]["context"]
        (folder / f"doc_{number:02d}.txt").write_text(text, encoding="utf-8")
        total += len(chunk_text(text, doc_id="d", source="s", chunk_size=settings.chunk_size,
                                chunk_overlap=settings.chunk_overlap))  # fmt: skip
        if total >= MIN_CHUNKS:
            break
    return total


def run_ingest_benchmark(corpus_dir: Path, settings: Settings) -> dict[str, Any]:
    """Ingest ``corpus_dir`` into the (empty) store of ``settings`` and time each stage."""
    from index.ingest import ingest_paths
    from rag.embedding import get_embed_model
    from rag.store import Store

    embed_model = get_embed_model(settings)
    embed_model.get_text_embedding_batch(["warm up the model"] * 4)
    model: Any = embed_model._model  # type: ignore[attr-defined]

    texts = _chunk_texts(corpus_dir, settings)
    bare_before = _time_bare(model, texts, settings)

    started, cpu_started = time.perf_counter(), time.process_time()
    first = ingest_paths([corpus_dir], settings)
    pipeline_s = time.perf_counter() - started
    pipeline_cpu = time.process_time() - cpu_started
    if first.failed:
        raise RuntimeError(f"benchmark corpus failed to ingest: {first.failed}")
    stored = sorted(node.text for node in Store(settings).nodes())
    if stored != sorted(texts):
        raise RuntimeError("the store does not hold the chunks the benchmark embedded")

    bare_after = _time_bare(model, texts, settings)
    bare_s = min(bare_before[0], bare_after[0])
    bare_cpu = min(bare_before[1], bare_after[1])

    started = time.perf_counter()
    again = ingest_paths([corpus_dir], settings)
    reingest_s = time.perf_counter() - started

    chunks = first.chunks_embedded
    pipeline_rate = chunks / pipeline_s
    bare_rate = len(texts) / bare_s
    return {
        "documents": len(first.added),
        "chunks": chunks,
        "pipeline_seconds": round(pipeline_s, 3),
        "pipeline_chunks_per_s": round(pipeline_rate, 2),
        "bare_model_seconds": round(bare_s, 3),
        "bare_model_runs_seconds": [round(bare_before[0], 3), round(bare_after[0], 3)],
        "pipeline_cpu_seconds": round(pipeline_cpu, 3),
        "bare_model_cpu_seconds": round(bare_cpu, 3),
        "bare_model_runs_cpu_seconds": [round(bare_before[1], 3), round(bare_after[1], 3)],
        "ratio_cpu": round(bare_cpu / pipeline_cpu, 3),
        "bare_model_chunks_per_s": round(bare_rate, 2),
        "ratio": round(pipeline_rate / bare_rate, 3),
        "reingest_seconds": round(reingest_s, 3),
        "reingest_chunks_embedded": again.chunks_embedded,
        "reingest_speedup": round(pipeline_s / reingest_s, 1),
        "chunk_size": settings.chunk_size,
        "embed_batch_size": settings.embed_batch_size,
    }


def _chunk_texts(corpus_dir: Path, settings: Settings) -> list[str]:
    """The texts the pipeline will embed, chunked exactly as ingestion does."""
    from index.chunking import chunk_text
    from index.loaders import parse

    texts: list[str] = []
    for path in sorted(corpus_dir.iterdir()):
        for page in parse(path, path.read_bytes()).pages:
            chunks = chunk_text(page.text, doc_id="d", source="s", chunk_size=settings.chunk_size,
                                chunk_overlap=settings.chunk_overlap)  # fmt: skip
            texts.extend(c.text for c in chunks)
    return texts


def _time_bare(model: Any, texts: list[str], settings: Settings) -> tuple[float, float]:
    """Wall and process-CPU seconds of the bare model on ``texts``."""
    started, cpu_started = time.perf_counter(), time.process_time()
    model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
    return time.perf_counter() - started, time.process_time() - cpu_started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench-ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--covid-json", type=Path, default=COVID_QA)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        settings = load_settings(store=Path(tmp) / "store", collection="bench")
        write_corpus(args.covid_json, corpus, settings)
        result = run_ingest_benchmark(corpus, settings)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{result['documents']} documents, {result['chunks']} chunks\n"
        f"full pipeline   {result['pipeline_chunks_per_s']:8.2f} chunks/s "
        f"({result['pipeline_seconds']:.2f} s)\n"
        f"bare model      {result['bare_model_chunks_per_s']:8.2f} chunks/s "
        f"({result['bare_model_seconds']:.2f} s)\n"
        f"ratio           {result['ratio']:8.3f}   (target >= 0.9; "
        f"in CPU seconds {result['ratio_cpu']:.3f})\n"
        f"re-ingest       {result['reingest_seconds']:8.3f} s, "
        f"{result['reingest_chunks_embedded']} chunks embedded, "
        f"speed-up {result['reingest_speedup']}x (target >= 50x)\n" + json.dumps(result)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
