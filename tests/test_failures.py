"""Whether a failed request is SEC's lasting answer or worth asking again later."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionLost, TimeoutError
from twisted.python.failure import Failure

from filings_crawler.failures import failure_reason, is_lasting, is_lasting_status


def http_failure(status: int) -> Failure:
    response = Response("https://data.sec.gov/x.json", status=status, request=Request("https://x"))
    return Failure(HttpError(response, "Ignoring non-200 response"))


@pytest.mark.parametrize(("status", "lasting"), [(404, True), (403, True), (410, True)])
def test_sec_s_own_answers_about_a_file_are_lasting(status, lasting):
    failure = http_failure(status)
    assert is_lasting(failure) is lasting
    assert failure_reason(failure) == f"HTTP {status}"


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 408])
def test_throttling_and_server_errors_are_transient(status):
    assert not is_lasting(http_failure(status))
    assert not is_lasting_status(status)


@pytest.mark.parametrize(
    "error",
    [ConnectionLost("reset"), TimeoutError("slow"), ResponseDataLossError("truncated")],
)
def test_network_faults_and_truncations_are_transient(error):
    assert not is_lasting(Failure(error))


def test_a_body_over_the_size_cap_is_lasting():
    failure = Failure(DownloadCancelledError("larger than download max size"))
    assert is_lasting(failure)
    assert failure_reason(failure) == "larger than download max size"


def test_a_body_inflated_over_the_size_cap_is_lasting_too():
    failure = Failure(IgnoreRequest("exceeded DOWNLOAD_MAXSIZE (1048576 B) during decompression"))
    assert is_lasting(failure)
