"""`scrapy status`'s figures: a finished run's rate never reads as a breach unless it was one."""

from __future__ import annotations

import pytest

from filings_crawler.commands.status import duration, sec_rate


@pytest.mark.parametrize(
    ("stats", "shown"),
    [
        # Two requests 50 ms apart: once shown as 19.27/s against a 10/s limit.
        (
            {
                "budget/sec/requests_started": 2,
                "budget/sec/sending_seconds": 0.05,
                "budget/sec/max_requests_in_one_second": 2,
            },
            " (2 to SEC at 1.90/s, busiest second 2)",
        ),
        # 20 requests in 1.48 s: the most two windows of a 10/s limit hold.
        (
            {
                "budget/sec/requests_started": 20,
                "budget/sec/sending_seconds": 1.48,
                "budget/sec/max_requests_in_one_second": 10,
            },
            " (20 to SEC at 8.06/s, busiest second 10)",
        ),
        (
            {
                "budget/sec/requests_started": 6000,
                "budget/sec/sending_seconds": 619.0,
                "budget/sec/max_requests_in_one_second": 10,
            },
            " (6000 to SEC at 9.68/s, busiest second 10)",
        ),
        ({"downloader/request_count": 2}, ""),  # NASDAQ Trader only: nothing sent to SEC
    ],
)
def test_the_rate_is_over_the_sending_time(stats, shown):
    assert sec_rate(stats) == shown


def test_a_rate_within_the_limit_never_reads_above_it():
    # The most a sliding-window limit of 10/s (30 ms margin) lets through in t seconds.
    for tenths in range(1, 600):
        seconds = tenths / 10
        most = 10 * (int(seconds / 1.03) + 1)
        stats = {"budget/sec/requests_started": most, "budget/sec/sending_seconds": seconds}
        rate = float(sec_rate(stats).split(" at ")[1].split("/s")[0])
        assert rate <= 10.0


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "?"), (5, "5 s"), (65, "1 min 05 s"), (3700, "1 h 01 min")]
)
def test_durations(seconds, text):
    assert duration(seconds) == text
