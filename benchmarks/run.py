"""Benchmark at scale: the synthetic 6,000-company universe crawled as a user would, with figures.

    .venv/bin/python benchmarks/run.py [--companies 6000] [--slice 300] [--throttled-seconds 120]

1. Generates the universe (benchmarks/synth.py) and serves it with the local mirror.
2. Discovery of every company (`backfill -a download=no`) with the rate limit lifted
   (BENCHMARK_UNLIMITED_RATE, loopback only): submissions files parsed and upserted per second,
   responses/s, items/s, database rows/s, CPU use, peak RSS; and the requests it made against
   what the universe says it must make.
3. Downloads of a slice of companies (`documents`), unlimited: artifacts stored per second, and
   the requests per filing by fetch path.
4. The same discovery at SEC's 10 requests/s for a while: how much of the budget it uses.
5. The projected time of the full 2023-2025 backfill at 10 requests/s, from those counts.

Every job runs as `scrapy crawl` in its own process, as in production; its CPU time and peak RSS
are the process's own (wait4). Targets (2 cores): discovery >= 200 files/s, downloads >= 150
artifacts/s, discovery peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from edgar_mirror import mirror_base_urls, run_mirror_process  # noqa: E402
from edgar_mirror.requestlog import max_in_any_window  # noqa: E402
from filings_crawler.db import embedded  # noqa: E402

DATABASE = "filings_benchmark"


@dataclass
class Job:
    """One `scrapy` process: its wall time, CPU time and peak RSS, and its run's stats."""

    wall: float
    cpu: float
    peak_rss_mb: float
    stats: dict[str, Any]

    @property
    def elapsed(self) -> float:
        return float(self.stats.get("elapsed_time_seconds") or self.wall)

    def per_second(self, key: str) -> float:
        return float(self.stats.get(key, 0)) / self.elapsed


class Bench:
    def __init__(self, work: Path, mirror: str, database_url: str):
        self.work = work
        self.mirror = mirror
        self.database_url = database_url
        self.env = {
            **os.environ,
            "ENV_FILE": "",
            "PYTHONPATH": str(PROJECT_ROOT),
            "SCRAPY_SETTINGS_MODULE": "filings_crawler.settings",
            "SEC_USER_AGENT": "filings_crawler benchmark bench@filings-crawler.dev",
            "DATABASE_URL": database_url,
            **mirror_base_urls(mirror),
            "STORAGE_ROOT": str(work / "store"),
            "LOG_DIR": str(work / "logs"),
            "LOG_FORMAT": "json",
        }

    def scrapy(self, *args: str, stopped_by: str | None = None) -> Job:
        """Run `scrapy ARGS`, its output to a log file; wait4 gives its own CPU and peak RSS.

        A crawl that does not finish exits 1; `stopped_by` is the close reason that is meant
        (CLOSESPIDER_TIMEOUT's), for a crawl cut short on purpose."""
        log = (self.work / "logs").joinpath(f"{args[1] if args[0] == 'crawl' else args[0]}.out")
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with log.open("ab") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "scrapy", *args, "-s", "LOG_LEVEL=WARNING"],
                env=self.env,
                cwd=self.work,
                stdout=output,
                stderr=output,
            )
            _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - started
        stats = self.last_stats()
        meant = stopped_by is not None and stats.get("finish_reason") == stopped_by
        if process.returncode != 0 and not meant:
            raise SystemExit(f"`scrapy {' '.join(args)}` failed ({process.returncode}); see {log}")
        return Job(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stats)

    def load_universe(self, *options: str) -> None:
        """A database made and the universe read from the mirror: initdb, tickers, listings_ref."""
        self.scrapy("initdb")
        self.scrapy("crawl", "tickers", *options)
        listings = f"LISTINGS_REF_DIR={self.work / 'listings_ref'}"
        self.scrapy("crawl", "listings_ref", "-s", listings)

    def last_stats(self) -> dict[str, Any]:
        with psycopg.connect(self.database_url.replace("+psycopg", "")) as conn:
            row = conn.execute(
                "SELECT metadata->'stats' FROM execution_runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return dict(row[0] or {}) if row else {}

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url.replace("+psycopg", "")) as conn:
            return list(conn.execute(statement).fetchall())

    def mirror_log(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.mirror}/_mirror/requests", timeout=60) as response:
            records: list[dict[str, Any]] = json.load(response)
            return records

    def mirror_reset(self) -> None:
        urllib.request.urlopen(f"{self.mirror}/_mirror/reset", timeout=60).close()


