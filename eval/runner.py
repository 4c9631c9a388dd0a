"""Run a gold set through our engine (and optionally the LlamaIndex baseline) and score it.

The documents are ingested with ``index.ingest.ingest_paths`` into a store of their own under
the output folder (one collection per dataset), so an eval never touches the user's store and a
second run re-embeds nothing.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast, get_args

from eval.examples import Dataset
from eval.judge import Judge
from eval.scoring import aggregate, score_answer
from eval.trust import trust_summary
from rag.backends import build_embedding
from rag.errors import InputError
from rag.models import Answer
from rag.settings import RetrievalMode, Settings
from service import ChatService, build_services

log = logging.getLogger(__name__)

TRUST_HEADLINES = ("coverage", "precision_when_answering", "answer_contains_gold")

REPORTED_SETTINGS = ("retrieval", "top_k", "chunk_size", "chunk_overlap", "llm", "llm_model",
                     "embedding", "reader", "collection")  # fmt: skip
BASELINE_DESCRIPTION = (
    "LlamaIndex VectorStoreIndex.from_documents, SentenceSplitter 1024/200 tokens, dense top-2, "
    "same embedding model and answerer"
)


@dataclass
class EvalOptions:
    out: Path
    baseline: bool = False
    judge: Judge | None = None
    progress: bool = False
    seed: int = 0
    limit: int | None = None
    notes: list[str] = field(default_factory=list)
    # Retrieval modes to compare, one system each ("ours-dense", ...); empty: the settings' mode
    # as the one system "ours".
    retrieval: tuple[RetrievalMode, ...] = ()
    # Also run ours without the reading model ("ours-no-reader"): the answers before/after it.
    without_reader: bool = False


def retrieval_modes(text: str | None) -> tuple[RetrievalMode, ...]:
    """``"dense,bm25,hybrid"`` -> the modes in that order; None or empty -> no comparison."""
    modes = list(dict.fromkeys(m.strip() for m in (text or "").split(",") if m.strip()))
    unknown = [m for m in modes if m not in get_args(RetrievalMode)]
    if unknown:
        raise InputError(
            f"--retrieval: unknown mode {', '.join(unknown)}; "
            f"choose from {', '.join(get_args(RetrievalMode))}"
        )
    return tuple(cast(RetrievalMode, m) for m in modes)


def eval_settings(settings: Settings, dataset: Dataset, out: Path) -> Settings:
    """The user's settings, pointed at a store and collection of the eval's own."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", dataset.name)[:50].strip("-._") or "dataset"
    return settings.replace(store=out / "store", collection=f"eval-{slug}")


def run_eval(dataset: Dataset, settings: Settings, options: EvalOptions) -> dict[str, Any]:
    """Ingest, ask every question, score; returns the report (see :mod:`eval.report`)."""
    settings = eval_settings(settings, dataset, options.out)
    services = build_services(settings)
    notes = list(dataset.notes) + list(options.notes)
    ingest = services.library.ingest(dataset.doc_paths, progress=options.progress)
    files = [Path(p) for p in ingest.added + ingest.updated + ingest.unchanged]
    notes += _ingest_notes(ingest.skipped + ingest.failed)
    if not files:
        raise InputError(
            f"no document of {', '.join(map(str, dataset.doc_paths))} could be ingested: "
            + "; ".join(sorted({s["reason"] for s in ingest.skipped + ingest.failed}))
        )
    systems: dict[str, tuple[Callable[[str], Answer], int]] = {}
    for mode in options.retrieval:
        same = mode == settings.retrieval
        chat = services.chat if same else ChatService(settings.replace(retrieval=mode))
        systems[f"ours-{mode}"] = (chat.ask, settings.top_k)
    if not systems:
        systems["ours"] = (services.chat.ask, settings.top_k)
    if options.without_reader and settings.reader:
        plain = ChatService(settings.replace(reader=False))
        systems["ours-no-reader"] = (plain.ask, settings.top_k)
    if options.baseline:
        # deferred for start-up time: modules that pull in heavy libraries
        from eval.baseline import LlamaIndexBaseline

        base = LlamaIndexBaseline(
            files, settings, services.library.page_texts, progress=options.progress
        )
        systems["baseline"] = (base.ask, base.top_k)

    records: list[dict[str, Any]] = []
    latencies: dict[str, list[float]] = {name: [] for name in systems}
    for example in _progress(dataset.examples, options.progress):
        record: dict[str, Any] = {
            "id": example.id,
            "question": example.question,
            "type": example.type,
            "answerable": example.answerable,
            "reference_answer": example.reference_answer,
            "systems": {},
        }
        for name, (ask, top_k) in systems.items():
            started = time.perf_counter()
            answer = ask(example.question)
            latency = (time.perf_counter() - started) * 1000
            latencies[name].append(latency)
            result = score_answer(example, answer, top_k)
            result["latency_ms"] = round(latency, 1)
            if options.judge is not None and example.answerable and not answer.refused:
                contexts = [c.text for c in answer.citations] or [p.text for p in answer.retrieved]
                result["scores"].update(
                    options.judge.score(
                        example.question, answer.answer, example.reference_answer, contexts
                    )
                )
            record["systems"][name] = result
        records.append(record)

    _add_semantic_similarity(records, dataset, build_embedding(settings))
    summary = {
        name: aggregate(dataset.examples, [r["systems"][name] for r in records], latencies[name])
        | {"top_k": top_k}
        for name, (_, top_k) in systems.items()
    }
    for name, values in summary.items():
        trust = trust_summary(records, name)
        values.update({k: trust.get(k) for k in TRUST_HEADLINES} | {"trust": trust})
    return {
        "dataset": dataset.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {k: v for k, v in settings.public_view().items() if k in REPORTED_SETTINGS},
        "baseline": {"pipeline": BASELINE_DESCRIPTION} if options.baseline else None,
        "judge": options.judge.model if options.judge else None,
        "sample": {"limit": options.limit, "seed": options.seed},
        "documents": {"ingested": len(files), "chunks_embedded": ingest.chunks_embedded},
        "notes": notes,
        "summary": summary,
        "questions": records,
    }


def _add_semantic_similarity(records: list[dict[str, Any]], dataset: Dataset, embed: Any) -> None:
    """Cosine of answer and reference embeddings, for answered answerable questions."""
    # deferred for start-up time: modules that pull in heavy libraries
    from eval.metrics import cosine, strip_citations

    pairs: list[tuple[dict[str, Any], str, str]] = []
    for record, example in zip(records, dataset.examples, strict=True):
        if not example.answerable or not example.reference_answer:
            continue
        for result in record["systems"].values():
            if result["refused"]:
                result["scores"]["semantic_similarity"] = 0.0
            else:
                pairs.append((result, strip_citations(result["answer"]), example.reference_answer))
    if not pairs:
        return
    vectors = embed.get_text_embedding_batch([t for _, a, r in pairs for t in (a, r)])
    for n, (result, _, _) in enumerate(pairs):
        sim = cosine(vectors[2 * n], vectors[2 * n + 1])
        result["scores"]["semantic_similarity"] = round(sim, 4)


def _ingest_notes(problems: list[dict[str, str]]) -> list[str]:
    by_reason: dict[str, int] = {}
    for p in problems:
        by_reason[p["reason"]] = by_reason.get(p["reason"], 0) + 1
    return [f"{n} document(s) not ingested: {reason}" for reason, n in sorted(by_reason.items())]


def _progress(items: list[Any], enabled: bool) -> Iterable[Any]:
    # deferred for start-up time: tqdm only where needed
    from tqdm import tqdm

    return tqdm(items, unit="q", desc="eval", disable=not enabled)
