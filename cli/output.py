"""What the CLI prints: sources relative to the working directory, control characters escaped,
quiet libraries.

Every string that reaches the terminal from outside (file names, document text, answers,
error messages that quote them) goes through :func:`escape_control` or :func:`json_line`, so
an ANSI/OSC escape or a newline inside a file name cannot rewrite the terminal or forge an
output line. Log lines get the same treatment through :class:`EscapingFormatter`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

# C0 and C1 controls, DEL, and the bidirectional/zero-width format characters that can make
# text display as something else (U+202E "right-to-left override" and friends).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]"
)
# What json.dumps(ensure_ascii=False) leaves raw: DEL, C1 controls and the format characters.
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control and format characters shown as ``\\x1b``-style escapes.

    ``keep_newlines`` keeps ``\\n`` and ``\\t`` (for multi-line answers); file names and
    one-line messages escape them too, so a name cannot start a forged line.
    """
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(_escaped, text)


def json_line(value: Any) -> str:
    """One JSON document on one line, with no raw control character left in it."""
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def display_source(source: str) -> str:
    """A source path relative to the working directory when it lies below it, escaped."""
    try:
        shown = str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        shown = source
    return escape_control(shown)


class EscapingFormatter(logging.Formatter):
    """Log lines with control characters of the message escaped (tracebacks stay as they are)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return escape_control(super().formatMessage(record))


def setup_logging(debug: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler])
    quiet_libraries(debug)


def quiet_libraries(debug: bool) -> None:
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
