"""Benchmark of the SEC budget: crawls the mirror with added latency and prints how full and how safe.

    .venv/bin/python benchmarks/budget.py [--requests 300] [--latency-ms 100 500] [--rate 10]

For each latency it prints the most requests that arrived in any one-second window (must be
<= the limit), the mean rate while busy (first to last arrival), budget use = mean / limit
(targets: >= 0.95 at 100 ms, >= 0.90 at 500 ms), and how much later requests arrived than the
crawler sent them (the jitter SEC_RATE_MARGIN must cover). The mirror enforces the limit like
SEC, so a violation would also show up as blocked requests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
os.environ["ENV_FILE"] = ""
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "filings_crawler.settings")

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerRunner  # noqa: E402
from scrapy.http import Response  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402
from scrapy.utils.reactor import install_reactor  # noqa: E402

from filings_crawler.db import embedded  # noqa: E402
from filings_crawler.mirror import mirror_base_urls, run_mirror_process  # noqa: E402
from filings_crawler.mirror.requestlog import max_in_any_window  # noqa: E402

SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "edgar"


class BudgetProbe(scrapy.Spider):
    name = "budget_benchmark"

    def __init__(self, base: str, count: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.base = base
        self.count = count
        self.sent_at: dict[str, float] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for n in range(self.count):
            url = f"{self.base}/data.sec.gov/submissions/CIK0000320193.json?n={n}"
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response: Response) -> None:
        self.sent_at[response.url.rsplit("=", 1)[1]] = response.meta["budget_sent_at"]


def mirror_requests(base: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{base}/_mirror/requests", timeout=30) as response:
        result: list[dict[str, Any]] = json.load(response)
        return result


def report(latency_ms: float, rate: float, spider: BudgetProbe, base: str) -> dict[str, float]:
    requests = mirror_requests(base)
    arrivals = sorted(r["arrival"] for r in requests)
    mean = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    jitter = sorted(
        r["arrival"] - spider.sent_at[r["path"].rsplit("=", 1)[1]]
        for r in requests
        if r["path"].rsplit("=", 1)[1] in spider.sent_at
    )
    blocked = sum(1 for r in requests if r["status"] != 200)
    figures = {
        "latency_ms": latency_ms,
        "requests": len(requests),
        "max_in_any_window": max_in_any_window(arrivals),
        "mean_rate": mean,
        "budget_use": mean / rate,
        "blocked": blocked,
        "send_to_arrival_p50_ms": statistics.median(jitter) * 1000,
        "send_to_arrival_max_ms": jitter[-1] * 1000,
    }
    print(
        f"latency {latency_ms:>5.0f} ms | {len(requests)} requests | max in any 1 s window "
        f"{figures['max_in_any_window']} (limit {rate:g}) | mean rate {mean:.3f}/s | budget use "
        f"{figures['budget_use']:.3f} | refused by the mirror {blocked} | send->arrival "
        f"p50 {figures['send_to_arrival_p50_ms']:.2f} ms, max {figures['send_to_arrival_max_ms']:.2f} ms",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[100, 500])
    parser.add_argument("--rate", type=float, default=10)
    args = parser.parse_args()

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import defer
    from twisted.internet import reactor as installed_reactor

    reactor: Any = installed_reactor  # Twisted's reactor is typed as a module-level object

    with tempfile.TemporaryDirectory() as scratch:
        database_url = os.environ.get("BENCHMARK_DATABASE_URL") or embedded.start(
            Path(scratch) / "postgres"
        )
        from filings_crawler.config import DatabaseTarget
        from filings_crawler.db.engine import get_engine
        from filings_crawler.db.migrations import apply_migrations

        apply_migrations(get_engine(DatabaseTarget(database_url, "benchmark", Path(scratch))))
        results: list[dict[str, float]] = []

        @defer.inlineCallbacks
        def run_all() -> Any:
            for latency_ms in args.latency_ms:
                with run_mirror_process(
                    SAMPLE, latency=latency_ms / 1000, enforce_rate=args.rate
                ) as base:
                    settings = get_project_settings()
                    settings.setdict(
                        {
                            "SEC_USER_AGENT": "filings_crawler benchmark bench@filings-crawler.dev",
                            "SEC_RATE_LIMIT": str(args.rate),
                            "DATABASE_URL": database_url,
                            **mirror_base_urls(base),
                            "LOG_LEVEL": "WARNING",
                            "LOG_DIR": "",
                        },
                        priority="cmdline",
                    )
                    crawler = CrawlerRunner(settings).create_crawler(BudgetProbe)
                    yield crawler.crawl(base=base, count=args.requests)
                    assert isinstance(crawler.spider, BudgetProbe)
                    results.append(report(latency_ms, args.rate, crawler.spider, base))
            reactor.stop()

        reactor.callWhenRunning(run_all)
        reactor.run()
    safe = all(r["max_in_any_window"] <= args.rate and r["blocked"] == 0 for r in results)
    print(f"never over the limit: {'yes' if safe else 'NO'}")
    return 0 if safe else 1


if __name__ == "__main__":
    sys.exit(main())
