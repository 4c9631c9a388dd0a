"""The commands of the other front ends (``rag serve``/``ui`` from the API, ``rag eval``/
``bench`` from eval), found through the ``rag.commands`` entry points of the installed package
(``pyproject.toml``), so the shell imports none of those packages.

Each entry point names a function ``add_commands(subparsers, parents) -> {command: handler}``
that adds its subcommands (``parents`` carry the shell's global options) and returns the
functions that run them; the shell shows a raised ``RagError`` and turns it into an exit code,
as for its own commands. A front end's module is loaded on every ``rag`` run (``--help`` lists
its commands), so it must import nothing heavy at its top.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from rag.settings import Settings

log = logging.getLogger(__name__)

GROUP = "rag.commands"
REINSTALL = "reinstall the package to refresh its entry points (make install, or pip install -e .)"

Handler = Callable[[argparse.Namespace, Settings], int]
AddCommands = Callable[..., dict[str, Handler]]  # (subparsers, parents) -> handlers


@dataclass
class FrontEnds:
    """The registered front ends' ``add_commands`` functions, and the entry points that
    failed to load (reported when an unknown command is asked for, not on every run)."""

    points: list[EntryPoint]
    failed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def installed(cls) -> FrontEnds:
        return cls(sorted(entry_points(group=GROUP), key=lambda p: p.name))

    @classmethod
    def of(cls, points: Iterable[EntryPoint]) -> FrontEnds:
        return cls(list(points))

    def add_commands(
        self,
        sub: argparse._SubParsersAction[argparse.ArgumentParser],
        parents: list[argparse.ArgumentParser],
    ) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {}
        for point in self.points:
            try:
                add: AddCommands = point.load()
            except (ImportError, AttributeError) as exc:
                self.failed[point.name] = f"{point.value}: {type(exc).__name__}: {exc}"
                log.debug("front end %s not loaded: %s", point.name, exc)
                continue
            handlers.update(add(sub, parents))
        return handlers

    def missing_hint(self) -> str:
        """What to say when a command is unknown: which front ends failed to load, or that
        none is registered."""
        if self.failed:
            broken = "; ".join(f"{name} ({why})" for name, why in sorted(self.failed.items()))
            return f"the {GROUP!r} entry points that failed to load: {broken}; {REINSTALL}"
        if not self.points:
            return (
                f"no other front end registered commands ({GROUP!r} entry points: serve, ui, "
                f"eval, bench come from there); {REINSTALL}"
            )
        names = ", ".join(p.name for p in self.points)
        return f"commands of the other front ends come from the {GROUP!r} entry points ({names})"
