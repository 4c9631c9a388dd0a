"""The commands that start something bigger: the UI, the eval suite, the benchmarks."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path

from rag.errors import InputError
from rag.settings import Settings


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    # deferred for start-up time: modules that pull in heavy libraries
    from eval.datasets import dataset_name, load_dataset
    from eval.eval_data import resolve_dataset
    from eval.judge import build_judge
    from eval.report import retrieval_table, summary_table, write_report
    from eval.runner import EvalOptions, retrieval_modes, run_eval

    modes = retrieval_modes(args.retrieval)
    dataset_path = resolve_dataset(args.dataset, settings)
    out = args.out or Path("eval/out") / dataset_name(dataset_path)
    dataset = load_dataset(dataset_path, args.docs, cache_dir=out / "cache")
    options = EvalOptions(out=out, baseline=args.baseline, judge=build_judge(settings),
                          progress=True, seed=args.seed, limit=args.limit, retrieval=modes)  # fmt: skip
    report = run_eval(dataset.sample(args.limit, args.seed), settings, options)
    paths = write_report(report, out)
    print(summary_table(report))
    if options.retrieval:
        print("\n" + retrieval_table(report))
    for note in report["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    # deferred for start-up time: modules that pull in heavy libraries
    from eval.bench.report import markdown
    from eval.bench.run import run_bench
    from eval.eval_data import covid_qa_json

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
    if args.during_ingest:
        # deferred for start-up time: modules that pull in heavy libraries
        from eval.bench import during_ingest

        found = during_ingest.run_during_ingest(
            args.out, covid_qa_json(settings), queries=args.queries
        )
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "during_ingest.json").write_text(json.dumps(found, indent=2) + "\n")
        print(during_ingest.markdown(found))
        print(f"wrote {args.out / 'during_ingest.json'}")
        return 0
    if args.api == "only":
        return bench_api_only(args.out, settings)
    results = run_bench(
        sizes, args.out, queries=args.queries, cold_runs=args.cold_runs,
        keep_stores=args.keep_stores, source=covid_qa_json(settings), api=args.api == "with",
    )  # fmt: skip
    print(markdown(results))
    print(f"wrote {args.out / 'bench.json'}, {args.out / 'bench.md'}, {args.out / 'bench.png'}")
    return 0


def bench_api_only(out: Path, settings: Settings) -> int:
    # deferred for start-up time: modules that pull in heavy libraries
    from eval.bench.api_load import run_api_load
    from eval.bench.report import api_markdown, api_target_lines
    from eval.eval_data import covid_qa_json

    work = out / "work-api"
    shutil.rmtree(work, ignore_errors=True)
    results = run_api_load(work, source=covid_qa_json(settings))
    out.mkdir(parents=True, exist_ok=True)
    (out / "api.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print("\n".join(api_markdown(results) + [""] + api_target_lines(results)))
    print(f"wrote {out / 'api.json'}")
    return 0
