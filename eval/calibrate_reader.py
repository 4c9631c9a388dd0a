"""Fit how the reading model's score drives answers, refusals and the confidence.

    python -m eval.calibrate_reader            # writes rag/answering/reader_calibration.json
    python -m eval.calibrate_reader --check    # only reports, on the current one

Fitted on a mix of domains: the seeds (news, all 49), COVID-QA questions outside the fixed
evaluation sample (science, 400) and ``eval/gold/notes_calib.jsonl`` (notes-style documents,
written for this). Reported, never fitted on: COVID-QA's evaluation sample (300), the notes
set ``eval/gold/notes.jsonl`` and, with ``--sec``, the 10-Q figures. Retrieval and unit
vectors are cached by :func:`eval.calibrate.collect`; the reader's logits in
``eval/out/calibration/cache/reader-<sha>.pkl``.

The fit, in three steps on the shortlisted units (:func:`rag.answering.extractive.shortlist`):
a logistic regression of "holds the gold" on the reader's score, its margin under the best
unit's and the selection model's log-odds (sets weighted equally; the reader's score as its
logit or as a probability, with or without the margin: the variant that answers and refuses
best on the fitted sets is kept); the further-unit ratio that quotes the gold most often per
sentence quoted; an isotonic curve of "the answer held the gold" on the best unit's
probability, with the refusal floor that handles the most questions of each set right
(answerable ones answered with the gold, unanswerable ones refused; sets weigh the same) and
``high`` holding the gold 92% of the time over every question answered (a margin for the
promised 90%; an unanswerable question answered counts as wrong).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import random
from pathlib import Path
from typing import Any

import numpy as np

from eval.calibrate import HIGH_PRECISION, MEDIUM_PRECISION, collect
from eval.datasets import Dataset, dataset_name, load_dataset
from eval.fitting import choose_floor_by_accuracy, choose_threshold, isotonic_curve
from eval.reader_outcomes import Read, read_all, report, simulate, with_thresholds
from rag.answering.reader import Reader, reader_path
from rag.answering.reader_fusion import READER_CALIBRATION_FILE, ReaderCalibration
from rag.answering.selection import Calibration
from rag.settings import load_settings

log = logging.getLogger(__name__)

MORE_RATIOS = (1.01, 0.95, 0.9, 0.8, 0.7)
EXTRA_SENTENCE_COST = 0.01
L2 = 1.0


FORMS = ("logit", "prob")  # the reader's score as its logit, or squashed to a probability


def fit(reads: list[Read], max_units: int, sha: str) -> ReaderCalibration:
    """Each form of the reader's score, with and without its margin, fitted in full; kept: the
    one handling the most questions right on the fitted sets (each set weighs the same)."""
    best: ReaderCalibration | None = None
    best_value = -1.0
    for form in FORMS:
        for margin in (False, True):
            fused = _fit_one(reads, max_units, sha, form, margin)
            value = _objective(report(reads, fused, max_units))
            log.info("form %s, margin %s: fitted value %.3f", form, margin, value)
            if value > best_value:
                best, best_value = fused, value
    assert best is not None
    return best


def _objective(per_set: dict[str, Any]) -> float:
    """Mean over the sets of the share of questions handled right."""
    return float(np.mean([v["handled_right"] for v in per_set.values()]))


def _fit_one(
    reads: list[Read], max_units: int, sha: str, form: str, with_margin: bool
) -> ReaderCalibration:
    rows, labels, weights = [], [], []
    per_set: dict[str, int] = {}
    for r in reads:
        if r.picked and r.q.example.answerable:
            per_set[r.q.set_name] = per_set.get(r.q.set_name, 0) + 1
    shape = ReaderCalibration(0.0, 0.0, 0.0, Calibration((), (), (), 0.0, 1.1, 1.1, 1.01, 0.5),
                              form=form)  # fmt: skip
    for r in reads:
        if not r.picked:
            continue
        p = np.clip(r.sel, 1e-6, 1 - 1e-6)
        s = shape.scores(r.logits)
        gap = s - s.max() if with_margin else np.zeros(len(s))
        for score, below, lp, i in zip(s, gap, np.log(p / (1 - p)), r.picked, strict=True):
            rows.append((1.0, score, below, lp))
            labels.append(float(r.q.labels[i]))
            weights.append(1.0 / max(1, per_set.get(r.q.set_name, 1)))
    x, y, w = np.array(rows), np.array(labels), np.array(weights)
    if not with_margin:
        x = x[:, [0, 1, 3]]
    b = _weighted_lr(x, y, w / w.mean())
    margin = float(b[2]) if with_margin else 0.0
    selection = float(b[3] if with_margin else b[2])
    draft = dataclasses.replace(shape, bias=float(b[0]), reader=float(b[1]), margin=margin,
                                selection=selection, weights_sha256=sha)  # fmt: skip
    best_ratio, best_value = MORE_RATIOS[0], -1.0
    for ratio in MORE_RATIOS:
        outcomes = simulate(reads, with_thresholds(draft, more_ratio=ratio), max_units)
        answerable = [o for o in outcomes if o["answerable"]]
        value = np.mean([o["correct"] for o in answerable]) - EXTRA_SENTENCE_COST * np.mean(
            [max(0, o["units"] - 1) for o in answerable]
        )
        if value > best_value:
            best_ratio, best_value = ratio, float(value)
    draft = with_thresholds(draft, more_ratio=best_ratio)
    outcomes = simulate(reads, draft, max_units)
    answerable = [o for o in outcomes if o["answerable"] and o["refusable"]]
    cx, cy = isotonic_curve(
        [o["best"] for o in answerable], [float(o["correct"]) for o in answerable]
    )
    curved = with_thresholds(draft, curve_x=cx, curve_y=cy)

    def conf(o: dict[str, Any]) -> float:
        return curved.thresholds.confidence(o["best"]) if o["refusable"] else -1.0

    # the floor handling the most questions of each set right (answered with the gold, or
    # refused when unanswerable); high/medium over every question it would answer, so an
    # unanswerable question answered counts against them
    floor = choose_floor_by_accuracy(
        [(o["set"], conf(o), bool(o["correct"]) if o["answerable"] else None) for o in outcomes]
    )
    given = [o for o in outcomes if o["refusable"] and conf(o) >= floor]
    confidences = [conf(o) for o in given]
    correct = [bool(o["answerable"] and o["correct"]) for o in given]
    fitted = with_thresholds(
        curved,
        refuse_below=floor,
        high=choose_threshold(confidences, correct, HIGH_PRECISION),
        medium=choose_threshold(confidences, correct, MEDIUM_PRECISION),
    )
    return dataclasses.replace(
        fitted,
        fitted_on={"questions": len(reads), "units": len(y), "sets": sorted(per_set),
                   "command": "python -m eval.calibrate_reader"},
    )  # fmt: skip


def _weighted_lr(x: np.ndarray, y: np.ndarray, sw: np.ndarray, steps: int = 50) -> np.ndarray:
    """Newton's method on the sample-weighted, L2-penalised log loss (bias not penalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (sw * (p - y)) + penalty * w
        hess = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def _optional(path: Path, docs: Path) -> Dataset | None:
    if not path.exists():
        log.warning("%s is missing: left out", path)
        return None
    return load_dataset(path, docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.calibrate_reader", description=__doc__)
    data = Path("../shared/eval-data")
    parser.add_argument("--covid", type=Path, default=data / "covid-qa-deepset/rag_dataset.json")
    parser.add_argument("--train", type=int, default=400, help="COVID-QA training questions")
    parser.add_argument("--check", action="store_true", help="report on the current fit")
    parser.add_argument("--sec", action="store_true", help="also report on the 10-Q figures")
    parser.add_argument("--report", type=Path, default=Path("eval/out/calibration"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings()
    folder = reader_path(settings.reader_path)
    reader = Reader(folder, bfloat16=True)
    cache = args.report / "cache"
    cache.mkdir(parents=True, exist_ok=True)

    def gather(ds: Dataset, name: str) -> list[Read]:
        return read_all(collect(ds, settings, name, cache / f"{name}.pkl"), reader,
                        cache / f"reader-{reader.fingerprint[:12]}-{name}.pkl")  # fmt: skip

    covid = load_dataset(
        args.covid, cache_dir=Path("eval/out") / dataset_name(args.covid) / "cache"
    )
    holdout = covid.sample(300, 0)
    held_ids = {e.id for e in holdout.examples}
    rest = [e for e in covid.examples if e.id not in held_ids]
    train_covid = Dataset(covid.name, random.Random(1).sample(rest, min(args.train, len(rest))),
                          covid.doc_paths, covid.notes)  # fmt: skip
    gold = Path("eval/gold")
    fit_sets = [
        (load_dataset(gold / "seeds.jsonl", Path("seeds")), "seeds"),
        (train_covid, "covid-train"),
        (_optional(gold / "notes_calib.jsonl", gold / "notes_calib"), "notes-calib"),
    ]
    check_sets = [
        (holdout, "covid-holdout"),
        (_optional(gold / "notes.jsonl", gold / "notes"), "notes"),
    ]
    if args.sec:
        sec = data / "docugami-kg-rag-sec-10q/source_files"
        check_sets.append((load_dataset(gold / "sec_tables.jsonl", sec), "sec-tables"))
    train = [r for ds, name in fit_sets if ds is not None for r in gather(ds, name)]
    if args.check:
        fused = ReaderCalibration.from_json(json.loads(READER_CALIBRATION_FILE.read_text()))
    else:
        fused = fit(train, settings.max_answer_sentences, reader.fingerprint)
        READER_CALIBRATION_FILE.write_text(json.dumps(fused.to_json(), indent=1) + "\n")
        log.info("wrote %s", READER_CALIBRATION_FILE)
    held = [r for ds, name in check_sets if ds is not None for r in gather(ds, name)]
    result = {
        "calibration": fused.to_json(),
        "fitted": report(train, fused, settings.max_answer_sentences),
        "held_out": report(held, fused, settings.max_answer_sentences),
    }
    (args.report / "reader_calibration.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
