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
