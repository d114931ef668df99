"""CLI: `python -m edgar_mirror --root DIR [--port N] [--latency-ms N] [fault options]`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from edgar_mirror.faults import FAULT_KINDS, FaultPlan
from edgar_mirror.policy import SecPolicy
from edgar_mirror.server import EdgarMirror

# The first stdout line; run_mirror_process parses the URL out of it.
READY_LINE = "EDGAR mirror serving {root} at {url}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m edgar_mirror",
        description="Serve a local copy of SEC EDGAR and NASDAQ Trader on 127.0.0.1.",
    )
    parser.add_argument(
        "--root", type=Path, required=True, help="folder laid out as <host>/<url path>"
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay added before every response"
    )
    parser.add_argument(
        "--arrival-delay-ms",
        type=float,
        default=0.0,
        help="delay each request by a random 0..N ms before it arrives (as SEC counts it): the "
        "network between a crawler and SEC, which bunches requests that left evenly spaced",
    )
    parser.add_argument(
        "--enforce-rate",
        type=float,
        default=None,
        help="block like SEC when more than this many SEC requests arrive within one second",
    )
    parser.add_argument(
        "--block-seconds",
        type=float,
        default=600.0,
        help="how long an --enforce-rate block lasts (SEC: 10 minutes)",
    )
    add_fault_arguments(parser)
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0..65535, not {args.port}")
    if args.latency_ms < 0:
        parser.error(f"--latency-ms must not be negative, not {args.latency_ms}")
    if args.arrival_delay_ms < 0:
        parser.error(f"--arrival-delay-ms must not be negative, not {args.arrival_delay_ms}")
    try:
        args.fault_plan = fault_plan(args)
    except ValueError as error:
        parser.error(f"bad fault options: {error}")
    return args


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """Options building the FaultPlan; each sets the plan field of the same name."""
    faults = parser.add_argument_group(
        "fault injection", "misbehave on SEC hosts (see edgar_mirror.faults.FaultPlan)"
    )
    faults.add_argument("--seed", type=int, default=0, help="seed of the random fault sequence")
    for kind, what in [
        ("error", "a 5xx answer"),
        ("reset", "a TCP reset instead of any answer"),
        ("truncate", "half the promised body, then a closed connection"),
        ("slow", "an answer delayed by --slow-seconds"),
    ]:
        faults.add_argument(
            f"--{kind}-rate", type=float, default=0.0, help=f"fraction of requests getting {what}"
        )
    faults.add_argument("--slow-seconds", type=float, default=1.0, help="delay of a slow answer")
    faults.add_argument(
        "--error-statuses",
        type=_integers,
        default=None,
        help="comma-separated statuses an error fault picks from (default 500,502,503)",
    )
    faults.add_argument(
        "--fault-hosts",
        type=_words,
        default=None,
        help="comma-separated hosts faults apply to (default www.sec.gov,data.sec.gov)",
    )
    faults.add_argument(
        "--fault-override",
        action="append",
        default=[],
        metavar="PATH=KIND",
        help=f"every request for PATH gets KIND ({', '.join(FAULT_KINDS)}); repeatable",
    )
    faults.add_argument(
        "--gzip-bomb-bytes", type=int, default=None, help="inflated size of a gzip_bomb body"
    )
    faults.add_argument(
        "--fault-aimed",
        action="append",
        default=[],
        metavar="JSON",
        help='a fault aimed at a kind of request, as JSON: {"path": "xbrl[.]zip$", "kind": '
        '"reset", "times": 1} (see edgar_mirror.faults.AimedFault); repeatable',
    )


def fault_plan(args: argparse.Namespace) -> FaultPlan:
    """The FaultPlan the parsed options describe."""
    settings: dict[str, object] = {
        "seed": args.seed,
        "error_rate": args.error_rate,
        "reset_rate": args.reset_rate,
        "truncate_rate": args.truncate_rate,
        "slow_rate": args.slow_rate,
        "slow_seconds": args.slow_seconds,
    }
    optional = {
        "error_statuses": args.error_statuses,
        "hosts": args.fault_hosts,
        "gzip_bomb_bytes": args.gzip_bomb_bytes,
    }
    settings.update({name: value for name, value in optional.items() if value is not None})
    overrides = {}
    for override in args.fault_override:
        path, separator, kind = override.rpartition("=")
        if not separator:
            raise ValueError(f"--fault-override takes PATH=KIND, not {override!r}")
        overrides[path] = kind
    if overrides:
        settings["overrides"] = overrides
    if args.fault_aimed:
        settings["aimed"] = [json.loads(rule) for rule in args.fault_aimed]
    return FaultPlan.from_dict(settings)


def _integers(text: str) -> list[int]:
    return [int(item) for item in _words(text)]


def _words(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT; 0 on a clean stop, 2 on bad arguments."""
    args = parse_args(argv)
    root: Path = args.root
    if not root.is_dir():
        print(f"EDGAR mirror: root folder not found: {root}", file=sys.stderr)
        return 2
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    policy = SecPolicy(enforce_rate=args.enforce_rate, block_seconds=args.block_seconds)
    with EdgarMirror(
        root,
        port=args.port,
        latency=args.latency_ms / 1000,
        arrival_delay=args.arrival_delay_ms / 1000,
        policy=policy,
        faults=args.fault_plan,
    ) as mirror:
        print(READY_LINE.format(root=root.resolve(), url=mirror.url), flush=True)
        # Event.wait is interrupted by signals on POSIX, so the handler can end it.
        stopping.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
