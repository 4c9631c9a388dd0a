"""The in-memory form of a gold set: examples and the documents they are asked about.

Both loaders (:mod:`eval.datasets` for the seeds JSONL format, :mod:`eval.shared_sets` for
LlamaIndex ``rag_dataset.json``) produce these; neither imports the other's module for them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

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


def dataset_name(path: Path) -> str:
    """``seeds`` for ``eval/gold/seeds.jsonl``; the folder name for ``<set>/rag_dataset.json``."""
    return path.parent.name if path.stem == "rag_dataset" else path.stem
