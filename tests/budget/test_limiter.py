"""The sliding-window limiter and the backoff, driven by a fake clock."""

from __future__ import annotations

import random

import pytest

from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter
from filings_crawler.mirror.requestlog import max_in_any_window


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(limiter: SlidingWindowLimiter, clock: FakeClock, requests: int, jitter: float = 0.0):
    """Send as fast as the limiter allows; return the send times."""
    sends = []
    rng = random.Random(7)
    for _ in range(requests):
        clock.now += limiter.wait_time() + rng.uniform(0, jitter)
        assert limiter.wait_time() == 0
        limiter.record_send()
        sends.append(clock.now)
    return sends


@pytest.mark.parametrize("rate", [10, 7, 2.5, 1, 0.5])
@pytest.mark.parametrize("jitter", [0.0, 0.013])
def test_no_second_ever_holds_more_than_the_rate(rate, jitter):
    clock = FakeClock()
    limiter = SlidingWindowLimiter(rate, margin=0.0, clock=clock)
    sends = run(limiter, clock, 300, jitter)
    assert max_in_any_window(sends) <= max(1, int(rate))
    assert limiter.max_in_any_second == max_in_any_window(sends)


def test_the_budget_is_used_fully():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.03, clock=clock)
    sends = run(limiter, clock, 1001)
    rate = (len(sends) - 1) / (sends[-1] - sends[0])
    assert rate == pytest.approx(10 / 1.03, rel=0.01)
    assert limiter.mean_rate() == pytest.approx(rate)


def test_margin_keeps_the_limit_when_arrivals_are_closer_than_sends():
    # A request that leaves on time but arrives late, then one that arrives early: the margin
    # absorbs up to its size of such jitter.
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.03, clock=clock)
    sends = run(limiter, clock, 200)
    rng = random.Random(3)
    arrivals = [t + rng.uniform(0, 0.029) for t in sends]
    assert max_in_any_window(arrivals) <= 10


def test_a_send_that_left_late_counts_from_when_it_left():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.0, clock=clock)
    sends = run(limiter, clock, 10)
    # The first left 40 ms after it was recorded (a stalled reactor), still before the second:
    # the window it opens closes 40 ms later, so the eleventh cannot share a second with it.
    clock.now = sends[0] + 0.040
    limiter.sent_later(sends[0])
    clock.now = sends[-1]
    assert limiter.wait_time() == pytest.approx(sends[0] + 0.040 + 1.0 - sends[-1])
    arrivals = [sends[0] + 0.040, *sends[1:]]
    arrivals += run(limiter, clock, 20)
    assert max_in_any_window(arrivals) <= 10
    # An unknown or not-later time changes nothing.
    waiting = limiter.wait_time()
    limiter.sent_later(12.5)
    limiter.sent_later(clock.now + 5)
    assert limiter.wait_time() == waiting


def test_pause_holds_everything_and_an_earlier_pause_is_not_shortened():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    limiter.pause(5)
    limiter.pause(2)
    assert limiter.wait_time() == pytest.approx(5)
    clock.now += 5
    assert limiter.wait_time() == 0


def test_slow_down_and_speed_up_stay_within_bounds():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    limiter.slow_down()
    assert limiter.rate == 5
    for _ in range(10):
        limiter.slow_down()
    assert limiter.rate == 0.5
    assert limiter.window == pytest.approx(2.0)
    for _ in range(30):
        limiter.speed_up()
    assert limiter.rate == 10
    sends = run(limiter, clock, 100)
    assert max_in_any_window(sends) <= 10


def test_lowering_the_rate_takes_effect_at_once():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    run(limiter, clock, 20)
    limiter.slow_down()
    sends = run(limiter, clock, 50)
    assert max_in_any_window(sends) <= 5


def test_a_rate_of_zero_is_refused():
    with pytest.raises(ValueError, match="rate must be > 0"):
        SlidingWindowLimiter(0)


def test_backoff_doubles_with_jitter_and_resets():
    backoff = Backoff(base=1.0, cap=8.0, random_fraction=lambda: 0.5)
    assert [backoff.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    backoff.reset()
    assert backoff.next_delay() == 1.0
    low = Backoff(base=1.0, random_fraction=lambda: 0.0)
    high = Backoff(base=1.0, random_fraction=lambda: 0.999)
    assert low.next_delay() == 0.5
    assert high.next_delay() == pytest.approx(1.499)
