"""Where the shared eval sets live: the one ``eval_data`` setting (``RAG_EVAL_DATA``,
``--eval-data``), else ``shared/eval-data`` beside the repository.

The sets are read by path and never copied into the repository. A clean clone made elsewhere
(CI) falls back to the workplace's copy in ``/work/shared/eval-data``.
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import InputError
from rag.settings import Settings

_BESIDE_REPOSITORY = Path(__file__).resolve().parents[2] / "shared" / "eval-data"
_WORKPLACE = Path("/work/shared/eval-data")
COVID_QA_JSON = Path("covid-qa-deepset") / "200423_covidQA.json"


def eval_data_dir(settings: Settings) -> Path:
    """The configured folder, or the first default that exists (else the first default)."""
    if settings.eval_data is not None:
        return settings.eval_data
    return next((p for p in (_BESIDE_REPOSITORY, _WORKPLACE) if p.is_dir()), _BESIDE_REPOSITORY)


def covid_qa_json(settings: Settings) -> Path:
    """COVID-QA's SQuAD file (the bench corpus and its questions)."""
    return eval_data_dir(settings) / COVID_QA_JSON


def resolve_dataset(dataset: Path, settings: Settings) -> Path:
    """A dataset file as given, or a set's name inside the eval-data folder.

    ``covid-qa-deepset`` stands for ``<eval data>/covid-qa-deepset/rag_dataset.json``; an
    existing file or anything with a suffix is taken as a path.
    """
    if dataset.exists() or dataset.suffix or len(dataset.parts) != 1:
        return dataset
    folder = eval_data_dir(settings)
    candidate = folder / dataset / "rag_dataset.json"
    if not candidate.is_file():
        sets = sorted(p.parent.name for p in folder.glob("*/rag_dataset.json"))
        known = f"; sets there: {', '.join(sets)}" if sets else ""
        raise InputError(
            f"no such dataset file or set: {dataset} (looked for {candidate}; the eval-data "
            f"folder is set with --eval-data or RAG_EVAL_DATA){known}"
        )
    return candidate
