"""What the CLI prints: answers with their sources, sources relative to the working
directory, quiet libraries."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rag.answering.base import AnswerDelta
from rag.answering.selection import LABEL_MEANINGS
from rag.models import Answer, Citation

CLOSEST_SHOWN = 3  # passages listed under a refusal
SNIPPET_CHARS = 240


def display_source(source: str) -> str:
    """A source path relative to the working directory when it lies below it."""
    try:
        return str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        return source


def quiet_libraries(debug: bool) -> None:
    if debug:
        return
    for name in (
        "httpx",
        "chromadb",
        "sentence_transformers",
        "transformers",
        "llama_index",
        "bm25s",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    # huggingface_hub (and so transformers) reads this when first imported. Importing
    # transformers here only to silence it cost a second of every cold start.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    transformers = sys.modules.get("transformers")
    if transformers is not None:
        transformers.utils.logging.disable_progress_bar()


def print_answer(
    events: Iterator[AnswerDelta | Answer], *, stream: bool, out: TextIO, full: bool = False
) -> Answer:
    """The answer, its confidence label with the label's meaning, then per source its
    file:page, rank, relevance and the sentence that supports the answer (``full``: the whole
    passage). A refusal lists the closest passages instead."""
    answer: Answer | None = None
    for event in events:
        if isinstance(event, Answer):
            answer = event
        elif stream:
            out.write(event.text)
            out.flush()
    assert answer is not None
    out.write("\n" if stream else answer.answer + "\n")
    for warning in answer.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if answer.refused:
        closest = answer.retrieved[:CLOSEST_SHOWN]
        if closest:
            out.write("\nClosest passages (not used):\n")
            for n, p in enumerate(closest, 1):
                out.write(
                    f"  {n}. {_where(p.source, p.page)} ({_relevance(p.rank, p.relevance)})\n"
                )
                out.write("     " + _snippet(p.text, full) + "\n")
        return answer
    label = answer.confidence_label
    if label is not None:
        value = f" {answer.confidence:.2f}" if answer.confidence is not None else ""
        out.write(f"Confidence: {label}{value} ({LABEL_MEANINGS.get(label, '')})\n")
    out.write("\nSources:\n")
    for c in answer.citations:
        verdict = _verdict(answer, c)
        out.write(
            f"[{c.id}] {_where(c.source, c.page)} ({_relevance(c.rank, c.relevance)}; {verdict})\n"
        )
        out.write("    " + (" ".join(c.text.split()) if full else _supporting(c)) + "\n")
    return answer


def _where(source: str, page: int | None) -> str:
    return display_source(source) + (f":{page}" if page is not None else "")


def _relevance(rank: int, relevance: float | None) -> str:
    parts = [f"rank {rank}"] if rank else []
    if relevance is not None:
        parts.append(f"relevance {relevance:.0%}")
    return ", ".join(parts) or "retrieved"


def _verdict(answer: Answer, c: Citation) -> str:
    if answer.backend == "extractive":
        return "answers the question" if c.supported else "may not answer it"
    return "supported" if c.supported else "not supported"


def _supporting(c: Citation) -> str:
    sentence = " ".join(c.highlight.split())
    return f"“{sentence}”" if sentence else _snippet(c.text, False)


def _snippet(text: str, full: bool) -> str:
    flat = " ".join(text.split())
    if full or len(flat) <= SNIPPET_CHARS:
        return flat
    return flat[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
