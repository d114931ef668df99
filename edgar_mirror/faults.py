"""Seeded fault injection for the EDGAR mirror: which requests fail, how, and how often."""

from __future__ import annotations

import math
import random
import threading
import zlib
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
# Random faults are drawn in this order, each taking the next slice of [0, 1).
RANDOM_FAULTS = (ERROR, RESET, TRUNCATE, SLOW)
FAULT_KINDS = (*RANDOM_FAULTS, GZIP_BOMB, NOT_FOUND)

# Kept in step with responder.SEC_HOSTS (a test checks); importing it would be circular.
DEFAULT_HOSTS = frozenset({"www.sec.gov", "data.sec.gov"})
MIRRORED_HOSTS = DEFAULT_HOSTS | {"www.nasdaqtrader.com"}
DEFAULT_GZIP_BOMB_BYTES = 600 * 1000 * 1000
# Rates given as decimals (0.1 + 0.2 ...) may sum to 1 plus a rounding error; that is still 1.
_RATE_SUM_TOLERANCE = 1e-9
_ZEROS = bytes(1 << 20)


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

    def _install(self, plan: FaultPlan) -> None:
        self._plan = plan
        self._overrides = _normalized(plan.overrides)
        self._random = _generator(plan.seed)

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
                # Drawn even when an override decides, so adding an override moves no other
                # request's random fault.
                draw = self._random.random()
                kind = override if override is not None else _random_kind(plan, draw)
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

    def reset(self) -> None:
        """Back to the initial plan, its random sequence restarted from its seed; counts zeroed.

        So a test that starts with a reset gets the mirror as it was started, whatever plan an
        earlier test scripted on a shared mirror.
        """
        with self._lock:
            self._install(self._initial_plan)
            self._counts = dict.fromkeys(FAULT_KINDS, 0)

    def counts(self) -> dict[str, int]:
        """Faults injected since start or the last reset, by kind."""
        with self._lock:
            return dict(self._counts)


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


def _sequence(name: str, value: object) -> Iterable[Any]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a list, not {value!r}")
    return value
