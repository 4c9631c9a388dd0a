"""``rag ui --auth`` (the same process as ``rag serve``): the API behind the login asks for the
same credentials, as HTTP Basic or as the bearer token an OpenAI client sends."""

from __future__ import annotations

import base64

import openai
import pytest

from tests.api.http import call
from tests.ui.conftest import AUTH, UiServer

QUESTION = {"question": "What did Meloni say about Italian troops in Ukraine?"}


def test_api_needs_the_ui_credentials(ui_server: UiServer) -> None:
    url = ui_server.url.rstrip("/")
    assert call("GET", url + "/api/v1/health").status == 200  # for probes: no credentials
    for headers in ({}, {"Authorization": "Bearer tester:wrong"},
                    {"Authorization": "Basic bm90LWJhc2U2NA=="}, {"Authorization": "Token x"}):  # fmt: skip
        refused = call("POST", url + "/api/v1/ask", QUESTION, headers=headers)
        assert refused.status == 401, refused.text
        assert refused.error()["type"] == "authentication_error"
        assert refused.headers["www-authenticate"].startswith("Basic")
    basic = base64.b64encode(":".join(AUTH).encode()).decode()
    ok = call("POST", url + "/api/v1/ask", QUESTION, headers={"Authorization": f"Basic {basic}"})
    assert ok.status == 200 and "never been on the agenda" in ok.json()["answer"]


def test_openai_client_passes_the_credentials_as_its_api_key(ui_server: UiServer) -> None:
    base = ui_server.url.rstrip("/") + "/v1"
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base, api_key="sk-wrong", max_retries=0).models.list()
    client = openai.OpenAI(base_url=base, api_key=":".join(AUTH), max_retries=0)
    assert "default" in [m.id for m in client.models.list().data]
