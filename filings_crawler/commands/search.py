"""`scrapy search "phrase"`: the stored sections that best match, with a highlighted snippet.

PostgreSQL full-text search over `sections.search` (English, web-search syntax: quoted phrases,
`or`, `-word`), best first: company, form, filing date, accession, Item and a snippet with the
matching words between « ».
"""

from __future__ import annotations

import argparse
from datetime import date

from scrapy.exceptions import UsageError

from filings_crawler.cli import ExchangeCommand
from filings_crawler.db.sections import SPLIT_FORMS, search_sections
from filings_crawler.sec.sections import FORMS


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return '"phrase" [--item 1A] [--form 10-K|10-Q] [--since YYYY-MM-DD] [--exchange X] [--limit N]'

    def short_desc(self) -> str:
        return "Full-text search over the Items of stored 10-Ks and 10-Qs"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("phrase", nargs="?", help="what to look for")
        parser.add_argument("--item", help="only this Item (1A, 7, II-1A ...)")
        parser.add_argument("--form", help="10-K or 10-Q (amendments included)")
        parser.add_argument("--since", help="only filings filed on or after this date")
        parser.add_argument("--limit", type=int, default=10, help="hits shown (default 10)")

    def check_options(self, opts: argparse.Namespace) -> None:
        if not opts.phrase or not opts.phrase.strip():
            raise UsageError('a phrase is required: scrapy search "supply chain"', print_help=False)
        items = {item for names in FORMS.values() for item in names}
        if opts.item is not None and opts.item.upper() not in items:
            raise UsageError(
                f"--item {opts.item!r}: not an Item of a 10-K or 10-Q", print_help=False
            )
        form = opts.form.upper() if opts.form else None
        if form is not None and form not in SPLIT_FORMS:
            raise UsageError(f"--form {opts.form!r}: the forms are 10-K, 10-Q", print_help=False)
        try:
            opts.since = date.fromisoformat(opts.since) if opts.since else None
        except ValueError as error:
            problem = f"--since {opts.since!r} is not a date (YYYY-MM-DD)"
            raise UsageError(problem, print_help=False) from error
        if opts.limit < 1:
            raise UsageError(f"--limit {opts.limit}: at least 1", print_help=False)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        form = opts.form.upper() if opts.form else None
        with self.engine.connect() as conn:
            hits = search_sections(
                conn,
                opts.phrase,
                item=opts.item.upper() if opts.item else None,
                form=form.removesuffix("/A") if form else None,
                since=opts.since,
                exchanges=self.exchanges(opts),
                limit=opts.limit,
            )
        for hit in hits:
            print(
                f"{hit.company} | {hit.form} {hit.filing_date} {hit.accession_number} | "
                f"Item {hit.item}: {hit.heading}"
            )
            print("    " + " ".join(hit.snippet.split()))
        print(f"{len(hits)} hit(s)")
