"""The shared budget on the real Redis at 127.0.0.1:6379: one window for every crawl, its breaker
and its priorities, as crawls of several processes see them."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from edgar_mirror.requestlog import max_in_any_window
from filings_crawler.budget.shared import (
    DISCOVERY,
    DOCUMENTS,
    URGENT,
    Keys,
    SharedWindow,
    check_reachable,
    shared_view,
)
from tests.redis_server import REDIS_URL, require_redis

# With the shared crawls (which clear every budget key) on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("redis")


@pytest.fixture(autouse=True)
def redis_up() -> None:
    require_redis()


@pytest.fixture
def source() -> Iterator[str]:
    """A source of its own, its keys removed before and after."""
    name = f"test-{os.getpid()}-{time.monotonic_ns()}"
    client = redis.Redis.from_url(REDIS_URL)
    keys = Keys.of(name)
    client.delete(*keys.all)
    yield name
    client.delete(*keys.all)
    client.close()


async def hammer(window: SharedWindow, seconds: float, sent: list[tuple[float, int]]) -> None:
    """Ask for permits as fast as they come, recording when each was granted."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait, permit = await window.ask()
        if permit is not None:
            sent.append((time.monotonic(), window.priority))
            await window.confirm(permit)
        else:
            await asyncio.sleep(min(wait, 0.05))


def run(coroutine):
    """Run it on an event loop of its own: the test session's reactor may hold one already."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_redis_is_checked_before_use():
    assert check_reachable(REDIS_URL) is None
    problem = check_reachable("redis://127.0.0.1:1/0")
    assert problem is not None
    assert problem.startswith("SEC_BUDGET_URL: Redis at redis://127.0.0.1:1/0 cannot be reached")


def test_three_crawls_together_stay_within_the_limit_and_fill_it(source):
    async def main() -> list[tuple[float, int]]:
        windows = [SharedWindow(REDIS_URL, source, 10, 0.03, DOCUMENTS) for _ in range(3)]
        sent: list[tuple[float, int]] = []
        await asyncio.gather(*(hammer(w, 3.0, sent) for w in windows))
        for window in windows:
            await window.close()
        return sent

    sent = run(main())
    times = [moment for moment, _ in sent]
    assert max_in_any_window(times) <= 10
    # Near the limit: 3 s at 10/s, less the margin and the first window.
    assert len(times) >= 27


def test_a_trip_pauses_every_crawl_then_holds_the_lower_rate(source):
    async def main() -> tuple[float, list[float]]:
        tripper = SharedWindow(REDIS_URL, source, 10, 0.03, DOCUMENTS)
        other = SharedWindow(REDIS_URL, source, 10, 0.03, DISCOVERY)
        await tripper.trip(1.0, 4.0)
        wait, _ = await other.ask()
        sent: list[tuple[float, int]] = []
        await asyncio.sleep(wait)
        await asyncio.gather(hammer(tripper, 2.0, sent), hammer(other, 2.0, sent))
        await tripper.close()
        await other.close()
        return wait, [moment for moment, _ in sent]

    wait, times = run(main())
    assert 0.9 <= wait <= 1.0
    assert max_in_any_window(times) <= 4
    view = shared_view(REDIS_URL, source)
    assert view.rate_after == 4.0
    assert view.blocked_for == 0


def test_the_urgent_class_is_served_first_but_never_alone(source):
    async def main() -> list[tuple[float, int]]:
        urgent = SharedWindow(REDIS_URL, source, 10, 0.03, URGENT)
        lower = [SharedWindow(REDIS_URL, source, 10, 0.03, DISCOVERY) for _ in range(2)]
        sent: list[tuple[float, int]] = []
        await asyncio.gather(hammer(urgent, 3.0, sent), *(hammer(w, 3.0, sent) for w in lower))
        for window in (urgent, *lower):
            await window.close()
        return sent

    sent = run(main())
    urgent = sum(1 for _, priority in sent if priority == URGENT)
    lower = len(sent) - urgent
    assert max_in_any_window([moment for moment, _ in sent]) <= 10
    # Two crawls against one, yet the urgent one gets most of the budget, and the others some.
    assert urgent >= 0.7 * len(sent)
    assert lower >= 0.1 * len(sent)
