"""The ``rag`` command: a front end that parses options, calls the service tier, prints."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import rag  # noqa: F401  (offline guards first)
from cli import accounts, chat, commands, serve, tools
from cli.output import escape_control, setup_logging
from cli.parser import build_parser
from rag.errors import RagError
from rag.settings import load_settings

log = logging.getLogger("rag")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
            "serve": serve.cmd_serve,
            "ui": serve.cmd_serve,
            "eval": tools.cmd_eval,
            "bench": tools.cmd_bench,
            "users": accounts.cmd_users,
            "collections": accounts.cmd_collections,
            "feedback": accounts.cmd_feedback,
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
