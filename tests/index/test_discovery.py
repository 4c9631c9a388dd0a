"""Folders, glob patterns, unsupported types and symlink loops, on a real file tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.discovery import discover
from rag.errors import InputError


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    for rel in ("a.txt", "guide/b.md", "guide/deep/c.md", "guide/d.html", "x.csv", "noext"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("Some text.", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config.txt").write_text("hidden", encoding="utf-8")
    (root / ".hidden.md").write_text("hidden", encoding="utf-8")
    return root


def names(paths: list[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in paths]


def test_folders_are_walked_recursively_skipping_hidden_and_listing_unsupported(
    tree: Path,
) -> None:
    found = discover([tree])
    assert names(found.files, tree) == ["a.txt", "guide/b.md", "guide/d.html", "guide/deep/c.md"]
    skipped = {Path(s["path"]).name: s["reason"] for s in found.skipped}
    assert set(skipped) == {"x.csv", "noext"}
    assert skipped["x.csv"].startswith("unsupported file type .csv")
    assert skipped["noext"].startswith("unsupported file type (no extension)")
    assert not found.failed


def test_glob_patterns_select_files(tree: Path) -> None:
    found = discover([f"{tree}/**/*.md"])
    assert names(found.files, tree) == ["guide/b.md", "guide/deep/c.md"]
    assert names(discover([f"{tree}/guide/*"]).files, tree) == [
        "guide/b.md",
        "guide/d.html",
        "guide/deep/c.md",  # a matching folder is walked
    ]


def test_a_file_given_twice_or_through_a_symlink_is_ingested_once(tree: Path) -> None:
    os.symlink(tree / "a.txt", tree / "alias.txt")
    found = discover([tree / "a.txt", tree])
    assert names(found.files, tree) == ["a.txt", "guide/b.md", "guide/d.html", "guide/deep/c.md"]


def test_missing_paths_and_empty_patterns_are_input_errors(tree: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        discover([tree / "nope"])
    with pytest.raises(InputError, match="no files match"):
        discover([f"{tree}/**/*.pdf"])


def test_symlink_loops_are_reported_and_the_walk_goes_on(tree: Path) -> None:
    os.symlink(tree, tree / "guide" / "back-to-root")  # folder inside itself
    os.symlink(tree / "loop2.txt", tree / "loop1.txt")  # file links pointing at each other
    os.symlink(tree / "loop1.txt", tree / "loop2.txt")
    os.symlink(tree / "gone.md", tree / "dangling.md")
    found = discover([tree])
    assert names(found.files, tree) == ["a.txt", "guide/b.md", "guide/d.html", "guide/deep/c.md"]
    failed = {str(Path(f["path"]).relative_to(tree)): f["reason"] for f in found.failed}
    assert failed == {
        "loop1.txt": "symlink loop",
        "loop2.txt": "symlink loop",
        "dangling.md": f"broken symlink to {tree / 'gone.md'}",
        "guide/back-to-root": "symlink loop: the folder contains itself",
    }
    direct = discover([tree / "loop1.txt"])
    assert direct.failed == [{"path": str(tree / "loop1.txt"), "reason": "symlink loop"}]
