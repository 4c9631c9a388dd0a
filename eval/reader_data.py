"""Training groups for the reading model from SQuAD-format QA files, split by document.

A SQuAD-format file (``{"data": [{"paragraphs": [{"context", "qas": [...]}]}]}``; COVID-QA's
``200423_covidQA.json`` is one) gives, for each question, the sentence holding its answer
span (the positive) and other sentences of the same document (the negatives): those sharing
most words with the question first, as a reader meets them after retrieval, then a few at
random. A question marked ``is_impossible`` (SQuAD 2.0) gets negatives only. Sentences are cut
by the answerer's own splitter (:func:`rag.sentences.split_units`), so training sees units
as answering does. Documents listed in ``exclude`` (those of the evaluation samples) are
never read.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from pathlib import Path

from eval.reader_notes import Group
from rag.answering.lexical import content_terms
from rag.sentences import split_units

HARD_NEGATIVES = 5
RANDOM_NEGATIVES = 2
ECHO_SHARE = 0.1  # groups that also get the question itself as a negative (an FAQ's line)
MIN_UNIT_CHARS = 12


def squad_groups(
    path: Path,
    *,
    source: str,
    exclude: Iterable[str] = (),
    seed: int = 0,
    max_questions: int | None = None,
) -> list[Group]:
    """Groups of every question in ``path`` whose document is not in ``exclude``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    excluded = {str(d) for d in exclude}
    rng = random.Random(seed)
    groups: list[Group] = []
    every = [
        (a, k, q)
        for a, article in enumerate(data["data"])
        for k, paragraph in enumerate(article["paragraphs"])
        for q in range(len(paragraph["qas"]))
    ]
    keep = set(
        rng.sample(every, max_questions) if max_questions and max_questions < len(every) else every
    )
    for article_number, article in enumerate(data["data"]):
        paragraphs = article["paragraphs"]
        doc = str(paragraphs[0].get("document_id", article.get("title", article_number)))
        if doc in excluded:
            continue
        if not any(
            (article_number, k, q) in keep
            for k, p in enumerate(paragraphs)
            for q in range(len(p["qas"]))
        ):
            continue
        units = []  # (paragraph, start, end, text) of the whole document
        for k, paragraph in enumerate(paragraphs):
            context = paragraph["context"]
            for s, e in split_units(context):
                if e - s >= MIN_UNIT_CHARS:
                    units.append((k, s, e, context[s:e]))
        unit_terms = [content_terms(u[3]) for u in units]
        for k, paragraph in enumerate(paragraphs):
            for q, qa in enumerate(paragraph["qas"]):
                if (article_number, k, q) in keep:
                    groups.append(_group(qa, k, units, unit_terms, rng, source))
    rng.shuffle(groups)
    return groups


def _group(
    qa: dict,
    paragraph: int,
    units: list[tuple[int, int, int, str]],
    unit_terms: list[set[str]],
    rng: random.Random,
    source: str,
) -> Group:
    question = str(qa["question"]).strip()
    spans = [] if qa.get("is_impossible") else [
        (int(a["answer_start"]), int(a["answer_start"]) + len(a["text"].strip()))
        for a in qa.get("answers") or []
    ]  # fmt: skip
    positives: list[int] = []
    others: list[int] = []
    for index, (k, s, e, _text) in enumerate(units):
        holds = k == paragraph and any(_holds(s, e, a, b) for a, b in spans)
        (positives if holds else others).append(index)
    terms = content_terms(question)
    ranked = sorted(others, key=lambda i: -len(terms & unit_terms[i]))
    hard = ranked[:HARD_NEGATIVES]
    rest = ranked[HARD_NEGATIVES:]
    chosen = hard + rng.sample(rest, min(RANDOM_NEGATIVES, len(rest)))
    picked = positives[:2] + chosen
    texts = [units[i][3] for i in picked]
    labels = [1] * len(positives[:2]) + [0] * len(chosen)
    if rng.random() < ECHO_SHARE:
        texts.append(question if rng.random() < 0.5 else f"Q: {question}")
        labels.append(0)
    return Group(question, tuple(texts), tuple(labels), source)


def _holds(s: int, e: int, a: int, b: int) -> bool:
    """The unit ``[s, e)`` holds the answer ``[a, b)``: all of it, or most of a long one."""
    inside = min(e, b) - max(s, a)
    return inside > 0 and (inside >= b - a or inside >= 0.6 * (b - a) and inside >= 0.5 * (e - s))


def covid_eval_documents(meta: Path, limits: Iterable[int] = (300, 50), seed: int = 0) -> set[str]:
    """COVID-QA's documents that ``rag eval --limit N --seed 0`` samples for each N."""
    # deferred: eval's own sampling, so the two never disagree
    from eval.examples import Dataset, Example

    rows = [json.loads(line) for line in meta.read_text(encoding="utf-8").splitlines() if line]
    examples = [
        Example(id=str(i), question="", reference_answer="", answerable=True, type="")
        for i in range(len(rows))
    ]
    docs: set[str] = set()
    for limit in limits:
        sample = Dataset("covid", examples, [], []).sample(limit, seed)
        docs |= {str(rows[int(e.id)]["document_id"]) for e in sample.examples}
    return docs
