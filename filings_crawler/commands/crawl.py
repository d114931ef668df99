"""`scrapy crawl`: refuses to start until everything is right, and exits non-zero unless finished.

Before the crawler exists, so a mistake costs no request: the configuration, the database, the
spider's name and its `-a` arguments (a typo must not start a full crawl), and the stores it
writes to. After the crawl: its exit status says whether it finished its work, with the
reason on the last line, for cron, scrapyd and `make run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from filings_crawler import logs
from filings_crawler.accounting import Outstanding, WorkAccount, describe_done
from filings_crawler.budget.shared import check_reachable
from filings_crawler.cli import EXIT_BUDGET_TAKEN, EXIT_INCOMPLETE, EXIT_STOPPED, fail, prepare_job
from filings_crawler.db.sec_lock import BudgetTaken, hold_sec_budget
from filings_crawler.extensions.run_audit import RECONCILIATION, run_status
from filings_crawler.spiders.arguments import ArgumentError, accepted_arguments, check_names
from filings_crawler.stopping import STOP_MESSAGE
from filings_crawler.storage.backends import CHECK_STORAGE_ROOT, StorageError
from filings_crawler.text import duration

# What a close reason means to the person reading the last line, and what to do about it.
_REASONS = {
    "shutdown": "stopped by a signal (Ctrl-C or SIGTERM) before it finished",
    "sec_blocked": "SEC blocked it SEC_MAX_BLOCKS times",
    "storage_error": "the file store failed",
    "database_error": "the database failed",
    "format_error": "a source file was not in the format it knows",
    "download_failed": "a file it cannot do without could not be downloaded",
}


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        job = args[0] if args else "crawl"
        config, engine = prepare_job(self.settings, job)
        if not args:
            return
        loader = get_spider_loader(self.settings)
        try:
            spidercls = loader.load(args[0])
        except KeyError:
            fail([f"no spider named {args[0]!r}; the spiders are: {', '.join(loader.list())}"])
        check_spider_arguments(spidercls, opts.spargs)
        stores = spidercls.stores(config, self.settings) if hasattr(spidercls, "stores") else []
        try:
            for store in stores:
                store.check_writable()
        except StorageError as error:
            fail([f"{error}: the crawl would store nothing ({CHECK_STORAGE_ROOT})"])
        uses_sec_budget = getattr(spidercls, "uses_sec_budget", False)
        if uses_sec_budget and config.sec_budget_url:
            # The budget is shared in Redis: any number of crawls may run, and no lock is taken.
            if problem := check_reachable(config.sec_budget_url):
                fail([f"{problem}: start Redis, or unset SEC_BUDGET_URL for a crawl of its own"])
        elif uses_sec_budget:
            try:
                hold_sec_budget(engine, wait_seconds=config.sec_lock_wait)
            except BudgetTaken as error:
                fail(
                    [
                        f"SEC's request budget is in use on this database by {error}: two "
                        "crawls at once would exceed SEC_RATE_LIMIT together. Wait for it, stop "
                        "it, or pass -s SEC_LOCK_WAIT=<seconds> to wait for it."
                    ],
                    status=EXIT_BUDGET_TAKEN,
                )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("scrapy crawl takes one spider name")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        self.exitcode = exit_status(
            args[0], crawler, bootstrap_failed=self.crawler_process.bootstrap_failed
        )


def check_spider_arguments(spidercls: type[Spider], spargs: dict[str, str]) -> None:
    """Refuse unknown `-a` names, and build the spider once so a bad value is one line."""
    try:
        check_names(spidercls.name, spargs, accepted_arguments(spidercls))
        spidercls(**spargs)
    except ArgumentError as error:
        fail([str(error)])


def exit_status(name: str, crawler: Crawler, *, bootstrap_failed: bool) -> int:
    """0 for a crawl that finished its work, 1 for one that stopped, 4 for one that ran out of
    requests with work left (accounting.py). The screen ends with a short summary of what was
    done, where the log is and the status, then the last line: finished, or why not and what is
    left (Scrapy's own settings and stats dumps stay in the log file)."""
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # Scrapy: "Crawler.stats is not set yet": it never started
        stats = {}
    reason = stats.get("finish_reason")
    status = None if reason is None or bootstrap_failed else run_status(reason, stats)
    if status == "succeeded":
        code, last = 0, f"crawl {name} finished its work"
    elif status == "incomplete":
        code = EXIT_INCOMPLETE
        last = (
            f"crawl {name} did not finish its work: {outstanding(stats[RECONCILIATION])}; what "
            "it stored is kept, and the same command continues it"
        )
    else:
        if reason is None:
            what = "could not start (see the error above)"
        else:
            what = _REASONS.get(str(reason), "stopped before it finished")
            what += f" ({reason})"
            if message := stats.get(STOP_MESSAGE):
                what += f": {message}"
        code = EXIT_STOPPED
        last = f"crawl {name} {what}; what it stored is kept, and the same command resumes it"
    lines = [*summary(name, stats, code, logs.job_log_path()), last] if stats else [last]
    sys.stderr.write("".join(f"filings_crawler: {line}\n" for line in lines))
    return code


def summary(name: str, stats: dict[str, Any], code: int, log: Path | None) -> list[str]:
    """What the crawl did, in a line, and where to look: the log, the run, the exit status."""
    seconds = float(stats.get("elapsed_time_seconds") or 0)
    sent = int(stats.get("budget/sec/requests_started") or 0)
    account = stats.get(RECONCILIATION)
    done = describe_done(account) if account else f"{stats.get('item_scraped_count', 0)} items"
    work = f"{name}: {done}; {sent:,} requests to SEC in {duration(seconds)}"
    where = [f"log {log}"] if log else []
    if (run := stats.get("execution_run_id")) is not None:
        where.append(f"run {run} in execution_runs (scrapy status)")
    where.append(f"exit status {code}")
    return [work, "; ".join(where)]


def outstanding(account: dict[str, Any]) -> str:
    """The last line's account of what is left (accounting.WorkAccount, as the stats keep it)."""
    left = [Outstanding(**item) for item in account["left"]]
    unaccounted = [Outstanding(**item) for item in account["unaccounted"]]
    return WorkAccount(left=left, unaccounted=unaccounted).summary()
