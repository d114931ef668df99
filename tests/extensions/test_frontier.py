"""JOBDIR is one run's frontier: kept when a crawl stops early, cleared when it finishes."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured

from filings_crawler.extensions.frontier import FRONTIER_ENTRIES, Frontier
from tests.crawling import unit_crawler


def frontier_in(tmp_path) -> Frontier:
    jobdir = tmp_path / "jobs" / "backfill"
    (jobdir / "requests.queue").mkdir(parents=True)
    (jobdir / "requests.queue" / "active.json").write_text("{}")
    for name in ("requests.seen", "spider.state", "run.json"):
        (jobdir / name).write_text("x")
    return Frontier.from_crawler(unit_crawler(JOBDIR=str(jobdir)))


@pytest.mark.parametrize("reason", ["shutdown", "sec_blocked", "storage_error"])
def test_a_crawl_that_stops_early_keeps_its_frontier_for_the_resume(tmp_path, reason):
    frontier = frontier_in(tmp_path)
    frontier.spider_closed(None, reason)  # type: ignore[arg-type]
    frontier.engine_stopped()
    assert sorted(p.name for p in frontier.path.iterdir()) == sorted(FRONTIER_ENTRIES)


def test_a_finished_crawl_clears_its_frontier_for_the_next_run(tmp_path):
    frontier = frontier_in(tmp_path)
    (frontier.path / "kept.txt").write_text("not the frontier's")
    frontier.spider_closed(None, "finished")  # type: ignore[arg-type]
    frontier.engine_stopped()
    assert [p.name for p in frontier.path.iterdir()] == ["kept.txt"]


def test_without_jobdir_there_is_nothing_to_keep():
    with pytest.raises(NotConfigured):
        Frontier.from_crawler(unit_crawler())
