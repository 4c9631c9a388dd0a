"""Gold sets: one in-memory form for the seeds JSONL format and LlamaIndex ``rag_dataset.json``.

A question's gold evidence comes at one of two levels. ``evidence`` holds exact text (the
seeds' quotes, a rag dataset's ``reference_contexts``): a passage is relevant when it contains
it. ``gold_docs`` holds document file-name patterns (COVID-QA's ``qa_meta.jsonl``, the SEC
set's ``Source Docs`` globs): a passage is relevant when its file name matches. Dataset-specific
extras (COVID-QA's articles, the SEC set's CSV) are read in :mod:`eval.shared_sets`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import InputError


@dataclass
class Example:
    """One gold question."""

    id: str
    question: str
    reference_answer: str
    answerable: bool = True
    type: str = ""
    keywords: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    gold_docs: list[str] = field(default_factory=list)  # fnmatch patterns on file names
    gold_citations: list[str] = field(default_factory=list)  # file names a citation should name


@dataclass
class Dataset:
    """A named list of examples and the document files they are asked about."""

    name: str
    examples: list[Example]
    doc_paths: list[Path]
    notes: list[str] = field(default_factory=list)

    def sample(self, limit: int | None, seed: int = 0) -> Dataset:
        """A fixed random sample of ``limit`` examples (same seed, same sample), in file order."""
        if limit is None or limit >= len(self.examples):
            return self
        if limit < 1:
            raise InputError("--limit must be at least 1")
        picked = sorted(random.Random(seed).sample(range(len(self.examples)), limit))
        return Dataset(self.name, [self.examples[i] for i in picked], self.doc_paths, self.notes)


def load_dataset(path: Path, docs: Path | None = None, *, cache_dir: Path | None = None) -> Dataset:
    """Load a gold set by its format: ``.jsonl`` (seeds format) or LlamaIndex ``.json``."""
    if not path.is_file():
        raise InputError(f"no such dataset file: {path}")
    if path.suffix == ".jsonl":
        if docs is None:
            raise InputError(f"{path}: give the documents folder with --docs")
        return Dataset(dataset_name(path), load_jsonl(path), [_existing(docs)])
    from eval.shared_sets import load_rag_dataset

    return load_rag_dataset(path, docs, cache_dir=cache_dir or Path("eval/out/cache"))


def dataset_name(path: Path) -> str:
    """``seeds`` for ``eval/gold/seeds.jsonl``; the folder name for ``<set>/rag_dataset.json``."""
    return path.parent.name if path.stem == "rag_dataset" else path.stem


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
