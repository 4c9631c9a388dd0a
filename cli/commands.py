"""The document and question commands: ingest, forget, sources, ask."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cli.output import display_source, print_answer
from rag.engine import check_question
from rag.errors import InputError, LLMError
from rag.settings import Settings
from service import LibraryService, build_services


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when every file was ingested or left out on purpose, 1 when any file failed."""
    paths = args.paths or ([] if args.prune else ["seeds"])
    report = LibraryService(settings).ingest(
        paths,
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
    for source, chunks in LibraryService(settings).forget(args.paths).items():
        print(f"forgot {display_source(source)} ({chunks} chunks)")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is None:
        check_question(args.question or "")
    elif args.question:
        raise InputError("give either a question or --batch FILE, not both")
    questions = list(read_batch(args.batch)) if args.batch else [args.question]
    chat = build_services(settings).chat
    for question in questions:
        if args.json:
            try:
                answer = chat.ask(question).to_json()
            except (InputError, LLMError) as exc:  # one failed line does not stop a batch
                if args.batch is None:
                    raise
                answer = {"question": question, "error": str(exc)}
            print(json.dumps(answer, ensure_ascii=False), flush=True)
        else:
            print_answer(chat.stream(question), stream=args.stream, out=sys.stdout, full=args.full)
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


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    docs = LibraryService(settings).documents()
    if args.json:
        print(json.dumps([asdict(d) for d in docs], ensure_ascii=False))
        return 0
    for d in docs:
        pages = f"{d.pages:4d} pages" if d.pages else "         "
        partial = "  (incomplete: re-run rag ingest)" if not d.complete else ""
        print(f"{d.chunks:6d} chunks {pages}  {d.ingested_at}  {display_source(d.source)}{partial}")
    return 0
