"""`scrapy verify`: recomputes the SHA-256 of every stored file and compares it with `artifacts`."""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from filings_crawler.cli import ExchangeCommand, fail
from filings_crawler.db.maintenance import (
    StoredArtifact,
    mark_for_refetch,
    sample_stored_artifacts,
    stored_artifacts,
)
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import CHECK_STORAGE_ROOT, Storage, StorageError

# Files hashed at once: reading is I/O-bound (disk or S3), so threads overlap it.
WORKERS = 8

# Before the full verify, a sample of the recorded files drawn at random over the dataset is
# looked for. A wrong STORAGE_ROOT (or bucket, or a disk not mounted) holds none of them, and the
# full verify would then list every file as missing and --fix would queue the whole dataset
# again. A store that really lost files still holds most of the rest, so the rule is: refuse
# when fewer than one sampled file in SAMPLE_HELD_SHARE is there. A store that lost nine files in
# ten is no case for --fix to requeue on its own either: a person should look at it first.
SAMPLE_SIZE = 50
SAMPLE_HELD_SHARE = 10


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
        with self.engine.connect() as conn:
            sample = sample_stored_artifacts(conn, SAMPLE_SIZE, exchanges)
        if problem := wrong_store(storage, sample):
            fail([problem])
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


def wrong_store(storage: Storage, sample: list[StoredArtifact]) -> str | None:
    """Why `storage` is not the store of the sampled artifacts' files, or None when it may be."""
    with ThreadPoolExecutor(WORKERS) as pool:
        held = sum(pool.map(lambda artifact: holds(storage, artifact), sample))
    if not sample or held * SAMPLE_HELD_SHARE >= len(sample):
        return None
    return (
        f"{storage.describe()} holds {held} of {len(sample)} recorded files sampled: it is not "
        f"this dataset's store, and --fix would queue every file again ({CHECK_STORAGE_ROOT})"
    )


def holds(storage: Storage, artifact: StoredArtifact) -> bool:
    """Whether the store has a file at the artifact's path (altered or not): it is its store."""
    try:
        return storage.digest(artifact.storage_path) is not None
    except StorageError:
        return False


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
