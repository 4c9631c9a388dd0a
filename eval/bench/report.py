"""The bench results as a Markdown table and a plot of latency and memory against corpus size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Targets of issue 7, by corpus size in chunks.
RETRIEVAL_P95_MS = {10_000: 50.0, 100_000: 150.0}
ANSWER_P95_MS = {10_000: 300.0}
PEAK_RSS_MB = {100_000: 1536.0}
COLD_ASK_S = 5.0
# Issue 14: 50 concurrent chat completions through the HTTP API.
API_ANSWERS_PER_S = 10.0
API_P95_MS = 3000.0
API_RSS_GROWTH = 1.10  # last round's RSS at most this times the first's ("memory flat")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    ing = results["ingest"]
    lines = [
        f"Machine: {m['cpus']} CPUs, {m['memory_gb']} GiB, Python {m['python']}, "
        f"torch {m['torch']} (CPU, {m['torch_threads']} threads), {m['platform']}. "
        f"Run {results['started']} to {results.get('finished', '?')}; 1-min load average "
        f"during the run: {', '.join(str(x) for x in results.get('load_avg_1min', []))}.",
        "",
        f"**Ingest**, real text ({ing['chunks']} chunks, {ing['chars']:,} chars of COVID-QA "
        "articles), model already loaded:",
        "",
        "| pipeline | seconds | chunks | chunks/s | vs bare model (pipeline's precision) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    bare = ing["bare_model"]["chunks_per_s"]
    precision = ing.get("precision", "float32")
    rows = [("bare model (sentence-transformers `encode`, batch 32, float32)", "bare_model")]
    if precision != "float32":
        rows = [
            ("bare model (sentence-transformers `encode`, batch 32, float32)",
             "bare_model_float32"),
            (f"bare model (same, under `torch.autocast` {precision})", "bare_model"),
        ]  # fmt: skip
    rows += [
        (f"`rag ingest` pipeline (load, chunk, embed in {precision}, write to Chroma, "
         "build BM25)", "pipeline"),
        ("LlamaIndex default `VectorStoreIndex.from_documents` (HuggingFaceEmbedding, float32)",
         "llamaindex_default"),
    ]  # fmt: skip
    for label, key in rows:
        r = ing[key]
        chunks = r.get("chunks", ing["chunks"])
        lines.append(
            f"| {label} | {r['seconds']:.1f} | {chunks} | {r['chunks_per_s']:.1f} "
            f"| {r['chunks_per_s'] / bare:.2f}x |"
        )
    again = ing["reingest_unchanged"]
    lines += [
        "",
        f"Re-ingest of the unchanged corpus: {again['seconds']:.2f} s, "
        f"{again['speedup_vs_first']:.0f}x faster than the first ingest. "
        f"Pipeline vs LlamaIndex default: {ing['ratio_pipeline_vs_llamaindex']:.2f}x.",
        "",
        "**Serving** (one fresh process per size; latencies over "
        f"{results['sizes'][0]['serve']['retrieval_ms']['n']} distinct questions):",
        "",
        "| chunks | text | store on disk | BM25 + unit index build | dense by | peak RSS "
        "| engine load | first query | retrieval p50 / p95 | full answer p50 / p95 "
        "| `rag ask` cold |",
        "| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["sizes"]:
        s = row["serve"]
        kind = "real" if not row["generated"] else f"{row['generated']:,} generated"
        built = row.get("derived_build_s")
        derived = "in ingest" if built is None else f"{built:.1f} s"
        lines.append(
            f"| {s['chunks']:,} | {kind} | {row['store_mb']:.0f} MB | {derived} "
            f"| {s.get('dense', '?')} | {s['peak_rss_mb']:.0f} MB "
            f"| {s['engine_load_s']:.1f} s | {s['first_query_ms']:.0f} ms "
            f"| {s['retrieval_ms']['p50']:.0f} / {s['retrieval_ms']['p95']:.0f} ms "
            f"| {s['answer_ms']['p50']:.0f} / {s['answer_ms']['p95']:.0f} ms "
            f"| {row['cold_ask_s']['median']:.1f} s |"
        )
    first = results["sizes"][0]["serve"]
    if first.get("reader_load_s") is not None:
        lines += ["", f"The reading model loads with the engine: {first['reader_load_s']:.2f} s "
                  f"and {first['reader_rss_mb']:.0f} MB of RSS (included above).",]  # fmt: skip
    if "cold_ui_s" in results:
        ui = results["cold_ui_s"]
        lines += ["", f"`rag ui` until its port answers: {ui['median']:.1f} s "
                  f"(median of {ui['runs']}; the engine loads on the first question)."]  # fmt: skip
    if "api" in results:
        lines += api_markdown(results["api"])
    lines += ["", "Targets:", ""] + [f"- {t}" for t in target_lines(results)]
    return "\n".join(lines) + "\n"


def api_markdown(api: dict[str, Any]) -> list[str]:
    q = api["questions"]
    lines = [
        "",
        f"**HTTP API under load**: rounds of {api['concurrency']} concurrent "
        "`/v1/chat/completions` (extractive) against a fresh `rag serve`, different questions "
        f"in each round{' (repeating: too few eligible questions)' if api['questions_repeat'] else ''}; "
        f"questions taken when answered correctly and cited alone: seeds "
        f"{q.get('seeds_correct', 0)}/{q.get('seeds_asked', 0)}, COVID-QA "
        f"{q.get('covid_correct', 0)}/{q.get('covid_asked', 0)}. Server RSS idle "
        f"{api['rss_idle_mb']:.0f} MB.",
        "",
        "| round | correct and cited | dropped | answers/s | p50 | p95 | server CPU per request "
        "| RSS after | load average |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in enumerate(api["rounds"], 1):
        lines.append(
            f"| {n} | {r['correct']}/{r['requests']} | {r['dropped']} | {r['answers_per_s']:.1f} "
            f"| {r['latency_ms']['p50'] / 1000:.2f} s | {r['latency_ms']['p95'] / 1000:.2f} s "
            f"| {r['server_cpu_ms_per_request']:.0f} ms | {r['rss_mb']:.0f} MB "
            f"| {r['load_avg_1min']:.1f} |"
        )
    return lines


def api_target_lines(api: dict[str, Any]) -> list[str]:
    rounds = api["rounds"]
    worst_rate = min(r["answers_per_s"] for r in rounds)
    worst_p95 = max(r["latency_ms"]["p95"] for r in rounds)
    wrong = sum(r["requests"] - r["correct"] for r in rounds)
    growth = rounds[-1]["rss_mb"] / max(rounds[0]["rss_mb"], 1.0)
    return [
        _check("API answers/s (worst round)", worst_rate, API_ANSWERS_PER_S, ge=True),
        _check("API p95 (worst round)", worst_p95, API_P95_MS, unit=" ms"),
        _check("API answers wrong, uncited or dropped", wrong, 0),
        _check("API RSS last round / first round", round(growth, 2), API_RSS_GROWTH),
    ]


def target_lines(results: dict[str, Any]) -> list[str]:
    ing = results["ingest"]
    out = [
        _check("pipeline ingest >= 0.9x bare model", ing["ratio_pipeline_vs_bare"], 0.9, ge=True),
        _check(
            "pipeline ingest >= 1.0x LlamaIndex default",
            ing["ratio_pipeline_vs_llamaindex"],
            1.0,
            ge=True,
        ),  # fmt: skip
        _check(
            "unchanged re-ingest >= 50x faster",
            ing["reingest_unchanged"]["speedup_vs_first"],
            50,
            ge=True,
        ),  # fmt: skip
    ]
    for row in results["sizes"]:
        s, size = row["serve"], row["size"]
        if size in RETRIEVAL_P95_MS:
            out.append(_check(f"retrieval p95 at {size:,}", s["retrieval_ms"]["p95"],
                              RETRIEVAL_P95_MS[size], unit=" ms"))  # fmt: skip
        if size in ANSWER_P95_MS:
            out.append(_check(f"full answer p95 at {size:,}", s["answer_ms"]["p95"],
                              ANSWER_P95_MS[size], unit=" ms"))  # fmt: skip
        if size in PEAK_RSS_MB:
            out.append(_check(f"peak RSS serving {size:,}", s["peak_rss_mb"],
                              PEAK_RSS_MB[size], unit=" MB"))  # fmt: skip
    for row in results["sizes"]:
        out.append(_check(f"`rag ask` cold ({row['serve']['chunks']:,} chunks)",
                          row["cold_ask_s"]["median"], COLD_ASK_S, unit=" s"))  # fmt: skip
    if "api" in results:
        out += api_target_lines(results["api"])
    return out


def _check(name: str, value: float, limit: float, *, ge: bool = False, unit: str = "") -> str:
    ok = value >= limit if ge else value <= limit
    sign = ">=" if ge else "<="
    return f"{'met' if ok else 'MISSED'}: {name}: {value:g}{unit} (target {sign} {limit:g}{unit})"


def plot(results: dict[str, Any], path: Path) -> None:
    # deferred for start-up time: matplotlib only where needed
    import matplotlib

    matplotlib.use("Agg")
    # deferred for start-up time: matplotlib only where needed
    import matplotlib.pyplot as plt

    rows = results["sizes"]
    x = [r["serve"]["chunks"] for r in rows]
    fig, (lat, mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label in (("retrieval_ms", "retrieval"), ("answer_ms", "full answer")):
        for pct, style in (("p50", "-o"), ("p95", "--s")):
            lat.plot(x, [r["serve"][key][pct] for r in rows], style, label=f"{label} {pct}")
    lat.set(xscale="log", xlabel="chunks in the store", ylabel="ms", title="Query latency")
    lat.grid(True, which="both", alpha=0.3)
    lat.legend()
    mem.plot(x, [r["serve"]["peak_rss_mb"] for r in rows], "-o", label="peak RSS serving")
    mem.plot(x, [r["store_mb"] for r in rows], "--s", label="store on disk")
    mem.set(xscale="log", xlabel="chunks in the store", ylabel="MB", title="Memory and disk")
    mem.grid(True, which="both", alpha=0.3)
    mem.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(results: dict[str, Any], out: Path) -> None:
    (out / "bench.md").write_text(markdown(results), encoding="utf-8")
    plot(results, out / "bench.png")
