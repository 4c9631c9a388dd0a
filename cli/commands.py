"""The document and question commands: ingest, forget, sources, ask."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from cli.batch import run_batch
from cli.output import display_source, escape_control, json_line, print_answer
from rag.engine import check_question
from rag.errors import InputError, StoreUnavailableError
from rag.priority import lower_process_priority
from rag.settings import Settings
from service import LibraryService, build_services


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when every file was ingested or left out on purpose, 1 when any file failed."""
    paths = args.paths or ([] if args.prune else ["seeds"])
    lower_process_priority()  # a serving process beside this one answers first
    report = LibraryService(settings).ingest(
        paths,
        progress=sys.stderr.isatty() and not args.json,
        prune=args.prune,
        strict=args.strict,
    )
    if args.json:
        print(json_line(report.to_json()))
    else:
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}, removed {len(report.removed)}, "
            f"skipped {len(report.skipped)}, failed {len(report.failed)}; "
            f"{report.chunks_embedded} chunks embedded in {report.seconds:.1f}s"
        )
        for kind in ("warnings", "skipped", "failed"):
            for item in getattr(report, kind):
                if report.error is not None and item["reason"].startswith("not written"):
                    continue  # said once, in the error below
                line = f"{kind.rstrip('s')}: {display_source(item['path'])}: {item['reason']}"
                print(escape_control(line), file=sys.stderr)
    if report.error is not None:
        print(escape_control(f"error: {report.error}"), file=sys.stderr)
        return StoreUnavailableError.exit_code
    return 0 if report.ok else 1


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    for source, chunks in LibraryService(settings).forget(args.paths).items():
        print(f"forgot {display_source(source)} ({chunks} chunks)")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None and args.question:
        raise InputError("give either a question or --batch FILE, not both")
    if args.batch is None:
        check_question(args.question or "")
    chat = build_services(settings).chat
    if args.batch is not None:
        return run_batch(
            args.batch,
            chat,
            as_json=args.json,
            print_answer=lambda q: print_answer(
                chat.stream(q), stream=args.stream, out=sys.stdout, full=args.full
            ),
        )
    if args.json:
        print(json_line(chat.ask(args.question).to_json()), flush=True)
    else:
        print_answer(chat.stream(args.question), stream=args.stream, out=sys.stdout, full=args.full)
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    docs = LibraryService(settings).documents()
    if args.json:
        print(json_line([asdict(d) for d in docs]))
        return 0
    for d in docs:
        pages = f"{d.pages:4d} pages" if d.pages else "         "
        partial = "  (incomplete: re-run rag ingest)" if not d.complete else ""
        print(f"{d.chunks:6d} chunks {pages}  {d.ingested_at}  {display_source(d.source)}{partial}")
    return 0
