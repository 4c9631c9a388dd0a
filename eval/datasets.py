"""Gold sets: one in-memory form for the seeds JSONL format and LlamaIndex ``rag_dataset.json``.

A question's gold evidence comes at one of two levels. ``evidence`` holds exact text (the
seeds' quotes, a rag dataset's ``reference_contexts``): a passage is relevant when it contains
it. ``gold_docs`` holds document file-name patterns (COVID-QA's ``qa_meta.jsonl``, the SEC
set's ``Source Docs`` globs): a passage is relevant when its file name matches. Dataset-specific
extras (COVID-QA's articles, the SEC set's CSV) are read in :mod:`eval.shared_sets`; the types
both produce live in :mod:`eval.examples`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.examples import Dataset, Example, dataset_name
from eval.shared_sets import load_rag_dataset
from rag.errors import InputError

__all__ = ["dataset_name", "load_dataset", "load_jsonl"]


def load_dataset(path: Path, docs: Path | None = None, *, cache_dir: Path | None = None) -> Dataset:
    """Load a gold set by its format: ``.jsonl`` (seeds format) or LlamaIndex ``.json``."""
    if not path.is_file():
        raise InputError(f"no such dataset file: {path}")
    if path.suffix == ".jsonl":
        if docs is None:
            raise InputError(f"{path}: give the documents folder with --docs")
        return Dataset(dataset_name(path), load_jsonl(path), [_existing(docs)])
    return load_rag_dataset(path, docs, cache_dir=cache_dir or Path("eval/out/cache"))


def load_jsonl(path: Path) -> list[Example]:
    """The seeds format: ``id, question, reference_answer, keywords, quotes, answerable, type``."""
    examples: list[Example] = []
    for number, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row: dict[str, Any] = json.loads(line)
            examples.append(
                Example(
                    id=str(row.get("id") or f"{path.stem}-{number}"),
                    question=str(row["question"]),
                    reference_answer=str(row.get("reference_answer") or ""),
                    answerable=bool(row.get("answerable", True)),
                    type=str(row.get("type") or ""),
                    keywords=[str(k) for k in row.get("keywords") or []],
                    evidence=[str(q) for q in row.get("quotes") or []],
                    gold_docs=[str(d) for d in row.get("gold_docs") or []],
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a gold question ({exc})") from None
    if not examples:
        raise InputError(f"{path}: no questions")
    return examples


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def _existing(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"no such documents folder or file: {path}")
    return path
