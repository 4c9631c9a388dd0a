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


def test_empty_input() -> None:
    assert MiniLMEncoder(local_minilm_path()).encode([]).shape == (0, 384)
