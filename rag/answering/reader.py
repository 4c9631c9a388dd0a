"""The reading model: a cross-encoder that reads the question against one answer unit.

A 6-layer MiniLM (all-MiniLM-L6-v2, fine-tuned here by ``python -m eval.train_reader``) reads
``[CLS] question [SEP] unit [SEP]`` and a linear head on the ``[CLS]`` state gives one logit:
how likely the unit answers the question. Unlike the embedding's cosine, it sees both texts
at once, so "the 1st floor" does not answer a question about the 3rd, and a question quoted
back does not answer itself.

The weights come from an installed wheel, ``rag-reader`` (built by ``make reader`` from a
pinned training run; never fetched at run time), or from ``RAG_READER_PATH``. The forward pass
is :class:`rag.encoder.MiniLMEncoder`'s, with token types for the pair.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.encoder import MiniLMEncoder, plan_batches
from rag.errors import ConfigError
from rag.memory import rss_mb
from rag.priority import yield_to_foreground

log = logging.getLogger(__name__)

MAX_PAIR_TOKENS = 160  # question + unit; longer units are cut (the unit's end goes first)
READER_PACKAGE_HINT = (
    "the reading model is missing: run `make reader` (it builds and installs the rag-reader "
    "wheel offline) or set RAG_READER_PATH to a trained model folder"
)


class Reader:
    """Scores ``(question, text)`` pairs; higher logits answer better."""

    def __init__(self, folder: str | Path, *, bfloat16: bool = False, batch_size: int = 32):
        started, rss_before = time.perf_counter(), rss_mb()
        folder = Path(folder)
        if not (folder / "model.safetensors").is_file():
            raise ConfigError(f"{folder}: no reading model here (model.safetensors missing)")
        self.folder = folder
        self.info = json.loads((folder / "reader.json").read_text(encoding="utf-8"))
        self._encoder = MiniLMEncoder(folder, batch_size=batch_size, bfloat16=bfloat16)
        self._encoder.tokenizer.enable_truncation(
            max_length=MAX_PAIR_TOKENS, strategy="longest_first"
        )
        w = self._encoder.w
        self._head_w = w["classifier.weight"].float().reshape(-1)
        self._head_b = float(w["classifier.bias"].float().reshape(-1)[0])
        self._lock = threading.Lock()
        # one pair read now: the weights' pages come in here, not in the first question, and
        # what loading costs is measured whole (rag bench reports it)
        self.logits("warm-up", ["warm-up"])
        self.load_s = time.perf_counter() - started
        self.loaded_mb = max(0.0, rss_mb() - rss_before)

    @property
    def fingerprint(self) -> str:
        return str(self.info.get("sha256", ""))

    def logits(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """One logit per text, in the order given."""
        out = np.zeros(len(texts), dtype=np.float32)
        if not texts:
            return out
        encoder = self._encoder
        encodings = encoder.tokenizer.encode_batch([(question, t) for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        lengths = [len(encodings[i].ids) for i in order]
        torch = encoder._torch
        with (
            torch.inference_mode(),
            torch.autocast("cpu", torch.bfloat16, enabled=encoder.bfloat16),
        ):
            for first, last in plan_batches(lengths, encoder.batch_size):
                yield_to_foreground()
                rows = order[first:last]
                hidden, _ = encoder._hidden([encodings[i] for i in rows])
                cls = hidden[: len(rows), 0, :]
                out[rows] = (cls.float() @ self._head_w + self._head_b).float().numpy()
        return out


def reader_path(configured: Path | None = None) -> Path:
    """The model folder: ``configured`` (``RAG_READER_PATH``), else the rag-reader wheel's."""
    if configured is not None:
        return Path(configured)
    try:
        # deferred for start-up time: the wheel only where needed
        import rag_reader  # type: ignore[import-not-found]
    except ImportError:
        raise ConfigError(READER_PACKAGE_HINT) from None
    return Path(rag_reader.MODEL_DIR)


@lru_cache(maxsize=2)
def load_reader(folder: Path, bfloat16: bool) -> Reader:
    """One reader per folder and arithmetic, per process."""
    log.info("loading the reading model from %s", folder)
    return Reader(folder, bfloat16=bfloat16)


def weights_sha256(folder: Path) -> str:
    """Checksum of a model folder's weights file (what the Makefile and ``reader.json`` pin)."""
    digest = hashlib.sha256()
    with open(folder / "model.safetensors", "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
