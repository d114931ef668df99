"""Reports on the dataset for people, and the number formats the text and the HTML share."""

from __future__ import annotations

from filings_crawler.db.status import DerivedCounts

BYTE_UNITS = ("kB", "MB", "GB", "TB", "PB")


def human_bytes(count: int) -> str:
    """`count` bytes in decimal units, as `ls -h --si` and disk vendors show them: 9.2 kB."""
    if count < 1000:
        return f"{count} B"
    value = float(count)
    for unit in BYTE_UNITS:
        value /= 1000
        if value < 1000 or unit == BYTE_UNITS[-1]:
            break
    return f"{value:.1f} {unit}"


def percent(value: float | None) -> str:
    """A completeness percentage with one decimal, or a dash where there is nothing to divide."""
    return "-" if value is None else f"{value:.1f}%"


def plural(count: int, noun: str) -> str:
    """`1 filing`, `2 filings`: regular English nouns only, which is all the reports need."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# Each output derived from the stored filings: its title, its verb, the command that reads it.
DERIVED = {
    "facts": ("XBRL facts", "read", "scrapy facts"),
    "sections": ("Sections (10-K, 10-Q Items)", "split", "scrapy sections"),
}


def describe_derived(name: str, counts: DerivedCounts) -> str:
    """What the stored filings have of `name` (facts, sections), and what is left to read."""
    title, verb, command = DERIVED[name]
    line = f"{title}: {counts.done} filings {verb}"
    line += f", {counts.refused} could not be {verb} (the reason is in filings.{name}_error)"
    if counts.left:
        line += f", {counts.left} stored not {verb} yet ({command})"
    return line
