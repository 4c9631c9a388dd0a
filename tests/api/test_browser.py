"""The chat UI at ``/`` of the same ``rag serve`` process that serves the API: a document
uploaded through the API is listed in the UI and answered there, with its citation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.api.http import call, upload
from tests.support.rag_server import RagServer
from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS, BrowserPage
from tests.ui.test_browser import ask, last_answer, open_tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def ui_page(api_server: RagServer) -> Iterator[BrowserPage]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install it with `make browser-deps`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page: Any = browser.new_page(viewport={"width": 1400, "height": 950})
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(api_server.url + "/")
        page.locator("#rag-question textarea").wait_for()
        yield BrowserPage(page, [], errors)
        browser.close()


def test_ui_at_root_shares_the_process_with_the_api(
    api_server: RagServer, ui_page: BrowserPage
) -> None:
    fact = b"The harbour master of Port Quillon is Ansel Verrow.\n"
    added = upload(api_server.url + "/api/v1/collections/default/documents",
                   [("quillon.md", fact)])  # fmt: skip
    assert added.json()["files"][0]["status"] == "added", added.text
    ui_page.page.reload()  # the documents list is read when the page loads
    ui_page.page.locator("#rag-question textarea").wait_for()

    ask(ui_page, "Who is the harbour master of Port Quillon?")
    assert "Ansel Verrow" in last_answer(ui_page)
    ui_page.page.locator("#rag-transcript button.rag-cite").first.click()
    expect(ui_page.page.locator("#rag-evidence mark").first).to_contain_text("Ansel Verrow")

    open_tab(ui_page, "Documents")
    expect(ui_page.page.locator("#rag-sources")).to_contain_text("quillon.md")
    assert ui_page.errors == []

    doc_id = added.json()["files"][0]["doc_id"]
    call("DELETE", api_server.url + f"/api/v1/collections/default/documents/{doc_id}")
