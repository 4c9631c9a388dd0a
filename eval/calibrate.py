"""Fit the extractive answerer's selection model and confidence calibration on gold sets.

    python -m eval.calibrate                      # writes rag/answering/calibration.json
    python -m eval.calibrate --check              # only reports, on the current calibration

Training questions: the seeds set (all 49, with its unanswerable ones) and COVID-QA questions
*outside* the fixed evaluation sample (``--limit 300 --seed 0``), ``--train`` of them. The
evaluation sample is then scored as held-out data. For every question the retrieved passages'
answer units get their features; a unit is positive when it holds the gold answer (COVID-QA:
the gold span, or 60% of it; seeds: every answer keyword). The model is an L2-regularised
logistic regression; the confidence curve is an isotonic fit of "the answer held the gold"
against the best unit's probability; thresholds are read off that curve (see ``choose_*``).
Writes ``eval/out/calibration/calibration.md`` and ``.json`` with the tables behind them.
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval import metrics as m
from eval.calibration_report import evaluate, markdown
from eval.datasets import Dataset, Example, dataset_name, load_dataset
from eval.fitting import (
    choose_floor,
    choose_threshold,
    conditional_logit,
    isotonic_curve,
    logistic_regression,
)
from eval.runner import eval_settings
from rag.answering.selection import (
    CALIBRATION_FILE,
    FEATURES,
    Calibration,
    answer_score,
    compose,
    load_calibration,
    probabilities,
    unit_features,
)
from rag.answering.units import Unit, answer_units
from rag.settings import Settings, load_settings

log = logging.getLogger(__name__)

HIGH_PRECISION = 0.92  # "high" must hold the gold >= 90%: fitted with a margin
MEDIUM_PRECISION = 0.6
UNANSWERABLE_REFUSED = 0.9  # the refusal floor refuses this share of unanswerable questions
SEEDS_WEIGHT = 3.0  # prose with paraphrased questions (as held-out sets are) counts more
L2 = 0.01
MORE_RATIOS = (1.01, 0.97, 0.93, 0.9, 0.85, 0.8)
EXTRA_SENTENCE_COST = 0.01  # containment a further quoted sentence must buy


@dataclass
class Question:
    """One gold question with its candidate units, their features and labels."""

    example: Example
    set_name: str
    units: list[Unit]
    features: np.ndarray
    labels: np.ndarray
    names_missing: bool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__)
    data = Path("../shared/eval-data")
    parser.add_argument("--covid", type=Path, default=data / "covid-qa-deepset/rag_dataset.json")
    parser.add_argument("--seeds", type=Path, default=Path("eval/gold/seeds.jsonl"))
    parser.add_argument("--docs", type=Path, default=Path("seeds"))
    parser.add_argument("--train", type=int, default=400, help="COVID-QA training questions")
    parser.add_argument("--holdout", type=int, default=300, help="the eval sample's --limit")
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    parser.add_argument("--report", type=Path, default=Path("eval/out/calibration"))
    parser.add_argument("--check", action="store_true", help="report on the current calibration")
    parser.add_argument(
        "--only", choices=["seeds", "covid-train", "covid-holdout"],
        help="only retrieve and embed this set into the cache (to run sets in parallel)",
    )  # fmt: skip
    parser.add_argument("--reverse", action="store_true", help="with --only: last question first")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()

    seeds = load_dataset(args.seeds, args.docs)
    # the articles written where `rag eval` writes them, so both ingest the same files into
    # the eval's store (two folders would put every article in it twice)
    covid = load_dataset(
        args.covid, cache_dir=Path("eval/out") / dataset_name(args.covid) / "cache"
    )
    holdout = covid.sample(args.holdout, 0)
    held_ids = {e.id for e in holdout.examples}
    rest = [e for e in covid.examples if e.id not in held_ids]
    train_covid = Dataset(covid.name, random.Random(1).sample(rest, min(args.train, len(rest))),
                          covid.doc_paths, covid.notes)  # fmt: skip
    args.report.mkdir(parents=True, exist_ok=True)
    cache = args.report / "cache"
    cache.mkdir(exist_ok=True)
    if args.only:
        chosen = {"seeds": seeds, "covid-train": train_covid, "covid-holdout": holdout}[args.only]
        name = args.only + ("-reversed" if args.reverse else "")
        if args.reverse:
            chosen = Dataset(chosen.name, chosen.examples[::-1], chosen.doc_paths, chosen.notes)
        collect(chosen, settings, args.only, cache / f"{name}.pkl")
        return 0
    train = collect(seeds, settings, "seeds", cache / "seeds.pkl") + collect(
        train_covid, settings, "covid-train", cache / "covid-train.pkl"
    )
    if args.check:
        calibration = load_calibration(args.out)
    else:
        calibration = fit(train, settings.max_answer_sentences)
        args.out.write_text(json.dumps(calibration.to_json(), indent=1) + "\n", encoding="utf-8")
        log.info("wrote %s", args.out)
    held = collect(holdout, settings, "covid-holdout", cache / "covid-holdout.pkl")
    report = {
        "calibration": calibration.to_json(),
        "sets": {
            name: evaluate(simulate(qs, calibration, settings.max_answer_sentences), calibration)
            for name, qs in [
                ("seeds", [q for q in train if q.set_name == "seeds"]),
                ("covid-train", [q for q in train if q.set_name == "covid-train"]),
                ("covid-holdout", held),
            ]
        },
    }
    args.report.mkdir(parents=True, exist_ok=True)
    (args.report / "calibration.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (args.report / "calibration.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def collect(
    dataset: Dataset, settings: Settings, set_name: str, cache: Path | None = None
) -> list[Question]:
    """Ingest (reusing the eval's store), retrieve, and build every question's units.

    With ``cache``, retrieved passages and vectors are kept in that file between runs, so a
    refit after a change to the units or features retrieves and embeds only what is new."""
    # deferred for start-up time: modules that pull in heavy libraries
    from rag.answering.attribution import speaker_unreported
    from rag.answering.lexical import missing_names
    from service import build_services

    out = Path("eval/out") / dataset.name
    local = eval_settings(settings, dataset, out)
    services = build_services(local)
    services.library.ingest(dataset.doc_paths)
    engine = services.chat.engine()
    embed_model = engine.embed_model
    assert embed_model is not None
    saved: dict[str, Any] = {"passages": {}, "vectors": {}}
    if cache is not None:
        # the set's cache, and any written by a parallel `--only SET --reverse` run
        for path in sorted(cache.parent.glob(f"{cache.stem}*.pkl")):
            part = pickle.loads(path.read_bytes())
            saved["passages"].update(part["passages"])
            saved["vectors"].update(part["vectors"])
    vectors: dict[str, np.ndarray] = saved["vectors"]

    def embed(texts: list[str], query: bool = False) -> np.ndarray:
        keys = [("Q\x00" if query else "") + t for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in vectors]
        if missing:
            if query:
                got = [embed_model.get_query_embedding(t) for t in missing]
            else:
                got = embed_model.get_text_embedding_batch(missing)
            for t, v in zip(missing, got, strict=True):
                vectors[("Q\x00" if query else "") + t] = np.asarray(v, dtype=np.float32)
        return np.vstack([vectors[k] for k in keys])

    questions = []
    for example in dataset.examples:
        passages = saved["passages"].get(example.question)
        if passages is None:
            passages = engine.retrieve(example.question)
            saved["passages"][example.question] = passages
        units = answer_units(passages)
        if units:
            q_vec = embed([example.question], query=True)[0]
            vecs = embed([u.main for u in units])
            dense = vecs @ q_vec / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(q_vec) + 1e-9)
            features = unit_features(example.question, units, dense, passages)
        else:
            features = np.zeros((0, len(FEATURES)))
        labels = np.array([holds_gold(example, u.text, partial=True) for u in units], dtype=float)
        missing = bool(missing_names(example.question, " ".join(p.text for p in passages)))
        missing = missing or speaker_unreported(example.question, [u.text for u in units])
        questions.append(Question(example, set_name, units, features, labels, missing))
        if cache is not None and len(questions) % 50 == 0:
            cache.write_bytes(pickle.dumps(saved))
    if cache is not None:
        cache.write_bytes(pickle.dumps(saved))
    log.info("%s: %d questions", set_name, len(questions))
    return questions


def holds_gold(example: Example, text: str, *, partial: bool = False) -> bool:
    """The text holds the gold answer: every keyword (COVID-QA: the span itself)."""
    if not example.answerable or not example.keywords:
        return False
    if partial and len(example.keywords) == 1:
        return m.contains_evidence(text, example.keywords[0])
    return m.keyword_match(text, example.keywords) == 1.0


def fit(questions: list[Question], max_units: int) -> Calibration:
    usable = [q for q in questions if len(q.units) and not q.names_missing]
    x = np.vstack([q.features for q in usable])
    y = np.concatenate([q.labels for q in usable])
    # Rank with a conditional logit (which unit of this question holds the answer), then
    # scale its score into a unit probability with a two-parameter logistic fit.
    ranking = conditional_logit(usable, L2, {"seeds": SEEDS_WEIGHT})
    score = x @ ranking
    a, b = logistic_regression(np.column_stack([np.ones_like(score), score]), y, 0.0)
    weights = b * ranking
    weights[0] += a
    draft = Calibration(tuple(weights), (), (), 0.0, 1.1, 1.1, 1.01, 0.5)
    best_ratio, best_value = MORE_RATIOS[0], -1.0
    for ratio in MORE_RATIOS:
        trial = Calibration(draft.weights, (), (), 0.0, 1.1, 1.1, ratio, 0.5)
        outcomes = simulate(usable, trial, max_units)
        value = np.mean([o["correct"] for o in outcomes]) - EXTRA_SENTENCE_COST * np.mean(
            [o["units"] - 1 for o in outcomes]
        )
        if value > best_value:
            best_ratio, best_value = ratio, float(value)
    trial = Calibration(draft.weights, (), (), 0.0, 1.1, 1.1, best_ratio, 0.5)
    outcomes = simulate(usable, trial, max_units)
    curve_x, curve_y = isotonic_curve(
        [o["best"] for o in outcomes], [float(o["correct"]) for o in outcomes]
    )
    curved = Calibration(draft.weights, curve_x, curve_y, 0.0, 1.1, 1.1, best_ratio, 0.5)
    confidences = [curved.confidence(o["best"]) for o in outcomes]
    correct = [bool(o["correct"]) for o in outcomes]
    # every unanswerable question, those refused before any scoring (-1) included
    unanswerable = [
        curved.confidence(o["best"]) if o["refusable"] else -1.0
        for o in simulate(questions, curved, max_units)
        if not o["answerable"]
    ]
    return Calibration(
        weights=curved.weights,
        curve_x=curve_x,
        curve_y=curve_y,
        refuse_below=choose_floor(unanswerable, UNANSWERABLE_REFUSED),
        high=choose_threshold(confidences, correct, HIGH_PRECISION),
        medium=choose_threshold(confidences, correct, MEDIUM_PRECISION),
        more_ratio=best_ratio,
        supported=0.5,
        fitted_on={
            "questions": len(usable),
            "units": len(y),
            "sets": sorted({q.set_name for q in usable}),
            "command": "python -m eval.calibrate",
        },
    )


def simulate(
    questions: list[Question], calibration: Calibration, max_units: int
) -> list[dict[str, Any]]:
    """What the answerer would answer for each question, without refusing."""
    out = []
    for q in questions:
        if not len(q.units) or q.names_missing:
            out.append({"best": 0.0, "correct": False, "units": 0, "set": q.set_name,
                        "answerable": q.example.answerable, "refusable": False})  # fmt: skip
            continue
        probs = probabilities(q.features, calibration, q.example.question, q.units)
        picked = compose(q.units, probs, calibration.more_ratio, max_units, q.example.question)
        text = " ".join(q.units[i].text for i in picked)
        out.append({"best": answer_score(probs), "correct": holds_gold(q.example, text),
                    "units": len(picked), "set": q.set_name,
                    "answerable": q.example.answerable, "refusable": True,
                    "words_min": min(len(q.units[i].text.split()) for i in picked)})  # fmt: skip
    return out


if __name__ == "__main__":
    raise SystemExit(main())
