"""The commands that start something bigger: the UI, the eval suite, the benchmarks."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rag.errors import InputError
from rag.settings import Settings


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import launch  # gradio: deferred for start-up time of the other commands

    launch(settings, upload_root=args.upload_dir)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import os

    from eval.datasets import dataset_name, load_dataset
    from eval.judge import build_judge
    from eval.report import summary_table, write_report
    from eval.runner import EvalOptions, run_eval

    out = args.out or Path("eval/out") / dataset_name(args.dataset)
    dataset = load_dataset(args.dataset, args.docs, cache_dir=out / "cache")
    judge = build_judge(
        settings,
        args.judge_model or os.environ.get("RAG_JUDGE_MODEL"),
        args.judge_base_url or os.environ.get("RAG_JUDGE_BASE_URL"),
    )
    options = EvalOptions(out=out, baseline=args.baseline, judge=judge, progress=True,
                          seed=args.seed, limit=args.limit)  # fmt: skip
    report = run_eval(dataset.sample(args.limit, args.seed), settings, options)
    paths = write_report(report, out)
    print(summary_table(report))
    for note in report["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from eval.bench.report import markdown
    from eval.bench.run import run_bench

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        raise InputError(
            f"--sizes must be numbers separated by commas, got {args.sizes!r}"
        ) from None
    if not sizes or min(sizes) < 10:
        raise InputError("--sizes needs at least one size of 10 chunks or more")
    if args.queries < 1 or args.cold_runs < 1:
        raise InputError("--queries and --cold-runs must be at least 1")
    logging.getLogger("eval.bench").setLevel(logging.INFO)
    results = run_bench(
        sizes, args.out, queries=args.queries, cold_runs=args.cold_runs,
        keep_stores=args.keep_stores,
    )  # fmt: skip
    print(markdown(results))
    print(f"wrote {args.out / 'bench.json'}, {args.out / 'bench.md'}, {args.out / 'bench.png'}")
    return 0
