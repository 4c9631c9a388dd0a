"""The bench results as a Markdown table and a plot of latency and memory against corpus size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Targets of issue 7, by corpus size in chunks.
RETRIEVAL_P95_MS = {10_000: 50.0, 100_000: 150.0}
ANSWER_P95_MS = {10_000: 300.0}
PEAK_RSS_MB = {100_000: 1536.0}
COLD_ASK_S = 5.0


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
        "| chunks | text | store on disk | BM25 build | peak RSS | engine load | first query "
        "| retrieval p50 / p95 | full answer p50 / p95 | `rag ask` cold |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["sizes"]:
        s = row["serve"]
        kind = "real" if not row["generated"] else f"{row['generated']:,} generated"
        built = row.get("bm25_build_s")
        bm25 = "in ingest" if built is None else f"{built:.1f} s"
        lines.append(
            f"| {s['chunks']:,} | {kind} | {row['store_mb']:.0f} MB | {bm25} "
            f"| {s['peak_rss_mb']:.0f} MB "
            f"| {s['engine_load_s']:.1f} s | {s['first_query_ms']:.0f} ms "
            f"| {s['retrieval_ms']['p50']:.0f} / {s['retrieval_ms']['p95']:.0f} ms "
            f"| {s['answer_ms']['p50']:.0f} / {s['answer_ms']['p95']:.0f} ms "
            f"| {row['cold_ask_s']['median']:.1f} s |"
        )
    if "cold_ui_s" in results:
        ui = results["cold_ui_s"]
        lines += ["", f"`rag ui` until its port answers: {ui['median']:.1f} s "
                  f"(median of {ui['runs']}; the engine loads on the first question)."]  # fmt: skip
    lines += ["", "Targets:", ""] + [f"- {t}" for t in target_lines(results)]
    return "\n".join(lines) + "\n"


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
    return out


def _check(name: str, value: float, limit: float, *, ge: bool = False, unit: str = "") -> str:
    ok = value >= limit if ge else value <= limit
    sign = ">=" if ge else "<="
    return f"{'met' if ok else 'MISSED'}: {name}: {value:g}{unit} (target {sign} {limit:g}{unit})"


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
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
