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
from pathlib import Path
from typing import Any

import numpy as np

from eval.calibration_fit import Question, fit, holds_gold, simulate
from eval.datasets import Dataset, load_dataset
from eval.runner import eval_settings
from rag.answering.selection import (
    CALIBRATION_FILE,
    FEATURES,
    Calibration,
    load_calibration,
    unit_features,
)
from rag.answering.units import answer_units
from rag.settings import Settings, load_settings

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__)
    data = Path("../shared/eval-data")
    parser.add_argument("--covid", type=Path, default=data / "covid-qa-deepset/rag_dataset.json")
    parser.add_argument("--seeds", type=Path, default=Path("eval/gold/seeds.jsonl"))
    parser.add_argument("--docs", type=Path, default=Path("seeds"))
    parser.add_argument("--train", type=int, default=200, help="COVID-QA training questions")
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
    covid = load_dataset(args.covid, cache_dir=Path("eval/out/cache"))
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
            name: evaluate(qs, calibration, settings.max_answer_sentences)
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
        questions.append(Question(example, set_name, units, features, labels, missing))
        if cache is not None and len(questions) % 50 == 0:
            cache.write_bytes(pickle.dumps(saved))
    if cache is not None:
        cache.write_bytes(pickle.dumps(saved))
    log.info("%s: %d questions", set_name, len(questions))
    return questions


def evaluate(questions: list[Question], calibration: Calibration, max_units: int) -> dict[str, Any]:
    """Coverage, precision when answering, answer-contains-gold, and the calibration table."""
    outcomes = simulate(questions, calibration, max_units)
    rows = []
    for o in outcomes:
        conf = calibration.confidence(o["best"]) if o["refusable"] else 0.0
        answered = o["refusable"] and conf >= calibration.refuse_below
        rows.append((conf, answered, bool(o["correct"]) and answered, o["answerable"], o))
    answerable = [r for r in rows if r[3]]
    answered = [r for r in answerable if r[1]]
    unanswerable = [r for r in rows if not r[3]]
    bins = []
    for lo, hi in ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01)):
        inside = [r for r in rows if r[1] and lo <= r[0] < hi]
        if inside:
            bins.append({"range": [lo, min(hi, 1.0)], "n": len(inside),
                         "mean_confidence": round(float(np.mean([r[0] for r in inside])), 3),
                         "held_gold": round(float(np.mean([r[2] for r in inside])), 3)})  # fmt: skip
    labels: dict[str, dict[str, float]] = {}
    for label in ("high", "medium", "low"):
        inside = [r for r in rows if r[1] and calibration.label(r[0]) == label]
        if inside:
            labels[label] = {
                "n": len(inside),
                "held_gold": round(float(np.mean([r[2] for r in inside])), 3),
            }
    short = [r for r in answered if r[4].get("words_min", 99) <= 5]
    return {
        "questions": len(rows),
        "coverage": _share(len(answered), len(answerable)),
        "precision_when_answering": _share(sum(r[2] for r in answered), len(answered)),
        "answer_contains_gold": _share(sum(r[2] for r in answerable), len(answerable)),
        "unanswerable_refused": _share(sum(not r[1] for r in unanswerable), len(unanswerable)),
        "fragment_answers": _share(len(short), len(answered)),
        "labels": labels,
        "bins": bins,
        "curve": precision_coverage(
            [(r[0], bool(r[4]["correct"])) for r in answerable if r[4]["refusable"]],
            len(answerable),
        ),
    }


def precision_coverage(pairs: list[tuple[float, bool]], total: int) -> list[dict[str, float]]:
    """Precision and coverage when answering only from each confidence floor up."""
    points = []
    for floor in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        kept = [k for c, k in pairs if c >= floor]
        points.append({"floor": floor, "coverage": _share(len(kept), total) or 0.0,
                       "precision": _share(sum(kept), len(kept)) or 0.0})  # fmt: skip
    return points


def _share(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def markdown(report: dict[str, Any]) -> str:
    c = report["calibration"]
    lines = [
        "# Extractive answer calibration",
        "",
        f"refuse below confidence {c['refuse_below']}; high from {c['high']}; medium from "
        f"{c['medium']}; further sentences within {c['more_ratio']} of the best",
        "",
        "| set | questions | coverage | precision when answering | answer contains gold | "
        "unanswerable refused | fragments | high: n / held gold | medium | low |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in report["sets"].items():
        lab = {k: f"{v['n']} / {v['held_gold']:.2f}" for k, v in s["labels"].items()}
        lines.append(
            f"| {name} | {s['questions']} | {s['coverage']} | {s['precision_when_answering']} | "
            f"{s['answer_contains_gold']} | {s['unanswerable_refused']} | {s['fragment_answers']} | "
            f"{lab.get('high', '-')} | {lab.get('medium', '-')} | {lab.get('low', '-')} |"
        )
    lines += ["", "Confidence against observed accuracy (answered questions):", ""]
    for name, s in report["sets"].items():
        cells = ", ".join(
            f"{b['range'][0]:.1f}-{b['range'][1]:.1f}: n={b['n']} conf {b['mean_confidence']:.2f} "
            f"held {b['held_gold']:.2f}"
            for b in s["bins"]
        )
        lines.append(f"- {name}: {cells}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
