"""`scrapy requeue`: failed artifacts back in the queue, for the next documents crawl to fetch."""

from __future__ import annotations

import argparse

from filings_crawler.cli import ExchangeCommand
from filings_crawler.db.maintenance import requeue_failed


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return "[--exchange NYSE[,NASDAQ]] [--dry-run] [--reset-attempts]"

    def short_desc(self) -> str:
        return "Requeue failed artifacts under ARTIFACT_RETRY_MAX (or all, with --reset-attempts)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be requeued; change nothing"
        )
        parser.add_argument(
            "--reset-attempts",
            action="store_true",
            help="also requeue artifacts out of attempts, counting from 0 (the cause was fixed)",
        )

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        exchanges = self.exchanges(opts)
        with self.engine.begin() as conn:
            result = requeue_failed(
                conn,
                max_attempts=self.config.artifact_retry_max,
                exchanges=exchanges,
                reset_attempts=opts.reset_attempts,
                dry_run=opts.dry_run,
            )
        total = sum(result.by_exchange.values())
        verb = "would requeue" if opts.dry_run else "requeued"
        print(f"{verb} {total} failed artifact(s)")
        for exchange, count in sorted(result.by_exchange.items()):
            print(f"  {exchange:<14}{count:>7}")
        if result.reasons:
            print("why they failed:")
            for reason, count in result.reasons.most_common(10):
                print(f"  {count:>7}  {reason}")
        if result.at_cap:
            print(
                f"{result.at_cap} failed artifact(s) are out of attempts "
                f"(ARTIFACT_RETRY_MAX={self.config.artifact_retry_max}); "
                "--reset-attempts requeues them once the cause is fixed"
            )
        if total and not opts.dry_run:
            print("run `scrapy crawl documents` to fetch them")
