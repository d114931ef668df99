"""The Items of a 10-K and a 10-Q, and how their body headings are written.

Item names are `1A`, `7A`... for a 10-K and `I-1`..`I-4`, `II-1`, `II-1A`, `II-2`..`II-6` for a
10-Q (a 10-Q's Part I and Part II both have an Item 1 to 4, so the part is in the name).
"""

from __future__ import annotations

import re

TEN_K = [
    "1",
    "1A",
    "1B",
    "1C",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "7A",
    "8",
    "9",
    "9A",
    "9B",
    "9C",
    "10",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
]
TEN_Q = ["I-1", "I-2", "I-3", "I-4", "II-1", "II-1A", "II-2", "II-3", "II-4", "II-5", "II-6"]
FORMS = {"10-K": TEN_K, "10-Q": TEN_Q}

# "Item 1A. Risk Factors", "ITEM 7 - MD&A", "Items 1 and 2. Business and Properties",
# "Part II - Item 5. ...": at the start of a line only, so "see Item 7" in a sentence never is one.
HEADING = re.compile(
    r"""(?ix)^(?:part\s+(?P<part>iv|i{1,3})\W{0,5})?
    items?\s*(?P<first>\d{1,2}[a-c]?)\b
    (?:\s*(?:,|and|&|through|-|–|to)\s*(?:items?\s*)?(?P<second>\d{1,2}[a-c]?)\b)?
    \s*(?P<rest>.*)$"""
)
PART = re.compile(r"(?i)^part\s+(?P<part>iv|i{1,3})\b(?P<rest>.{0,80})$")
# A TOC row ends with its page number ("Item 1A. | Risk Factors | 5").
PAGE_REFERENCE = re.compile(r"\|\s*(?:[A-Z]-)?\d{1,3}(?:\s*[-–]\s*\d{1,3})?$")
# A heading is short; a longer line that starts "Item 7 of ..." is running text.
LONGEST_HEADING = 300


def item_name(form: str, part: str | None, number: str) -> str:
    number = number.upper()
    if form == "10-Q":
        return f"{'II' if part == 'II' else 'I'}-{number}"
    return number


def base_form(form: str) -> str | None:
    """`10-K` for 10-K, 10-K/A, 10-K405, 10-KT...; `10-Q` likewise; None for other forms."""
    form = form.upper()
    for name in FORMS:
        if form.startswith(name):
            return name
    return None
