"""Why a request failed, in a few words, and whether asking again later could change the answer.

A *lasting* failure is SEC's own answer about the file (a 404, a 403 that is no block page, a
body over DOWNLOAD_MAXSIZE, bytes that are not the file asked for): asked again, the same
answer comes back, so it is recorded as failed with its reason and the crawl is done with it.
Anything else (a reset, a truncated body, a timeout, a 5xx or 429 through every retry) is
*transient*: the work is still due, and the crawl that met it ends incomplete and says so, for the
next run to finish. The statuses Scrapy's RetryMiddleware retries are the transient ones.
"""

from __future__ import annotations

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.settings.default_settings import RETRY_HTTP_CODES
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

TRANSIENT_STATUSES = frozenset(RETRY_HTTP_CODES)


def failure_status(failure: Failure) -> int | None:
    """The HTTP status a failed request got, if it got one."""
    if failure.check(HttpError):
        return int(failure.value.response.status)  # type: ignore[union-attr]
    return None


def failure_reason(failure: Failure) -> str:
    """A short reason for a failed request: `HTTP 404`, or the error's message."""
    if (status := failure_status(failure)) is not None:
        return f"HTTP {status}"
    return failure.getErrorMessage() or type(failure.value).__name__


def is_lasting(failure: Failure) -> bool:
    """Whether SEC would answer the same again (see the module's docstring)."""
    if (status := failure_status(failure)) is not None:
        return is_lasting_status(status)
    return is_lasting_error(failure.value)


def is_lasting_status(status: int) -> bool:
    return status >= 400 and status not in TRANSIENT_STATUSES


def is_lasting_error(error: BaseException | None) -> bool:
    """An exception of a download: a body over DOWNLOAD_MAXSIZE (cancelled as it came, or
    ignored as it was decompressed) is SEC's lasting answer; so is a request the crawl refuses
    to send (a host that is not SEC's)."""
    return isinstance(error, DownloadCancelledError | IgnoreRequest)
