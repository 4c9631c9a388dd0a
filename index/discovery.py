"""Expand the paths a user gives (files, folders, glob patterns) into the files to ingest.

Folders are walked recursively, following symlinks but never into a folder already visited
(a symlink loop is reported, not followed). Hidden files and folders (``.git``, ``.venv``)
are left out silently; files of unsupported types are listed as skipped with the reason.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.loaders import SUPPORTED_SUFFIXES, is_supported
from rag.errors import InputError

_GLOB_CHARS = set("*?[")


@dataclass
class Discovery:
    """Files to ingest, and the paths left out (``{"path", "reason"}``)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)


def discover(paths: Sequence[Path | str]) -> Discovery:
    """Expand ``paths``. A path or pattern that matches nothing is an :class:`InputError`."""
    found = Discovery()
    seen_files: set[str] = set()
    for given in paths:
        for path, problem in _expand(str(given)):
            if problem is not None:
                found.failed.append({"path": str(path), "reason": problem})
            elif not is_supported(path):
                found.skipped.append({"path": str(path), "reason": _unsupported(path)})
            else:
                key = os.path.realpath(path)
                if key not in seen_files:
                    seen_files.add(key)
                    found.files.append(path)
    return found


def _expand(given: str) -> Iterator[tuple[Path, str | None]]:
    if _GLOB_CHARS & set(given) and not os.path.lexists(given):
        matches = sorted(glob.glob(os.path.expanduser(given), recursive=True))
        if not matches:
            raise InputError(f"no files match {given}")
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(Path(match))
            else:
                yield from _one_file(Path(match))
        return
    path = Path(given).expanduser()
    if not os.path.lexists(path):
        raise InputError(f"no such file or folder: {given}")
    if path.is_dir():
        yield from _walk(path)
    else:
        yield from _one_file(path)


def _one_file(path: Path) -> Iterator[tuple[Path, str | None]]:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield path, _os_reason(exc, path)
        return
    if stat.S_ISREG(mode):
        yield path, None
    elif not stat.S_ISDIR(mode):
        yield path, "not a regular file"


def _walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Depth-first walk; each folder is entered once, a folder inside itself is a loop."""
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, frozenset[tuple[int, int]]]] = [(root, frozenset())]
    while stack:
        folder, ancestors = stack.pop()
        try:
            info = folder.stat()
        except OSError as exc:
            yield folder, _os_reason(exc, folder)
            continue
        key = (info.st_dev, info.st_ino)
        if key in ancestors:
            yield folder, "symlink loop: the folder contains itself"
            continue
        if key in visited:  # reached again through another symlink: already walked
            continue
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield folder, _os_reason(exc, folder)
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError as exc:
                yield path, _os_reason(exc, path)
                continue
            if is_dir:
                subfolders.append((path, ancestors | {key}))
            else:
                yield from _one_file(path)
        stack.extend(reversed(subfolders))


def _os_reason(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"broken symlink to {os.readlink(path)}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def _unsupported(path: Path) -> str:
    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return f"unsupported file type {path.suffix or '(no extension)'} (supported: {kinds})"
