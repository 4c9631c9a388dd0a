"""LlamaIndex ``rag_dataset.json`` plus the optional files found beside it.

- ``qa_meta.jsonl`` (``{"i", "document_id", ...}`` per line): example ``i``'s gold document.
- A SQuAD-style JSON (COVID-QA's ``200423_covidQA.json``): the documents are its ``context``
  strings. They are written out as ``<document_id>.txt`` into a cache folder at run time, and
  since its answers are verbatim spans, the reference answer is also the answer keyword.
- ``qna_data.csv`` (Docugami SEC 10-Q): ``Source Docs`` globs are the gold documents and the
  ``SOURCE(S):`` line that ends a reference answer names the gold citations.
- ``source_files/``: the documents folder when ``--docs`` is not given.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from pathlib import Path
from typing import Any

from eval.examples import Dataset, Example, dataset_name
from rag.errors import InputError

log = logging.getLogger(__name__)

SOURCE_LINE = re.compile(r"^\s*SOURCE\(?S?\)?:.*$", re.IGNORECASE | re.MULTILINE)
PDF_NAME = re.compile(r"\d{4} Q\d [A-Z]+\.pdf")


def load_rag_dataset(path: Path, docs: Path | None, *, cache_dir: Path) -> Dataset:
    data = _load_json(path)
    rows = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{path}: not a LlamaIndex rag dataset (no 'examples' list)")
    name = dataset_name(path)
    examples = [_example(name, i, row, path) for i, row in enumerate(rows)]
    notes: list[str] = []
    here = path.parent
    meta = here / "qa_meta.jsonl"
    if meta.is_file():
        _apply_gold_documents(examples, meta)
        notes.append("gold documents from qa_meta.jsonl")
    squad = _squad_file(here)
    if squad is not None:
        for ex in examples:
            ex.keywords = [ex.reference_answer]  # SQuAD answers are verbatim spans
        if docs is None:
            docs = write_squad_documents(squad, cache_dir / f"{name}-docs")
            notes.append(f"documents: the contexts of {squad.name}, written to {docs}")
    qna = here / "qna_data.csv"
    if qna.is_file():
        _apply_sec_annotations(examples, qna)
        notes.append("gold documents and citations from qna_data.csv")
    if docs is None and (here / "source_files").is_dir():
        docs = here / "source_files"
    if docs is None:
        raise InputError(f"{path}: give the documents folder with --docs")
    if not docs.exists():
        raise InputError(f"no such documents folder: {docs}")
    return Dataset(name, examples, [docs], notes)


def _example(name: str, i: int, row: Any, path: Path) -> Example:
    try:
        contexts = row.get("reference_contexts") or []
        answer = str(row.get("reference_answer") or "")
        return Example(
            id=f"{name}-{i}",
            question=str(row["query"]),
            reference_answer=SOURCE_LINE.sub("", answer).strip(),
            evidence=[str(c) for c in contexts],
            gold_citations=sorted(set(PDF_NAME.findall(answer))),
        )
    except (KeyError, AttributeError) as exc:
        raise InputError(f"{path}: example {i} has no {exc}") from None


def _apply_gold_documents(examples: list[Example], meta: Path) -> None:
    for line in meta.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        i = int(row["i"])
        if 0 <= i < len(examples):
            examples[i].gold_docs = [f"{row['document_id']}.txt"]


def _apply_sec_annotations(examples: list[Example], qna: Path) -> None:
    with qna.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    by_question = {r["Question"].strip(): r for r in rows}
    for ex in examples:
        row = by_question.get(ex.question.strip())
        if row is None:
            continue
        ex.gold_docs = [g.strip() for g in row["Source Docs"].split(",") if g.strip()]
        ex.type = row.get("Question Type", "")


def _squad_file(folder: Path) -> Path | None:
    for candidate in sorted(folder.glob("*.json")):
        if candidate.name == "rag_dataset.json":
            continue
        with candidate.open(encoding="utf-8") as f:
            head = f.read(200)
        if '"data"' in head:
            return candidate
    return None


def write_squad_documents(squad: Path, folder: Path) -> Path:
    """Write every ``context`` of a SQuAD file to ``folder/<document_id>.txt`` (idempotent)."""
    data = _load_json(squad)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for article in data.get("data", []):
        for paragraph in article.get("paragraphs", []):
            doc_id = paragraph.get("document_id")
            if doc_id is None:
                continue
            target = folder / f"{doc_id}.txt"
            text = str(paragraph["context"])
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                written += 1
    log.info("wrote %d documents from %s to %s", written, squad, folder)
    return folder


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
