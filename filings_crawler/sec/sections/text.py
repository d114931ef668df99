"""A filing document as plain text in reading order: one line per paragraph, heading or table row.

The splitter finds Items on lines, so the text keeps the document's blocks as lines: a `<p>`,
`<div>`, heading or list item is one line, a table row is one line with its cells separated by
" | " (the reading order of a row). What a reader skips is left out: the inline-XBRL header
(hidden), anything styled `display:none`, page numbers, running page headers ("Apple Inc. |
2024 Form 10-K | 12") and the "Table of Contents" links repeated on every page. Each line keeps
the `id`/`name` anchors it holds, so the table of contents' links can point at body lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html

BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "body",
        "center",
        "blockquote",
        "section",
        "article",
        "pre",
        "dl",
        "dt",
        "dd",
        "hr",
        "br",
    ]
)
SKIPPED = frozenset(["script", "style", "head", "title"])
HIDDEN = re.compile(r"display\s*:\s*none", re.I)
SPACES = re.compile(r"[\s\u00a0\u200b\u2002-\u200a\u3000]+")
# A line that is only a page number ("12", "- 12 -", "F-3", "Page 4") or a roman numeral.
PAGE_NUMBER = re.compile(r"(?i)^(page\s+)?[-–—\s]*([a-z]-)?(\d{1,3}|[ivxl]{1,6})[-–—\s]*$")
# A running header or footer: "Apple Inc. | 2024 Form 10-K | 12", "... Form 10-Q | 3".
RUNNING = re.compile(r"(?i)\bform\s+10-[kq]\b(?:/a)?\s*(\|\s*)?\d{1,3}$")
# "Table of Contents" links, alone or in a running header ("Table of Contents | Alphabet Inc.").
CONTENTS = re.compile(r"(?i)^(back\s+to\s+)?(table\s+of\s+contents|index)(\s*\|.{0,60})?$")


@dataclass
class Line:
    """One line of the document's text; `start`..`end` are its offsets in `Document.text`."""

    text: str
    start: int = 0
    end: int = 0
    in_table: bool = False
    # Anchors (`id`, `name`) found in this line's elements: where TOC links point.
    anchors: list[str] = field(default_factory=list)
    # The `href="#..."` targets of this line's links.
    links: list[str] = field(default_factory=list)


@dataclass
class Document:
    text: str
    lines: list[Line]


class _Builder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.anchors: list[str] = []
        self.links: list[str] = []
        self.table_depth = 0
        self.cells: list[str] | None = None

    def add_text(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def end_line(self) -> None:
        text = SPACES.sub(" ", "".join(self.parts)).strip()
        self.parts = []
        if self.cells is not None:
            if text:
                self.cells.append(text)
            return
        if text or self.anchors:
            self.lines.append(Line(text, in_table=self.table_depth > 0))
            self.lines[-1].anchors, self.lines[-1].links = self.anchors, self.links
            self.anchors, self.links = [], []

    def walk(self, element: etree._Element) -> None:
        tag = _tag(element)
        if tag == "#comment":
            self.add_text(element.tail)
            return
        if tag in SKIPPED or (tag == "header" and _is_xbrl(element)):
            self.add_text(element.tail)
            return
        if HIDDEN.search(element.get("style") or ""):
            self.add_text(element.tail)
            return
        for name in ("id", "name"):
            if element.get(name):
                self.anchors.append(element.get(name, ""))
        href = element.get("href", "") if tag == "a" else ""
        if href.startswith("#"):
            self.links.append(href[1:])
        self._open(tag)
        self.add_text(element.text)
        for child in element:
            self.walk(child)
        self._close(tag)
        self.add_text(element.tail)

    def _open(self, tag: str) -> None:
        if tag == "tr":
            self.end_line()
            self.cells = []
        elif tag in BLOCKS or (tag in ("td", "th") and self.cells is not None):
            self.end_line()
        if tag == "table":
            self.table_depth += 1

    def _close(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.end_line()
        elif tag == "tr" and self.cells is not None:
            # A row is one line: its cells in reading order.
            self.end_line()
            cells, self.cells = self.cells, None
            self.parts = [" | ".join(cells)]
            self.end_line()
        elif tag in BLOCKS:
            self.end_line()
        if tag == "table":
            self.table_depth -= 1


def _tag(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return "#comment"
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower()


def _is_xbrl(element: etree._Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and ("ix" in tag.lower() or "inlinexbrl" in tag.lower())


def is_page_artifact(line: Line) -> bool:
    """A page number, running header or "Table of Contents" link: not part of any Item."""
    text = line.text
    if PAGE_NUMBER.match(text) or CONTENTS.match(text):
        return True
    return len(text) < 90 and RUNNING.search(text) is not None


def read_document(data: bytes) -> Document:
    """The document's lines in reading order, page artifacts left out, with their offsets."""
    try:
        root = html.document_fromstring(data)
    except etree.ParserError:  # nothing but whitespace or comments: a document without Items
        return Document("", [])
    builder = _Builder()
    builder.walk(root)
    builder.end_line()
    lines, offset, kept = [], 0, []
    pending: list[str] = []
    for line in builder.lines:
        if not line.text or is_page_artifact(line):
            pending.extend(line.anchors)
            continue
        line.anchors = pending + line.anchors
        pending = []
        line.start, line.end = offset, offset + len(line.text)
        offset = line.end + 1
        lines.append(line)
        kept.append(line.text)
    return Document("\n".join(kept), lines)
