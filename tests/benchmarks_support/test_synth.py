"""benchmarks/synth.py: its files, read by the crawler's own parsers, give universe.json's figures."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from edgar_mirror.responder import Responder
from filings_crawler.sec.content import content_problem
from filings_crawler.sec.exchanges import TARGET_EXCHANGES, enrich_companies
from filings_crawler.sec.filing_index import instance_name, is_xbrl_file, parse_filing_index
from filings_crawler.sec.html import find_images
from filings_crawler.sec.listings import parse_symbol_directory
from filings_crawler.sec.submissions import (
    parse_submissions,
    parse_submissions_page,
    primary_document_name,
    select_filings,
)
from filings_crawler.sec.tickers import (
    merge_companies,
    parse_company_tickers,
    parse_company_tickers_exchange,
)
from filings_crawler.sec.xbrl_zip import read_xbrl_zip

SYNTH = Path(__file__).resolve().parents[2] / "benchmarks" / "synth.py"
START, END = date(2023, 1, 1), date(2025, 12, 31)
FORMS = ("10-K", "10-K/A", "10-Q", "10-Q/A")
WWW = "https://www.sec.gov"
DATA = Path("www.sec.gov/Archives/edgar/data")


def generate(root: Path, seed: int = 1) -> dict[str, Any]:
    command = [sys.executable, str(SYNTH), "--out", str(root), "--companies", "300"]
    subprocess.run([*command, "--documents-for", "20", "--seed", str(seed)], check=True)
    return json.loads((root / "universe.json").read_text())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "mirror"
    generate(path)
    return path


def test_the_files_give_universe_json_figures(root: Path) -> None:
    check_universe(root)


def test_a_seed_gives_the_same_bytes(root: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again")
    assert digest(tmp_path / "again") == digest(root)
    generate(tmp_path / "again", seed=2)  # a previous output is replaced
    assert digest(tmp_path / "again") != digest(root)


def digest(root: Path) -> str:
    """The names and bytes of every file but universe.json (whose output figures vary); of a
    hard-linked template file, its name and size."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "universe.json")
    hashed = hashlib.sha256()
    for path in files:
        stat = path.stat()
        body = str(stat.st_size).encode() if stat.st_nlink > 1 else path.read_bytes()
        hashed.update(str(path.relative_to(root)).encode() + body)
    return hashed.hexdigest()


def check_universe(root: Path) -> None:
    """Every figure a crawl can be checked against, recomputed from the files. Also used by hand
    on a full-size root: `check_universe(Path("/tmp/synth"))`."""
    universe = json.loads((root / "universe.json").read_text())
    targeted = check_reference_files(root, universe)
    folders = check_submissions(root, universe, targeted)
    check_slice(root, universe, folders)


def check_reference_files(root: Path, universe: dict[str, Any]) -> list[int]:
    files = root / "www.sec.gov" / "files"
    tickers = parse_company_tickers((files / "company_tickers.json").read_bytes())
    exchange = parse_company_tickers_exchange(
        (files / "company_tickers_exchange.json").read_bytes()
    )
    assert len(tickers) == len(exchange) == universe["ticker_entries"]
    companies = merge_companies(tickers, exchange)
    assert len(companies) == universe["companies"]["total"]
    directory = root / "www.nasdaqtrader.com" / "dynamic" / "SymDir"
    listings = []
    for name, rows in universe["symbol_directory_rows"].items():
        parsed = parse_symbol_directory((directory / name).read_bytes(), name)
        assert len(parsed.listings) == rows > 1000
        listings += parsed.listings
    assert sum(listing.is_etf for listing in listings) == universe["symbol_directory_etf_listings"]
    assert sum(listing.is_test_issue for listing in listings) == 18
    exchanges = enrich_companies(
        ((c.cik, c.tickers, c.primary_ticker, c.sec_exchanges) for c in companies), listings
    )
    targeted = Counter(e for e in exchanges.values() if e in TARGET_EXCHANGES)
    assert {"total": targeted.total(), **targeted} == universe["targeted_companies"]
    return sorted(cik for cik, e in exchanges.items() if e in TARGET_EXCHANGES)


