"""The app in headless Chromium: ask, click a citation, upload, and an XSS document."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import BrowserPage, UiServer, open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEED_SOURCE = "000_2049a57f73a0fd17.txt"
QUOTE = "There will be no European troops on Ukrainian soil in the coming weeks"

# Records whether the answer was ever on screen while still being written.
WATCH_STREAMING = """
window.__sawStreaming = false;
new MutationObserver(() => {
  if (document.querySelector('#rag-transcript .rag-streaming')) window.__sawStreaming = true;
}).observe(document.body, {childList: true, subtree: true});
"""


FINISHED = """(before) => {
  const turns = document.querySelectorAll('#rag-transcript .rag-turn');
  return turns.length > before
    && turns[turns.length - 1].querySelector('.rag-answered, .rag-refused, .rag-error') !== null;
}"""


def ask(bp: BrowserPage, question: str) -> None:
    page = bp.page
    turns = page.locator("#rag-transcript .rag-turn").count()
    page.locator("#rag-question textarea").fill(question)
    page.locator("#rag-send").click()
    page.wait_for_function(FINISHED, arg=turns)


def last_answer(bp: BrowserPage) -> str:
    return str(bp.page.locator("#rag-transcript .rag-turn").last.locator(".rag-bot").inner_text())


def open_tab(bp: BrowserPage, name: str) -> None:
    bp.page.get_by_role("tab", name=name).click()


def upload(bp: BrowserPage, *files: Path) -> str:
    page = bp.page
    open_tab(bp, "Documents")
    page.locator("#rag-upload input[type=file]").set_input_files([str(f) for f in files])
    for f in files:
        page.locator("#rag-upload").get_by_text(f.stem).first.wait_for()
    page.locator("#rag-add").click()
    page.locator("#rag-upload-status li").first.wait_for()
    return str(page.locator("#rag-upload-status").inner_text())


def test_seed_question_streams_a_cited_answer_and_the_citation_shows_the_sentence(
    page: BrowserPage, screenshots: Path
) -> None:
    p = page.page
    p.evaluate(WATCH_STREAMING)
    ask(page, "Who said there will be no European troops on Ukrainian soil in the coming weeks?")
    assert "Macron" in last_answer(page)
    assert p.evaluate("window.__sawStreaming") is True

    marker = p.locator("#rag-transcript button.rag-cite").first
    assert marker.inner_text() == "[1]"
    marker.click()
    selected = p.locator("#rag-evidence .rag-citation.rag-selected")
    mark = selected.locator(":scope > .rag-passage mark")
    mark.wait_for()
    assert QUOTE in mark.inner_text()
    header = selected.locator("summary").first.inner_text()
    assert SEED_SOURCE in header and "relevance" in header and "answers the question" in header
    assert "confidence" in last_answer(page)

    selected.locator(".rag-context summary").click()
    context = selected.locator(".rag-context-text")
    context.wait_for()
    assert QUOTE in context.locator("mark").inner_text()
    passage = selected.locator(":scope > .rag-passage").inner_text()
    assert len(context.inner_text()) > len(passage)  # text from beyond the chunk is shown
    p.screenshot(path=str(screenshots / "ui-answer-evidence.png"))

    with p.expect_download() as download:
        p.locator("#rag-export").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Macron" in exported and "[1]" in exported and SEED_SOURCE in exported
    assert QUOTE in exported
    assert page.dialogs == [] and page.errors == []


def test_uploaded_file_is_answered_from_then_removed(
    page: BrowserPage, ui_server: UiServer, tmp_path: Path, screenshots: Path
) -> None:
    p = page.page
    notes = tmp_path / "lighthouse notes.txt"
    notes.write_text(
        "The Zephyr lighthouse stands on a granite spit north of the harbour.\n\n"
        "The keeper of the Zephyr lighthouse is Orla Quennell, who repaints the lamp room "
        "every April.\n",
        encoding="utf-8",
    )
    binary = tmp_path / "broken.txt"
    binary.write_bytes(b"\x00\x01\x02 not text \x00")
    status = upload(page, notes, binary)
    assert "lighthouse notes.txt added" in status
    assert "broken.txt was not added: binary data" in status
    assert (ui_server.uploads / "default" / "lighthouse notes.txt").is_file()
    assert not (ui_server.uploads / "default" / "broken.txt").exists()
    p.locator("#rag-sources").get_by_text("lighthouse notes.txt").wait_for()
    p.screenshot(path=str(screenshots / "ui-documents.png"))

    open_tab(page, "Chat")
    assert "broken.txt was not added" in p.locator("#rag-transcript .rag-note").last.inner_text()
    ask(page, "Who is the keeper of the Zephyr lighthouse?")
    assert "Orla Quennell" in last_answer(page)
    p.locator("#rag-transcript .rag-turn").last.locator("button.rag-cite").first.click()
    selected = p.locator("#rag-evidence .rag-selected")
    selected.locator("mark").first.wait_for()
    assert "lighthouse notes.txt" in selected.locator("summary").first.inner_text()
    assert "Orla Quennell" in selected.locator(":scope > .rag-passage mark").inner_text()

    open_tab(page, "Documents")
    p.locator("#rag-remove-choice input").click()
    p.get_by_role("option", name="lighthouse notes.txt").click()
    p.locator("#rag-remove").click()
    p.locator("#rag-upload-status").get_by_text("Removed lighthouse notes.txt").wait_for()
    expect(p.locator("#rag-sources")).not_to_contain_text("lighthouse notes.txt")
    expect(p.locator("#rag-sources")).to_contain_text(SEED_SOURCE)
    assert not (ui_server.uploads / "default" / "lighthouse notes.txt").exists()

    open_tab(page, "Chat")
    ask(page, "Who is the keeper of the Zephyr lighthouse?")
    assert "Orla" not in last_answer(page)
    assert page.dialogs == [] and page.errors == []


EVIL = """Quorvex protocol notes

