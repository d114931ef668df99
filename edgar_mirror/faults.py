"""Seeded fault injection for the EDGAR mirror: which requests fail, how, and how often."""

from __future__ import annotations

import math
import random
import re
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

ERROR = "error"
RESET = "reset"
TRUNCATE = "truncate"
SLOW = "slow"
GZIP_BOMB = "gzip_bomb"
NOT_FOUND = "not_found"
# SEC's block page (403, "Request Rate Threshold Exceeded"), for one request: a block as a fault.
BLOCK = "block"
# Random faults are drawn in this order, each taking the next slice of [0, 1).
RANDOM_FAULTS = (ERROR, RESET, TRUNCATE, SLOW)
FAULT_KINDS = (*RANDOM_FAULTS, GZIP_BOMB, NOT_FOUND, BLOCK)

# Kept in step with responder.SEC_HOSTS (a test checks); importing it would be circular.
DEFAULT_HOSTS = frozenset({"www.sec.gov", "data.sec.gov"})
MIRRORED_HOSTS = DEFAULT_HOSTS | {"www.nasdaqtrader.com"}
DEFAULT_GZIP_BOMB_BYTES = 600 * 1000 * 1000
# Rates given as decimals (0.1 + 0.2 ...) may sum to 1 plus a rounding error; that is still 1.
_RATE_SUM_TOLERANCE = 1e-9
_ZEROS = bytes(1 << 20)


@dataclass(frozen=True)
class AimedFault:
    """A fault aimed at one kind of request: those whose path (`/host/path...`) matches `path`, a
    regular expression searched in it.

    With `times`, the first `times` requests for each such URL get the fault and the next ones are
    answered normally: each retry meets SEC as it recovers, so a crawl that retries loses nothing
    and one that drops a retry is caught. With `rate`, that fraction of them gets it (drawn from
    a generator of its own, seeded from the plan's seed, so the plan's random faults stay as they
    were). `status` is an error's (default 503); a slow answer waits the plan's `slow_seconds`.
    """

    path: str
    kind: str
    times: int = 0
    rate: float = 0.0
    status: int = 503
    # At most this many faults from the rule in all (0: no cap): SEC's block page on the first
    # request of a kind, say, without a block for every URL.
    limit: int = 0

    def __post_init__(self) -> None:
        try:
            re.compile(self.path)
        except (re.error, TypeError) as error:
            raise ValueError(
                f"aimed path must be a regular expression, not {self.path!r}"
            ) from error
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"aimed kind must be one of {', '.join(FAULT_KINDS)}, not {self.kind!r}"
            )
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 0:
            raise ValueError(f"aimed times must be an integer >= 0, not {self.times!r}")
        if not _is_number(self.rate) or not 0 <= self.rate <= 1:
            raise ValueError(f"aimed rate must be a number within [0, 1], not {self.rate!r}")
        if (self.times > 0) == (self.rate > 0):
            raise ValueError(f"an aimed fault takes times or rate, one of them: {self.path!r}")
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 0:
            raise ValueError(f"aimed limit must be an integer >= 0, not {self.limit!r}")
        if not isinstance(self.status, int) or not 400 <= self.status <= 599:
            raise ValueError(f"aimed status must be an HTTP error status, not {self.status!r}")


