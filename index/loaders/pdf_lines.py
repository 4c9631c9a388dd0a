"""Words with their boxes from a PDF page's text layer, grouped into visual lines.

PDFium gives every character with its box in the content stream's order, which is not the
reading order of a table (a header cell's two lines come before the next cell). Words are cut
at spaces and at horizontal jumps, then grouped into lines by vertical overlap and read left to
right. Coordinates are PDF points with the origin at the page's top-left (y down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A gap wider than this many line heights between two words separates table cells.
CELL_GAP = 1.0


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class WordRun:
    """Words read together (a line, a table cell), with their joint box."""

    words: list[Word]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Line(WordRun):
    """A visual line of a page, words left to right."""

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)

    def cells(self) -> list[list[Word]]:
        """Runs of words separated by gaps wider than ``CELL_GAP`` line heights."""
        out: list[list[Word]] = [[self.words[0]]]
        for prev, word in zip(self.words, self.words[1:], strict=False):
            if word.x0 - prev.x1 > CELL_GAP * self.height:
                out.append([word])
            else:
                out[-1].append(word)
        return out


def text_layer_words(textpage: Any, page_height: float) -> list[Word]:
    """Every word of a ``pypdfium2`` text page, with its box.

    Character boxes are PDFium's loose ones (advance width by the font's height): the tight
    glyph box of a "1" leaves a gap that would cut "19,604" in two.
    """
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    words: list[Word] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # x0, top, x1, bottom of the word so far

    def flush() -> None:
        if chars:
            words.append(Word("".join(chars), box[0], box[1], box[2], box[3]))
            chars.clear()

    for k in range(min(count, len(text))):
        ch = text[k]
        if ch.isspace() or ch == "\x00" or ch == "\ufffe":
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(k, loose=True)
        y_top, y_bottom = page_height - top, page_height - bottom
        if chars:
            height = max(1.0, box[3] - box[1])
            same_line = y_top < box[3] and y_bottom > box[1]
            if not same_line or left - box[2] > 0.3 * height or left < box[0] - 0.5 * height:
                flush()
        if not chars:
            box[:] = [left, y_top, right, y_bottom]
        else:
            box[:] = [min(box[0], left), min(box[1], y_top), max(box[2], right),
                      max(box[3], y_bottom)]  # fmt: skip
        chars.append(ch)
    flush()
    return words


def group_lines(words: list[Word]) -> list[Line]:
    """Words in visual lines (a word joins the line its vertical middle falls in), top down."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        for line in reversed(lines[-3:]):
            if line.top <= middle <= line.bottom:
                line.words.append(word)
                break
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines
