"""Benchmark of the SEC budget: crawls the mirror and prints how full and how safe, quiet and under stress.

    .venv/bin/python benchmarks/budget.py [--requests 300] [--rate 10] [--scenarios quiet-100 ...]
        [--arrival-delay-ms 50]

Scenarios: `quiet-100` and `quiet-500` (100 and 500 ms per answer, nothing else running),
`busy-100` (the same with CPU hogs, two per core, saturating the machine beside the crawl) and
`503-100` (5% of answers a 503, as SEC's servers give under load).

For each it prints the most requests that arrived in any one-second window (must be <= the
limit), the answers over the limit (the mirror enforces it like SEC, with a ban), the mean rate
while busy (first to last arrival), budget use = mean / limit (targets: >= 0.95 quiet at 100 ms,
>= 0.90 at 500 ms, >= 0.93 busy), and how much later requests arrived than the crawler's permit
(the jitter SEC_RATE_MARGIN must cover). The mirror stamps arrivals with the kernel's receive
time, so a starved mirror still counts the wire, and runs ahead of the crawl for the CPU.

`--arrival-delay-ms N` puts a network between the crawler and the mirror: each request arrives
a random 0..N ms after it left (the mirror counts it then), as SEC's servers see requests that
crossed the internet. Requests sent evenly spaced then arrive bunched; SEC_RATE_MARGIN must
exceed N for the limit to hold where SEC counts.
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
from dataclasses import dataclass
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

from edgar_mirror import mirror_base_urls, run_mirror_process  # noqa: E402
from edgar_mirror.load import cpu_hogs  # noqa: E402
from edgar_mirror.requestlog import max_in_any_window  # noqa: E402
from filings_crawler.db import embedded  # noqa: E402

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


@dataclass(frozen=True)
class Scenario:
    name: str
    latency_ms: float
    hogs: int = 0  # CPU-bound processes beside the crawl
    error_rate: float = 0.0  # share of answers that are 503s

    def faults(self) -> dict[str, Any] | None:
        if not self.error_rate:
            return None
        return {"seed": 13, "error_rate": self.error_rate, "error_statuses": [503]}


SCENARIOS = {
    scenario.name: scenario
    for scenario in (
        Scenario("quiet-100", 100),
        Scenario("quiet-500", 500),
        Scenario("busy-100", 100, hogs=2 * (os.cpu_count() or 2)),
        Scenario("503-100", 100, error_rate=0.05),
    )
}


def report(scenario: Scenario, rate: float, spider: BudgetProbe, base: str) -> dict[str, Any]:
    requests = mirror_requests(base)
    arrivals = sorted(r["arrival"] for r in requests)
    mean = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    jitter = sorted(
        r["arrival"] - spider.sent_at[r["path"].rsplit("=", 1)[1]]
        for r in requests
        if r["status"] == 200 and r["path"].rsplit("=", 1)[1] in spider.sent_at
    )
    over_limit = sum(1 for r in requests if r["status"] in (403, 429))
    figures = {
        "scenario": scenario.name,
        "requests": len(requests),
        "max_in_any_window": max_in_any_window(arrivals),
        "mean_rate": mean,
        "budget_use": mean / rate,
        "over_limit": over_limit,
        "server_errors": sum(1 for r in requests if r["status"] == 503),
        "send_to_arrival_p50_ms": statistics.median(jitter) * 1000,
        "send_to_arrival_max_ms": jitter[-1] * 1000,
    }
    print(
        f"{scenario.name:<10} | {len(requests)} requests ({figures['server_errors']} 503s) | "
        f"max in any 1 s window {figures['max_in_any_window']} (limit {rate:g}) | mean rate "
        f"{mean:.3f}/s | budget use {figures['budget_use']:.3f} | over-limit answers "
        f"{over_limit} | permit->arrival p50 {figures['send_to_arrival_p50_ms']:.2f} ms, max "
        f"{figures['send_to_arrival_max_ms']:.2f} ms",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--arrival-delay-ms", type=float, default=0.0)
    parser.add_argument(
        "--margin", type=float, default=None, help="SEC_RATE_MARGIN (default: the project's)"
    )
    args = parser.parse_args()
    print(
        f"arrival delay 0..{args.arrival_delay_ms:g} ms, SEC_RATE_MARGIN "
        f"{args.margin if args.margin is not None else 'default'}",
        flush=True,
    )

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import defer
    from twisted.internet import reactor as installed_reactor

    reactor: Any = installed_reactor  # Twisted's reactor is typed as a module-level object

    with tempfile.TemporaryDirectory() as scratch:
        database_url = os.environ.get("BENCHMARK_DATABASE_URL") or embedded.start(
            Path(scratch) / "postgres", create=True
        )
        from filings_crawler.config import DatabaseTarget
        from filings_crawler.db.engine import get_engine
        from filings_crawler.db.migrations import apply_migrations

        apply_migrations(get_engine(DatabaseTarget(database_url, "benchmark", Path(scratch))))
        results: list[dict[str, Any]] = []

        @defer.inlineCallbacks
        def run_all() -> Any:
            for name in args.scenarios:
                scenario = SCENARIOS[name]
                with (
                    run_mirror_process(
                        SAMPLE,
                        latency=scenario.latency_ms / 1000,
                        arrival_delay=args.arrival_delay_ms / 1000,
                        enforce_rate=args.rate,
                        faults=scenario.faults(),
                        niceness=-10,
                    ) as base,
                    cpu_hogs(scenario.hogs),
                ):
                    settings = get_project_settings()
                    settings.setdict(
                        {
                            "SEC_USER_AGENT": "filings_crawler benchmark bench@filings-crawler.dev",
                            "SEC_RATE_LIMIT": str(args.rate),
                            "DATABASE_URL": database_url,
                            **mirror_base_urls(base),
                            "LOG_LEVEL": "WARNING",
                            "LOG_DIR": "",
                            # A block is the benchmark's failure: stop there, not 11 min later.
                            "SEC_MAX_BLOCKS": "1",
                            **(
                                {"SEC_RATE_MARGIN": str(args.margin)}
                                if args.margin is not None
                                else {}
                            ),
                        },
                        priority="cmdline",
                    )
                    crawler = CrawlerRunner(settings).create_crawler(BudgetProbe)
                    yield crawler.crawl(base=base, count=args.requests)
                    assert isinstance(crawler.spider, BudgetProbe)
                    results.append(report(scenario, args.rate, crawler.spider, base))
            reactor.stop()

        reactor.callWhenRunning(run_all)
        reactor.run()
    safe = all(r["max_in_any_window"] <= args.rate and r["over_limit"] == 0 for r in results)
    print(f"never over the limit: {'yes' if safe else 'NO'}")
    return 0 if safe else 1


if __name__ == "__main__":
    sys.exit(main())