@dataclass(frozen=True)
class FaultPlan:
    """How the mirror misbehaves: random fault rates, the seed they are drawn with, fixed faults.

    Each request to one of `hosts` draws once from a `random.Random(seed)`; the rates are
    cumulative slices of that draw, so a request gets at most one random fault. `overrides` maps
    a URL path (`/www.sec.gov/Archives/...`) to the fault every request for it gets.
    """

    seed: int = 0
    error_rate: float = 0.0
    reset_rate: float = 0.0
    truncate_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    hosts: frozenset[str] = DEFAULT_HOSTS
    overrides: dict[str, str] = field(default_factory=dict)
    gzip_bomb_bytes: int = DEFAULT_GZIP_BOMB_BYTES
    # Faults aimed at kinds of requests, on any mirrored host; the first rule that strikes a
    # request decides (so a block once, then truncations twice, can be aimed at one URL).
    aimed: tuple[AimedFault, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be an integer, not {self.seed!r}")
        for name in ("error_rate", "reset_rate", "truncate_rate", "slow_rate"):
            rate = getattr(self, name)
            if not _is_number(rate) or not 0 <= rate <= 1:
                raise ValueError(f"{name} must be a number within [0, 1], not {rate!r}")
        total = sum(self.rates())
        if total > 1 + _RATE_SUM_TOLERANCE:
            raise ValueError(
                "error_rate + reset_rate + truncate_rate + slow_rate must not exceed 1, "
                f"not {total:g}"
            )
        if not _is_number(self.slow_seconds) or not 0 <= self.slow_seconds < math.inf:
            raise ValueError(f"slow_seconds must be a number >= 0, not {self.slow_seconds!r}")
        if not self.error_statuses or not all(
            isinstance(status, int) and 400 <= status <= 599 for status in self.error_statuses
        ):
            raise ValueError(
                f"error_statuses must be HTTP error statuses (400-599), not {self.error_statuses!r}"
            )
        unknown_hosts = set(self.hosts) - MIRRORED_HOSTS
        if isinstance(self.hosts, str) or unknown_hosts:
            raise ValueError(
                f"hosts must be among {sorted(MIRRORED_HOSTS)}, not {sorted(unknown_hosts)!r}"
            )
        for path, kind in self.overrides.items():
            if not isinstance(path, str) or not path.startswith("/"):
                raise ValueError(f"overrides keys must be URL paths starting with /, not {path!r}")
            if kind not in FAULT_KINDS:
                raise ValueError(
                    f"overrides[{path!r}] must be one of {', '.join(FAULT_KINDS)}, not {kind!r}"
                )
        if isinstance(self.gzip_bomb_bytes, bool) or not isinstance(self.gzip_bomb_bytes, int):
            raise ValueError(f"gzip_bomb_bytes must be an integer, not {self.gzip_bomb_bytes!r}")
        if self.gzip_bomb_bytes <= 0:
            raise ValueError(f"gzip_bomb_bytes must be positive, not {self.gzip_bomb_bytes}")

    def rates(self) -> tuple[float, float, float, float]:
        """The random fault rates in drawing order: error, reset, truncate, slow."""
        return (self.error_rate, self.reset_rate, self.truncate_rate, self.slow_rate)

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> FaultPlan:
        """A plan from JSON-like settings (the control API's `"faults"` object, CLI options).

        Lists become the tuple and set fields; an unknown name is refused rather than ignored,
        so a typo cannot silently leave a test running without its faults.
        """
        if not isinstance(settings, Mapping):
            raise ValueError(f"faults must be an object, not {settings!r}")
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(map(str, unknown))}")
        values = dict(settings)
        if "error_statuses" in values:
            values["error_statuses"] = tuple(_sequence("error_statuses", values["error_statuses"]))
        if "hosts" in values:
            values["hosts"] = frozenset(_sequence("hosts", values["hosts"]))
        if "aimed" in values:
            values["aimed"] = tuple(_aimed(rule) for rule in _sequence("aimed", values["aimed"]))
        if "overrides" in values:
            if not isinstance(values["overrides"], Mapping):
                raise ValueError(f"overrides must be an object, not {values['overrides']!r}")
            values["overrides"] = dict(values["overrides"])
        return cls(**values)


@dataclass(frozen=True)
class Fault:
    """One injected fault: its kind, the status of an error, the delay of a slow answer."""

    kind: str
    status: int | None = None
    delay: float = 0.0


