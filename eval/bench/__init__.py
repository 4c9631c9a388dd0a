"""Performance benchmarks: ingest throughput, query latency, memory and cold start by corpus size.

Run with ``rag bench`` (see :func:`eval.bench.run.run_bench`). Benchmarks are not tests: nothing
here asserts on time; the numbers go to JSON, a Markdown table and a plot. Beside them,
:mod:`eval.bench.loadtest` sends concurrent questions to a running ``rag ui`` and prints the
latencies (the UI tests use it to check every answer under load).
"""
