"""`scrapy enrich`: sets each company's listing exchange from `listings_ref` and prints the counts."""

from __future__ import annotations

import argparse

from sqlalchemy import func, select

from filings_crawler.cli import ProjectCommand
from filings_crawler.db.companies import count_by_exchange, enrich_exchanges
from filings_crawler.db.tables import listings_ref


class Command(ProjectCommand):
    def short_desc(self) -> str:
        return "Set companies.exchange from listings_ref (SEC's column as fallback); print counts"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        with self.engine.begin() as conn:
            if not conn.execute(select(func.count()).select_from(listings_ref)).scalar():
                print(
                    "listings_ref is empty: run `scrapy crawl listings_ref` first; "
                    "until then only SEC's exchange column is used"
                )
            changed = enrich_exchanges(conn)
            counts = count_by_exchange(conn)
        print(f"{changed} companies changed exchange")
        print_counts(counts)


def print_counts(counts: dict[str, int]) -> None:
    width = max((len(exchange) for exchange in counts), default=8)
    for exchange, count in counts.items():
        print(f"  {exchange:<{width}}  {count:>6}")
    print(f"  {'total':<{width}}  {sum(counts.values()):>6}")
