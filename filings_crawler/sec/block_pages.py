"""Recognising SEC's block and refusal pages, which SEC serves in place of whatever URL was asked for."""

from __future__ import annotations

import re

# Both pages are small HTML documents; a filing that merely quotes the phrase is far larger, and a
# page is only checked when it is HTML of about this size.
MAX_BLOCK_PAGE_BYTES = 64 * 1024

# "Request Rate Threshold Exceeded": over 10 requests/s, blocked for 10 minutes.
# "Undeclared Automated Tool": no usable User-Agent; SEC also serves it to tools that go too fast.
_TITLES = re.compile(
    rb"<title>[^<]*(Request Rate Threshold Exceeded|Undeclared Automated Tool)[^<]*</title>", re.I
)


def block_page_kind(body: bytes) -> str | None:
    """'rate_threshold' or 'undeclared_tool' if `body` is one of SEC's block pages, else None."""
    if len(body) > MAX_BLOCK_PAGE_BYTES:
        return None
    match = _TITLES.search(body)
    if match is None:
        return None
    return "rate_threshold" if match.group(1).lower().startswith(b"request") else "undeclared_tool"
