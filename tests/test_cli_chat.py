"""`rag chat` and `rag ask`'s text output, through the real command in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from rag.settings import Settings
from tests.conftest import ROOT

SEED_FILE = "000_2049a57f73a0fd17.txt"


def rag(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.pop("OPENAI_API_KEY", None)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "cli", "--store", str(settings.store), *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_chat_keeps_the_conversation_and_resolves_follow_ups(seed_settings: Settings) -> None:
    lines = [
        "What kind of truce did Emmanuel Macron propose?",
        "What did Meloni say?",  # a new question: about Meloni, not Macron's truce
        "What did Macron say about European troops in Ukraine?",
        "Did he rule it out?",  # a follow-up: he = Macron, it = European troops
        "x" * 3000,  # cannot be asked: reported, and the chat goes on
        "What is the capital of Australia?",
    ]
    result = rag(seed_settings, "chat", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    truce, meloni, troops, ruled_out, too_long, unanswerable = out
    assert "truce in the air" in truce["answer"]
    assert "never been on the agenda" in meloni["answer"] and "rewritten_question" not in meloni
    assert "Macron" in ruled_out["rewritten_question"] and ruled_out["citations"]
    assert "limit is 2000" in too_long["error"]
    assert unanswerable["refused"] is True
    for answer in (truce, meloni, troops, ruled_out):
        assert answer["confidence_label"] in {"high", "medium", "low"}
        assert 0 <= answer["confidence"] <= 1
        assert answer["citations"] and all(c["rank"] >= 1 for c in answer["citations"])


def test_chat_text_mode_prints_answers_with_sources(seed_settings: Settings) -> None:
    result = rag(seed_settings, "chat", stdin="What did Meloni say about Italian troops?\n")
    assert result.returncode == 0, result.stderr
    assert "never been on the agenda" in result.stdout and "Sources:" in result.stdout


def test_ask_prints_the_label_and_each_source_with_its_supporting_sentence(
    seed_settings: Settings,
) -> None:
    question = "Who said there will be no European troops on Ukrainian soil in the coming weeks?"
    result = rag(seed_settings, "ask", question)
    assert result.returncode == 0, result.stderr
    answer, _, sources = result.stdout.partition("\nSources:\n")
    assert "Confidence: " in answer and "(" in answer.split("Confidence: ")[1]
    first_source, supporting = sources.splitlines()[:2]
    assert first_source.startswith("[1] ") and f"{SEED_FILE} (rank " in first_source
    assert "relevance" in first_source
    assert "Macron" in supporting and supporting.strip().startswith("“")
    assert len(supporting) < 600  # the sentence, not the whole ~1,500-character chunk

    full = rag(seed_settings, "ask", "--full", question)
    assert len(full.stdout.partition("\nSources:\n")[2].splitlines()[1]) > len(supporting)


def test_refusal_in_text_mode_lists_the_closest_passages(seed_settings: Settings) -> None:
    result = rag(seed_settings, "ask", "What is the recipe for a chocolate cake?")
    assert result.returncode == 0, result.stderr
    assert "could not find" in result.stdout
    assert "Closest passages (not used):" in result.stdout
    assert "  1. " in result.stdout and SEED_FILE in result.stdout.split("Closest passages")[1]
