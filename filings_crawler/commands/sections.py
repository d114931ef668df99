"""`scrapy sections --file PATH --form 10-K|10-Q`: one local document's Items as JSON lines.

Splits the document with sec/sections (no database, no request): one JSON object per Item of
the form, found or not, in the form's order, on stdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand

from filings_crawler.cli import fail
from filings_crawler.sec.sections import FORMS, split_document


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "--file PATH --form 10-K|10-Q"

    def short_desc(self) -> str:
        return "Split a 10-K or 10-Q into its Items (one JSON line per Item)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--file", help="a 10-K or 10-Q HTML document (.htm, or .htm.gz)")
        parser.add_argument("--form", help="10-K or 10-Q (amendments: 10-K/A, 10-Q/A)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            fail(
                [
                    f"scrapy sections does not take {' '.join(args)}; `scrapy sections -h` lists its options"
                ]
            )
        if not opts.file:
            fail(["--file is required: the 10-K or 10-Q document to split"])
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
