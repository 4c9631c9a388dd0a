"""The application database: migrated on open from the first version, once when several
processes start together, with clear errors for a bad or unreachable URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from eval.bench.server_process import free_port
from rag.errors import ConfigError, DatabaseError, StoreUnavailableError
from rag.settings import Settings, load_settings
from service import Database, build_services
from service.db import database_url
from tests.conftest import ROOT, RunCli

TABLES = {"alembic_version", "users", "collections", "collection_shares", "conversations", "turns"}


def revision(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_the_default_database_is_sqlite_in_the_store_and_migrated_on_first_use(
    fresh_settings: Settings,
) -> None:
    services = build_services(fresh_settings)
    assert not (fresh_settings.store / "app.db").exists()  # not opened until needed
    services.users.add("alice")
    assert (fresh_settings.store / "app.db").is_file()
    assert set(inspect(services.database.engine).get_table_names()) == TABLES
    assert revision(services.database) == ["0001"]


def test_the_database_url_setting_and_its_driver(tmp_path: Path) -> None:
    settings = load_settings(store=tmp_path, database_url="postgresql://u:pw@db.example/rag")
    assert database_url(settings) == "postgresql+psycopg://u:pw@db.example/rag"
    assert "pw" not in str(settings.public_view())
    assert database_url(load_settings(store=tmp_path)) == f"sqlite:///{tmp_path / 'app.db'}"


def test_opening_a_current_database_again_changes_nothing(database: Database) -> None:
    database.migrate()
    again = Database(database.url)
    again.migrate()
    assert revision(again) == ["0001"]
    again.dispose()


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    """Four processes open one empty database at the same moment; all succeed."""
    code = (
        "import sys; from service.db import Database; "
        "db = Database(sys.argv[1]); db.migrate(); print('ok')"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    db = Database(database_url)
    assert revision(db) == ["0001"]
    db.dispose()


def test_a_bad_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a database URL"):
        Database("not a url")
    with pytest.raises(ConfigError, match="cannot use database"):
        Database("nosuchdialect://x/y")


def test_an_unreachable_database_says_which_without_the_password() -> None:
    url = f"postgresql+psycopg://rag:secret-pw@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(DatabaseError) as caught:
        Database(url).migrate()
    assert "cannot open database postgresql+psycopg://***@127.0.0.1" in str(caught.value)
    assert "secret-pw" not in str(caught.value)


def test_an_unreachable_database_exits_6_not_the_chroma_servers_5(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Each cause its own exit code: a script can tell the database from the Chroma server."""
    assert DatabaseError.exit_code == 6 and StoreUnavailableError.exit_code == 5
    url = f"postgresql+psycopg://rag:secret-pw@127.0.0.1:{free_port()}/nothing"
    result = run_cli("--store", str(tmp_path / "store"), "users", "list",
                     env={"RAG_DATABASE_URL": url}, timeout=120)  # fmt: skip
    assert result.returncode == 6, result.stderr
    assert "cannot open database" in result.stderr and "Traceback" not in result.stderr
    assert "secret-pw" not in result.stderr
