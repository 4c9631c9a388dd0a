"""The lean MiniLM encoder gives the vectors sentence-transformers gives, for the same weights."""

from __future__ import annotations

import numpy as np

from rag.embedding import local_minilm_path
from rag.encoder import MiniLMEncoder

TEXTS = [
    "Mother-to-child transmission is the main cause of HIV-1 infection in children.",
    "",
    "a",
    "Keir Starmer hosted the summit in London. " * 40,  # longer than 256 tokens: truncated
    "Ärzte und Pflegekräfte — naïve café résumé 東京",
]


def test_matches_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    path = local_minilm_path()
    ours = MiniLMEncoder(path, batch_size=2).encode(TEXTS)
    reference = SentenceTransformer(path, device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(ours, reference, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # one batch of 5 padded with empty rows to 8, lengths padded to a multiple of 16
    padded = MiniLMEncoder(path, batch_size=8).encode(TEXTS)
    np.testing.assert_allclose(padded, reference, atol=1e-5)


def test_empty_input() -> None:
    assert MiniLMEncoder(local_minilm_path()).encode([]).shape == (0, 384)


def test_bfloat16_vectors_agree_with_float32() -> None:
    path = local_minilm_path()
    exact = MiniLMEncoder(path, batch_size=2).encode(TEXTS)
    fast = MiniLMEncoder(path, batch_size=2, bfloat16=True).encode(TEXTS)
    assert fast.dtype == np.float32
    cosines = (exact * fast).sum(axis=1)
    assert cosines.min() > 0.999, cosines
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    # what retrieval depends on: the order of texts by similarity to a query stays the same
    query_exact, query_fast = exact[0], fast[0]
    assert list(np.argsort(exact @ query_exact)) == list(np.argsort(fast @ query_fast))


def test_precision_setting() -> None:
    from rag.embedding import cpu_has_fast_bfloat16, precision
    from rag.settings import load_settings

    assert precision(load_settings(embed_precision="float32")) == "float32"
    assert precision(load_settings(embed_precision="bfloat16")) == "bfloat16"
    expected = "bfloat16" if cpu_has_fast_bfloat16() else "float32"
    assert precision(load_settings()) == expected


def test_batches_group_similar_lengths_and_cost_less_than_one_padded_batch() -> None:
    from rag.encoder import PASS_COST_SLOTS, _bucket, _round16, plan_batches

    # the units of one answer: two dozen sentences from 8 to 150 tokens, sorted
    lengths = sorted([8, 9, 12, 14, 17, 20, 22, 25, 27, 30, 31, 33, 36, 40, 41, 45, 52, 60, 64,
                      78, 96, 150])  # fmt: skip
    plan = plan_batches(lengths, 32)
    assert plan[0][0] == 0 and plan[-1][1] == len(lengths)
    assert all(a[1] == b[0] for a, b in zip(plan, plan[1:], strict=False))  # contiguous
    assert all(0 < last - first <= 32 for first, last in plan)

    def cost(batches: list[tuple[int, int]]) -> int:
        return sum(_bucket(j - i) * _round16(lengths[j - 1]) + PASS_COST_SLOTS
                   for i, j in batches)  # fmt: skip

    one_batch = cost([(0, len(lengths))])
    assert cost(plan) < one_batch / 2, (plan, cost(plan), one_batch)
    # the longest sentence does not pad the short ones
    assert not any(first == 0 and last == len(lengths) for first, last in plan)
    # texts of one length fill whole batches of max_rows
    assert plan_batches([256] * 64, 32) == [(0, 32), (32, 64)]
    assert plan_batches([], 32) == []
    assert plan_batches([5], 32) == [(0, 1)]
