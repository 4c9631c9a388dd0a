"""The ``rag`` command: the one shell that wires the stages (rag, index, ui, eval) together."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import rag  # noqa: F401  (offline guards first)
from rag.errors import InputError, LLMError, RagError
from rag.settings import Settings, load_settings

log = logging.getLogger("rag")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description=__doc__)
    parser.add_argument("--store", type=Path, help="store directory (default .rag/, RAG_STORE)")
    parser.add_argument("--collection", help="collection name (default 'default')")
    parser.add_argument("--chroma-url", help="use a Chroma server instead of the embedded store")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add or update documents in the store")
    ingest.add_argument("paths", nargs="*", help="files, folders or quoted glob patterns")
    ingest.add_argument("--json", action="store_true", help="print a JSON summary")
    ingest.add_argument("--strict", action="store_true", help="any failed file is fatal")
    ingest.add_argument("--prune", action="store_true", help="remove documents whose file is gone")
    ingest.add_argument("--chunk-size", type=int, help="tokens per chunk (RAG_CHUNK_SIZE)")
    ingest.add_argument("--chunk-overlap", type=int, help="overlap tokens (RAG_CHUNK_OVERLAP)")

    forget = sub.add_parser("forget", help="remove documents (a file, or every file in a folder)")
    forget.add_argument("paths", nargs="+", type=Path)

    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", type=Path, help="questions file: plain lines or JSONL")
    ask.add_argument("--stream", action="store_true", help="print the answer as it is written")

    sources = sub.add_parser("sources", help="list ingested documents")
    sources.add_argument("--json", action="store_true")

    ui = sub.add_parser("ui", help="start the chat UI")
    ui.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, help="port (default 7860)")
    ui.add_argument("--auth", help="user:password required to open the UI")
    ui.add_argument(
        "--upload-dir", type=Path, help="folder for uploaded files (default STORE/uploads)"
    )

    ev = sub.add_parser("eval", help="score a gold set against ours and a baseline")
    ev.add_argument("--dataset", type=Path, required=True,
                    help="seeds .jsonl, rag_dataset.json, or a set's name in the eval data")  # fmt: skip
    ev.add_argument("--docs", type=Path, help="documents folder (default: found beside the set)")
    ev.add_argument("--limit", type=int, help="evaluate a fixed random sample of N questions")
    ev.add_argument("--seed", type=int, default=0, help="sample seed (default 0)")
    ev.add_argument("--baseline", action="store_true", help="also run LlamaIndex's default RAG")
    ev.add_argument("--retrieval", help="retrieval modes to compare, e.g. dense,bm25,hybrid")
    ev.add_argument("--out", type=Path, help="report folder (default eval/out/<dataset>)")
    ev.add_argument(
        "--judge-model", help="LLM judge model (default RAG_JUDGE_MODEL, the answerer's)"
    )
    ev.add_argument("--judge-base-url", help="LLM judge server (default RAG_JUDGE_BASE_URL)")
    ev.add_argument("--eval-data", type=Path, help="shared eval sets folder (RAG_EVAL_DATA)")

    bench = sub.add_parser("bench", help="measure ingest, query latency, memory, cold start")
    bench.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes in chunks")
    bench.add_argument("--out", type=Path, default=Path("bench-results"), help="report folder")
    bench.add_argument("--queries", type=int, default=40, help="timed questions per size")
    bench.add_argument("--cold-runs", type=int, default=3, help="cold starts to take a median of")
    bench.add_argument("--keep-stores", action="store_true", help="keep the bench stores")
    bench.add_argument("--eval-data", type=Path, help="shared eval sets folder (RAG_EVAL_DATA)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    _quiet_libraries(args.debug)
    try:
        settings = load_settings(
            store=args.store,
            collection=args.collection,
            chroma_url=args.chroma_url,
            chunk_size=getattr(args, "chunk_size", None),
            chunk_overlap=getattr(args, "chunk_overlap", None),
            judge_model=getattr(args, "judge_model", None),
            judge_base_url=getattr(args, "judge_base_url", None),
            eval_data=getattr(args, "eval_data", None),
        )
        handler = {
            "ingest": cmd_ingest,
            "forget": cmd_forget,
            "ask": cmd_ask,
            "sources": cmd_sources,
            "ui": cmd_ui,
            "eval": cmd_eval,
            "bench": cmd_bench,
        }
        return handler[args.command](args, settings)
    except RagError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rag ask ... | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush is silent
        return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when every file was ingested or left out on purpose, 1 when any file failed."""
    from index.ingest import ingest_paths

    paths = args.paths or ([] if args.prune else ["seeds"])
    report = ingest_paths(
        paths,
        settings,
        progress=sys.stderr.isatty() and not args.json,
        prune=args.prune,
        strict=args.strict,
    )
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}, removed {len(report.removed)}, "
            f"skipped {len(report.skipped)}, failed {len(report.failed)}; "
            f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f}s"
        )
        for kind in ("warnings", "skipped", "failed"):
            for item in getattr(report, kind):
                print(f"{kind.rstrip('s')}: {item['path']}: {item['reason']}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    from index.sync import forget

    for source, chunks in forget(args.paths, settings).items():
        print(f"forgot {display_source(source)} ({chunks} chunks)")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from rag.engine import RagEngine, check_question

    if args.batch is None:
        check_question(args.question or "")
    elif args.question:
        raise InputError("give either a question or --batch FILE, not both")
    questions = list(read_batch(args.batch)) if args.batch else [args.question]
    engine = RagEngine(settings)
    for question in questions:
        if args.json:
            try:
                answer = engine.ask(question).to_json()
            except (InputError, LLMError) as exc:  # one failed line does not stop a batch
                if args.batch is None:
                    raise
                answer = {"question": question, "error": str(exc)}
            print(json.dumps(answer, ensure_ascii=False), flush=True)
        else:
            print_answer(engine, question, stream=args.stream, out=sys.stdout)
    return 0


def read_batch(path: Path) -> Iterator[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the questions file {path}: {exc}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                record: Any = json.loads(line)
                yield str(record["question"])
            except (ValueError, KeyError, TypeError):
                raise InputError(
                    f"{path}:{number}: not a JSON object with a 'question' field"
                ) from None
        else:
            yield line


def print_answer(engine: Any, question: str, *, stream: bool, out: TextIO) -> None:
    from rag.models import Answer

    answer: Answer | None = None
    for event in engine.stream(question):
        if isinstance(event, Answer):
            answer = event
        elif stream:
            out.write(event.text)
            out.flush()
    assert answer is not None
    out.write("\n" if stream else answer.answer + "\n")
    for warning in answer.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if answer.refused:
        return
    out.write("\nSources:\n")
    for c in answer.citations:
        page = f", page {c.page}" if c.page is not None else ""
        out.write(f"[{c.id}] {display_source(c.source)}{page} (score {c.score:.3f})\n")
        out.write("    " + " ".join(c.text.split()) + "\n")


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from rag.store import Store

    docs = Store(settings).documents()
    if args.json:
        print(json.dumps([asdict(d) for d in docs], ensure_ascii=False))
        return 0
    for d in docs:
        pages = f"{d.pages:4d} pages" if d.pages else "         "
        partial = "  (incomplete: re-run rag ingest)" if not d.complete else ""
        print(f"{d.chunks:6d} chunks {pages}  {d.ingested_at}  {display_source(d.source)}{partial}")
    return 0


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import launch

    if args.host:
        settings.host = args.host
    if args.port is not None:
        settings.port = args.port
    launch(settings, auth=args.auth, upload_root=args.upload_dir)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
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
    results = run_bench(
        sizes, args.out, queries=args.queries, cold_runs=args.cold_runs,
        keep_stores=args.keep_stores, source=covid_qa_json(settings),
    )  # fmt: skip
    print(markdown(results))
    print(f"wrote {args.out / 'bench.json'}, {args.out / 'bench.md'}, {args.out / 'bench.png'}")
    return 0


def display_source(source: str) -> str:
    """A source path relative to the working directory when it lies below it."""
    try:
        return str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        return source


def _quiet_libraries(debug: bool) -> None:
    if debug:
        return
    for name in (
        "httpx",
        "chromadb",
        "sentence_transformers",
        "transformers",
        "llama_index",
        "bm25s",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    # huggingface_hub (and so transformers) reads this when first imported. Importing
    # transformers here only to silence it cost a second of every cold start.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    transformers = sys.modules.get("transformers")
    if transformers is not None:
        transformers.utils.logging.disable_progress_bar()
