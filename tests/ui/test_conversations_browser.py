"""Logins and the conversations sidebar in headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import BrowserPage, UiServer
from tests.ui.test_browser import ask, last_answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_wrong_password_is_refused(browser: Any, ui_server: UiServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(ui_server.url)
    page.locator("input[type=text]").first.fill(ui_server.auth[0])
    page.locator("input[type=password]").fill(ui_server.auth[1] + "x")
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_text("Incorrect Credentials")).to_be_visible()
    assert page.locator("#rag-question").count() == 0
    context.close()


def test_the_sidebar_reopens_a_conversation_after_a_reload(
    page: BrowserPage, screenshots: Path
) -> None:
    p = page.page
    question = "What did Meloni say about European troops?"
    ask(page, question)
    assert "Meloni" in last_answer(page)
    entries = p.locator("#rag-conversations label")
    expect(entries.filter(has_text=question[:40])).to_have_count(1)
    listed = entries.count()  # the server is shared by the browser tests: others are there too

    p.locator("#rag-feedback-note textarea").fill("quotes her exactly")
    p.locator("#rag-transcript button.rag-thumb[data-rating='1']").last.click()
    expect(p.locator("#rag-transcript button.rag-thumb.rag-rated")).to_have_count(1)
    expect(p.locator("#rag-feedback-note textarea")).to_have_value("")

    p.reload()
    p.locator("#rag-question textarea").wait_for()
    expect(p.locator("#rag-transcript .rag-turn")).to_have_count(0)
    p.locator("#rag-conversations label").filter(has_text=question[:40]).click()
    expect(p.locator("#rag-transcript .rag-turn")).to_have_count(1)
    assert "Meloni" in last_answer(page)
    expect(p.locator("#rag-transcript button.rag-thumb.rag-rated")).to_have_count(1)
    p.locator("#rag-transcript button.rag-cite").first.click()
    expect(p.locator("#rag-evidence .rag-citation.rag-selected > .rag-passage mark")).to_have_count(
        1
    )
    p.screenshot(path=str(screenshots / "conversations.png"))

    p.locator("#rag-new-conversation").click()
    expect(p.locator("#rag-transcript .rag-turn")).to_have_count(0)
    ask(page, "Who is the NATO Secretary General?")
    expect(p.locator("#rag-conversations label")).to_have_count(listed + 1)
    assert page.dialogs == [] and page.errors == []
