"""One SQL database for users, collection access, conversations and feedback.

SQLite at ``STORE/app.db`` by default; ``RAG_DATABASE_URL`` (e.g. PostgreSQL) lets several
server processes share it. Opening a database brings its schema to the newest Alembic
revision first, under a lock (a PostgreSQL advisory lock, a file lock beside a SQLite file),
so processes starting together migrate once.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rag.errors import ConfigError, DatabaseError
from rag.settings import Settings, scrub_url

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
ADVISORY_LOCK = 7_150_015  # any constant shared by every process of this application


def database_url(settings: Settings) -> str:
    """The configured URL, or SQLite at ``STORE/app.db``."""
    if settings.database_url:
        url = settings.database_url
        # "postgresql://" alone would pick psycopg2, which we do not ship
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{(settings.store / 'app.db').resolve()}"


class Database:
    """An engine and a session factory on one migrated database."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(f"RAG_DATABASE_URL is not a database URL: {scrub_url(url)}") from None
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except (ArgumentError, ImportError, SQLAlchemyError) as exc:
            raise ConfigError(f"cannot use database {scrub_url(url)}: {exc}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = False
        self._migrating = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> Database:
        """The settings' database; migrated to the newest schema on first use (commands
        that never touch it do not connect)."""
        return cls(database_url(settings))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error; database failures
        become a :class:`DatabaseError` naming the database."""
        if not self._migrated:
            self.migrate()
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise DatabaseError(
                f"database {scrub_url(self.url)} failed: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision (nothing to do when it is current)."""
        try:
            with self._migrating:
                if self._migrated:
                    return
                with self._migration_lock(), self.engine.begin() as connection:
                    _upgrade(connection)
                self._migrated = True
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"cannot open database {scrub_url(self.url)}: {str(exc).splitlines()[0]}"
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.is_sqlite:
            database = make_url(self.url).database
            if not database or database == ":memory:":
                yield
                return
            with open(f"{database}.lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        elif self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK})
                    connection.commit()
        else:
            yield


_alembic_lock = threading.Lock()  # alembic's context module is global state


def _upgrade(connection: Connection) -> None:
    # alembic: deferred, only needed when opening a database
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if set(MigrationContext.configure(connection).get_current_heads()) == heads:
        return
    config.attributes["connection"] = connection
    with _alembic_lock:
        log.info("migrating the database to %s", ", ".join(sorted(heads)))
        command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
