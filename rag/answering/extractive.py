"""The default answerer: quotes the retrieved sentences that answer the question.

It never writes a word of its own besides the refusal message: every sentence of the answer
is copied from a passage and cited. Candidates are answer units (:mod:`units`: a sentence, or
a sentence with the neighbour that names its subject or speaker; never a heading, caption,
reference, page furniture, signature or table dump, never a fragment); a calibrated model
(:mod:`selection`) picks the unit that answers and says how sure it is. Below the calibrated
floor it refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.answering.attribution import speaker_unreported
from rag.answering.base import REFUSAL_TEXT, AnswerDelta
from rag.answering.citations import CitationBook, Evidence
from rag.answering.lexical import missing_names
from rag.answering.named_documents import names_documents, quote_named
from rag.answering.reader import Reader
from rag.answering.reader_fusion import (
    ReaderCalibration,
    check_fitted_for,
    load_reader_calibration,
)
from rag.answering.selection import (
    Calibration,
    answer_score,
    compose,
    load_calibration,
    probabilities,
    unit_features,
)
from rag.answering.support import embed_texts
from rag.answering.table_units import figure_row, is_row_unit
from rag.answering.units import Unit, answer_units
from rag.models import Answer, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.sentence_vectors import SentenceVectors
    from rag.settings import Settings


SHORTLIST_SELECTED = 12  # units the reader reads: the selection model's best ...
SHORTLIST_DENSE = 8  # ... and the embedding's


def shortlist(probs: np.ndarray, dense: np.ndarray) -> list[int]:
    """Indices of the units worth reading, in index order."""
    top = set(np.argsort(-probs, kind="stable")[:SHORTLIST_SELECTED].tolist())
    top |= set(np.argsort(-dense, kind="stable")[:SHORTLIST_DENSE].tolist())
    return sorted(int(i) for i in top)


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    probability: float
    dense: float  # cosine of the question and the unit's sentence


@dataclass(frozen=True)
class Selection:
    """The units to quote (reading order; empty = refuse) and the answer's confidence."""

    chosen: list[Candidate]
    confidence: float
    candidates: list[Candidate]


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        settings: Settings,
        embed_model: BaseEmbedding,
        calibration: Calibration | None = None,
        sentence_vectors: SentenceVectors | None = None,
        reader: Reader | None = None,
        reader_calibration: ReaderCalibration | None = None,
    ) -> None:
        self.settings = settings
        self.embed_model = embed_model
        self.calibration = calibration or load_calibration()
        self.reader = reader  # None: the selection model alone (no reading model installed)
        self.reader_calibration: ReaderCalibration | None = None
        if reader is not None:
            self.reader_calibration = reader_calibration or load_reader_calibration()
            check_fitted_for(self.reader_calibration, reader.fingerprint)
        # the curve and thresholds in force: the fused model's with the reader, else the selection's
        self.thresholds = (
            self.reader_calibration.thresholds if self.reader_calibration else self.calibration
        )
        # the units' vectors as ingest stored them (rag.sentence_vectors); None: embed them
        self.sentence_vectors = sentence_vectors

    def candidates(self, question: str, passages: list[Passage]) -> list[Candidate]:
        """Every answer unit of ``passages`` with its probability of answering."""
        units = answer_units(passages)
        if not units:
            return []
        query_vec = np.asarray(self.embed_model.get_query_embedding(question))
        texts = [u.main for u in units]
        if self.sentence_vectors is not None:
            vecs = self.sentence_vectors.vectors(texts)
        else:
            vecs = embed_texts(self.embed_model, texts)
        dense = vecs @ query_vec / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(query_vec) + 1e-9)
        features = unit_features(question, units, dense, passages)
        probs = probabilities(features, self.calibration, question, units)
        if self.reader is not None:
            probs = self._read(question, units, probs, dense)
        return [
            Candidate(u, float(p), float(d)) for u, p, d in zip(units, probs, dense, strict=True)
        ]

    def _read(
        self, question: str, units: list[Unit], probs: np.ndarray, dense: np.ndarray
    ) -> np.ndarray:
        """The fused probability (:mod:`reader_fusion`) of the shortlisted units (the
        selection model's and the embedding's best), 0 for the rest."""
        assert self.reader is not None and self.reader_calibration is not None
        picked = shortlist(probs, dense)
        logits = self.reader.logits(question, [units[i].text for i in picked])
        read = np.zeros(len(units))
        read[picked] = self.reader_calibration.probabilities(logits, probs[picked])
        return read

    def select(self, question: str, passages: list[Passage]) -> Selection:
        if missing_names(question, " ".join(f"{p.context} {p.names} {p.text}" for p in passages)):
            return Selection([], 0.0, [])  # about someone or something the documents never name
        candidates = self.candidates(question, passages)
        if not candidates:
            return Selection([], 0.0, [])
        if speaker_unreported(question, [c.unit.text for c in candidates]):
            return Selection([], 0.0, candidates)  # "what did X say": nothing X is reported saying
        calibration = self.thresholds
        probs = np.array([c.probability for c in candidates])
        if self.reader_calibration is not None:
            confidence = calibration.confidence(float(probs.max()))
        else:
            confidence = calibration.confidence(answer_score(probs))
        named = names_documents(passages)  # then answered, labelled low, rather than refused
        floor = 0.0 if named else calibration.refuse_below
        if confidence < max(floor, self.settings.min_confidence):
            return Selection([], confidence, candidates)
        units = [c.unit for c in candidates]
        row = figure_row(question, [u.text for u in units], [c.probability for c in candidates])
        if row is not None:  # a figure: the row whose label names it
            return Selection([candidates[row]], confidence, candidates)
        if named:  # the units closest in meaning, of each named document
            picked = quote_named(
                units, [c.dense for c in candidates], passages,
                self.settings.max_answer_sentences,
            )  # fmt: skip
            return Selection([candidates[i] for i in picked], confidence, candidates)
        best = int(probs.argmax())
        if is_row_unit(candidates[best].unit.text):
            return Selection([candidates[best]], confidence, candidates)  # a figure: its row
        picked = compose(
            units, probs, calibration.more_ratio, self.settings.max_answer_sentences, question
        )
        return Selection([candidates[i] for i in picked], confidence, candidates)

    def stream(
        self, question: str, passages: list[Passage], history: list[tuple[str, str]]
    ) -> Iterator[AnswerDelta | Answer]:
        selection = self.select(question, passages)
        relevance: dict[int, float] = {}
        for candidate in selection.candidates:
            index = candidate.unit.passage_index
            relevance[index] = max(relevance.get(index, 0.0), candidate.dense)
        for index, value in relevance.items():
            passages[index].relevance = round(max(0.0, value), 4)
        confidence = round(selection.confidence, 4)
        calibration = self.thresholds
        label = calibration.label(selection.confidence)
        if not selection.chosen:
            yield AnswerDelta(REFUSAL_TEXT)
            yield Answer(
                question, REFUSAL_TEXT, True, self.name, retrieved=passages,
                confidence=confidence, confidence_label="low",
            )  # fmt: skip
            return
        book = CitationBook()
        parts: list[str] = []
        for candidate in selection.chosen:
            unit = candidate.unit
            n = book.cite(
                Evidence(passages[unit.passage_index], unit.start, unit.end,
                         candidate.probability,
                         supported=candidate.probability >= calibration.supported,
                         relevance=max(0.0, relevance[unit.passage_index]))
            )  # fmt: skip
            part = f"{unit.text} [{n}]"
            yield AnswerDelta(part if not parts else " " + part)
            parts.append(part)
        yield Answer(
            question, " ".join(parts), False, self.name, book.citations(), retrieved=passages,
            confidence=confidence, confidence_label=label,
        )  # fmt: skip
