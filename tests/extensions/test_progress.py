"""The progress line: items, requests/s, what is left and when it will be done."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured

from filings_crawler.extensions.progress import Progress, _duration
from tests.crawling import unit_crawler


class Halfway:
    """A spider 40 companies into 100."""

    name = "backfill"

    def progress_counts(self) -> tuple[int, int]:
        return 40, 100


def test_the_estimate_divides_what_is_left_by_the_rate_so_far():
    crawler = unit_crawler(PROGRESS_INTERVAL="60")
    progress = Progress.from_crawler(crawler)
    crawler.spider = Halfway()  # type: ignore[assignment]
    assert crawler.stats is not None
    crawler.stats.set_value("downloader/request_count", 120)
    crawler.stats.set_value("item_scraped_count", 55)
    progress.started -= 120  # two minutes in
    progress.last_time -= 60
    snapshot = progress.snapshot()
    assert (snapshot["items"], snapshot["requests"]) == (55, 120)
    assert snapshot["requests_per_second"] == pytest.approx(2.0, rel=0.01)
    assert (snapshot["done"], snapshot["total"], snapshot["pending"]) == (40, 100, 60)
    # 40 done in 120 s: the 60 left take 180 s.
    assert snapshot["eta_seconds"] == pytest.approx(180, abs=1)


def test_progress_can_be_switched_off():
    with pytest.raises(NotConfigured):
        Progress.from_crawler(unit_crawler(PROGRESS_INTERVAL="0"))


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "an unknown time"), (59, "0 min"), (3660, "1 h 01 min")]
)
def test_durations_read_like_a_clock(seconds, text):
    assert _duration(seconds) == text
