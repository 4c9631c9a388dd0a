"""Ask latency with and without storing the turn: what the application database adds.

Each round asks the seed gold questions twice in alternation on one warm engine (every
question asked once beforehand, so both sides find its embedding cached): once through the
chat service alone (before this feature), once through the conversation service, which also
writes the conversation and its turn (after). Alternating the two keeps a machine shared with
other work from favouring either. A third timing is the database work a follow-up adds (read
the history, append the turn). Run:
``python -m eval.bench.ask_db --store DIR [--database-url URL] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from rag.settings import load_settings
from service import build_services

GOLD = Path(__file__).resolve().parents[1] / "gold" / "seeds.jsonl"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def measure(store: Path, database_url: str | None, rounds: int) -> dict[str, dict[str, float]]:
    settings = load_settings(store=store, database_url=database_url)
    services = build_services(settings)
    if not services.library.documents(missing_ok=True):
        services.library.ingest([SEEDS])
    questions = [json.loads(line)["question"] for line in GOLD.read_text().splitlines() if line]
    user = (
        services.users.get("bench") if "bench" in {u.name for u in services.users.all()} else None
    )
    if user is None:
        services.users.add("bench")
        user = services.users.get("bench")
    for question in questions:  # load the models and indexes; fill the embedding cache
        services.chat.ask(question)
    before: list[float] = []
    after: list[float] = []
    follow_up_db: list[float] = []
    long_running, _, _ = services.conversations.ask(user, questions[0])
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            services.chat.ask(question)
            before.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            _, _, answer = services.conversations.ask(user, question)  # a new conversation
            after.append((time.perf_counter() - started) * 1000)
            # what a follow-up adds: read the conversation's history, append the turn
            started = time.perf_counter()
            services.conversations.get(user, long_running)
            services.conversations.record(user, long_running, settings.collection, answer)
            follow_up_db.append((time.perf_counter() - started) * 1000)
    return {
        "ask, chat service only (before)": summary(before),
        "ask in a new conversation, turn stored (after)": summary(after),
        "database work of a follow-up (history read + turn write)": summary(follow_up_db),
    }


def summary(values: list[float]) -> dict[str, float]:
    array = np.array(values)
    return {"n": len(values), "p50_ms": round(float(np.percentile(array, 50)), 1),
            "p95_ms": round(float(np.percentile(array, 95)), 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.store, args.database_url, args.rounds), indent=1))


if __name__ == "__main__":
    main()
