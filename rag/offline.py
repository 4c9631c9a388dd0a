"""Start-up guards that keep every library off the network.

Imported first by :mod:`rag`, before llama-index, transformers, chromadb or gradio, so that
nothing tries to reach a model hub, a tokenizer download or a telemetry endpoint.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def _tiktoken_cache_dir() -> str | None:
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "_static" / "tiktoken_cache"
        if candidate.is_dir():
            return str(candidate)
    return None


def apply_offline_guards() -> None:
    """Set the environment flags that stop hub downloads, analytics and telemetry."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    cache = _tiktoken_cache_dir()
    if cache is not None:
        os.environ["TIKTOKEN_CACHE_DIR"] = cache


apply_offline_guards()
