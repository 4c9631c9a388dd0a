"""Background embedding (an ingest) waits while an answer is in flight (issue 16)."""

from __future__ import annotations

import threading

from rag.priority import background_work, foreground_work, yield_to_foreground


def test_background_batches_wait_for_answers_in_flight() -> None:
    passed = threading.Event()

    def ingest_batch() -> None:
        with background_work():
            yield_to_foreground()
        passed.set()

    with foreground_work():
        worker = threading.Thread(target=ingest_batch)
        worker.start()
        assert not passed.wait(timeout=0.5)  # held back while the answer runs
    worker.join(timeout=30)
    assert passed.is_set()  # and released as soon as it is done


def test_foreground_work_never_waits() -> None:
    with foreground_work():
        yield_to_foreground()  # not background: returns at once, even with an answer in flight
