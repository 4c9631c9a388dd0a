"""Measure retrieval (dense vs BM25 vs hybrid) and the extractive answerer on gold questions.

Uses only the public API a user has: ``index.ingest.ingest_paths`` to build a store (what
``rag ingest`` runs) and :class:`rag.engine.RagEngine` to retrieve and answer.

Retrieval, per mode, top-k passages:
- hit rate: share of questions with a retrieved passage containing the gold evidence;
- MRR: mean of 1/rank of the first such passage (0 when none).

Gold evidence: on the seed gold set, one of the question's ``quotes`` (answerable questions
only); on the COVID-QA sample (``../shared/eval-data/covid-qa-deepset``), the gold answer
span, in a passage of the gold document (the store also holds distractor articles).

Extractive answers on the seed gold set: accuracy (answerable: not refused, the answer holds
a keyword, a citation holds a gold quote; unanswerable: refused) and refusal precision and
recall, for a sweep of ``min_support`` thresholds.

    python -m eval.retrieval_compare                      # seeds + 80 COVID-QA questions
    python -m eval.retrieval_compare --covid-questions 0  # seeds only
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rag  # noqa: F401  (offline guards first)
from rag.engine import RagEngine
from rag.models import Answer, Passage
from rag.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "eval" / "gold" / "seeds.jsonl"
COVID = ROOT.parent / "shared" / "eval-data" / "covid-qa-deepset"
MODES = ("dense", "bm25", "hybrid")
THRESHOLDS = (0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)


@dataclass
class Question:
    question: str
    evidence: list[str]  # any of these inside a passage is a hit
    doc: str | None = None  # the passage must come from this file name (None: any)
    keywords: tuple[str, ...] = ()
    answerable: bool = True


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split()).lower()


def is_hit(p: Passage, q: Question) -> bool:
    if q.doc is not None and Path(p.source).name != q.doc:
        return False
    text = norm(p.text)
    return any(norm(e) in text for e in q.evidence)


def retrieval_scores(engine: RagEngine, questions: list[Question], k: int) -> dict[str, float]:
    ranks = []  # rank of the first passage holding the evidence, 0 when none
    for q in questions:
        passages = engine.retrieve(q.question, k)
        ranks.append(next((r for r, p in enumerate(passages, 1) if is_hit(p, q)), 0))
    n = len(questions) or 1
    return {
        "hit_rate": round(sum(r > 0 for r in ranks) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
        "hit@1": round(sum(r == 1 for r in ranks) / n, 3),
        "hit@3": round(sum(0 < r <= 3 for r in ranks) / n, 3),
        "n": len(questions),
    }


def compare(settings: Settings, questions: list[Question], k: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mode in MODES:
        engine = RagEngine.from_settings(
            settings.model_copy(update={"retrieval": mode, "top_k": k})
        )
        started = time.perf_counter()
        out[mode] = retrieval_scores(engine, questions, k)
        out[mode]["ms_per_query"] = round(
            (time.perf_counter() - started) * 1000 / max(1, len(questions)), 1
        )
    return out


def build_store(files: Iterable[Path], where: Path) -> Settings:
    from index.ingest import ingest_paths

    settings = load_settings(store=where / "store")
    report = ingest_paths(list(files), settings)
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed}")
    return settings


def seed_questions() -> list[Question]:
    rows = [
        json.loads(line)
        for line in SEED_GOLD.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [
        Question(
            r["question"],
            r.get("quotes", []),
            None,
            tuple(r.get("keywords", [])),
            bool(r["answerable"]),
        )
        for r in rows
    ]


def covid_sample(
    docs: int, distractors: int, questions: int, seed: int, where: Path
) -> tuple[list[Path], list[Question]]:
    data = json.loads((COVID / "200423_covidQA.json").read_text(encoding="utf-8"))["data"]
    rng = random.Random(seed)
    articles = [a["paragraphs"][0] for a in data]
    rng.shuffle(articles)
    gold, extra = articles[:docs], articles[docs : docs + distractors]
    files = []
    for a in gold + extra:
        path = where / "covid" / f"covid_{a['document_id']}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(a["context"], encoding="utf-8")
        files.append(path)
    pool = [
        Question(qa["question"], [qa["answers"][0]["text"]], f"covid_{a['document_id']}.txt")
        for a in gold
        for qa in a["qas"]
    ]
    rng.shuffle(pool)
    return files, pool[:questions]


def answer_quality(answers: list[tuple[Question, Answer]]) -> dict[str, float]:
    correct_answered = correct_refused = refused = refused_right = 0
    answerable = sum(q.answerable for q, _ in answers)
    unanswerable = len(answers) - answerable
    for q, a in answers:
        if a.refused:
            refused += 1
            refused_right += not q.answerable
            correct_refused += not q.answerable
        elif q.answerable:
            has_kw = any(norm(k) in norm(a.answer) for k in q.keywords) if q.keywords else True
            cites = any(norm(e) in norm(c.text) for c in a.citations for e in q.evidence)
            correct_answered += has_kw and cites
    return {
        "accuracy": round((correct_answered + correct_refused) / len(answers), 3),
        "answerable_accuracy": round(correct_answered / max(1, answerable), 3),
        "refusal_precision": round(refused_right / refused, 3) if refused else 0.0,
        "refusal_recall": round(correct_refused / max(1, unanswerable), 3),
        "refused": refused,
    }


def extractive_sweep(
    settings: Settings, questions: list[Question], exact_at: Iterable[float] = ()
) -> dict[str, Any]:
    """Refusal figures for every threshold from one pass, then exact runs at a few.

    With ``min_support=0`` the extractive answerer refuses only questions naming someone the
    passages never mention; otherwise its best sentence's score is the largest
    ``support_score`` among the citations. At threshold ``t`` it refuses exactly when it
    refused at 0 or that best score is below ``t``.
    """
    engine = RagEngine.from_settings(
        settings.model_copy(update={"llm": "extractive", "min_support": 0.0})
    )
    base = [(q, engine.ask(q.question)) for q in questions]
    best = [max((c.support_score for c in a.citations), default=0.0) for _, a in base]
    sweep: dict[str, Any] = {}
    for t in THRESHOLDS:
        refused = [a.refused or b < t for (_, a), b in zip(base, best, strict=True)]
        right = sum(r and not q.answerable for (q, _), r in zip(base, refused, strict=True))
        unanswerable = sum(not q.answerable for q in questions)
        sweep[f"{t:.2f}"] = {
            "refused": sum(refused),
            "refusal_precision": round(right / sum(refused), 3) if any(refused) else 0.0,
            "refusal_recall": round(right / max(1, unanswerable), 3),
            "answerable_refused": sum(
                r and q.answerable for (q, _), r in zip(base, refused, strict=True)
            ),
        }
    exact: dict[str, Any] = {}
    for t in dict.fromkeys((settings.min_support, *exact_at)):
        engine = RagEngine.from_settings(
            settings.model_copy(update={"llm": "extractive", "min_support": t})
        )
        exact[f"{t:.2f}"] = answer_quality([(q, engine.ask(q.question)) for q in questions])
    return {"sweep": sweep, "exact": exact}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--covid-docs", type=int, default=15, help="gold articles in the store")
    parser.add_argument("--covid-distractors", type=int, default=10)
    parser.add_argument("--covid-questions", type=int, default=80)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-answers", action="store_true", help="skip the extractive sweep")
    parser.add_argument("--no-retrieval", action="store_true", help="skip the seed retrieval runs")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--exact-at", type=float, nargs="*", default=[], help="more thresholds to run exactly"
    )
    parser.add_argument("--work", type=Path, help="keep the stores here (re-runs skip ingest)")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"top_k": args.top_k}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = str(args.work or scratch)
        seeds = seed_questions()
        settings = build_store([ROOT / "seeds"], Path(tmp) / "seeds")
        if not args.no_retrieval:
            answerable = [q for q in seeds if q.answerable]
            results["seeds_retrieval"] = compare(settings, answerable, args.top_k)
            log(f"seeds retrieval: {results['seeds_retrieval']}")
        if not args.no_answers:
            results["seeds_extractive"] = extractive_sweep(settings, seeds, args.exact_at)
            log(f"seeds extractive: {results['seeds_extractive']}")
        if args.covid_questions:
            files, covid = covid_sample(
                args.covid_docs, args.covid_distractors, args.covid_questions, args.seed, Path(tmp)
            )
            started = time.perf_counter()
            settings = build_store(files, Path(tmp) / "covid")
            results["covid_ingest_s"] = round(time.perf_counter() - started, 1)
            log(f"covid store built in {results['covid_ingest_s']}s")
            results["covid_retrieval"] = compare(settings, covid, args.top_k)
            log(f"covid retrieval: {results['covid_retrieval']}")
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
