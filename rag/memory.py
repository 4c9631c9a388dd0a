"""Memory of a process, read from Linux's /proc (0 where there is none)."""

from __future__ import annotations

from pathlib import Path


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float:
    """Resident set size in MB of process ``pid``: now (``VmRSS``) or its peak (``VmHWM``)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
