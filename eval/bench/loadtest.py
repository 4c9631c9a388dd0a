"""Many clients asking at once through the app's own ``ask`` endpoint (gradio_client).

``python -m eval.bench.loadtest --url http://127.0.0.1:7860`` prints latencies; the UI tests call
:func:`run_load` and check that every answer is correct and cited.
"""

from __future__ import annotations

import argparse
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape

# question, a word the answer must contain, a phrase the highlighted sentence must contain
SEED_CASES = [
    ("Who said there will be no European troops on Ukrainian soil in the coming weeks?", "Macron",
     "There will be no European troops on Ukrainian soil in the coming weeks"),
    ("What did Meloni say about Italian troops in Ukraine?", "agenda", "has never been on the agenda"),
    ("What did Merkel admit about the Minsk ceasefire?", "give Ukraine time", "Angela Merkel admitted"),
    ("What did Trudeau say about deploying troops to Ukraine?", "table", "everything’s on the table"),
    ("Who is the NATO Secretary General mentioned in the article?", "Rutte", "Mark Rutte"),
    ("What did the Russian Foreign Ministry accuse the EU and UK of?", "militarism", "militarism"),
    ("What did Starmer say the UK is prepared to do?", "boots on the ground", "boots on the ground"),
    ("Which countries are pushing the idea of deploying foreign troops to Ukraine?", "France",
     "pushed primarily by France and Britain"),
    ("What does Moscow insist on instead of temporary ceasefires?", "legally binding",
     "permanent, legally binding deal"),
    ("Under what condition would European troops be deployed according to Macron?", "safe",
     "situation on the ground is safe"),
]  # fmt: skip

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class Outcome:
    question: str
    seconds: float
    problem: str | None = None


@dataclass
class LoadReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problem is not None]

    def latencies(self) -> dict[str, float]:
        times = sorted(o.seconds for o in self.outcomes)
        if not times:
            return {}
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return {"p50": statistics.median(times), "p95": p95, "max": times[-1]}

    def summary(self) -> str:
        lat = self.latencies()
        parts = [f"{k} {v:.2f}s" for k, v in lat.items()]
        return f"{len(self.outcomes)} clients, {len(self.failures)} failed; " + ", ".join(parts)


def check_answer(transcript: str, evidence: str, expected: str, cited: str) -> str | None:
    """Why the rendered answer is wrong, or None: expected words, a marker, a marked quote."""
    last_turn = transcript.rsplit("class='rag-turn'", 1)[-1]
    if "class='rag-cite'" not in last_turn:
        return "no clickable citation in the answer"
    if expected not in unescape(_TAGS.sub("", last_turn)):
        return f"answer lacks {expected!r}"
    marks = [unescape(m) for m in _MARK.findall(evidence)]
    if not any(cited in m for m in marks):
        return f"no highlighted sentence contains {cited!r}"
    return None


def ask_one(
    url: str, case: tuple[str, str, str], auth: tuple[str, str] | None, start: threading.Barrier
) -> Outcome:
    # deferred for start-up time: gradio_client only where needed
    from gradio_client import Client

    question, expected, cited = case
    client = Client(url, auth=auth, verbose=False, download_files=False)
    start.wait()
    began = time.perf_counter()
    try:
        result = client.predict(question, "default", api_name="/ask")
    except Exception as exc:  # report every failure, do not stop the others
        return Outcome(question, time.perf_counter() - began, f"request failed: {exc}")
    seconds = time.perf_counter() - began
    transcript, _question, evidence = (str(x) for x in result[:3])
    return Outcome(question, seconds, check_answer(transcript, evidence, expected, cited))


def run_load(
    url: str, cases: list[tuple[str, str, str]], auth: tuple[str, str] | None = None
) -> LoadReport:
    """Every case from its own client, all released at the same moment."""
    start = threading.Barrier(len(cases))
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        futures = [pool.submit(ask_one, url, case, auth, start) for case in cases]
        return LoadReport([f.result() for f in futures])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--auth", help="user:password")
    args = parser.parse_args()
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    report = run_load(args.url, SEED_CASES, auth)  # type: ignore[arg-type]
    for o in report.outcomes:
        print(f"{o.seconds:6.2f}s  {'ok' if o.problem is None else o.problem}  {o.question}")
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
