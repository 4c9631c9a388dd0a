"""LLM-judged scores (LlamaIndex ``CorrectnessEvaluator`` 1-5, ``FaithfulnessEvaluator`` 0/1).

Only used when an LLM answerer is configured. The judge model and server can differ from the
answering model (``--judge-model``, ``--judge-base-url``); they default to the answerer's.
"""

from __future__ import annotations

import logging
from typing import Any

from rag.backends import build_judge_llm
from rag.settings import Settings

log = logging.getLogger(__name__)


class Judge:
    def __init__(self, llm: Any, model: str) -> None:
        # deferred for start-up time: llama_index only where needed
        from llama_index.core.evaluation import CorrectnessEvaluator, FaithfulnessEvaluator

        self.model = model
        self.llm = llm
        self.correctness = CorrectnessEvaluator(llm=llm)
        self.faithfulness = FaithfulnessEvaluator(llm=llm)

    def score(
        self, question: str, answer: str, reference: str, contexts: list[str]
    ) -> dict[str, float | None]:
        """Both judge scores; a judge failure is logged and leaves that score empty."""
        out: dict[str, float | None] = {"judge_correctness": None, "judge_faithfulness": None}
        try:
            result = self.correctness.evaluate(query=question, response=answer, reference=reference)
            out["judge_correctness"] = result.score
        except Exception as exc:  # the judge server's failure must not end the run
            log.warning("correctness judge failed on %r: %s", question, exc)
        if contexts:
            try:
                result = self.faithfulness.evaluate(
                    query=question, response=answer, contexts=contexts
                )
                out["judge_faithfulness"] = (
                    None if result.passing is None else float(result.passing)
                )
            except Exception as exc:
                log.warning("faithfulness judge failed on %r: %s", question, exc)
        return out


def build_judge(
    settings: Settings, model: str | None = None, base_url: str | None = None
) -> Judge | None:
    """A judge for LLM-backed settings; None for the extractive answerer (nothing to judge).

    Model and server: the arguments, else ``settings.judge_model`` / ``judge_base_url``
    (``--judge-model``, ``RAG_JUDGE_MODEL``, ...), else the answerer's.
    """
    built = build_judge_llm(settings.replace(judge_model=model, judge_base_url=base_url))
    if built is None:
        return None
    name, llm = built
    return Judge(llm, name)
