"""The Redis server the shared-budget tests use: 127.0.0.1:6379 (TEST_REDIS_URL to change it).

Where none runs, those tests are skipped, unless REQUIRE_REDIS=1 (CI), where they must run."""

from __future__ import annotations

import os

import pytest

from filings_crawler.budget.shared import check_reachable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> str:
    """The test Redis URL; a skip (or, with REQUIRE_REDIS=1, a failure) where it is not up."""
    problem = check_reachable(REDIS_URL)
    if problem is not None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(problem)
        pytest.skip(problem)
    return REDIS_URL
