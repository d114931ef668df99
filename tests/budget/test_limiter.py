"""The sliding-window limiter and the backoff, driven by a fake clock."""

from __future__ import annotations

import itertools
import random

import pytest

from edgar_mirror.requestlog import max_in_any_window
from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(limiter: SlidingWindowLimiter, clock: FakeClock, requests: int, jitter: float = 0.0):
    """Send as fast as the limiter allows, each send leaving at once; return the send times."""
    sends = []
    rng = random.Random(7)
    for _ in range(requests):
        clock.now += limiter.wait_time() + rng.uniform(0, jitter)
        assert limiter.wait_time() == 0
        limiter.confirm(limiter.acquire().token)
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


def test_a_send_counts_from_when_its_bytes_left():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.0, clock=clock)
    first = limiter.acquire()
    # Until its bytes are seen leaving, the permit counts as sent now, at every look: nobody
    # else goes, however long the write takes.
    for _ in range(3):
        clock.now += 0.2
        assert limiter.wait_time() == pytest.approx(limiter.min_spacing)
    assert limiter.unconfirmed == 1
    # It left 0.6 s after its permit; the window it opens starts then.
    limiter.confirm(first.token, clock.now)
    left = clock.now
    sends = [left, *run(limiter, clock, 9)]
    assert limiter.wait_time() == pytest.approx(left + 1.0 - clock.now)
    sends += run(limiter, clock, 20)
    assert max_in_any_window(sends) <= 10
    # Confirming again, or an unknown permit, changes nothing.
    waiting = limiter.wait_time()
    limiter.confirm(first.token, clock.now + 5)
    limiter.confirm(12345)
    assert limiter.wait_time() == waiting
    assert limiter.unconfirmed == 0


def test_writes_delayed_unevenly_never_crowd_a_second():
    # A busy machine: some writes leave at once, others up to 80 ms after their permit. Counted
    # from the permit, the quick ones would crowd the slow ones' windows; counted at the wire,
    # no second holds more than the limit.
    clock = FakeClock()
    # A microsecond of margin only against the fake clock's rounding (sums of wait times).
    limiter = SlidingWindowLimiter(10, margin=1e-6, clock=clock)
    rng = random.Random(11)
    wire = []
    for _ in range(500):
        clock.now += limiter.wait_time()
        permit = limiter.acquire()
        clock.now += rng.choice([0.0, 0.0, 0.0, rng.uniform(0, 0.08)])
        limiter.confirm(permit.token, clock.now)
        wire.append(clock.now)
    assert max_in_any_window(wire) <= 10
    assert limiter.max_in_any_second == max_in_any_window(wire)


def test_a_crawl_starts_as_if_the_last_second_had_been_full():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.03, clock=clock)
    limiter.assume_full_window()
    assert limiter.wait_time() == pytest.approx(1.03)
    clock.now += 1.03
    sends = run(limiter, clock, 30)
    assert max_in_any_window(sends) <= 10
    # The assumed sends are not the crawl's: no statistic counts them.
    assert limiter.total_sends == 30
    assert limiter.max_in_any_second <= 10


def test_the_probe_goes_alone():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    limiter.start_probing()
    probe = limiter.acquire()
    assert probe.probe
    limiter.confirm(probe.token)
    clock.now += 5
    assert limiter.wait_time() > 0  # everyone else waits for the probe's answer
    limiter.probe_done()
    assert limiter.wait_time() == 0
    assert not limiter.acquire().probe


def test_pause_holds_everything_and_an_earlier_pause_is_not_shortened():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    limiter.pause(5)
    limiter.pause(2)
    assert limiter.wait_time() == pytest.approx(5)
    clock.now += 5
    assert limiter.wait_time() == 0


def test_changing_the_rate_takes_effect_at_once():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    run(limiter, clock, 20)
    limiter.rate = 5
    sends = run(limiter, clock, 50)
    assert max_in_any_window(sends) <= 5
    limiter.rate = 0.5
    assert limiter.window == pytest.approx(2.0)
    slow = run(limiter, clock, 5)
    assert all(b - a >= 2.0 - 1e-9 for a, b in itertools.pairwise(slow))
    limiter.rate = 10
    sends = run(limiter, clock, 100)
    assert max_in_any_window(sends) <= 10


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


def test_a_released_permit_never_counted_and_a_probe_stays_to_send():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.0, clock=clock)
    held = limiter.acquire()
    # Held (the shared budget is asked meanwhile): the crawl's other requests wait for it.
    assert limiter.wait_time() > 0
    limiter.release(held)
    assert limiter.wait_time() == 0
    assert (limiter.total_sends, limiter.unconfirmed) == (0, 0)
    limiter.start_probing()
    probe = limiter.acquire()
    assert probe.probe
    limiter.release(probe)
    # The probe was not sent: the next permit is the probe.
    assert limiter.acquire().probe


def test_sends_seen_leaving_only_ever_go_up():
    # Permits given back unsent lower the permits taken, never the sends: a rate over an
    # interval read from the sends cannot come out negative (it once printed -0.02/s).
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, margin=0.0, clock=clock)
    sent = limiter.acquire()
    limiter.confirm(sent.token)
    before = limiter.confirmed_sends
    clock.now += 1
    limiter.release(limiter.acquire())
    limiter.release(limiter.acquire())
    assert limiter.confirmed_sends == before == 1
    assert limiter.total_sends == 1
