"""The sliding-window rate limit and its backoff state, as plain code with an injectable clock."""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """Allows at most `rate` request starts in any window of one second, counting real send times.

    A fixed delay between requests cannot be both safe and full: measured against a server that
    counts arrivals in a sliding second, 0.100 s let 11 requests into one window and 0.105 s used
    only 94.5% of the budget. So this keeps the send times of the last `k` requests and lets the
    next one go only when the k-th most recent is at least `window` seconds old; then no window of
    one second can hold more than `k`. `margin` widens the window a little, because requests do
    not reach the server exactly as far apart as they left: with it the limit holds despite that
    jitter, at the cost of margin/(1 + margin) of the budget.

    Within a window requests are also kept at least half an even interval apart, so a full
    window is never sent in one instant: a burst would put several requests on the wire before
    the first answer could say "blocked".

    A rate below 1 means one request per 1/rate seconds. The rate can be lowered (backoff) and
    raised back to its ceiling; the send log is the same, so a change takes effect at once.
    After a block, `start_probing` lets exactly one request through and holds the rest until
    `probe_done`: SEC sees one request, not a queue of them, while it may still be blocking.
    """

    def __init__(
        self, rate: float, *, margin: float = 0.0, clock: Callable[[], float] = time.monotonic
    ):
        if rate <= 0:
            raise ValueError(f"rate must be > 0, got {rate}")
        self.ceiling = rate
        self.rate = rate
        self.margin = margin
        self.clock = clock
        self.paused_until = 0.0
        self._sends: deque[float] = deque()
        # Sends within the last second, to report the busiest second actually sent.
        self._last_second: deque[float] = deque()
        self.max_in_any_second = 0
        self.total_sends = 0
        self.first_send: float | None = None
        self.last_send: float | None = None
        self.probing = False
        self.probe_in_flight = False

    @property
    def burst(self) -> int:
        """How many sends one window may hold."""
        return max(1, math.floor(self.rate + 1e-9))

    @property
    def window(self) -> float:
        return (1.0 if self.rate >= 1 else 1.0 / self.rate) + self.margin

    @property
    def min_spacing(self) -> float:
        return self.window / self.burst / 2

    def wait_time(self) -> float:
        """Seconds until a request may start (0 when it may start now)."""
        now = self.clock()
        wait = self.paused_until - now
        if self._sends:
            wait = max(wait, self._sends[-1] + self.min_spacing - now)
        if len(self._sends) >= self.burst:
            kth_most_recent = self._sends[-self.burst]
            wait = max(wait, kth_most_recent + self.window - now)
        if self.probe_in_flight:
            # Nobody else goes until the probe's answer is in; look again shortly.
            wait = max(wait, 0.05)
        return max(0.0, wait)

    def record_send(self) -> bool:
        """Count a request that starts now; True if it is the probe after a block."""
        now = self.clock()
        self._sends.append(now)
        # Only the last `burst` sends decide; keep a few more in case the rate is raised.
        while len(self._sends) > max(self.burst, math.ceil(self.ceiling)) + 1:
            self._sends.popleft()
        self._last_second.append(now)
        while self._last_second and self._last_second[0] <= now - 1.0:
            self._last_second.popleft()
        self.max_in_any_second = max(self.max_in_any_second, len(self._last_second))
        self.total_sends += 1
        if self.first_send is None:
            self.first_send = now
        self.last_send = now
        if self.probing:
            self.probing = False
            self.probe_in_flight = True
            return True
        return False

    def sent_later(self, recorded: float) -> None:
        """The send recorded at `recorded` only reached the wire now: it counts from now.

        A request can leave well after the limiter let it go: its connection may still have to
        be opened, and a busy reactor gets to the socket late. Counted from its recorded time,
        the window it opens would close too early (measured: a crawl's first request, on a new
        connection, left 600 ms late and put 11 arrivals into one second).
        """
        now = self.clock()
        if now <= recorded or recorded not in self._sends:
            return
        self._sends = deque(sorted(now if sent == recorded else sent for sent in self._sends))
        if self.last_send == recorded:
            self.last_send = now

    def start_probing(self) -> None:
        """The next request is a probe: the one after it waits for `probe_done`."""
        self.probing = True
        self.probe_in_flight = False

    def probe_done(self) -> None:
        """The probe was answered (not blocked): requests flow again at the current rate."""
        self.probe_in_flight = False

    def mean_rate(self) -> float:
        """Requests started per second between the first and the last start."""
        if self.first_send is None or self.last_send is None or self.total_sends < 2:
            return 0.0
        return (self.total_sends - 1) / max(self.last_send - self.first_send, 1e-9)

    def pause(self, seconds: float) -> None:
        """No request starts for `seconds` from now (an earlier, longer pause stands)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self.paused_until - self.clock())

    def slow_down(self, factor: float = 0.5, floor: float = 0.5) -> None:
        self.rate = max(floor, min(self.rate, self.ceiling) * factor)

    def speed_up(self, step: float = 1.0) -> None:
        self.rate = min(self.ceiling, self.rate + step)


class Backoff:
    """Exponential backoff with jitter for throttling answers (429/503) without a Retry-After."""

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 120.0,
        random_fraction: Callable[[], float] = random.random,
    ):
        self.base = base
        self.cap = cap
        self.random_fraction = random_fraction
        self.consecutive = 0

    def next_delay(self) -> float:
        """The pause after one more throttling answer in a row: base * 2^n, jittered by +-50%."""
        delay = min(self.cap, self.base * 2**self.consecutive)
        self.consecutive += 1
        return delay * (0.5 + self.random_fraction())

    def reset(self) -> None:
        self.consecutive = 0
