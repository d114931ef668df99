"""The file store: filing files on local disk or in S3, behind one small interface (backends.py).

`storage_from_config` picks the backend STORAGE_BACKEND names; layout.py says where each file
goes; atomic.py how a file is written on disk.
"""

from __future__ import annotations

from filings_crawler.config import Config
from filings_crawler.storage.backends import Storage
from filings_crawler.storage.local import LocalStorage


def storage_from_config(config: Config) -> Storage:
    """The backend named by STORAGE_BACKEND: `local` (disk under STORAGE_ROOT) or `s3` (S3_BUCKET)."""
    if config.storage_backend == "local":
        return LocalStorage(config.storage_root)
    if config.storage_backend == "s3":
        # Imported here: boto3 loads only when S3 is used.
        from filings_crawler.storage.s3 import S3Storage  # noqa: PLC0415

        return S3Storage(
            bucket=config.s3_bucket,
            prefix=config.storage_root,
            region=config.s3_region,
            endpoint_url=config.aws_endpoint_url or None,
        )
    raise ValueError(
        f"STORAGE_BACKEND={config.storage_backend!r} is not a storage backend: use local or s3"
    )
