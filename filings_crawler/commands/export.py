"""`scrapy export --format parquet|fsds --out DIR`: the dataset as Parquet files
(filings_crawler/export.py) or in SEC's Financial Statement Data Sets layout, a zip per quarter
(filings_crawler/fsds_export.py)."""

from __future__ import annotations

import argparse
from datetime import date

from scrapy.exceptions import UsageError

from filings_crawler.cli import EXIT_STOPPED, ExchangeCommand, fail
from filings_crawler.export import export_parquet
from filings_crawler.fsds_export import export_fsds
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage, StorageError
from filings_crawler.storage.local import LocalStorage

FORMATS = ("parquet", "fsds")


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return "--format parquet|fsds --out DIR [--exchange NYSE[,NASDAQ]] [--since YYYY-MM-DD]"

    def short_desc(self) -> str:
        return "Export the dataset as Parquet (DuckDB, pandas...) or as SEC's data sets (fsds)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--format",
            default="parquet",
            help="parquet (default), or fsds: a zip per quarter as SEC's Financial Statement Data Sets",
        )
        parser.add_argument(
            "--out", help="folder (with STORAGE_BACKEND=s3: key prefix in S3_BUCKET)"
        )
        parser.add_argument("--since", help="only filings filed on or after this date")

    def check_options(self, opts: argparse.Namespace) -> None:
        if opts.format not in FORMATS:
            formats = ", ".join(FORMATS)
            raise UsageError(
                f"--format {opts.format!r}: the formats are {formats}", print_help=False
            )
        if not opts.out:
            raise UsageError(
                "--out is required: the folder for the exported files", print_help=False
            )
        try:
            opts.since = date.fromisoformat(opts.since) if opts.since else None
        except ValueError as error:
            problem = f"--since {opts.since!r} is not a date (YYYY-MM-DD)"
            raise UsageError(problem, print_help=False) from error

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        since = opts.since
        exchanges = self.exchanges(opts)
        storage = self.destination(opts.out)
        try:
            storage.check_writable()
        except StorageError as error:
            fail([f"{error}: nothing exported (check --out and its rights)"])
        try:
            with self.engine.connect() as conn:
                dataset = storage_from_config(self.config)
                if opts.format == "fsds":
                    result = export_fsds(conn, dataset, storage, exchanges=exchanges, since=since)
                else:
                    result = export_parquet(
                        conn, storage, dataset=dataset, exchanges=exchanges, since=since
                    )
        except StorageError as error:
            # Each file is whole or absent: what was written stays, a rerun finishes the rest.
            fail([f"export stopped: {error}"], status=EXIT_STOPPED)
        print(f"exported to {storage.describe()}")
        for table, rows in result.rows.items():
            print(f"  {table:<10} {rows:>10} rows")
        files = ", ".join(f"{count} {outcome}" for outcome, count in sorted(result.files.items()))
        print(f"  files: {files or 'none'}")
        for problem in result.problems:
            print(f"  not exported: {problem}")

    def destination(self, out: str) -> Storage:
        config = self.config
        if config.storage_backend == "s3":
            from filings_crawler.storage.s3 import S3Storage  # noqa: PLC0415

            return S3Storage(
                bucket=config.s3_bucket,
                prefix=out.strip("/"),
                region=config.s3_region,
                endpoint_url=config.aws_endpoint_url or None,
            )
        return LocalStorage(out)
