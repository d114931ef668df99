"""Benchmark of `scrapy crawl past_listings`: what finding the companies listed in the past costs.

    .venv/bin/python benchmarks/past_listings.py [--past 100] [--otc 100] [--work DIR]

Builds a mirror universe (edgar_mirror/past_universe.py: the real sample, plus `--past`
companies listed on NASDAQ, NYSE or NYSE American when they filed and in no list today, a fifth
as many that moved to OTC, `--otc` OTC filers never listed in SEC's ticker file and as many in no
file, and a few funds), loads today's lists, then runs the crawl at SEC's 10 requests/s, as a
user would. Prints the requests it spent per kind of company against the targets (at most one
full-index request per quarter, at most 3 requests on average per company never listed), what
it found against what the universe holds, and how much of the budget it used.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.run import Bench, Job, check, database, line  # noqa: E402
from edgar_mirror import run_mirror_process  # noqa: E402
from edgar_mirror.past_universe import Universe, build  # noqa: E402

CIK_IN_PATH = re.compile(r"/submissions/CIK0*([0-9]+)\.json|/Archives/edgar/data/([0-9]+)/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--past", type=int, default=100)
    parser.add_argument("--otc", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("/tmp/filings-benchmark-past"))
    args = parser.parse_args()
    work: Path = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    universe = build(
        work / "universe",
        past=args.past,
        moved=max(1, args.past // 5),
        otc_listed=args.otc,
        otc_unlisted=args.otc,
        funds=max(1, args.past // 20),
    )
    listed = universe.of_kind("past", "moved")
    never = universe.of_kind("otc_listed", "otc_unlisted")
    funds = universe.of_kind("fund")
    print(
        f"Universe: {len(listed)} companies listed in the past, {len(never)} never listed, "
        f"{len(funds)} funds, beside the sample's companies listed today"
    )
    database_url = database(work)
    with run_mirror_process(universe.root) as mirror:
        bench = Bench(work, mirror, database_url)
        bench.load_universe()
        bench.mirror_reset()
        job = bench.scrapy("crawl", "past_listings")
        records = bench.mirror_log()
        rerun = bench.scrapy("crawl", "past_listings")
    report(bench, universe, job, records, rerun)
    return 0


def report(
    bench: Bench, universe: Universe, job: Job, records: list[dict[str, Any]], rerun: Job
) -> None:
    """The figures: requests per kind of company, what was found, the budget used."""
    listed = universe.of_kind("past", "moved")
    never = universe.of_kind("otc_listed", "otc_unlisted")
    funds = universe.of_kind("fund")
    rerun_requests = int(rerun.stats.get("downloader/request_count", 0))
    spent: Counter[int] = Counter()
    index_requests = 0
    for record in records:
        if "/full-index/" in record["path"]:
            index_requests += 1
        elif match := CIK_IN_PATH.search(record["path"]):
            spent[int(match.group(1) or match.group(2))] += 1
    found = dict(
        bench.query("SELECT cik, exchange FROM past_listings WHERE checked_at IS NOT NULL")
    )
    confirmed = {cik for cik, exchange in found.items() if exchange}
    in_scope = sum(len(f.in_scope) for f in listed)
    (stored,) = bench.query(
        "SELECT count(*) FROM artifacts a JOIN filings f ON f.id = a.filing_id "
        "JOIN companies c ON c.cik = f.cik WHERE c.listed_in_past AND a.kind = 'html' "
        "AND a.status = 'downloaded'"
    )[0]
    never_mean = sum(spent[f.cik] for f in never) / len(never)
    listed_mean = sum(spent[f.cik] for f in listed) / len(listed)
    requests = len(records)
    print(f"past_listings at 10 requests/s ({job.elapsed:.0f} s, {requests} requests)")
    line("full-index requests (12 quarters)", f"{index_requests}", check(index_requests <= 12))
    line("requests per company never listed", f"{never_mean:.2f}", check(never_mean <= 3))
    line(
        "requests on funds",
        f"{sum(spent[f.cik] for f in funds)}",
        check(not any(spent[f.cik] for f in funds)),
    )
    line(
        "requests per company listed in the past",
        f"{listed_mean:.2f}",
        f"its submissions and its {in_scope / len(listed):.0f} filings' documents",
    )
    line(
        "companies confirmed listed",
        f"{len(confirmed)} of {len(listed)}",
        check(confirmed == {f.cik for f in listed}),
    )
    line("companies never listed, checked", f"{len(set(found) - confirmed)} of {len(never)}")
    line("primary documents stored", f"{stored} of {in_scope}", check(stored == in_scope))
    line("budget used (requests/s / 10)", f"{requests / job.elapsed / 10:.3f}")
    line("peak RSS", f"{job.peak_rss_mb:.0f} MB")
    line("CPU time", f"{job.cpu:.1f} s of {job.wall:.0f} s")
    line("a second run's requests (index only)", f"{rerun_requests}", check(rerun_requests <= 12))


if __name__ == "__main__":
    sys.exit(main())
