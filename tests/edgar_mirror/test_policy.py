"""The mirror's SEC policy: rate enforcement with blocks, scripted answers and blocks."""

from __future__ import annotations

import pytest

from edgar_mirror.policy import SecPolicy, Verdict


def test_over_the_rate_blocks_for_the_block_time_and_keeps_blocking_while_exceeded():
    policy = SecPolicy(enforce_rate=10, block_seconds=600)
    assert [policy.decide(t / 10) for t in range(10)] == [None] * 10  # 10 in [0, 1): fine
    assert policy.decide(0.95) == Verdict(403, block_page="rate_threshold")  # the 11th
    assert policy.violations == 1
    assert policy.decide(300.0) == Verdict(403, block_page="rate_threshold")
    assert policy.decide(600.96) is None
    assert policy.stats()["refused"] == 2


def test_exactly_the_rate_per_second_is_allowed():
    policy = SecPolicy(enforce_rate=10)
    assert all(policy.decide(n * 0.1001) is None for n in range(100))
    assert policy.violations == 0


def test_scripted_answers_and_blocks_by_request_number():
    policy = SecPolicy()
    policy.configure(
        {
            "answers": [{"at": 2, "count": 2, "status": 429, "retry_after": 1}],
            "blocks": [{"at": 5, "seconds": 2, "page": "undeclared_tool"}],
        }
    )
    verdicts = [policy.decide(t) for t in (0.0, 0.1, 0.2, 0.3, 0.4, 1.0, 2.5)]
    assert verdicts == [
        None,
        Verdict(429, retry_after=1),
        Verdict(429, retry_after=1),
        None,
        Verdict(403, block_page="undeclared_tool"),
        Verdict(403, block_page="undeclared_tool"),
        None,
    ]
    policy.reset()
    assert policy.decide(3.0) is None
    assert policy.stats()["sec_requests"] == 1


def test_a_bad_script_is_refused():
    with pytest.raises(TypeError):
        SecPolicy().configure({"answers": [{"when": 3}]})
