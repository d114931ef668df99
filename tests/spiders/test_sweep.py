"""The end-of-crawl sweep: the crawl stays open while the database is asked, and closes after."""

from __future__ import annotations

import pytest
import pytest_twisted
import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.spiders.sweep import IdleSweep
from tests.crawling import unit_crawler


async def a_turn() -> None:
    """Let the reactor run what was scheduled (the sweep is a task of its own)."""
    from twisted.internet import reactor

    await deferLater(reactor, 0.01)


class Answers:
    """The database's answers, one per sweep, given when the test says."""

    def __init__(self, *answers: list[scrapy.Request] | Exception):
        self.answers = list(answers)
        self.asked = 0
        self.ready: Deferred[None] = Deferred()

    async def __call__(self) -> list[scrapy.Request]:
        self.asked += 1
        await maybe_deferred_to_future(self.ready)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest_twisted.ensureDeferred
async def test_the_crawl_waits_for_the_sweep_and_closes_when_it_finds_nothing():
    answers = Answers([])
    sweep = IdleSweep(unit_crawler(), answers)
    for _ in range(3):  # idle again and again while the database answers: one question
        with pytest.raises(DontCloseSpider):
            sweep.spider_idle()
        await a_turn()
    assert answers.asked == 1
    answers.ready.callback(None)
    await a_turn()
    assert sweep.found_nothing
    sweep.spider_idle()  # now the crawl may close


@pytest_twisted.ensureDeferred
async def test_a_sweep_that_cannot_reach_the_database_lets_the_crawl_close():
    answers = Answers(OSError("server closed the connection"))
    sweep = IdleSweep(unit_crawler(), answers)
    with pytest.raises(DontCloseSpider):
        sweep.spider_idle()
    answers.ready.callback(None)
    await a_turn()
    sweep.spider_idle()  # the work is left to the next run


@pytest_twisted.ensureDeferred
async def test_what_the_crawl_yielded_is_recorded_before_the_database_is_asked():
    # A filing yielded a moment ago waits in the database pipeline's buffer: asked before it is
    # written, the database would say its documents are not due, and the crawl would close.
    crawler = unit_crawler()
    order: list[str] = []

    async def flush() -> None:
        order.append("flushed")

    async def sweep() -> list[scrapy.Request]:
        order.append("asked")
        return []

    dataset_of(crawler).on_flush(flush)
    idle = IdleSweep(crawler, sweep)
    with pytest.raises(DontCloseSpider):
        idle.spider_idle()
    await a_turn()
    assert order == ["flushed", "asked"]
    assert idle.found_nothing
