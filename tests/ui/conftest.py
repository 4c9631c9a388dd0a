"""A real app server (``rag ui`` in a subprocess) on a temp store, and a real Chromium."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eval.bench.server_process import ServerProcess, clean_env, free_port, rag_command
from tests.conftest import SEEDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
USER = "tester"
SERVER_START_SECONDS = 180


@dataclass
class UiServer:
    url: str
    store: Path
    uploads: Path
    log: Path
    auth: tuple[str, str]  # the user's name and the password `rag users add` printed
    api_key: str  # and the API key it printed


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    """``rag ui`` on its default interface and a free port, over a fresh store holding the
    seeds, with one admin (so the UI asks for a login, and the user may upload to the
    collection made before users existed)."""
    base = tmp_path_factory.mktemp("ui-server")
    store, uploads, log = base / "store", base / "uploads", base / "server.log"
    env = clean_env()
    subprocess.run(rag_command(store, "ingest", str(SEEDS)),
                   cwd=base, env=env, check=True, capture_output=True, timeout=300)  # fmt: skip
    added = subprocess.run(rag_command(store, "users", "add", USER, "--admin", "--json"),
                           cwd=base, env=env, check=True, capture_output=True, text=True,
                           timeout=300)  # fmt: skip
    credentials = json.loads(added.stdout)
    auth = (USER, credentials["password"])
    port = free_port()
    # No --host: the default binding (127.0.0.1) is part of what is tested.
    command = rag_command(store, "ui", "--port", str(port), "--upload-dir", str(uploads))
    url = f"http://127.0.0.1:{port}/"
    with ServerProcess(command, url, name="`rag ui`", cwd=base, env=env, log=log,
                       timeout_s=SERVER_START_SECONDS, poll_s=0.5):  # fmt: skip
        yield UiServer(url, store, uploads, log, auth, credentials["api_key"])


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium. Missing is a failure in CI (REQUIRE_BROWSER or CI set), else a skip."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = (
        f"{CHROMIUM} is missing: install Debian's browser with `make browser-deps` "
        "(as root: apt-get install -y chromium chromium-driver)"
    )
    if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """Headless Chromium; Playwright gives it a fresh, empty profile directory."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class BrowserPage:
    page: Any
    dialogs: list[str]
    errors: list[str]


@pytest.fixture
def page(browser: Any, ui_server: UiServer) -> Iterator[BrowserPage]:
    """A logged-in page that records every dialog (alert, confirm, prompt) it is shown."""
    yield from open_page(browser, ui_server, "light")


def open_page(browser: Any, ui_server: UiServer, color_scheme: str) -> Iterator[BrowserPage]:
    """A logged-in page in the given ``prefers-color-scheme`` (light or dark)."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 950}, accept_downloads=True, color_scheme=color_scheme
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script("window.__xss = 0;")
    page.goto(ui_server.url)
    page.locator("input[type=text]").first.fill(ui_server.auth[0])
    page.locator("input[type=password]").fill(ui_server.auth[1])
    page.get_by_role("button", name="Login").click()
    page.locator("#rag-question textarea").wait_for()
    yield BrowserPage(page, dialogs, errors)
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save screenshots (UI_SCREENSHOTS overrides, e.g. to refresh docs/)."""
    folder = os.environ.get("UI_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
