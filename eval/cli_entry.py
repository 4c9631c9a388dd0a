"""``rag eval`` and ``rag bench``: the eval front end's commands, registered with the ``rag``
shell through the ``rag.commands`` entry point (``pyproject.toml``). The heavy modules load
only when a command runs, since the shell loads this module on every run."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from rag.errors import InputError
from rag.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> dict[str, Handler]:
    """The ``rag.commands`` entry point: add ``eval`` and ``bench`` to the shell's subcommands
    (``parents`` carry the shell's global options) and return their handlers by name."""
    ev = sub.add_parser(
        "eval", parents=parents, help="score a gold set against ours and a baseline"
    )
    ev.add_argument("--dataset", type=Path, required=True,
                    help="seeds .jsonl, rag_dataset.json, or a set's name in the eval data")  # fmt: skip
    ev.add_argument("--docs", type=Path, help="documents folder (default: found beside the set)")
    ev.add_argument("--limit", type=int, help="evaluate a fixed random sample of N questions")
    ev.add_argument("--seed", type=int, default=0, help="sample seed (default 0)")
    ev.add_argument("--baseline", action="store_true", help="also run LlamaIndex's default RAG")
    ev.add_argument("--retrieval", help="retrieval modes to compare, e.g. dense,bm25,hybrid")
    ev.add_argument("--without-reader", action="store_true",
                    help="also run ours without the reading model (before/after it)")  # fmt: skip
    ev.add_argument("--out", type=Path, help="report folder (default eval/out/<dataset>)")
    ev.add_argument(
        "--judge-model", help="LLM judge model (default RAG_JUDGE_MODEL, the answerer's)"
    )
    ev.add_argument("--judge-base-url", help="LLM judge server (default RAG_JUDGE_BASE_URL)")
    ev.add_argument("--eval-data", type=Path, help="shared eval sets folder (RAG_EVAL_DATA)")

    bench = sub.add_parser(
        "bench", parents=parents, help="measure ingest, query latency, memory, cold start"
    )
    bench.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes in chunks")
    bench.add_argument("--out", type=Path, default=Path("bench-results"), help="report folder")
    bench.add_argument("--queries", type=int, default=40, help="timed questions per size")
    bench.add_argument("--cold-runs", type=int, default=3, help="cold starts to take a median of")
    bench.add_argument("--keep-stores", action="store_true", help="keep the bench stores")
    bench.add_argument(
        "--during-ingest",
        action="store_true",
        help="only measure ask latency idle vs while an ingest runs beside it",
    )
    bench.add_argument("--api", choices=("with", "without", "only"), default="with",
                       help="the HTTP API load run (50 concurrent chat completions x 3 rounds): "
                       "after the sizes (default), not at all, or alone")  # fmt: skip
    bench.add_argument("--eval-data", type=Path, help="shared eval sets folder (RAG_EVAL_DATA)")
    return {"eval": cmd_eval, "bench": cmd_bench}


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
                          progress=True, seed=args.seed, limit=args.limit, retrieval=modes,
                          without_reader=args.without_reader)  # fmt: skip
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
