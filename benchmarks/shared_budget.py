"""Benchmark of the shared SEC budget (SEC_BUDGET_URL): N crawls at once, one budget in Redis.

    .venv/bin/python benchmarks/shared_budget.py [--crawls 1,2,4] [--seconds 30] [--redis URL]
        [--arrival-delay-ms 50] [--margin SECONDS]

A synthetic universe (benchmarks/synth.py) has its filings discovered without downloads; then,
for each N, N `documents` crawls run side by side for `--seconds`, all taking their permits from
one window in Redis, against the local mirror, which counts arrivals in a sliding second as SEC
does. Printed for each N: the combined budget use (requests per second while all ran, over 10),
the most requests in any one-second window, over-limit answers, and Redis round trips per request.
Target: budget use >= 0.93 for every N, never more than 10 in a second.

`--arrival-delay-ms N` delays each request's arrival at the mirror by a random 0..N ms, as the
network between a crawler and SEC does, and SEC counts arrivals (see benchmarks/budget.py); the
mirror runs ahead of the crawls for the CPU. `--margin` overrides SEC_RATE_MARGIN.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.run import Bench, check, database, line  # noqa: E402
from edgar_mirror import run_mirror_process  # noqa: E402
from edgar_mirror.requestlog import max_in_any_window  # noqa: E402
from filings_crawler.budget.shared import PREFIX  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawls", default="1,2,4")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCHMARK_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/filings-benchmark-shared"))
    parser.add_argument("--arrival-delay-ms", type=float, default=0.0)
    parser.add_argument("--margin", type=float, default=None)
    args = parser.parse_args()
    counts = [int(n) for n in args.crawls.split(",")]
    work: Path = args.work
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    root = work / "universe"
    subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "benchmarks" / "synth.py"),
            "--out",
            str(root),
            "--companies",
            "400",
            "--documents-for",
            "40",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    database_url = database(work)
    client = redis.Redis.from_url(args.redis)
    print(
        f"Machine: {os.cpu_count()} cores; Redis at {args.redis}; {args.seconds} s per run; "
        f"arrivals delayed 0..{args.arrival_delay_ms:g} ms; SEC_RATE_MARGIN "
        f"{args.margin if args.margin is not None else 'default'}"
    )
    with run_mirror_process(
        root, arrival_delay=args.arrival_delay_ms / 1000, niceness=-10
    ) as mirror:
        bench = Bench(work, mirror, database_url)
        bench.env["SEC_BUDGET_URL"] = args.redis
        margin = [] if args.margin is None else ["-s", f"SEC_RATE_MARGIN={args.margin}"]
        bench.load_universe()
        bench.scrapy(
            "crawl",
            "backfill",
            "-a",
            "download=no",
            "-s",
            "BENCHMARK_UNLIMITED_RATE=true",
            "-s",
            "SEC_BUDGET_URL=",
        )
        # From now on the mirror counts arrivals in a sliding second, and blocks above 10, as SEC.
        script(mirror, {"enforce_rate": 10})
        for n in counts:
            for key in client.scan_iter(f"{PREFIX}:*"):
                client.delete(key)
            bench.mirror_reset()
            processes = []
            for index in range(n):
                env = {**bench.env, "LOG_DIR": str(work / "logs" / f"n{n}-{index}")}
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "scrapy",
                            "crawl",
                            "documents",
                            "-s",
                            "LOG_LEVEL=WARNING",
                            "-s",
                            f"CLOSESPIDER_TIMEOUT={args.seconds}",
                            *margin,
                        ],
                        env=env,
                        cwd=work,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            for process in processes:
                process.wait()
            records = bench.mirror_log()
            stats = bench.query(
                "SELECT metadata->'stats' FROM execution_runs WHERE run_type = 'documents' "
                f"ORDER BY id DESC LIMIT {n}"
            )
            round_trips = sum(int((s or {}).get("budget/shared/round_trips", 0)) for (s,) in stats)
            granted = sum(int((s or {}).get("budget/shared/granted", 0)) for (s,) in stats)
            arrivals = sorted(r["arrival"] for r in records)
            # While every crawl was sending: a second after the start, to a second before the end.
            steady = [a for a in arrivals if arrivals[0] + 2 <= a <= arrivals[-1] - 1]
            span = (steady[-1] - steady[0]) if len(steady) > 1 else 0
            use = (len(steady) - 1) / span / 10 if span else 0.0
            mirror_stats = urllib_stats(mirror)
            print(f"N = {n} documents crawls")
            line("requests", f"{len(records)}")
            line(
                "most in any one-second window",
                f"{max_in_any_window(arrivals, 1.0)}",
                check(max_in_any_window(arrivals, 1.0) <= 10),
            )
            line(
                "over-limit answers",
                f"{mirror_stats['rate_violations']}",
                check(mirror_stats["rate_violations"] == 0),
            )
            line("combined budget use", f"{use:.3f}", f"target >= 0.93: {check(use >= 0.93)}")
            line("Redis round trips per request", f"{round_trips / max(granted, 1):.2f}")
    return 0


def script(mirror: str, payload: dict[str, object]) -> None:
    request = urllib.request.Request(
        f"{mirror}/_mirror/script", data=json.dumps(payload).encode(), method="POST"
    )
    urllib.request.urlopen(request, timeout=30).close()


def urllib_stats(mirror: str) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{mirror}/_mirror/stats", timeout=30) as response:
        return json.load(response)


if __name__ == "__main__":
    started = time.monotonic()
    status = main()
    print(f"({time.monotonic() - started:.0f} s)")
    sys.exit(status)
