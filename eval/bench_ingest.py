"""Ingestion benchmark (not a test): full pipeline vs the bare embedding model, and re-ingest.

    make bench-ingest            # or: python -m eval.bench_ingest [--covid-json PATH]

Writes a handful of COVID-QA contexts (>= 300 chunks) as .txt files into a temp folder and
measures, in one run: chunks/s of the whole pipeline (discover, read, hash, chunk, embed,
write to Chroma), chunks/s of the bare sentence-transformers model on the same chunk texts
(the limit), their ratio (target >= 0.9), and the speed-up of re-ingesting the unchanged
corpus (target >= 50x). The model is loaded and warmed before any timing. Bare model and
pipeline alternate over a few rounds and medians are compared, because on a shared machine one
run can be 20% slower than the next; ``model_share`` (time inside the model / pipeline time,
both in the same run) shows the pipeline's own overhead regardless of load.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
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


def run_ingest_benchmark(corpus_dir: Path, settings: Settings, rounds: int = 3) -> dict[str, Any]:
    """Ingest ``corpus_dir`` and time it against the bare model, interleaved over ``rounds``.

    Each round runs the bare model on the chunk texts, then the full pipeline into a fresh
    collection; the ratio compares medians, so one slow moment on a shared machine does not
    decide it. ``model_share`` is the part of the pipeline's own time spent inside the model,
    measured in the same run: it is what the ratio would be if nothing else slowed down.
    The re-ingest speed-up compares the last pipeline run with re-ingesting that collection.
    """
    from index.ingest import ingest_paths
    from rag.embedding import get_embed_model
    from rag.store import Store

    embed_model = get_embed_model(settings)
    embed_model.get_text_embedding_batch(["warm up the model"] * 4)
    model: Any = embed_model._model  # type: ignore[attr-defined]
    texts = _chunk_texts(corpus_dir, settings)
    timed = _TimedEncode(model)

    bare: list[float] = []
    pipeline: list[float] = []
    inside_model: list[float] = []
    for number in range(rounds):
        bare.append(_time_bare(model, texts, settings))
        run_settings = settings.model_copy(update={"collection": f"{settings.collection}-{number}"})
        timed.seconds = 0.0
        with timed:
            started = time.perf_counter()
            report = ingest_paths([corpus_dir], run_settings)
            pipeline.append(time.perf_counter() - started)
        inside_model.append(timed.seconds)
        if report.failed or report.chunks_embedded != len(texts):
            raise RuntimeError(f"benchmark ingest went wrong: {report.to_json()}")
        stored = sorted(node.text for node in Store(run_settings).nodes())
        if stored != sorted(texts):
            raise RuntimeError("the store does not hold the chunks the benchmark embedded")

    started = time.perf_counter()
    again = ingest_paths([corpus_dir], run_settings)
    reingest_s = time.perf_counter() - started

    pipeline_s, bare_s = statistics.median(pipeline), statistics.median(bare)
    return {
        "documents": len(report.added),
        "chunks": len(texts),
        "rounds": rounds,
        "pipeline_seconds": round(pipeline_s, 3),
        "pipeline_chunks_per_s": round(len(texts) / pipeline_s, 2),
        "bare_model_seconds": round(bare_s, 3),
        "bare_model_chunks_per_s": round(len(texts) / bare_s, 2),
        "ratio": round(bare_s / pipeline_s, 3),
        "model_share": round(
            statistics.median(m / p for m, p in zip(inside_model, pipeline, strict=True)), 3
        ),
        "pipeline_runs_seconds": [round(x, 3) for x in pipeline],
        "bare_model_runs_seconds": [round(x, 3) for x in bare],
        "reingest_seconds": round(reingest_s, 3),
        "reingest_chunks_embedded": again.chunks_embedded,
        "reingest_speedup": round(pipeline[-1] / reingest_s, 1),
        "chunk_size": settings.chunk_size,
        "embed_batch_size": settings.embed_batch_size,
    }


class _TimedEncode:
    """Adds up the seconds spent in ``model.encode`` while active (measurement only)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.seconds = 0.0
        self._original = model.encode

    def __enter__(self) -> None:
        def encode(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self._original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        self.model.encode = encode

    def __exit__(self, *exc: object) -> None:
        self.model.encode = self._original


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


def _time_bare(model: Any, texts: list[str], settings: Settings) -> float:
    started = time.perf_counter()
    model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench-ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--covid-json", type=Path, default=COVID_QA)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--rounds", type=int, default=3, help="bare/pipeline alternations")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        settings = load_settings(store=Path(tmp) / "store", collection="bench")
        write_corpus(args.covid_json, corpus, settings)
        result = run_ingest_benchmark(corpus, settings, args.rounds)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{result['documents']} documents, {result['chunks']} chunks\n"
        f"full pipeline   {result['pipeline_chunks_per_s']:8.2f} chunks/s "
        f"({result['pipeline_seconds']:.2f} s)\n"
        f"bare model      {result['bare_model_chunks_per_s']:8.2f} chunks/s "
        f"({result['bare_model_seconds']:.2f} s)\n"
        f"ratio           {result['ratio']:8.3f}   (target >= 0.9; median of "
        f"{result['rounds']} rounds; time inside the model {result['model_share']:.1%})\n"
        f"re-ingest       {result['reingest_seconds']:8.3f} s, "
        f"{result['reingest_chunks_embedded']} chunks embedded, "
        f"speed-up {result['reingest_speedup']}x (target >= 50x)\n" + json.dumps(result)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
