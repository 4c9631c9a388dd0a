"""Sentence-aware chunking sized in tokens; every chunk keeps exact character offsets."""

from __future__ import annotations

import hashlib

from rag.boxes import Box, boxes_in
from rag.models import Chunk
from rag.non_prose import non_prose_spans
from rag.sentences import split_sentences
from rag.table_rows import table_rows
from rag.tokens import count_tokens, encoding


def chunk_text(
    text: str,
    *,
    doc_id: str,
    source: str,
    chunk_size: int,
    chunk_overlap: int,
    page: int | None = None,
    first_index: int = 0,
    boxes: tuple[Box, ...] = (),
    context: str = "",
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``chunk_size`` tokens.

    Consecutive chunks share trailing sentences worth up to ``chunk_overlap`` tokens. A sentence
    longer than ``chunk_size`` is cut at token boundaries. ``chunk.text == text[start:end]``.
    A Markdown table row is one piece, so never split; a chunk that starts inside a table
    carries the table's header (``table_header``), which is embedded with it.
    """
    pieces = _pieces(text, chunk_size)
    marked = [(s, e) for s, e, _ in non_prose_spans(text)]  # on the whole page: context counts
    headers = {row.start: row.header for row in table_rows(text)} if "|" in text else {}
    chunks: list[Chunk] = []
    i = 0
    while i < len(pieces):
        j, tokens = i, 0
        while j < len(pieces) and (j == i or tokens + pieces[j][2] <= chunk_size):
            tokens += pieces[j][2]
            j += 1
        start, end = pieces[i][0], pieces[j - 1][1]
        index = first_index + len(chunks)
        chunks.append(
            Chunk(
                chunk_id=_chunk_id(source, doc_id, page, index),
                doc_id=doc_id,
                source=source,
                text=text[start:end],
                start_char=start,
                end_char=end,
                page=page,
                chunk_index=index,
                non_prose=tuple((s, e) for s, e in marked if start <= s and e <= end),
                boxes=boxes_in(boxes, start, end),
                table_header=headers.get(start, "") if start > 0 else "",
                context=context,
            )
        )
        if j >= len(pieces):
            break
        # step back over trailing sentences that fit in the overlap, but always move forward
        back, overlap = j, 0
        while back - 1 > i and overlap + pieces[back - 1][2] <= chunk_overlap:
            back -= 1
            overlap += pieces[back][2]
        i = back
    return chunks


def _pieces(text: str, chunk_size: int) -> list[tuple[int, int, int]]:
    """Sentences as ``(start, end, tokens)``, with over-long sentences cut to fit."""
    pieces: list[tuple[int, int, int]] = []
    for start, end in split_sentences(text):
        tokens = count_tokens(text[start:end])
        if tokens <= chunk_size:
            pieces.append((start, end, tokens))
        else:
            pieces.extend(_cut_long(text, start, end, chunk_size))
    return pieces


def _cut_long(text: str, start: int, end: int, chunk_size: int) -> list[tuple[int, int, int]]:
    enc = encoding()
    token_ids = enc.encode(text[start:end], disallowed_special=())
    out = []
    cursor = start
    for k in range(0, len(token_ids), chunk_size):
        window = token_ids[k : k + chunk_size]
        piece_len = len(enc.decode(window))
        piece_end = min(end, cursor + piece_len) if k + chunk_size < len(token_ids) else end
        if piece_end > cursor:
            out.append((cursor, piece_end, len(window)))
        cursor = piece_end
    return out


def _chunk_id(source: str, doc_id: str, page: int | None, index: int) -> str:
    key = f"{source}\x00{doc_id}\x00{page}\x00{index}".encode()
    return hashlib.sha256(key).hexdigest()[:32]
