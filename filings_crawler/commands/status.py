"""`scrapy status`: the running and recent runs, with progress, rate and an estimate of the time left."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Mapping
from datetime import UTC, datetime

import redis

from filings_crawler.budget.shared import shared_view
from filings_crawler.cli import ProjectCommand
from filings_crawler.config import redact_url
from filings_crawler.db.past_listings import NEVER_LISTED, UNDECIDED, past_listing_counts
from filings_crawler.db.status import RunView, derived_counts, load_runs
from filings_crawler.extensions.progress import describe_work
from filings_crawler.processes import is_alive
from filings_crawler.reports import describe_derived
from filings_crawler.text import duration


class Command(ProjectCommand):
    def short_desc(self) -> str:
        return "Show the running and recent runs: progress, rate, time left"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--recent", type=int, default=10, help="finished runs to show (10)")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        with self.engine.connect() as conn:
            runs = load_runs(conn, opts.recent)
            past = past_listing_counts(conn)
            derived = derived_counts(conn)
        running = [run for run in runs if run.status == "running"]
        finished = [run for run in runs if run.status != "running"]
        now = datetime.now(UTC)
        interval = self.config.progress_interval
        print("Running" if running else "Running: none")
        total_rate = sum(_number(run.progress.get("requests_per_second", 0)) for run in running)
        for run in running:
            for line in describe_running(run, now, interval, total_rate):
                print(line)
        if self.config.sec_budget_url:
            print(describe_shared_budget(self.config.sec_budget_url, self.config.sec_rate_limit))
        print("Recent runs" if finished else "Recent runs: none")
        for run in finished:
            print(describe_finished(run))
        print(describe_past_listings(past))
        for name, counts in derived.items():
            print(describe_derived(name, counts))


def _share(rate: float, total: float) -> str:
    """A crawl's part of what every running crawl sends, when there are several."""
    return f" ({100 * rate / total:.0f}% of all running crawls')" if 0 < rate < total else ""


def describe_past_listings(counts: Mapping[str, int]) -> str:
    """How many companies not listed today were found listed when they filed, per exchange."""
    if not counts:
        return "Past listings: not checked yet (scrapy crawl past_listings)"
    never = counts.get(NEVER_LISTED, 0)
    undecided = counts.get(UNDECIDED, 0)
    listed = {k: v for k, v in counts.items() if k not in (NEVER_LISTED, UNDECIDED)}
    by_exchange = ", ".join(f"{exchange} {count}" for exchange, count in sorted(listed.items()))
    line = f"Past listings: {sum(listed.values())} confirmed"
    line += f" ({by_exchange})" if by_exchange else ""
    line += f", {never} never listed"
    if undecided:
        line += f", {undecided} not decided yet (the next run asks again)"
    return line


def describe_shared_budget(url: str, limit: float) -> str:
    """The budget every crawl shares (SEC_BUDGET_URL): its use now, and its breaker."""
    try:
        view = shared_view(url)
    except redis.RedisError as error:
        return f"Shared SEC budget ({redact_url(url)}): Redis does not answer ({error})"
    line = (
        f"Shared SEC budget ({redact_url(url)}): {view.sent_last_second} requests in the last "
        f"second, of {limit:g}"
    )
    if view.blocked_for:
        line += f"; every crawl paused {view.blocked_for:.0f} s more after a block"
    if view.rate_after is not None:
        line += f"; at most {view.rate_after:g} requests/s since a block"
    return line


def describe_running(
    run: RunView, now: datetime, interval: float, total_rate: float = 0.0
) -> list[str]:
    elapsed = (now - run.started_at).total_seconds()
    lines = [
        f"  #{run.id} {run.run_type:<12} started {run.started_at:%Y-%m-%d %H:%M} UTC "
        f"({duration(elapsed)} ago) on {run.hostname} pid {run.pid}"
    ]
    progress = run.progress
    if progress:
        part = describe_work(progress)
        eta = progress.get("eta_seconds")
        lines.append(
            "      "
            + ", ".join(
                piece
                for piece in (
                    part,
                    f"{progress.get('items', 0):,} items",
                    f"{progress.get('requests_per_second', 0):.2f} requests/s"
                    + _share(_number(progress.get("requests_per_second", 0)), total_rate),
                    f"about {duration(eta)} left" if eta is not None else "",
                    f"as of {progress.get('updated_at', '?')}",
                )
                if piece
            )
        )
    else:
        lines.append("      no progress reported yet (the first report comes after a minute)")
    if problem := staleness(run, now, interval):
        lines.append(f"      STALE: {problem}; its work resumes with the next run of the same job")
    return lines


def staleness(run: RunView, now: datetime, interval: float) -> str | None:
    """Why a `running` row is probably a run that died without closing (SIGKILL, power cut)."""
    if run.hostname == socket.gethostname() and run.pid and not is_alive(run.pid):
        return f"process {run.pid} is not running on this host"
    updated = run.progress.get("updated_at")
    last = datetime.fromisoformat(updated) if updated else run.started_at
    silent = (now - last).total_seconds()
    if silent > 3 * interval + 60:
        return f"no progress reported for {duration(silent)}"
    return None


def describe_finished(run: RunView) -> str:
    requests = int(run.stats.get("downloader/request_count", 0))
    seconds = run.duration_seconds or 0
    return (
        f"  #{run.id} {run.run_type:<12} {run.status:<10} {run.started_at:%Y-%m-%d %H:%M} UTC  "
        f"took {duration(seconds)}  {requests:,} requests{sec_rate(run.stats)}  "
        f"{int(run.stats.get('item_scraped_count', 0)):,} items  ({run.close_reason or '?'})"
    )


def sec_rate(stats: Mapping[str, object]) -> str:
    """How fast the run sent to SEC: its rate while sending, and its busiest second.

    Over the time it was sending (not the run's, which includes its start and its database
    work), plus one second: the windows its requests fell in. So the figure never exceeds the
    limit unless the limit was exceeded; two requests 50 ms apart are "2.0/s", not "20/s".
    """
    sent = _number(stats.get("budget/sec/requests_started"))
    if not sent:
        return ""
    rate = sent / (_number(stats.get("budget/sec/sending_seconds")) + 1.0)
    busiest = int(_number(stats.get("budget/sec/max_requests_in_one_second")))
    return f" ({sent:.0f} to SEC at {rate:.2f}/s, busiest second {busiest})"


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