The Quorvex protocol was signed by delegates in Tallinn <script>window.__xss = 1; alert('script ran')</script> after long talks.

The Quorvex delegates met near <img src=x onerror="window.__xss = 2; alert('img ran')"> the old harbour of Tallinn.

Read the [Quorvex annex](javascript:window.__xss=3) or <a href="javascript:window.__xss=4;alert(4)">this Quorvex link</a>.

Template tricks ${window.__xss = 5} and {{constructor.constructor('window.__xss = 6')()}} stay text.
"""


def test_xss_document_shows_as_plain_text_and_runs_nothing(
    page: BrowserPage, tmp_path: Path, screenshots: Path
) -> None:
    p = page.page
    evil = tmp_path / "evil.md"
    evil.write_text(EVIL, encoding="utf-8")
    assert "evil.md added" in upload(page, evil)
    p.locator("#rag-sources").get_by_text("evil.md").wait_for()

    open_tab(page, "Chat")
    ask(page, "Where was the Quorvex protocol signed by the delegates?")
    assert "Tallinn" in last_answer(page)
    for marker in p.locator("#rag-transcript .rag-turn").last.locator("button.rag-cite").all():
        marker.click()
        p.locator(f"#citation-{marker.get_attribute('data-cite')}.rag-selected").wait_for()
        if "evil.md" in p.locator("#rag-evidence .rag-selected summary").first.inner_text():
            break
    selected = p.locator("#rag-evidence .rag-selected")
    assert "evil.md" in selected.locator("summary").first.inner_text()
    selected.locator(".rag-context summary").click()
    selected.locator(".rag-context-text").wait_for()
    selected.locator(".rag-context-text").get_by_text(
        "this Quorvex link", exact=False
    ).first.click()

    shown = p.locator("#rag-evidence").inner_text()
    assert "<script>window.__xss = 1; alert('script ran')</script>" in shown
    assert "onerror=" in shown and "javascript:" in shown
    for area in ("#rag-transcript", "#rag-evidence", "#rag-sources"):
        assert p.locator(f"{area} :is(script, img, iframe, a[href])").count() == 0
    p.wait_for_timeout(500)  # give a stray onerror handler the time it would need to fire
    assert p.evaluate("window.__xss") == 0
    assert page.dialogs == []
    p.screenshot(path=str(screenshots / "ui-xss-document.png"))


# WCAG contrast ratio of an element's text colour on its (opaque) background colour.
CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(el);
  const a = lum(rgb(style.color)), b = lum(rgb(style.backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_evidence_highlight_is_readable_in_light_and_dark_schemes(
    browser: object, ui_server: UiServer, scheme: str, screenshots: Path
) -> None:
    for page in open_page(browser, ui_server, scheme):
        p = page.page
        dark = p.evaluate("document.body.classList.contains('dark')")
        assert dark is (scheme == "dark")  # Gradio follows prefers-color-scheme
        ask(
            page, "Who said there will be no European troops on Ukrainian soil in the coming weeks?"
        )
        p.locator("#rag-transcript button.rag-cite").first.click()
        mark = p.locator("#rag-evidence .rag-citation.rag-selected .rag-passage mark").first
        mark.wait_for()
        ratio = mark.evaluate(CONTRAST)
        assert ratio >= 4.5, f"highlight contrast {ratio:.2f}:1 in the {scheme} scheme"
        p.screenshot(path=str(screenshots / f"ui-highlight-{scheme}.png"))


def test_a_pdf_citation_shows_its_page_with_the_row_boxed(
    page: BrowserPage, tmp_path: Path, screenshots: Path
) -> None:
    from tests.index.files import write_layout_pdf
    from tests.index.test_pdf_layout import ROWS, statement_page

    p = page.page
    pdf = tmp_path / "orchard report.pdf"
    write_layout_pdf(pdf, [statement_page(n, ROWS) for n in (1, 2, 3)])
    assert "orchard report.pdf added" in upload(page, pdf)
    open_tab(page, "Chat")
    ask(page, "What was the net income of Orchard Holdings in the three months ended 2024?")
    assert "| Net income | $ 412 | $ 390 |" in last_answer(page)
    p.locator("#rag-transcript .rag-turn").last.locator("button.rag-cite").first.click()
    selected = p.locator("#rag-evidence .rag-selected")
    image = selected.locator(".rag-page-image")
    image.wait_for()
    assert "Net income" in selected.locator(":scope > .rag-passage mark").inner_text()
    figure = selected.locator(".rag-page")
    assert figure.locator("figcaption").inner_text().startswith("page ")
    assert p.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0  # it decoded
    frame = image.bounding_box()
    box = selected.locator(".rag-page-box").bounding_box()
    assert frame and box and box["width"] > 0.5 * frame["width"] and 0 < box["height"] < 40
    row_y = (120 + 52 + 14 * 2) / 792  # the row's baseline, as a share of the page height
    middle = (box["y"] - frame["y"] + box["height"] / 2) / frame["height"]
    assert abs(middle - row_y) < 0.03
    p.screenshot(path=str(screenshots / "ui-pdf-evidence.png"))
    selected.locator(".rag-zoom-label").click()
    zoomed = image.bounding_box()
    assert zoomed and zoomed["width"] > 2 * frame["width"]
    assert page.dialogs == [] and page.errors == []
