"""Answer slots: at most N answers in flight per key, a queue position for the others.

The UI answers questions on a pool of threads. An LLM that hangs used to hold every thread
until its timeout, so every user waited, even for another collection. Slots are per key
(the UI uses one key per collection for LLM answers and one for extractive answers), so a
hung model holds only its own collection's slots; a question waiting for one learns its
position, and waits no longer than the request timeout.
"""

from __future__ import annotations

import threading
from collections import deque


class Ticket:
    """One question's place in a key's queue; :meth:`wait` returns True once it holds a slot."""

    def __init__(self, slots: AnswerSlots, key: str) -> None:
        self._slots = slots
        self.key = key
        self.holding = False
        self._left = False

    def position(self) -> int:
        """0 while holding a slot, else how many questions are ahead (1 = next)."""
        return self._slots._position(self)

    def wait(self, timeout: float) -> bool:
        return self._slots._wait(self, timeout)

    def leave(self) -> None:
        self._slots._leave(self)


class AnswerSlots:
    def __init__(self, per_key: int) -> None:
        self.per_key = per_key
        self._cond = threading.Condition()
        self._busy: dict[str, int] = {}
        self._queues: dict[str, deque[Ticket]] = {}

    def join(self, key: str) -> Ticket:
        ticket = Ticket(self, key)
        with self._cond:
            self._queues.setdefault(key, deque()).append(ticket)
            self._promote(key)
        return ticket

    def _promote(self, key: str) -> None:
        queue = self._queues.get(key)
        while queue and self._busy.get(key, 0) < self.per_key:
            ticket = queue.popleft()
            ticket.holding = True
            self._busy[key] = self._busy.get(key, 0) + 1
        self._cond.notify_all()

    def _position(self, ticket: Ticket) -> int:
        with self._cond:
            if ticket.holding:
                return 0
            queue = self._queues.get(ticket.key, deque())
            return queue.index(ticket) + 1 if ticket in queue else 0

    def _wait(self, ticket: Ticket, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: ticket.holding, timeout=timeout)

    def _leave(self, ticket: Ticket) -> None:
        with self._cond:
            if ticket._left:
                return
            ticket._left = True
            if ticket.holding:
                self._busy[ticket.key] -= 1
            else:
                queue = self._queues.get(ticket.key)
                if queue and ticket in queue:
                    queue.remove(ticket)
            self._promote(ticket.key)
