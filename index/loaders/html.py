"""HTML: the visible text only; scripts, styles and other non-rendered elements are dropped.
Tables are written as Markdown rows under their first row."""

from __future__ import annotations

import re

from index.loaders.base import LoadedDocument, LoadedPage
from index.loaders.markdown_table import markdown_table
from index.loaders.text import decode_text

_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_BLOCKS = (
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li",
    "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
    "br", "hr", "dd", "dt", "figcaption", "title",
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def load_html(raw: bytes) -> LoadedDocument:
    # deferred for start-up time: bs4 only where needed
    from bs4 import BeautifulSoup, Comment

    markup, warning = decode_text(raw)
    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for element in soup(_INVISIBLE):
        element.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for table in reversed(soup.find_all("table")):  # innermost first
        rows = [
            [cell.get_text(" ", strip=True) for cell in tr.find_all(["td", "th"], recursive=False)]
            for tr in table.find_all("tr")
        ]
        table.replace_with("\n\n" + "\n".join(markdown_table(rows)) + "\n\n")
    for element in soup.find_all(_BLOCKS):
        element.insert_before("\n\n")
        element.insert_after("\n\n")
    body = soup.get_text()
    lines = (_SPACES.sub(" ", line).strip() for line in body.split("\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}" if text else title
    return LoadedDocument("html", [LoadedPage(text)], [warning] if warning else [])
