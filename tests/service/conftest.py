"""The application database on SQLite and on a real PostgreSQL (``database_url`` is
parametrized in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service import Database


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()
