"""`scrapy preflight`: checks that a run against SEC can start, and says what it will use."""

from __future__ import annotations

import argparse
import contextlib

from filings_crawler.budget.shared import check_reachable
from filings_crawler.cli import ProjectCommand, fail
from filings_crawler.config import redact_url
from filings_crawler.db.migrations import pending_migrations
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage, StorageError
from filings_crawler.storage.local import LocalStorage


class Command(ProjectCommand):
    # The whole point: refuse early, with the reason, what a crawl would refuse later.
    sends_requests = True
    needs_schema = False

    def short_desc(self) -> str:
        return "Check the configuration (SEC_USER_AGENT included) and the database; print them"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        config = self.config
        pending = pending_migrations(self.engine)
        print(f"SEC_USER_AGENT   {config.sec_user_agent}")
        print(
            f"SEC_RATE_LIMIT   {config.sec_rate_limit:g} requests/s, {config.download_workers} workers"
        )
        print(
            f"sources          {config.sec_www_base_url}, {config.sec_data_base_url}, "
            f"{config.nasdaq_trader_base_url}"
        )
        print(
            f"scope            {', '.join(config.filing_forms)} filed "
            f"{config.filings_start_date}..{config.filings_end_date}"
        )
        print(
            f"database         {config.database.describe()}"
            + (f" ({len(pending)} migration(s) to apply: scrapy initdb)" if pending else "")
        )
        storage = storage_from_config(config)
        listings = LocalStorage(config.listings_ref_dir)
        problems = []
        for store in (storage, listings):
            try:
                check_leaving_no_folder(store)
            except StorageError as error:
                problems.append(f"{error}: no crawl could store its files there")
        print(f"storage          {storage.describe()}" + (" (writable)" if not problems else ""))
        print(f"listings files   {listings.describe()}")
        if config.sec_budget_url:
            problem = check_reachable(config.sec_budget_url)
            reachable = " (reachable)" if problem is None else ""
            print(f"shared budget    {redact_url(config.sec_budget_url)}{reachable}")
            problems += [problem] if problem else []
        if problems:
            fail(problems)
        print("ready")


def check_leaving_no_folder(store: Storage) -> None:
    """`check_writable`, then remove the folders it had to create: preflight only looks, and a
    folder it left (an empty data/listings_ref/ beside a demo) would outlive `make clean-demo`."""
    root = store.root if isinstance(store, LocalStorage) else None
    created = [] if root is None else [p for p in (root, *root.parents) if not p.exists()]
    try:
        store.check_writable()
    finally:
        for folder in created:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
