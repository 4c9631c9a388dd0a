"""Ten gradio_client sessions ask different seed questions at the same moment."""

from __future__ import annotations

import pytest

from tests.ui.conftest import AUTH, UiServer
from ui.loadtest import SEED_CASES, run_load


@pytest.mark.slow
def test_ten_concurrent_clients_all_get_correct_cited_answers(ui_server: UiServer) -> None:
    report = run_load(ui_server.url, SEED_CASES, auth=AUTH)
    print(f"\nload: {report.summary()}")  # latencies are reported, never asserted
    assert len(report.outcomes) == 10
    assert report.failures == []
