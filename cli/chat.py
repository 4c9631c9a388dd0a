"""``rag chat``: a conversation on the command line.

Questions come from stdin, one per line; with a terminal it prompts for each. The
conversation is kept, so a follow-up ("Did he rule it out?") is resolved against the earlier
turns. ``--json`` prints one JSON object per answer, the shape of ``rag ask --json``; a line
that cannot be asked (too long, say) prints ``{"question", "error"}`` and the chat goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TextIO

from cli.output import print_answer
from rag.errors import InputError, LLMError
from rag.settings import Settings
from service import build_services

PROMPT = "> "
# Turns kept for follow-ups: the rewriter only looks at the last ones.
MAX_HISTORY = 10


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    chat = build_services(settings).chat
    interactive = sys.stdin.isatty()
    history: list[tuple[str, str]] = []
    if interactive:
        print("Ask about your documents; an empty line or Ctrl-D ends.", file=sys.stderr)
    for line in _lines(sys.stdin, interactive):
        question = line.strip()
        if not question:
            if interactive:
                break
            continue
        try:
            if args.json:
                answer = chat.ask(question, history=list(history))
                print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
            else:
                answer = print_answer(
                    chat.stream(question, history=list(history)),
                    stream=interactive,
                    out=sys.stdout,
                    full=args.full,
                )
                sys.stdout.write("\n")
                sys.stdout.flush()
        except (InputError, LLMError) as exc:  # one bad line does not end the conversation
            if args.json:
                print(json.dumps({"question": question, "error": str(exc)}), flush=True)
            else:
                print(f"error: {exc}", file=sys.stderr)
            continue
        history.append((question, answer.answer))
        del history[:-MAX_HISTORY]
    return 0


def _lines(stream: TextIO, interactive: bool) -> Iterator[str]:
    """Lines of stdin; in a terminal, each read after a prompt."""
    if not interactive:
        yield from stream
        return
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            return
