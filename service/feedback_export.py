"""Rated turns as a LlamaIndex ``rag_dataset.json``: what users confirm becomes the
regression set that ``rag eval --dataset FILE --docs DIR`` runs.

A thumbs-up answer becomes an example: the question as ``query``, the answer (without its
``[n]`` markers) as ``reference_answer`` and the passages it cited as ``reference_contexts``
(so retrieval is scored on finding them again). Thumbs-down turns, and confirmed refusals,
are not examples: they go to a ``review`` list beside ``examples`` with the note, for a person
to turn into gold answers. Asked more than once, a question keeps its latest rated answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import InputError
from service.conversations import RatedTurn

MARKER = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class ExportReport:
    path: Path
    examples: int
    review: int


def feedback_dataset(rated: list[RatedTurn], collection: str | None = None) -> dict[str, Any]:
    examples: dict[str, dict[str, Any]] = {}
    review: list[dict[str, Any]] = []
    for item in rated:
        if collection is not None and item.collection != collection:
            continue
        turn = item.turn
        assert turn.feedback is not None
        if turn.feedback.rating > 0 and not turn.refused and turn.citations:
            examples[" ".join(turn.question.split()).lower()] = {
                "query": turn.question,
                "query_by": {"model_name": "", "type": "human"},
                "reference_contexts": [str(c.get("text", "")) for c in turn.citations],
                "reference_answer": MARKER.sub("", turn.answer).strip(),
                "reference_answer_by": {"model_name": "", "type": "human"},
            }
        else:
            review.append(
                {
                    "query": turn.question,
                    "answer": turn.answer,
                    "refused": turn.refused,
                    "rating": turn.feedback.rating,
                    "note": turn.feedback.note,
                    "collection": item.collection,
                    "conversation_id": item.conversation_id,
                    "turn": turn.n,
                }
            )
    return {"examples": list(examples.values()), "review": review}


def export_feedback(
    rated: list[RatedTurn], path: Path, collection: str | None = None
) -> ExportReport:
    data = feedback_dataset(rated, collection)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return ExportReport(path, len(data["examples"]), len(data["review"]))
