"""`scrapy verify`: recomputes the SHA-256 of every stored file and compares it with `artifacts`."""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from filings_crawler.cli import ExchangeCommand
from filings_crawler.db.maintenance import StoredArtifact, mark_for_refetch, stored_artifacts
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage, StorageError

# Files hashed at once: reading is I/O-bound (disk or S3), so threads overlap it.
WORKERS = 8


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return "[--exchange NYSE[,NASDAQ]] [--fix]"

    def short_desc(self) -> str:
        return "Check every stored file against its SHA-256; --fix requeues missing or altered ones"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--fix", action="store_true", help="requeue missing or altered files for download"
        )

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        exchanges = self.exchanges(opts)
        storage = storage_from_config(self.config)
        print(f"verifying files in {storage.describe()}")
        problems: dict[int, str] = {}
        checked = 0
        with self.engine.connect() as conn, ThreadPoolExecutor(WORKERS) as pool:
            for batch in stored_artifacts(conn, exchanges):
                for artifact, problem in zip(
                    batch, pool.map(lambda a: check(storage, a), batch), strict=True
                ):
                    checked += 1
                    if problem:
                        problems[artifact.id] = problem
                        print(f"  {problem}: {storage.location(artifact.storage_path)}")
        print(f"{checked} stored file(s) checked, {len(problems)} missing or altered")
        if problems and opts.fix:
            with self.engine.begin() as conn:
                mark_for_refetch(conn, problems)
            print(f"requeued {len(problems)}; run `scrapy crawl documents` to fetch them again")
        elif problems:
            print("run `scrapy verify --fix` to requeue them")
            self.exitcode = 1


def check(storage: Storage, artifact: StoredArtifact) -> str | None:
    """Why the stored file does not match its record, or None when it does."""
    try:
        digest = storage.digest(artifact.storage_path)
    except StorageError as error:
        return f"unreadable ({error})"
    if digest is None:
        return "missing"
    if digest != artifact.sha256:
        return f"altered (sha256 {digest[:12]}…, recorded {artifact.sha256[:12]}…)"
    return None