def check_submissions(
    root: Path, universe: dict[str, Any], targeted: list[int]
) -> dict[tuple[int, str], tuple[str, bool]]:
    """The in-scope filings as the backfill finds them: (cik, folder) -> (document, inline)."""
    submissions = root / "data.sec.gov" / "submissions"
    accessions: set[str] = set()
    in_scope, pages = Counter[str](), 0
    folders = {}
    slice_ciks = set(universe["slice"]["ciks"])
    for cik in targeted:
        company = parse_submissions((submissions / f"CIK{cik:010d}.json").read_bytes(), str(cik))
        assert (company.cik, company.entity_type, company.recent.problems) == (cik, "operating", [])
        rows = company.recent.filings
        for page in company.pages:
            if page.overlaps(START, END):
                pages += 1
                body = (submissions / page.name).read_bytes()
                rows = rows + parse_submissions_page(body, page.name).filings
        accessions.update(row.accession_number for row in rows)
        selected = select_filings(rows, FORMS, START, END)
        in_scope.update(f.form for f in selected)
        for filing in selected:
            assert primary_document_name(filing.primary_document) == (filing.primary_document, None)
            if cik in slice_ciks:
                folder = filing.accession_number.replace("-", "")
                folders[cik, folder] = (filing.primary_document, filing.is_inline_xbrl)
    figures = universe["in_scope_filings"]
    assert (in_scope.total(), dict(in_scope)) == (figures["total"], figures["by_form"])
    assert len(accessions) == figures["total"] + figures["out_of_scope_rows"]  # all unique
    assert pages == universe["submissions"]["pages_meeting_window"]
    assert len(targeted) + pages == universe["expected_discovery_requests"]
    return folders


def check_slice(
    root: Path, universe: dict[str, Any], folders: dict[tuple[int, str], tuple[str, bool]]
) -> None:
    data = root / DATA
    found = {(int(cik.name), f.name) for cik in data.iterdir() for f in cik.iterdir()}
    assert found == set(folders)
    piece = universe["slice"]
    assert len(found) == piece["in_scope_filings"]
    inline = sum(is_inline for _, is_inline in folders.values())
    assert {"inline": inline, "per_file": len(found) - inline} == piece["by_template"]
    seen: dict[str, tuple[int, int, int]] = {}
    for (cik, folder), (document, is_inline) in sorted(folders.items()):
        path = data / str(cik) / folder
        assert (path / document).is_file()
        for file in path.iterdir():
            assert not file.is_symlink()
            assert file.stat().st_nlink > 1
        if is_inline:
            accession = f"{folder[:10]}-{folder[10:12]}-{folder[12:]}"
            assert (path / f"{accession}-xbrl.zip").is_file()
        template = "inline" if is_inline else "per_file"
        if template not in seen:
            seen[template] = fetch_figures(root, cik, folder, document, is_inline)
    expected = {
        name: (f["requests"], f["artifacts_stored"], f["artifacts_failed"])
        for name, f in piece["per_filing"].items()
    }
    assert seen == expected
    totals = Counter[str]()
    for (_, _), (_, is_inline) in folders.items():
        requests, stored, failed = seen["inline" if is_inline else "per_file"]
        totals.update(requests=requests, stored=stored, failed=failed)
    assert totals["requests"] == piece["expected_download_requests"]
    assert {"stored": totals["stored"], "failed": totals["failed"]} == piece["expected_artifacts"]


def fetch_figures(
    root: Path, cik: int, folder: str, document: str, inline: bool
) -> tuple[int, int, int]:
    """(requests, stored, failed) of the documents stage, by the crawler's own readers, the
    per-file path listing the folder through the mirror's synthesized index.json."""
    path = root / DATA / str(cik) / folder
    url = f"{WWW}/{DATA}/{cik}/{folder}/"
    if inline:
        accession = f"{folder[:10]}-{folder[10:12]}-{folder[12:]}"
        members = read_xbrl_zip((path / f"{accession}-xbrl.zip").read_bytes(), url).members
        html = members[document]
    else:
        listed = Responder(root).content(
            "www.sec.gov", (*DATA.parts[1:], str(cik), folder, "index.json")
        )
        assert listed.status == 200
        files = {e.name for e in parse_filing_index(listed.body, url).entries if not e.is_folder}
        members, html = {}, (path / document).read_bytes()
    assert content_problem("html", document, html) is None
    requests, stored, failed = (1, 1, 0) if inline else (2, 1, 0)
    for name in dict.fromkeys(r.name for r in find_images(html, url, [f"{WWW}/"]) if r.name):
        if name in members:
            stored += content_problem("image", name, members[name]) is None
            continue
        if not inline and name not in files:
            failed += 1  # recorded from the listing, never asked for
            continue
        requests += 1
        ok = (path / name).is_file() and content_problem(
            "image", name, (path / name).read_bytes()
        ) is None
        stored, failed = stored + ok, failed + (not ok)
    xbrl = [n for n in (members if inline else files) if n != document and is_xbrl_file(n)]
    stored += len(xbrl)
    if inline:
        instance = instance_name(document)
        assert instance is not None
        assert instance not in members
        requests += 1
        stored += (path / instance).is_file()
    else:
        requests += len(xbrl)
    return requests, stored, failed
