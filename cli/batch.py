"""``rag ask --batch FILE``: every line is its own question, and its own success or failure.

A questions file holds plain lines or JSONL (``{"question": "..."}``); blank lines are
skipped. Each line is read, checked and answered on its own: a broken line (bad JSON, no
``question`` field, a question that is not a non-empty string) or a question that fails (an
LLM error) is reported for that line and the batch goes on. The exit code then says that
some lines failed (:data:`SOME_LINES_FAILED`). Only errors that no later line could escape
(no store yet, an unreadable file) stop the batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.output import escape_control, json_line
from rag.engine import check_question
from rag.errors import InputError, LLMError
from service import ChatService

SOME_LINES_FAILED = 1


@dataclass(frozen=True)
class BatchLine:
    """One non-blank line of the questions file: its question, or why it has none."""

    number: int
    question: str | None = None
    error: str | None = None


def read_batch(path: Path) -> Iterator[BatchLine]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the questions file {path}: {exc}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if line:
            yield parse_line(number, line)


def parse_line(number: int, line: str) -> BatchLine:
    question: Any = line
    if line.startswith("{"):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return BatchLine(number, error=f"not valid JSON: {exc.msg} (column {exc.colno})")
        if not isinstance(record, dict) or "question" not in record:
            return BatchLine(number, error="a JSON line needs a 'question' field")
        question = record["question"]
        if not isinstance(question, str):
            kind = "null" if question is None else type(question).__name__
            return BatchLine(number, error=f"'question' must be a string, got {kind}")
    try:
        check_question(question)
    except InputError as exc:
        return BatchLine(number, error=str(exc))
    return BatchLine(number, question=question)


def run_batch(
    path: Path,
    chat: ChatService,
    *,
    as_json: bool,
    print_answer: Callable[[str], object],
) -> int:
    """Answer every good line; report each bad one. Returns the exit code."""
    failed = 0
    total = 0
    for item in read_batch(path):
        total += 1
        error = item.error
        if item.question is not None:
            try:
                if as_json:
                    answer = chat.ask(item.question).to_json()
                    print(json_line({"line": item.number, **answer}), flush=True)
                else:
                    print_answer(item.question)
                continue
            except (InputError, LLMError) as exc:
                error = str(exc)
        failed += 1
        if as_json:
            print(json_line({"line": item.number, "error": error}), flush=True)
        else:
            print(escape_control(f"error: {path}:{item.number}: {error}"), file=sys.stderr)
    if failed:
        print(escape_control(f"error: {failed} of {total} lines of {path} failed"), file=sys.stderr)
        return SOME_LINES_FAILED
    return 0
