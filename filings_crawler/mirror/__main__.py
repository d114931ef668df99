"""CLI: `python -m filings_crawler.mirror --root DIR [--port N] [--latency-ms N]`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from filings_crawler.mirror.policy import SecPolicy
from filings_crawler.mirror.server import EdgarMirror

# The first stdout line; run_mirror_process parses the URL out of it.
READY_LINE = "EDGAR mirror serving {root} at {url}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m filings_crawler.mirror",
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
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0..65535, not {args.port}")
    if args.latency_ms < 0:
        parser.error(f"--latency-ms must not be negative, not {args.latency_ms}")
    return args


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
    with EdgarMirror(root, port=args.port, latency=args.latency_ms / 1000, policy=policy) as mirror:
        print(READY_LINE.format(root=root.resolve(), url=mirror.url), flush=True)
        # Event.wait is interrupted by signals on POSIX, so the handler can end it.
        stopping.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
