"""A real PostgreSQL server for tests: Debian's binaries, a temp data directory, a free port.

initdb refuses to run as root, so as root the server runs as the ``postgres`` user (Debian's
package creates it) or ``nobody``, via ``runuser``. ``fsync=off``: the data is thrown away.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from eval.bench.server_process import free_port


def find_bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: Debian's newest version, else the PATH."""
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="rag-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.run_as: str | None = None
        if os.geteuid() == 0:
            self.run_as = _unprivileged_user()
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=self.root, check=False
        )

    def start(self) -> PostgresServer:
        init = self._run("initdb", "-D", str(self.data), "-U", "rag", "--auth=trust",
                         "-E", "UTF8", "--no-sync", "--locale=C")  # fmt: skip
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr or init.stdout}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        started = self._run("pg_ctl", "-D", str(self.data), "-o", options,
                            "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
        if started.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")
            raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log}")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://rag@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"postgresql://rag@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")
