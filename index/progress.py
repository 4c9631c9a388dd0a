"""Progress bars on stderr (tqdm) for long ingests; silent when disabled."""

from __future__ import annotations

from typing import Any


class Progress:
    """Two phases: scanning files, then embedding chunks (with rate and ETA)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None

    def start(self, desc: str, total: int, unit: str) -> None:
        self.close()
        if self.enabled and total:
            # deferred for start-up time: tqdm only where needed
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, dynamic_ncols=True, leave=True)

    def advance(self, n: int = 1, **postfix: Any) -> None:
        if self._bar is not None:
            if postfix:
                self._bar.set_postfix(postfix, refresh=False)
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
