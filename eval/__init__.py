"""The evaluation suite: gold sets, metrics, reports and benchmarks. Calls only rag's public API."""
