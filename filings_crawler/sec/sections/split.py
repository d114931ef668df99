"""Finding the Items of a 10-K or 10-Q by their body headings, as a careful reader does.

A candidate heading is a line that starts with "Item N" (so a cross-reference in running text,
"see Item 7", never is one) and is short. Table-of-contents rows are not body headings: they link
to the body (`href="#..."`) or end with a page number. Where the TOC links point at a candidate,
that is the heading it names (method `toc-link`); else the candidate is taken in the Items'
order (method `heading`). Each Item runs to the next Item found (or to the signatures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from textwrap import shorten

from filings_crawler.sec.sections.items import (
    FORMS,
    HEADING,
    LONGEST_HEADING,
    PAGE_REFERENCE,
    PART,
    base_form,
    item_name,
)
from filings_crawler.sec.sections.text import Document, Line, read_document

WORD = re.compile(r"[^\s|]+")
FOUND = "found"
COMBINED = "combined"
ABSENT = "absent"
SIGNATURES = re.compile(r"(?i)^signatures?\W*$")
# An unnumbered Item ("ITEM X. INFORMATION ABOUT OUR EXECUTIVE OFFICERS") ends the Item before.
UNNUMBERED = re.compile(r"(?i)^item\s+[a-z]\b\W.{0,150}$")
# The financial pages a 10-K may print after Item 16 (CARBO's F-pages) are not Item 16's.
# (Item 15 lists those pages' titles, so only Item 16 stops at them.)
FINANCIAL_PAGES = re.compile(
    r"(?i)^(management['’]s\s+report\s+on\s+internal\s+control\s+over\s+financial\s+reporting"
    r"|report\s+of\s+independent\s+registered\s+public\s+accounting\s+firm"
    r"|index\s+to\s+(consolidated\s+)?financial\s+statements)$"
)
LAST_ITEM = "16"
# The heading of a 10-K's table that maps each Item to pages of another document.
CROSS_REFERENCE = re.compile(r"(?i)\bcross[-\s]?reference\s+(index|table)\b")
# A page cell of that table: "45-52", "A-3", "12, 40-41", "Not applicable".
PAGES = re.compile(
    r"(?i)((?:[A-Z]-)?\d{1,3}(?:\s*[-–]\s*\d{1,3})?)(\s*,\s*(?:[A-Z]-)?\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*"
)


@dataclass(frozen=True)
class Section:
    """One Item of a filing; `status` is `found`, or `combined`/`absent` with `reason`."""

    item: str
    status: str
    heading: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    words: int = 0
    document: str = ""
    method: str = ""
    reason: str = ""


@dataclass
class _Candidate:
    index: int
    item: str
    second: str | None
    linked: bool


def split_document(data: bytes, form: str, document: str = "") -> list[Section]:
    """Every Item of the form, in order: found with its text, or absent/combined with why."""
    kind = base_form(form)
    if kind is None:
        raise ValueError(f"form {form!r}: sections are split for 10-K and 10-Q only")
    doc = read_document(data)
    index_rows = _cross_reference_rows(doc)
    in_index = set(index_rows)
    candidates = [c for c in _candidates(doc, kind) if c.index not in in_index]
    chosen = _choose(candidates, FORMS[kind])
    ends = [c.index for c in chosen] + [_signatures(doc, chosen)]
    sections = {}
    for candidate, end in zip(chosen, ends[1:], strict=True):
        sections[candidate.item] = _section(doc, candidate, end, document)
        if candidate.second:
            second = candidate.second
            reason = (
                f"printed together with Item {candidate.item}: {sections[candidate.item].heading}"
            )
            sections.setdefault(second, Section(second, COMBINED, document=document, reason=reason))
    indexed = _cross_reference_index(doc, kind, index_rows)
    return [
        sections.get(item)
        or Section(item, ABSENT, document=document, reason=indexed.get(item) or _absent(doc, kind))
        for item in FORMS[kind]
    ]


def _cross_reference_rows(doc: Document) -> list[int]:
    """The lines of a "Form 10-K Cross-Reference Index" table: its Item rows are no headings.

    Some 10-Ks (IBM's, Wells Fargo's, GE's) print no Item headings: a table maps each Item to
    pages of the annual report, filed as an exhibit. The table runs from its title while its
    lines are table rows (cells joined by " | ") or Part lines.
    """
    start = next((n for n, line in enumerate(doc.lines) if CROSS_REFERENCE.search(line.text)), None)
    if start is None:
        return []
    rows = []
    for index in range(start + 1, len(doc.lines)):
        text = doc.lines[index].text
        if " | " not in text and not PART.match(text):
            break
        rows.append(index)
    return rows


def _cross_reference_index(doc: Document, kind: str, rows: list[int]) -> dict[str, str]:
    """Why each Item the index places elsewhere has no text here: those pages are not split; the
    Item is recorded absent with where its text is, never with the index row (or the exhibit's
    whole text) taken for it."""
    where: dict[str, str] = {}
    part: str | None = None
    for index in rows:
        line = doc.lines[index]
        text = line.text.replace(" | ", " ")
        if (part_match := PART.match(text)) and not HEADING.match(text):
            part = part_match["part"].upper()
            continue
        match = HEADING.match(text)
        if match is None:
            continue
        part = match["part"].upper() if match["part"] else part
        item = item_name(kind, part, match["first"])
        cells = [cell.strip() for cell in line.text.split("|") if cell.strip()]
        pages = cells[-1] if len(cells) > 1 and PAGES.fullmatch(cells[-1]) else None
        if item and item not in where:
            shown = f"pages {pages}" if pages else f"“{shorten(cells[-1], 80, placeholder='...')}”"
            where[item] = (
                f"placed by the {kind}'s cross-reference index in another document ({shown}, "
                "in the annual report filed as an exhibit), which is not split"
            )
    return where


def _candidates(doc: Document, kind: str) -> list[_Candidate]:
    linked = {target for line in doc.lines for target in line.links}
    part: str | None = None
    found = []
    for index, line in enumerate(doc.lines):
        text = line.text.replace(" | ", " ")
        match = HEADING.match(text)
        part_match = PART.match(text)
        if part_match and not match and not line.links and not PAGE_REFERENCE.search(line.text):
            part = part_match["part"].upper()
            continue
        if not match or len(text) > LONGEST_HEADING or _in_toc(line) or _is_sentence(match):
            continue
        part = match["part"].upper() if match["part"] else part
        first = item_name(kind, part, match["first"])
        second = item_name(kind, part, match["second"]) if match["second"] else None
        found.append(_Candidate(index, first, second, bool(linked & set(_anchors(doc, index)))))
    return found


def _is_sentence(match: re.Match[str]) -> bool:
    # "Item 7 of this report discusses..." starts a sentence; a heading's title is capitalized.
    rest = match["rest"]
    return bool(rest) and rest[0].islower()


def _in_toc(line: Line) -> bool:
    return bool(line.links) or PAGE_REFERENCE.search(line.text) is not None


def _anchors(doc: Document, index: int) -> list[str]:
    # A TOC link often points at an empty anchor just before the heading, or at its Part line.
    anchors = list(doc.lines[index].anchors)
    if index > 0 and PART.match(doc.lines[index - 1].text):
        anchors += doc.lines[index - 1].anchors
    return anchors


def _choose(candidates: list[_Candidate], order: list[str]) -> list[_Candidate]:
    """One heading per Item, in the form's order; a heading the TOC links to wins."""
    rank = {item: n for n, item in enumerate(order)}
    if any(c.linked for c in candidates):
        linked_items = {c.item for c in candidates if c.linked}
        candidates = [c for c in candidates if c.linked or c.item not in linked_items]
    chosen: list[_Candidate] = []
    for candidate in candidates:
        if candidate.item not in rank:
            continue
        if chosen and rank[candidate.item] <= rank[chosen[-1].item]:
            continue
        chosen.append(candidate)
    return chosen


def _signatures(doc: Document, chosen: list[_Candidate]) -> int:
    after = chosen[-1].index if chosen else 0
    for index in range(after + 1, len(doc.lines)):
        if SIGNATURES.match(doc.lines[index].text):
            return index
    return len(doc.lines)


def _section(doc: Document, candidate: _Candidate, end: int, document: str) -> Section:
    lines = doc.lines
    heading = lines[candidate.index].text.replace(" | ", " ")
    first = candidate.index + 1
    match = HEADING.match(heading)
    if match and not match["rest"].strip(" .:-–—") and first < end and len(lines[first].text) < 150:
        heading, first = f"{heading} {lines[first].text}", first + 1  # title on the next line
    end = _body_end(lines, candidate.item, first, end)
    body = lines[first:end]
    text = "\n".join(line.text for line in body)
    start = lines[candidate.index].start
    stop = body[-1].end if body else lines[candidate.index].end
    method = "toc-link" if candidate.linked else "heading"
    words = len(WORD.findall(text))
    return Section(candidate.item, FOUND, heading, text, start, stop, words, document, method)


def _body_end(lines: list[Line], item: str, first: int, end: int) -> int:
    """Where an Item's text stops before the next Item's heading.

    A Part heading (and the Part's introduction after it) belongs to no Item, and neither does
    an unnumbered Item or financial pages printed after Item 16.
    """
    for index in range(first, end):
        text = lines[index].text.replace(" | ", " ")
        if (PART.match(text) and not HEADING.match(text)) or UNNUMBERED.match(text):
            return index
        if item == LAST_ITEM and FINANCIAL_PAGES.match(text):
            return index
    return end


def _absent(doc: Document, kind: str) -> str:
    return f"no body heading for this Item in the {kind}"
