"""Bench corpora: real COVID-QA articles for the small size, generated chunks above it.

The real text is read from the shared COVID-QA file by path (``eval.eval_data``) and written as ``.txt`` files into
the bench's work folder (never into the repository). Sizes above the real corpus reuse its real
chunk texts and real embeddings: each generated chunk is a window of a real article shifted by a
random offset, with the embedding of the real chunk it was cut near plus a small perturbation.
The report says which sizes are generated.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunking import chunk_text
from rag.models import Chunk

# Per-dimension noise added to a reused (unit) embedding; cosine to the original stays ~0.9.
NOISE_SIGMA = 0.025


@dataclass
class Article:
    document_id: str
    text: str
    questions: list[str]


@dataclass
class RealCorpus:
    folder: Path
    articles: list[Article]
    chunks: list[Chunk]

    @property
    def questions(self) -> list[str]:
        return [q for a in self.articles for q in a.questions]


def load_articles(path: Path) -> list[Article]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for item in data["data"]:
        for para in item["paragraphs"]:
            questions = [qa["question"] for qa in para["qas"]]
            out.append(Article(str(para["document_id"]), para["context"], questions))
    return out


def write_real_corpus(
    folder: Path,
    target_chunks: int,
    *,
    chunk_size: int,
    chunk_overlap: int,
    source: Path,
) -> RealCorpus:
    """Write whole articles as ``.txt`` files until their chunks reach ``target_chunks``.

    The last article is cut (at a chunk boundary) so the corpus holds about ``target_chunks``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    articles: list[Article] = []
    chunks: list[Chunk] = []
    for article in load_articles(source):
        if len(chunks) >= target_chunks:
            break
        path = folder / f"covid_{article.document_id}.txt"
        text = article.text.strip()
        got = _chunks_of(path, text, chunk_size, chunk_overlap)
        missing = target_chunks - len(chunks)
        if len(got) > missing:
            text = text[: got[missing - 1].end_char]
            got = _chunks_of(path, text, chunk_size, chunk_overlap)
        path.write_text(text, encoding="utf-8")
        articles.append(Article(article.document_id, text, article.questions))
        chunks.extend(got)
    return RealCorpus(folder, articles, chunks)


def _chunks_of(path: Path, text: str, chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    # Same call as the ingest pipeline makes; doc_id is irrelevant to the texts.
    return chunk_text(
        text,
        doc_id="bench",
        source=str(path.resolve()),
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
    )


def generated_chunks(
    corpus: RealCorpus, vectors: np.ndarray, count: int, *, seed: int = 7, batch: int = 5000
) -> Iterator[tuple[list[Chunk], np.ndarray]]:
    """``count`` generated chunks with vectors, in batches. Texts are real, vectors reused."""
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    texts = {str((corpus.folder / f"covid_{a.document_id}.txt").resolve()): a.text
             for a in corpus.articles}  # fmt: skip
    made = 0
    while made < count:
        n = min(batch, count - made)
        chunks: list[Chunk] = []
        base_rows: list[int] = []
        for k in range(made, made + n):
            row = pick.randrange(len(corpus.chunks))
            real = corpus.chunks[row]
            text = texts[real.source]
            length = real.end_char - real.start_char
            shift = pick.randint(-length // 2, length // 2)
            start = _word_start(text, max(0, min(len(text) - length, real.start_char + shift)))
            end = min(len(text), start + length)
            source = f"generated/{Path(real.source).stem}/{k // 50}"
            chunks.append(
                Chunk(f"gen-{k:07d}", f"gen-{k // 50:06d}", source, text[start:end], start, end,
                      None, k % 50)
            )  # fmt: skip
            base_rows.append(row)
        vecs = vectors[base_rows] + rng.normal(0.0, NOISE_SIGMA, (n, vectors.shape[1]))
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        yield chunks, vecs.astype(np.float32)
        made += n


def _word_start(text: str, pos: int) -> int:
    while 0 < pos < len(text) and not text[pos - 1].isspace():
        pos += 1
    return min(pos, len(text))
