"""Login backoff per user and per address (issue 16, login brute force)."""

from __future__ import annotations

from service.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_after_a_few_failures_per_user_and_per_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(free_failures=3, base_delay=1.0, max_delay=60.0, clock=clock)
    checked: list[str] = []

    def wrong() -> bool:
        checked.append("x")
        return False

    for _ in range(2):
        assert throttle.attempt("ann", "10.0.0.1", wrong) is False
    assert throttle.wait_seconds("ann", "10.0.0.1") == 0  # two failures are free
    assert throttle.attempt("ann", "10.0.0.1", wrong) is False
    assert throttle.wait_seconds("ann", "10.0.0.1") == 1.0
    # Blocked: the password is not even checked, for this user from anywhere ...
    assert throttle.attempt("ann", "10.0.0.9", lambda: True) is False
    # ... and for anyone from this address.
    assert throttle.attempt("bob", "10.0.0.1", lambda: True) is False
    assert len(checked) == 3
    clock.now += 1.0
    assert throttle.attempt("ann", "10.0.0.1", wrong) is False  # 4th failure: 2 s
    assert throttle.wait_seconds("ann", "10.0.0.1") == 2.0
    for _ in range(20):
        clock.now += 120
        throttle.attempt("ann", "10.0.0.1", wrong)
    assert throttle.wait_seconds("ann", "10.0.0.1") == 60.0  # capped
    clock.now += 60
    assert throttle.attempt("ann", "10.0.0.1", lambda: True) is True  # success clears it
    assert throttle.wait_seconds("ann", "10.0.0.1") == 0
    assert throttle.wait_seconds("bob", "10.0.0.1") == 0
