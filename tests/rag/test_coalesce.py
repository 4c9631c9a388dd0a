"""Concurrent encode calls are merged into fewer model runs, each caller getting its own rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from rag.coalesce import Coalescer
from rag.encoder import MiniLMEmbedding
from rag.settings import Settings

CALLERS = 16


def run_together(encode: object, calls: list[list[str]]) -> list[object]:
    start = threading.Barrier(len(calls))
    out: list[object] = [None] * len(calls)

    def call(i: int) -> None:
        start.wait()
        try:
            out[i] = encode(calls[i])  # type: ignore[operator]
        except Exception as exc:  # returned to the test
            out[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_callers_waiting_together_share_a_run_and_get_their_own_rows() -> None:
    seen: list[list[str]] = []

    def slow_lengths(texts: Sequence[str]) -> np.ndarray:
        seen.append(list(texts))
        time.sleep(0.05)  # while one run goes, the other callers queue up
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)

    coalescer = Coalescer(slow_lengths)
    calls = [[f"q{i}", "shared", f"{'x' * i}y"] for i in range(CALLERS)]
    results = run_together(coalescer.encode, calls)
    for texts, got in zip(calls, results, strict=True):
        assert isinstance(got, np.ndarray)
        assert got.tolist() == [[len(t), ord(t[0])] for t in texts]
    assert coalescer.rounds == len(seen) < CALLERS
    assert all(run.count("shared") == 1 for run in seen)  # one row per distinct text


def test_an_error_reaches_every_caller_of_that_run_and_the_next_run_works() -> None:
    fail = threading.Event()
    fail.set()

    def flaky(texts: Sequence[str]) -> np.ndarray:
        time.sleep(0.05)
        if fail.is_set():
            fail.clear()
            raise RuntimeError("model broke")
        return np.ones((len(texts), 1), dtype=np.float32)

    coalescer = Coalescer(flaky)
    results = run_together(coalescer.encode, [["a"], ["b"], ["c"]])
    assert any(isinstance(r, RuntimeError) for r in results)
    assert coalescer.encode(["d"]).shape == (1, 1)


@pytest.mark.slow
def test_real_model_vectors_are_the_same_merged_or_alone(seed_settings: Settings) -> None:
    from rag.backends import build_embedding

    model = build_embedding(seed_settings)
    assert isinstance(model, MiniLMEmbedding)
    texts = [[f"What did leader number {i} say about troops in Ukraine?", "Macron spoke."]
             for i in range(CALLERS)]  # fmt: skip
    alone = [model._encoder.encode(t) for t in texts]
    merged = run_together(model._short.encode, texts)
    for a, m in zip(alone, merged, strict=True):
        assert isinstance(m, np.ndarray)
        assert np.min(np.sum(a * m, axis=1)) > 0.999  # unit vectors: cosine
