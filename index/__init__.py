"""Turns files into chunks with offsets and writes them into the store through :mod:`rag`."""

from index.ingest import ingest_paths
from index.report import IngestReport
from index.sync import forget

__all__ = ["IngestReport", "forget", "ingest_paths"]
