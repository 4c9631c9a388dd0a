"""``rag ui`` with users (the same process as ``rag serve``): the UI asks for a login and the
API behind it for a user's API key, as the bearer token an OpenAI client sends."""

from __future__ import annotations

import openai
import pytest

from tests.api.http import call
from tests.ui.conftest import UiServer

QUESTION = {"question": "What did Meloni say about Italian troops in Ukraine?"}


def test_api_needs_a_users_key(ui_server: UiServer) -> None:
    url = ui_server.url.rstrip("/")
    for headers in ({}, {"Authorization": "Bearer tester:wrong"},
                    {"Authorization": f"Basic {ui_server.api_key}"},
                    {"Authorization": "Token x"}):  # fmt: skip
        refused = call("POST", url + "/api/v1/ask", QUESTION, headers=headers)
        assert refused.status == 401, refused.text
        assert refused.error()["type"] == "authentication_error"
        assert refused.headers["www-authenticate"] == "Bearer"
    key = {"Authorization": f"Bearer {ui_server.api_key}"}
    ok = call("POST", url + "/api/v1/ask", QUESTION, headers=key)
    assert ok.status == 200 and "never been on the agenda" in ok.json()["answer"]


def test_openai_client_passes_the_key_as_its_api_key(ui_server: UiServer) -> None:
    base = ui_server.url.rstrip("/") + "/v1"
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base, api_key="sk-wrong", max_retries=0).models.list()
    client = openai.OpenAI(base_url=base, api_key=ui_server.api_key, max_retries=0)
    assert "default" in [m.id for m in client.models.list().data]
