"""What the CLI prints: answers with their sources, sources relative to the working
directory, control characters escaped, quiet libraries.

Every string that reaches the terminal from outside (file names, document text, answers,
error messages that quote them) goes through :func:`escape_control` or :func:`json_line`, so
an ANSI/OSC escape or a newline inside a file name cannot rewrite the terminal or forge an
output line. Log lines get the same treatment through :class:`EscapingFormatter`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from rag.answering.base import AnswerDelta
from rag.answering.selection import LABEL_MEANINGS
from rag.models import Answer, Citation

CLOSEST_SHOWN = 3  # passages listed under a refusal
SNIPPET_CHARS = 240

# C0 and C1 controls, DEL, and the bidirectional/zero-width format characters that can make
# text display as something else (U+202E "right-to-left override" and friends).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]"
)
# What json.dumps(ensure_ascii=False) leaves raw: DEL, C1 controls and the format characters.
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control and format characters shown as ``\\x1b``-style escapes.

    ``keep_newlines`` keeps ``\\n`` and ``\\t`` (for multi-line answers); file names and
    one-line messages escape them too, so a name cannot start a forged line.
    """
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(_escaped, text)


def json_line(value: Any) -> str:
    """One JSON document on one line, with no raw control character left in it."""
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def display_source(source: str) -> str:
    """A source path relative to the working directory when it lies below it, escaped."""
    try:
        shown = str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        shown = source
    return escape_control(shown)


class EscapingFormatter(logging.Formatter):
    """Log lines with control characters of the message escaped (tracebacks stay as they are)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return escape_control(super().formatMessage(record))


def setup_logging(debug: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])
    quiet_libraries(debug)


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
            out.write(escape_control(event.text, keep_newlines=True))
            out.flush()
    assert answer is not None
    out.write("\n" if stream else escape_control(answer.answer, keep_newlines=True) + "\n")
    for warning in answer.warnings:
        print(escape_control(f"warning: {warning}"), file=sys.stderr)
    if answer.refused:
        closest = answer.retrieved[:CLOSEST_SHOWN]
        if closest:
            out.write("\nClosest passages (not used):\n")
            for n, p in enumerate(closest, 1):
                out.write(
                    f"  {n}. {_where(p.source, p.page)} ({_relevance(p.rank, p.relevance)})\n"
                )
                out.write("     " + escape_control(_snippet(p.text, full)) + "\n")
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
        supporting = " ".join(c.text.split()) if full else _supporting(c)
        out.write("    " + escape_control(supporting) + "\n")
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
