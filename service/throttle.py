"""Back off repeated failed logins, per user name and per client address.

After ``free_failures`` failures in a row for a user (or from an address), each further
attempt is refused without checking the password until a delay has passed; the delay doubles
with every failure, up to ``max_delay``. A success clears the user's and the address's count.
Every failure and every refusal is logged, with the user and address escaped. The UI's
``--auth`` login uses it now; the API keys of the users feature can use the same object.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Record:
    failures: int = 0
    blocked_until: float = 0.0


class LoginThrottle:
    """Remembers failures per user and per address; ``allowed`` before, ``record`` after."""

    def __init__(
        self,
        *,
        free_failures: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures = free_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, user: str, address: str) -> float:
        """Seconds until this user from this address may try again (0: now)."""
        now = self._clock()
        with self._lock:
            until = max(self._get(("user", user)).blocked_until,
                        self._get(("address", address)).blocked_until)  # fmt: skip
        return max(0.0, until - now)

    def attempt(self, user: str, address: str, check: Callable[[], bool]) -> bool:
        """Run ``check`` (the password comparison) unless backing off; record the outcome."""
        wait = self.wait_seconds(user, address)
        if wait > 0:
            log.warning("login refused without checking: user %r from %s must wait %.0f s "
                        "after repeated failures", user, address, wait)  # fmt: skip
            return False
        ok = check()
        self.record(user, address, ok=ok)
        return ok

    def record(self, user: str, address: str, *, ok: bool) -> None:
        keys = (("user", user), ("address", address))
        with self._lock:
            if ok:
                for key in keys:
                    self._records.pop(key, None)
                return
            now = self._clock()
            for key in keys:
                rec = self._records.setdefault(key, _Record())
                rec.failures += 1
                over = rec.failures - self.free_failures
                if over >= 0:
                    delay = min(self.max_delay, self.base_delay * 2**over)
                    rec.blocked_until = max(rec.blocked_until, now + delay)
            failures = self._records[keys[0]].failures
        log.warning("failed login for user %r from %s (%d in a row)", user, address, failures)

    def _get(self, key: tuple[str, str]) -> _Record:
        return self._records.get(key) or _Record()
