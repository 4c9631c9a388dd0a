"""The ``rag`` command line: options and subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn

from cli.front_ends import FrontEnds, Handler


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


def build_parser(
    front_ends: FrontEnds | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The parser with the shell's own subcommands and those the other front ends register
    (``front_ends``, by default the ``rag.commands`` entry points), and those front ends'
    handlers by command name."""
    front_ends = FrontEnds.installed() if front_ends is None else front_ends
    parser = ShellParser(prog="rag", description=__doc__, front_ends=front_ends)
    add_global_options(parser)
    shared = argparse.ArgumentParser(add_help=False)
    add_global_options(shared, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=argparse.ArgumentParser)

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

    return parser, front_ends.add_commands(sub, [shared])


class ShellParser(argparse.ArgumentParser):
    """An unknown command says where the other front ends' commands come from and why one
    may be missing (an entry point that failed to load, or a stale install)."""

    def __init__(self, *args: Any, front_ends: FrontEnds, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.front_ends = front_ends

    def error(self, message: str) -> NoReturn:
        if "invalid choice" in message:
            message += "\n" + self.front_ends.missing_hint()
        super().error(message)
