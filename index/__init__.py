"""Turns files into chunks with offsets and writes them into the store through :mod:`rag`."""

from index.ingest import IngestReport, ingest_paths

__all__ = ["IngestReport", "ingest_paths"]
