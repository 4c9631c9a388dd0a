"""The ``rag`` command line: options and subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_global_options(parser: argparse.ArgumentParser, *, default: object = None) -> None:
    """The options every subcommand shares. Subcommands get them with ``SUPPRESS`` defaults,
    so ``rag ask --store X q`` and ``rag --store X ask q`` mean the same and a subcommand that
    is not given one does not reset the value given before it."""
    parser.add_argument(
        "--store", type=Path, default=default, help="store directory (default .rag/, RAG_STORE)"
    )
    parser.add_argument("--collection", default=default, help="collection (default 'default')")
    parser.add_argument(
        "--chroma-url", default=default, help="use a Chroma server instead of the embedded store"
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if default is None else default,
        help="show tracebacks and debug logs",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description=__doc__)
    add_global_options(parser)
    shared = argparse.ArgumentParser(add_help=False)
    add_global_options(shared, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", parents=[shared], help="add or update documents in the store")
    ingest.add_argument("paths", nargs="*", help="files, folders or quoted glob patterns")
    ingest.add_argument("--json", action="store_true", help="print a JSON summary")
    ingest.add_argument("--strict", action="store_true", help="any failed file is fatal")
    ingest.add_argument("--prune", action="store_true", help="remove documents whose file is gone")
    ingest.add_argument("--chunk-size", type=int, help="tokens per chunk (RAG_CHUNK_SIZE)")
    ingest.add_argument("--chunk-overlap", type=int, help="overlap tokens (RAG_CHUNK_OVERLAP)")

    forget = sub.add_parser(
        "forget", parents=[shared], help="remove documents (a file, or every file in a folder)"
    )
    forget.add_argument("paths", nargs="+", type=Path)

    ask = sub.add_parser("ask", parents=[shared], help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", type=Path, help="questions file: plain lines or JSONL")
    ask.add_argument("--stream", action="store_true", help="print the answer as it is written")
    ask.add_argument("--full", action="store_true", help="print each cited passage whole")

    chat = sub.add_parser(
        "chat", help="a conversation: questions from stdin, one per line (follow-ups allowed)"
    )
    chat.add_argument("--json", action="store_true", help="one JSON object per answer")
    chat.add_argument("--full", action="store_true", help="print each cited passage whole")

    sources = sub.add_parser("sources", parents=[shared], help="list ingested documents")
    sources.add_argument("--json", action="store_true")

    for command, what in (
        ("serve", "start the chat UI at /, the REST API at /api/v1 and the OpenAI API at /v1"),
        ("ui", "the same as serve"),
    ):
        serve = sub.add_parser(command, parents=[shared], help=what)
        serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
        serve.add_argument("--port", type=int, help="port (default 7860)")
        serve.add_argument(
            "--upload-dir", type=Path, help="folder for uploaded files (default STORE/uploads)"
        )

    ev = sub.add_parser(
        "eval", parents=[shared], help="score a gold set against ours and a baseline"
    )
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

    users = sub.add_parser("users", help="add, list, remove users; reset an API key")
    users_sub = users.add_subparsers(dest="action", required=True)
    add = users_sub.add_parser(
        "add", parents=[shared], help="create a user; prints a password and API key once"
    )
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="sees and changes every collection")
    add.add_argument("--json", action="store_true", help='print {"name", "password", "api_key"}')
    listing = users_sub.add_parser("list", parents=[shared], help="list users")
    listing.add_argument("--json", action="store_true")
    remove = users_sub.add_parser(
        "remove", parents=[shared], help="remove a user and their conversations"
    )
    remove.add_argument("name")
    reset = users_sub.add_parser(
        "reset-key", parents=[shared], help="a new API key; the old one stops working"
    )
    reset.add_argument("name")
    reset.add_argument("--json", action="store_true", help='print {"name", "api_key"}')

    cols = sub.add_parser("collections", help="list collections with their owners; share one")
    cols_sub = cols.add_subparsers(dest="action", required=True)
    cols_sub.add_parser(
        "list", parents=[shared], help="collections, owners, who they are shared with"
    )
    share = cols_sub.add_parser(
        "share", parents=[shared], help="share a collection with a user, or everyone"
    )
    share.add_argument("name")
    whom = share.add_mutually_exclusive_group(required=True)
    whom.add_argument("--with", dest="with_user", metavar="USER", help="a user who may read it")
    whom.add_argument("--public", action="store_true", help="every user may read it")
    whom.add_argument("--private", action="store_true", help="no longer public")

    feedback = sub.add_parser("feedback", help="export rated answers as an eval dataset")
    feedback_sub = feedback.add_subparsers(dest="action", required=True)
    export = feedback_sub.add_parser(
        "export", parents=[shared], help="write a LlamaIndex rag_dataset.json"
    )
    export.add_argument("file", type=Path)
    export.add_argument("--only-collection", help="only turns asked of this collection")

    bench = sub.add_parser(
        "bench", parents=[shared], help="measure ingest, query latency, memory, cold start"
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
    return parser
