"""The ``rag`` command: a front end that parses options, calls the service tier, prints.

``serve``/``ui`` and ``eval``/``bench`` belong to the API and eval front ends, which register
them through the ``rag.commands`` entry points (:mod:`cli.front_ends`); the shell dispatches
to them by name and shows their errors like its own."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import rag  # noqa: F401  (offline guards first)
from cli import accounts, chat, commands
from cli.front_ends import FrontEnds
from cli.output import escape_control, setup_logging
from cli.parser import build_parser
from rag.errors import RagError
from rag.settings import load_settings

log = logging.getLogger("rag")


def main(argv: Sequence[str] | None = None, front_ends: FrontEnds | None = None) -> int:
    """Run one command; ``front_ends`` defaults to the installed ``rag.commands`` entry points."""
    parser, registered = build_parser(front_ends)
    args = parser.parse_args(argv)
    setup_logging(args.debug)
    try:
        settings = load_settings(
            store=args.store,
            collection=args.collection,
            chroma_url=args.chroma_url,
            chunk_size=getattr(args, "chunk_size", None),
            chunk_overlap=getattr(args, "chunk_overlap", None),
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            judge_model=getattr(args, "judge_model", None),
            judge_base_url=getattr(args, "judge_base_url", None),
            eval_data=getattr(args, "eval_data", None),
        )
        handler = {
            "ingest": commands.cmd_ingest,
            "forget": commands.cmd_forget,
            "ask": commands.cmd_ask,
            "chat": chat.cmd_chat,
            "sources": commands.cmd_sources,
            "users": accounts.cmd_users,
            "collections": accounts.cmd_collections,
            "feedback": accounts.cmd_feedback,
            **registered,
        }
        return handler[args.command](args, settings)
    except RagError as exc:
        if args.debug:
            raise
        print(escape_control(f"error: {exc}"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rag ask ... | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush is silent
        return 0
