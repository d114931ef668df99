"""Filing files in an S3 bucket (or MinIO, moto) under a key prefix, each stored by one checksummed PUT."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import uuid
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    FlexibleChecksumError,
    NoCredentialsError,
)

from filings_crawler.storage.backends import (
    PROBE_NAME,
    StorageError,
    StoredFile,
    log_replaced,
    validate_path,
)

# S3's limit on the length of a key, in UTF-8 bytes.
MAX_KEY_BYTES = 1024

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def key_prefix(storage_root: str) -> str:
    """STORAGE_ROOT as a key prefix: `./data/filings` -> `data/filings/`; `.`, `/` or `` -> ``.

    A leading `./` and leading or trailing `/` are dropped, so the local default names the same
    layout in a bucket; an empty prefix puts the files at the bucket's top. ValueError if what
    remains is not a clean relative path.
    """
    prefix = storage_root
    while prefix.startswith("./"):
        prefix = prefix[2:]
    prefix = prefix.strip("/")
    if prefix in ("", "."):
        return ""
    try:
        validate_path(prefix)
    except ValueError as error:
        raise ValueError(
            f"STORAGE_ROOT={storage_root!r} is not usable as an S3 key prefix: {error}"
        ) from error
    return prefix + "/"


class S3Storage:
    """Objects `<prefix><path>` in one bucket; credentials come from the usual AWS chain.

    The boto3 client is created on first use and shared: clients are thread-safe, sessions are
    not, so the session lives only as long as it takes to build the one client.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = key_prefix(prefix)
        self.region = region
        self.endpoint_url = endpoint_url or None
        self._client: Any = None
        self._client_lock = threading.Lock()

    def write(self, path: str, data: bytes) -> StoredFile:
        key = self._key(path)
        digest = hashlib.sha256(data)
        sha256 = digest.hexdigest()
        location = self._location(key)
        old_sha256 = self._stored_sha256(key)
        if old_sha256 == sha256:
            return StoredFile(path, sha256, len(data), "unchanged", location)
        try:
            # One PUT is atomic: readers see the old object or the new one. S3 verifies the bytes
            # against ChecksumSHA256 and refuses them (BadDigest) if they were damaged on the way.
            self.client().put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=base64.b64encode(digest.digest()).decode("ascii"),
                Metadata={"sha256": sha256},
            )
        except (ClientError, BotoCoreError) as error:
            raise self._error("PUT", key, error) from error
        if old_sha256 is None:
            return StoredFile(path, sha256, len(data), "created", location)
        log_replaced(path, location, old_sha256, sha256)
        return StoredFile(path, sha256, len(data), "replaced", location)

    def read(self, path: str) -> bytes | None:
        key = self._key(path)
        body = self._open(key)
        if body is None:
            return None
        try:
            data: bytes = body.read()
        except BotoCoreError as error:
            raise self._error("GET", key, error) from error
        finally:
            body.close()
        return data

    def digest(self, path: str) -> str | None:
        return self._digest_key(self._key(path))

    def location(self, path: str) -> str:
        return self._location(self._key(path))

    def check_writable(self) -> None:
        key = f"{self.prefix}{PROBE_NAME}-{uuid.uuid4().hex}"
        try:
            self.client().put_object(Bucket=self.bucket, Key=key, Body=b"filings_crawler\n")
        except (ClientError, BotoCoreError) as error:
            raise self._error("PUT", key, error) from error
        try:
            self.client().delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as error:
            raise self._error("DELETE", key, error) from error

    def describe(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"

    def client(self) -> Any:
        """The shared boto3 S3 client, created on first use."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self._new_client()
        return self._client

    def close(self) -> None:
        """Close the client's connections; a later call creates a new client."""
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _new_client(self) -> Any:
        config = BotoConfig(
            region_name=self.region,
            # Fail within seconds when the endpoint is down, rather than after minutes of retries.
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 2, "mode": "standard"},
            # MinIO and moto are reached by host name or IP, where bucket.host would not resolve.
            s3={"addressing_style": "path" if self.endpoint_url else "auto"},
        )
        try:
            session = boto3.session.Session()
            return session.client("s3", endpoint_url=self.endpoint_url, config=config)
        except (BotoCoreError, ValueError) as error:  # a bad profile or endpoint URL
            raise StorageError(
                f"cannot set up S3 for bucket {self.bucket!r}: {_one_line(str(error))}"
            ) from error

    def _key(self, path: str) -> str:
        key = self.prefix + validate_path(path)
        if len(key.encode("utf-8")) > MAX_KEY_BYTES:
            raise ValueError(
                f"refused storage path {path!r}: its S3 key is longer than {MAX_KEY_BYTES} bytes"
            )
        return key

    def _location(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def _stored_sha256(self, key: str) -> str | None:
        """The SHA-256 of the stored object: its `sha256` metadata, else hashed; None if absent."""
        try:
            head = self.client().head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            # A HEAD answer has no body, so a missing bucket is a bare 404 too; the PUT that follows
            # names it.
            if _status(error) == 404:
                return None
            raise self._error("HEAD", key, error) from error
        except BotoCoreError as error:
            raise self._error("HEAD", key, error) from error
        sha256 = head.get("Metadata", {}).get("sha256", "")
        if _SHA256_HEX.fullmatch(sha256):
            return str(sha256)
        # Put there by another tool: only the bytes can tell.
        return self._digest_key(key)

    def _digest_key(self, key: str) -> str | None:
        body = self._open(key)
        if body is None:
            return None
        digest = hashlib.sha256()
        try:
            for chunk in body.iter_chunks(_CHUNK):
                digest.update(chunk)
        except BotoCoreError as error:
            raise self._error("GET", key, error) from error
        finally:
            body.close()
        return digest.hexdigest()

    def _open(self, key: str) -> Any:
        """The object's body, to be read whole then closed; None if there is no such key.

        ChecksumMode makes botocore check the bytes against S3's stored checksum once the body
        is read to its end. Never read it through `with body as raw:`: botocore's StreamingBody
        hands out the raw urllib3 stream there, which skips that check.
        """
        try:
            response = self.client().get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except ClientError as error:
            if _code(error) == "NoSuchKey":
                return None
            raise self._error("GET", key, error) from error
        except BotoCoreError as error:
            raise self._error("GET", key, error) from error
        return response["Body"]

    def _error(self, action: str, key: str, error: Exception) -> StorageError:
        return StorageError(f"S3 {action} of {self._location(key)} failed: {self._cause(error)}")

    def _cause(self, error: Exception) -> str:
        """The reason in a person's words, on one line."""
        if isinstance(error, ClientError):
            code = _code(error)
            if code == "NoSuchBucket":
                return f"bucket {self.bucket!r} does not exist"
            if code in ("AccessDenied", "403", "Forbidden"):
                return f"access denied ({code}): check the AWS credentials and the bucket's policy"
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch"):
                return f"the AWS credentials were refused ({code})"
            message = error.response.get("Error", {}).get("Message") or ""
            cause = f"{code} (HTTP {_status(error)})" + (f": {message}" if message else "")
        elif isinstance(error, EndpointConnectionError | ConnectTimeoutError):
            cause = f"cannot reach the S3 endpoint {self.endpoint_url or 'of AWS'}: {error}"
        elif isinstance(error, NoCredentialsError):
            cause = (
                "no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile)"
            )
        elif isinstance(error, FlexibleChecksumError):
            cause = f"the bytes read do not match S3's checksum of them ({error})"
        else:
            cause = f"{type(error).__name__}: {error}"
        return _one_line(cause)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> int | None:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None


def _one_line(text: str) -> str:
    return " ".join(text.split())
