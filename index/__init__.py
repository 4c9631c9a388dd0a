"""Turns files into chunks with offsets and writes them into the store through :mod:`rag`."""

from index.ingest import ingest_paths
from index.report import IngestReport

__all__ = ["IngestReport", "ingest_paths"]
