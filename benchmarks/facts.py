"""Benchmark of the facts and the export: parsing speed, the facts step in a crawl, export rows/s,
and what XBRL_INSTANCE=skip saves.

    .venv/bin/python benchmarks/facts.py [--companies 300] [--slice 20] [--seconds 5]

1. sec/xbrl.py on the sample's real documents, each parsed for `--seconds`: facts per second.
2. A synthetic universe's slice downloaded twice, unthrottled (the mirror on loopback), with
   XBRL_INSTANCE=fetch and =skip: requests per filing, and the facts recorded per second by the
   facts pipeline while the crawl runs (in a thread: the crawl keeps its pace).
3. `scrapy export` of the result, as Parquet and as SEC's data sets (fsds): rows written per
   second and peak memory.
4. The projected full 2023-2025 backfill at 9.69 requests/s (docs/performance.md), both modes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.run import Bench, database, line  # noqa: E402
from edgar_mirror import run_mirror_process  # noqa: E402
from filings_crawler.export import BATCH  # noqa: E402
from filings_crawler.sec.xbrl import parse_inline, parse_instance  # noqa: E402
from tests.sample_files import sample_bytes  # noqa: E402

SAMPLE = "www.sec.gov/Archives/edgar/data"
DOCUMENTS = {
    "Apple 10-Q instance (0.76 MB)": (
        "320193/000032019325000057/aapl-20250329_htm.xml",
        parse_instance,
    ),
    "Apple 10-Q inline (0.89 MB)": ("320193/000032019325000057/aapl-20250329.htm", parse_inline),
    "Coca-Cola 10-K inline (4.2 MB)": ("21344/000002134424000009/ko-20231231.htm", parse_inline),
}
# The full window, as benchmarks/run.py projects it (docs/performance.md).
DISCOVERY_REQUESTS, FILINGS, RATE = 6_298, 72_306, 9.69


def parsing(seconds: float) -> None:
    print("Parsing (one process)")
    for label, (path, parse) in DOCUMENTS.items():
        body = sample_bytes(f"{SAMPLE}/{path}")
        count, facts, started = 0, 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            facts += len(parse(body, path).facts)
            count += 1
        elapsed = time.perf_counter() - started
        line(label, f"{facts / elapsed:,.0f} facts/s", f"{1000 * elapsed / count:.0f} ms a filing")


@dataclass
class Measured:
    requests_per_filing: float
    facts_filings_per_second: float
    # By format (parquet, fsds): rows written, rows per second, the export's peak memory (MiB).
    exports: dict[str, tuple[int, float, float]]


def crawl(work: Path, root: Path, mode: str) -> Measured:
    """Requests per inline filing (the zip path), filings whose facts `scrapy facts` reads
    and records per second, export rows per second and the export's peak memory."""
    folder = work / mode
    folder.mkdir(parents=True, exist_ok=True)
    database_url = database(folder)
    with run_mirror_process(root) as mirror:
        bench = Bench(folder, mirror, database_url)
        bench.env["XBRL_INSTANCE"] = mode
        unlimited = ("-s", "BENCHMARK_UNLIMITED_RATE=true")
        bench.load_universe(*unlimited)
        bench.scrapy("crawl", "backfill", "-a", "download=no", *unlimited)
        job = bench.scrapy("crawl", "documents", *unlimited)
        stats = job.stats
        zip_filings = float(stats.get("documents/filings/xbrl_zip", 0))
        zip_requests = float(stats.get("documents/requests/xbrl_zip", 0))
        # The facts step alone: every stored filing read again by `scrapy facts --again`.
        started = time.monotonic()
        again = subprocess.run(
            [sys.executable, "-m", "scrapy", "facts", "--again"],
            env=bench.env,
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        )
        facts_seconds = time.monotonic() - started
        facts_filings = float(re.findall(r"read (\d+) filing", again.stdout)[0])
        exports = {fmt: export(bench.env, folder, fmt) for fmt in ("parquet", "fsds")}
    per_filing = zip_requests / max(zip_filings, 1)
    return Measured(per_filing, facts_filings / max(facts_seconds, 1e-9), exports)


def export(env: dict[str, str], folder: Path, fmt: str) -> tuple[int, float, float]:
    """`scrapy export --format FMT`: rows written, rows per second, peak memory in MiB."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "export", "--format", fmt, "--out", str(folder / fmt)],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    # wait4: this child's own peak memory (ru_maxrss, KiB on Linux), not the largest child's.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, output
    seconds = time.monotonic() - started
    rows = sum(int(n) for n in re.findall(r"^\s+\w+\s+(\d+) rows$", output, flags=re.M))
    return rows, rows / seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=300)
    parser.add_argument("--slice", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/filings-benchmark-facts"))
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    parsing(args.seconds)
    work: Path = args.work
    subprocess.run(["rm", "-rf", str(work)], check=True)
    root = work / "universe"
    synth = [sys.executable, str(PROJECT_ROOT / "benchmarks" / "synth.py"), "--out", str(root)]
    subprocess.run(
        [*synth, "--companies", str(args.companies), "--documents-for", str(args.slice)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for mode in ("fetch", "skip"):
        measured = crawl(work, root, mode)
        per_filing, facts_rate = measured.requests_per_filing, measured.facts_filings_per_second
        # The full window: the per-file share as measured for benchmarks/run.py (3.75 a filing
        # with the instance), the inline zip filings (80%) at this run's requests per filing.
        per_window = 0.2 * 9.0 + 0.8 * per_filing
        hours = (DISCOVERY_REQUESTS + FILINGS * per_window) / RATE / 3600
        print(f"XBRL_INSTANCE={mode}: the documents of {args.slice} companies, unthrottled")
        line("requests per inline filing (zip path)", f"{per_filing:.2f}")
        line(
            "filings' facts read and recorded per second",
            f"{facts_rate:.1f}",
            f"SEC's budget brings at most {10 / per_filing:.1f} filings/s",
        )
        for fmt, (rows, rate, peak) in measured.exports.items():
            line(f"export --format {fmt}: rows per second", f"{rate:,.0f}")
            line(
                f"export --format {fmt}: peak memory",
                f"{peak:.0f} MiB",
                f"for {rows:,} rows (parquet streamed in batches of {BATCH:,}, fsds a filing at a time)",
            )
        line("projected full backfill at 9.69/s", f"{hours:.1f} hours")
    return 0


if __name__ == "__main__":
    sys.exit(main())
