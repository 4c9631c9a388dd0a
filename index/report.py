"""The summary of one ingest run, as printed by ``rag ingest --json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class IngestedDocument:
    """The version of a file that is in the store after the run: its id and chunk count."""

    doc_id: str
    chunks: int


@dataclass
class IngestReport:
    """Paths per outcome; ``skipped``/``failed``/``warnings`` carry ``{"path", "reason"}``.

    ``skipped`` files are left out on purpose (unsupported type, empty, over the size limit);
    ``failed`` ones should have been ingested but could not be (their previous version, if
    any, stays in the store). ``removed`` lists documents deleted by ``--prune``. ``error``
    says why a run stopped before the end (the store became unreachable); the files not
    written are then in ``failed``. ``documents`` gives, for each path in ``added``,
    ``updated`` and ``unchanged``, the document now stored (so a caller need not list the
    collection to count its chunks).
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    documents: dict[str, IngestedDocument] = field(default_factory=dict)
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    error: str | None = None  # why the run stopped early (the Chroma server went away)

    @property
    def ok(self) -> bool:
        return not self.failed and self.error is None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