def database(work: Path) -> str:
    """A fresh database: on BENCHMARK_DATABASE_URL's server, else an embedded one in `work`."""
    admin = os.environ.get("BENCHMARK_DATABASE_URL") or embedded.start_server(work / "pgdata")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    return embedded.sqlalchemy_url(admin, DATABASE)


def line(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<44}{value:>18}   {target}", flush=True)


def check(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def discovery(bench: Bench, universe: dict[str, Any]) -> Job:
    print("\nDiscovery: every targeted company, rate limit lifted", flush=True)
    bench.mirror_reset()
    job = bench.scrapy(
        "crawl", "backfill", "-a", "download=no", "-s", "BENCHMARK_UNLIMITED_RATE=true"
    )
    files = job.stats.get("backfill/submissions_fetched", 0)
    rows = sum(
        v for k, v in job.stats.items() if k.startswith("database/") and k.endswith("/upserted")
    )
    rate = files / job.elapsed
    line("submissions files parsed and upserted", f"{files:,}")
    line("  per second", f"{rate:,.0f}/s", f"target >= 200: {check(rate >= 200)}")
    line("responses per second", f"{job.per_second('response_received_count'):,.0f}/s")
    line("items per second", f"{job.per_second('item_scraped_count'):,.0f}/s")
    line("database rows upserted per second", f"{rows / job.elapsed:,.0f}/s")
    line("CPU use (user + system / wall)", f"{job.cpu / job.wall:.2f} cores")
    line(
        "peak RSS",
        f"{job.peak_rss_mb:,.0f} MB",
        f"target <= 500 MB: {check(job.peak_rss_mb <= 500)}",
    )
    request_counts(
        bench,
        "submissions requests (targeted + pages)",
        "/data.sec.gov/submissions/",
        universe["expected_discovery_requests"],
    )
    filings = bench.query("SELECT count(*) FROM filings")[0][0]
    in_scope = universe["in_scope_filings"]["total"]
    line(
        "in-scope filings recorded",
        f"{filings:,}",
        f"expected {in_scope:,}: {check(filings == in_scope)}",
    )
    return job


def downloads(bench: Bench, universe: dict[str, Any]) -> tuple[Job, float]:
    slice_ = universe["slice"]
    print(
        f"\nDownloads: the documents of {slice_['companies']} companies, rate limit lifted",
        flush=True,
    )
    bench.mirror_reset()
    ciks = ",".join(map(str, slice_["ciks"]))
    job = bench.scrapy(
        "crawl", "documents", "-a", f"cik={ciks}", "-s", "BENCHMARK_UNLIMITED_RATE=true"
    )
    stored = bench.query("SELECT count(*) FROM artifacts WHERE status = 'downloaded'")[0][0]
    failed = bench.query("SELECT count(*) FROM artifacts WHERE status = 'failed'")[0][0]
    rate = stored / job.elapsed
    line("artifacts stored", f"{stored:,}", f"expected {slice_['expected_artifacts']['stored']:,}")
    line("  per second", f"{rate:,.0f}/s", f"target >= 150: {check(rate >= 150)}")
    line(
        "artifacts failed (the template's own)",
        f"{failed:,}",
        f"expected {slice_['expected_artifacts']['failed']:,}",
    )
    line("responses per second", f"{job.per_second('response_received_count'):,.0f}/s")
    line("CPU use", f"{job.cpu / job.wall:.2f} cores")
    line("peak RSS", f"{job.peak_rss_mb:,.0f} MB")
    per_path = bench.query(
        "SELECT fetch_path, count(*), sum(fetch_requests), max(fetch_requests) FROM filings "
        "WHERE fetch_path IS NOT NULL GROUP BY 1 ORDER BY 1"
    )
    for path, count, total, most in per_path:
        bound = ""
        if path == "xbrl_zip":
            bound = f"at most 2 each: {check(most <= 2)}"
        line(f"{path} filings, requests (most for one)", f"{count:,}: {total:,} ({most})", bound)
    requests = request_counts(
        bench, "download requests", "/www.sec.gov/Archives/", slice_["expected_download_requests"]
    )
    return job, requests / max(1, sum(count for _, count, _, _ in per_path))


def request_counts(bench: Bench, label: str, prefix: str, expected: int) -> int:
    """Print how many requests the mirror saw under `prefix` against `expected`, and how many
    of its URLs were fetched more than once (none should be); return the count."""
    paths = [r["path"] for r in bench.mirror_log() if r["path"].startswith(prefix)]
    line(label, f"{len(paths):,}", f"expected {expected:,}: {check(len(paths) == expected)}")
    twice = sum(1 for count in Counter(paths).values() if count > 1)
    line("URLs fetched twice", f"{twice}", f"expected 0: {check(twice == 0)}")
    return len(paths)


def throttled(bench: Bench, seconds: int) -> float:
    print(f"\nAt SEC's 10 requests/s for {seconds} s: discovery again", flush=True)
    bench.mirror_reset()
    bench.scrapy(
        "crawl",
        "backfill",
        "-a",
        "download=no",
        "-s",
        f"CLOSESPIDER_TIMEOUT={seconds}",
        stopped_by="closespider_timeout",
    )
    arrivals = sorted(
        r["arrival"] for r in bench.mirror_log() if r["path"].startswith("/data.sec.gov/")
    )
    mean = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    line("requests", f"{len(arrivals):,}")
    line(
        "most in any one-second window",
        f"{max_in_any_window(arrivals)}",
        f"limit 10: {check(max_in_any_window(arrivals) <= 10)}",
    )
    line("mean rate while busy", f"{mean:.2f}/s")
    line(
        "budget use (mean / 10)", f"{mean / 10:.3f}", f"target >= 0.95: {check(mean / 10 >= 0.95)}"
    )
    return mean


def projection(universe: dict[str, Any], per_filing: float, rate: float) -> None:
    print("\nProjected full 2023-2025 backfill at SEC's 10 requests/s", flush=True)
    discovery_requests = universe["expected_discovery_requests"]
    filings = universe["in_scope_filings"]["total"]
    download_requests = filings * per_filing
    total = discovery_requests + download_requests
    line("discovery requests", f"{discovery_requests:,}")
    line(f"download requests ({per_filing:.2f} per filing)", f"{download_requests:,.0f}")
    line("at the measured rate", f"{rate:.2f}/s")
    line("time", f"{total / rate / 3600:.1f} hours")
    per_file_everywhere = filings * 9 + discovery_requests
    line("(file by file, ~9 requests a filing)", f"{per_file_everywhere / rate / 3600:.1f} hours")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=6000)
    parser.add_argument("--slice", type=int, default=300)
    parser.add_argument("--throttled-seconds", type=int, default=120)
    parser.add_argument("--work", type=Path, default=Path("/tmp/filings-benchmark"))
    args = parser.parse_args()
    work: Path = args.work
    universe_dir = work / "universe"
    if work.exists():
        shutil.rmtree(work / "store", ignore_errors=True)
        shutil.rmtree(work / "logs", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "benchmarks" / "synth.py"),
            "--out",
            str(universe_dir),
            "--companies",
            str(args.companies),
            "--documents-for",
            str(args.slice),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    universe = json.loads((universe_dir / "universe.json").read_text())
    print(
        f"Universe: {universe['companies']['total']:,} companies, "
        f"{universe['targeted_companies']['total']:,} targeted, "
        f"{universe['in_scope_filings']['total']:,} in-scope filings "
        f"(generated in {time.monotonic() - started:.0f} s)"
    )
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    database_url = database(work)
    with run_mirror_process(universe_dir) as mirror:
        bench = Bench(work, mirror, database_url)
        bench.load_universe("-s", "BENCHMARK_UNLIMITED_RATE=true")
        discovery(bench, universe)
        _, per_filing = downloads(bench, universe)
        rate = throttled(bench, args.throttled_seconds)
    projection(universe, per_filing, rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
