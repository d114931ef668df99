"""`scrapy sections`: the Items of stored 10-Ks and 10-Qs, or of one local document.

- `scrapy sections [--exchange X] [--again]` splits the stored filings not split yet (all with
  `--again`) into `sections`, from the store: resumable and idempotent like `scrapy facts`.
- `scrapy sections --file PATH --form 10-K|10-Q` splits one local document (.htm or .htm.gz)
  and prints one JSON line per Item, without the database and without a request.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand

from filings_crawler.cli import ExchangeCommand, fail
from filings_crawler.derived import derive_stored, tally
from filings_crawler.sec.sections import FORMS, split_document
from filings_crawler.sections import SECTIONS
from filings_crawler.storage import storage_from_config


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return "[--exchange NYSE[,NASDAQ]] [--again] | --file PATH --form 10-K|10-Q"

    def short_desc(self) -> str:
        return "Split stored 10-Ks and 10-Qs into their Items (or one local file, as JSON lines)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--again", action="store_true", help="split every stored filing again")
        parser.add_argument("--file", help="a local 10-K or 10-Q document (.htm, .htm.gz)")
        parser.add_argument("--form", help="with --file: 10-K or 10-Q (or 10-K/A, 10-Q/A)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.file is None and opts.form is None:
            super().process_options(args, opts)  # the stored filings: the database is needed
            return
        ScrapyCommand.process_options(self, args, opts)  # one local file: no database

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.file is None and opts.form is None:
            super().run(args, opts)
            return
        if args:
            fail(
                [
                    f"scrapy sections does not take {' '.join(args)}; `scrapy sections -h` lists its options"
                ]
            )
        split_file(opts)

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        exchanges = self.exchanges(opts)
        storage = storage_from_config(self.config)
        count, results = derive_stored(
            self.engine, SECTIONS, storage, exchanges=exchanges, again=opts.again
        )
        print(f"{count} stored 10-K/10-Q filing(s) to split")
        split, items, refused = tally(results)
        print(f"split {split} filing(s), {items} Items found; {refused} refused (reason recorded)")
        if refused:
            self.exitcode = 1


def split_file(opts: argparse.Namespace) -> None:
    """One local document's Items on stdout; bad arguments refused with one line (exit 2)."""
    if not opts.file:
        fail(["--file is required with --form: the 10-K or 10-Q document to split"])
    if opts.again or opts.exchange:
        fail(["--again and --exchange are for stored filings, not with --file"])
    form = (opts.form or "").upper()
    if form.removesuffix("/A") not in FORMS:
        fail([f"--form {opts.form!r}: the forms are 10-K, 10-Q (and 10-K/A, 10-Q/A)"])
    path = Path(opts.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        fail([f"--file {opts.file}: cannot be read ({error.strerror or error})"])
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            fail([f"--file {opts.file}: not a gzip file ({error})"])
    for section in split_document(data, form, path.name.removesuffix(".gz")):
        sys.stdout.write(json.dumps(dataclasses.asdict(section), ensure_ascii=False) + "\n")
