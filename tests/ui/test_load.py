"""Ten gradio_client sessions ask different seed questions at the same moment."""

from __future__ import annotations

import socket

import pytest

from eval.bench.loadtest import run_load, seed_cases
from tests.ui.conftest import UiServer


@pytest.mark.slow
def test_ten_concurrent_clients_all_get_correct_cited_answers(ui_server: UiServer) -> None:
    report = run_load(ui_server.url, seed_cases(), auth=ui_server.auth)
    print(f"\nload: {report.summary()}")  # latencies are reported, never asserted
    assert len(report.outcomes) == 10
    assert report.failures == []


def test_server_binds_loopback_and_requires_login(ui_server: UiServer) -> None:
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    port = urlsplit(ui_server.url).port
    other = _non_loopback_address()
    if other is not None:  # started without --host: nothing listens beyond loopback
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=5).close()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(ui_server.url + "config", timeout=10)
    assert refused.value.code in (401, 403)
    with pytest.raises(ValueError):  # gradio_client cannot even connect without credentials
        run_load(ui_server.url, seed_cases()[:1], auth=None)


def _non_loopback_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 1))
        except OSError:
            return None
        address = str(s.getsockname()[0])
    return None if address.startswith("127.") else address