class FaultInjector:
    """Draws faults for a `FaultPlan` under a lock, in the order requests reach it, and counts them.

    The plan given at construction (the CLI's) is the one `reset` returns to; `configure` (a
    script) replaces it until then, as SecPolicy's scripts last until a reset.
    """

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._lock = threading.Lock()
        self._initial_plan = plan if plan is not None else FaultPlan()
        self._install(self._initial_plan)
        self._counts = dict.fromkeys(FAULT_KINDS, 0)
        self._aimed_counts: Counter[str] = Counter()

    def _install(self, plan: FaultPlan) -> None:
        self._plan = plan
        self._overrides = _normalized(plan.overrides)
        self._random = _generator(plan.seed)
        self._aimed = [(re.compile(rule.path), rule) for rule in plan.aimed]
        self._aimed_random = _generator(plan.seed + 1_000_003)
        self._aimed_seen: Counter[tuple[int, str]] = Counter()
        self._aimed_struck: Counter[int] = Counter()

    @property
    def plan(self) -> FaultPlan:
        """The plan in force."""
        return self._plan

    def configure(self, plan: FaultPlan) -> None:
        """Replace the plan and start its random sequence from its seed; counts stay."""
        with self._lock:
            self._install(plan)

    def decide(self, host: str, target: str) -> Fault | None:
        """The fault for a request to `host` for `target` (path and query), or None."""
        with self._lock:
            plan = self._plan
            path = unquote(target.split("?", 1)[0].split("#", 1)[0])
            override = self._overrides.get(path)
            if host not in plan.hosts:
                kind = override
                draw = 0.0
            else:
                # Drawn even when an override or an aimed fault decides, so adding one moves no
                # other request's random fault.
                draw = self._random.random()
                kind = override if override is not None else _random_kind(plan, draw)
            if (aimed := self._aimed_fault(path)) is not None:
                rule, fault = aimed
                self._counts[fault.kind] += 1
                self._aimed_counts[f"{rule.kind} {rule.path}"] += 1
                return fault
            if kind is None:
                return None
            self._counts[kind] += 1
        if kind == ERROR:
            # The status comes from the same draw: one draw per request keeps runs comparable.
            if override is None:
                draw /= plan.error_rate
            statuses = plan.error_statuses
            return Fault(ERROR, status=statuses[min(int(draw * len(statuses)), len(statuses) - 1)])
        if kind == SLOW:
            return Fault(SLOW, delay=plan.slow_seconds)
        return Fault(kind)

    def _aimed_fault(self, path: str) -> tuple[AimedFault, Fault] | None:
        """The first aimed rule matching `path` and its fault, if it strikes this request."""
        for number, (pattern, rule) in enumerate(self._aimed):
            if not pattern.search(path):
                continue
            if rule.limit and self._aimed_struck[number] >= rule.limit:
                continue
            if rule.times:
                self._aimed_seen[number, path] += 1
                if self._aimed_seen[number, path] > rule.times:
                    continue  # spent for this URL: the next rule may strike
            elif self._aimed_random.random() >= rule.rate:
                continue
            self._aimed_struck[number] += 1
            if rule.kind == ERROR:
                return rule, Fault(ERROR, status=rule.status)
            if rule.kind == SLOW:
                return rule, Fault(SLOW, delay=self._plan.slow_seconds)
            return rule, Fault(rule.kind)
        return None

    def reset(self) -> None:
        """Back to the initial plan, its random sequence restarted from its seed; counts zeroed.

        So a test that starts with a reset gets the mirror as it was started, whatever plan an
        earlier test scripted on a shared mirror.
        """
        with self._lock:
            self._install(self._initial_plan)
            self._counts = dict.fromkeys(FAULT_KINDS, 0)
            self._aimed_counts = Counter()

    def counts(self) -> dict[str, int]:
        """Faults injected since start or the last reset, by kind."""
        with self._lock:
            return dict(self._counts)

    def aimed_counts(self) -> dict[str, int]:
        """Aimed faults injected since start or the last reset, by rule: `KIND PATH`."""
        with self._lock:
            return dict(self._aimed_counts)


def error_page(status: int) -> bytes:
    """A small HTML body for an injected 5xx, like a load balancer's."""
    try:
        title = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        title = str(status)
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n".encode()
    )


_bomb_lock = threading.Lock()
_bombs: dict[int, bytes] = {}


def gzip_bomb(size: int) -> bytes:
    """A gzip stream that inflates to `size` zero bytes; built once per size, then cached.

    Compressed in 1 MB chunks so building a 600 MB bomb never holds more than its ~0.6 MB
    result; about 2 s for 600 MB, so the lock keeps concurrent requests from building it twice.
    """
    with _bomb_lock:
        bomb = _bombs.get(size)
        if bomb is None:
            # wbits 31: a gzip header and trailer around the deflate stream, mtime 0.
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            parts = []
            remaining = size
            while remaining > 0:
                chunk = _ZEROS if remaining >= len(_ZEROS) else _ZEROS[:remaining]
                parts.append(compressor.compress(chunk))
                remaining -= len(chunk)
            parts.append(compressor.flush())
            bomb = _bombs[size] = b"".join(parts)
        return bomb


def _generator(seed: int) -> random.Random:
    # Reproducible test faults, not secrets: a seeded Mersenne Twister is what is wanted.
    return random.Random(seed)  # noqa: S311


def _random_kind(plan: FaultPlan, draw: float) -> str | None:
    threshold = 0.0
    for kind, rate in zip(RANDOM_FAULTS, plan.rates(), strict=True):
        threshold += rate
        if draw < threshold:
            return kind
    return None


def _normalized(overrides: Mapping[str, str]) -> dict[str, str]:
    # Matched decoded, so `%20` in a configured path and a space in a request agree.
    return {unquote(path.split("?", 1)[0]): kind for path, kind in overrides.items()}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _aimed(rule: object) -> AimedFault:
    if not isinstance(rule, Mapping):
        raise ValueError(f"an aimed fault is an object, not {rule!r}")
    known = {item.name for item in fields(AimedFault)}
    if unknown := sorted(set(rule) - known):
        raise ValueError(f"unknown aimed fault setting(s): {', '.join(map(str, unknown))}")
    return AimedFault(**rule)


def _sequence(name: str, value: object) -> Iterable[Any]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a list, not {value!r}")
    return value
