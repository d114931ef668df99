"""Figures as people read them."""

from __future__ import annotations

import pytest

from filings_crawler.text import duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "?"), (5, "5 s"), (59.9, "59 s"), (185, "3 min 05 s"), (3660, "1 h 01 min")],
)
def test_durations_read_like_a_clock(seconds, text):
    assert duration(seconds) == text
