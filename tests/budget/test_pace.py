"""The pace of SEC's slot, driven by a fake clock: blocks, 429s and runs of server errors."""

from __future__ import annotations

import pytest

from edgar_mirror.requestlog import max_in_any_window
from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter
from filings_crawler.budget.pace import ERROR_RUN, Pace, rate_below
from tests.budget.test_limiter import FakeClock


def make_pace(rate: float = 10, recovery: float = 10.0) -> tuple[Pace, FakeClock]:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(rate, margin=0.03, clock=clock)
    backoff = Backoff(base=1.0, random_fraction=lambda: 0.5)
    return Pace(limiter, recovery_seconds=recovery, backoff=backoff, clock=clock), clock


@pytest.mark.parametrize(
    ("rate", "below"),
    [(10, 9), (7, 6), (6.5, 5), (2, 1), (1.5, 0.5), (1, 0.5), (0.5, 0.25), (0.1, 0.1)],
)
def test_one_step_below_is_one_request_fewer_per_second(rate, below):
    assert rate_below(rate) == below


def test_after_a_block_the_rate_stays_below_the_blocked_one_for_the_rest_of_the_run():
    pace, clock = make_pace()
    slowdown = pace.blocked(cooldown=25)
    assert (slowdown.pause, slowdown.rate) == (25, 5)
    assert pace.cap == 9
    assert pace.limiter.probing
    # The pause is not quiet time: the probe is answered at its end and nothing is given back.
    clock.now += 25
    pace.probe_answered()
    assert pace.answered() is None
    assert pace.rate == 5
    # Then a tenth of the limit per quiet interval, up to the cap and never past it.
    rates = []
    for _ in range(10):
        clock.now += 10
        pace.answered()
        rates.append(pace.rate)
    assert rates == [6, 7, 8, 9, 9, 9, 9, 9, 9, 9]


def test_a_second_block_lowers_the_cap_again():
    pace, _ = make_pace()
    pace.blocked(cooldown=1)
    pace.limiter.rate = 7
    pace.blocked(cooldown=1)
    assert pace.cap == 6
    assert pace.rate == 3.5
    # A block at a rate already under the cap lowers it to one step below that rate.
    pace.limiter.rate = 3
    pace.blocked(cooldown=1)
    assert pace.cap == 2


def test_a_server_that_bans_above_six_a_second_costs_two_blocks():
    """A crawl against SEC's rule at 6/s: sliding one-second window, then a ban."""
    pace, clock = make_pace(recovery=2.0)
    limiter = pace.limiter
    banned_until = 0.0
    arrivals: list[float] = []
    blocks = 0
    for _ in range(3000):
        clock.now += limiter.wait_time()
        permit = limiter.acquire()
        limiter.confirm(permit.token)
        now = clock.now
        arrivals.append(now)
        recent = [t for t in arrivals if t > now - 1.0]
        if len(recent) > 6:
            banned_until = now + 3.0
        if now < banned_until:
            blocks += 1
            pace.blocked(cooldown=4.0)
            continue
        if permit.probe:
            pace.probe_answered()
        pace.answered()
    assert blocks == 2
    assert pace.cap == 6
    # At the end the crawl runs at the cap, under the server's limit.
    assert max_in_any_window(arrivals[-500:]) <= 6


def test_a_429_pauses_and_halves_and_quiet_time_starts_after_the_pause():
    pace, clock = make_pace()
    slowdown = pace.throttled(retry_after=7)
    assert (slowdown.pause, slowdown.rate) == (7, 5)
    assert pace.cap == 10  # a 429 is not a block: the limit stays reachable
    clock.now += 9  # the pause (7 s) and 2 s more: not yet a quiet interval
    assert pace.answered() is None
    clock.now += 8
    assert pace.answered() == "rate back up to 6.0 requests/s (at most 10.0)"
    # Without Retry-After: the backoff, doubling while they go on.
    assert pace.throttled(retry_after=None).pause == 1.0
    assert pace.throttled(retry_after=None).pause == 2.0


def test_a_lone_server_error_is_a_fault_not_a_signal():
    pace, clock = make_pace()
    for _ in range(20):
        assert pace.server_error() is None
        clock.now += 0.1
        pace.answered()
        clock.now += 0.1
    assert pace.rate == 10
    assert pace.limiter.paused_for == 0


def test_a_run_of_server_errors_slows_the_slot_until_they_stop():
    pace, clock = make_pace()
    results = []
    for _ in range(ERROR_RUN):
        results.append(pace.server_error())
        clock.now += 0.2
    assert results[:-1] == [None] * (ERROR_RUN - 1)
    slowdown = results[-1]
    assert slowdown is not None
    assert slowdown.rate == 5
    # An answer that arrives during the pause (sent before it) gives nothing back yet.
    assert pace.answered() is None
    assert pace.rate == 5
    # The first good answer after the pause: the rate from before the run, at once.
    clock.now += slowdown.pause
    assert pace.answered() == "server errors stopped: back to 10.0 requests/s"
    assert pace.rate == 10


def test_errors_spread_out_or_broken_by_a_good_answer_are_no_run():
    pace, clock = make_pace()
    for _ in range(ERROR_RUN - 1):
        assert pace.server_error() is None
    pace.answered()
    for _ in range(ERROR_RUN - 1):
        assert pace.server_error() is None
        clock.now += 6  # more than ERROR_RUN_SECONDS apart
    assert pace.server_error() is None
    assert pace.rate == 10


def test_answers_to_requests_sent_before_a_slow_down_are_the_same_episode():
    pace, clock = make_pace()
    sent_before = clock.now
    clock.now += 0.5
    pace.throttled(retry_after=1)
    assert pace.is_same_episode(sent_before)
    assert not pace.is_same_episode(clock.now + 0.1)
    assert not pace.is_same_episode(None)
