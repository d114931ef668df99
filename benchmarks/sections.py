"""Benchmark of the section splitter against edgartools and edgar-crawler, on the same files.

    .venv/bin/python benchmarks/sections.py [--edgar-crawler PATH] [--rounds 3]

Every tool splits the sample's real 10-Ks and 10-Qs (tests/sec/sections_truth.json) and each
Item is scored against that ground truth (the first and last six words of the Item's text):

- exact: the Item's text starts with the truth's first words and ends with its last words;
- start-only / end-only: one of the two matches (the Item is cut short or runs on);
- wrong: neither matches; missing: no text for an Item that has text;
- spurious: text for an Item the document does not have (absent or printed with another Item).

Matching ignores case, punctuation and the tool's own heading or "Table of Contents" lines: a
window of 40 words at each end of the tool's text must hold the truth's words in order.
Optional peers: edgartools (`.venv/bin/pip install edgartools`; not a project requirement) and
edgar-crawler (a checkout of github.com/lefterisloukas/edgar-crawler given with
--edgar-crawler; its extract_items.py needs beautifulsoup4 and cssutils). A missing peer is
reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import resource
import sys
import tempfile
import time
import tracemalloc
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from filings_crawler.sec.sections import FOUND, split_document  # noqa: E402
from tests.sample_files import sample_bytes  # noqa: E402

TRUTH = json.loads((PROJECT_ROOT / "tests/sec/sections_truth.json").read_text())
WINDOW = 40
KINDS = ("exact", "start-only", "end-only", "wrong", "missing", "spurious")
# A tool's answer: Item name (ours: `1A`, `II-1A`) -> its text ("" when it has none).
Splitter = Callable[[bytes, str, str], dict[str, str]]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def holds(window: list[str], wanted: list[str]) -> bool:
    n = len(wanted)
    return any(window[i : i + n] == wanted for i in range(len(window) - n + 1))


def score(truth: dict[str, dict[str, str]], got: dict[str, str]) -> dict[str, str]:
    """Each Item's kind (exact, start-only...); an Item with no text and none given is exact."""
    kinds = {}
    for item, expected in truth.items():
        text = words(got.get(item, ""))
        if "status" in expected:
            if text:
                kinds[item] = "spurious"
            continue
        first, last = words(expected["first"]), words(expected["last"])
        if not first and not last:  # "Item 6. [Reserved]": a heading with no text
            kinds[item] = "exact" if not text or len(text) < WINDOW else "wrong"
            continue
        if not text:
            kinds[item] = "missing"
            continue
        start, end = holds(text[:WINDOW], first), holds(text[-WINDOW:], last)
        kind = {(True, True): "exact", (True, False): "start-only", (False, True): "end-only"}
        kinds[item] = kind.get((start, end), "wrong")
    return kinds


def ours(data: bytes, form: str, name: str) -> dict[str, str]:
    return {s.item: s.text for s in split_document(data, form, name) if s.status == FOUND}


def edgartools() -> Splitter | None:
    try:
        from edgar.documents import parse_html
        from edgar.documents.config import ParserConfig
    except ImportError:
        return None

    def split(data: bytes, form: str, name: str) -> dict[str, str]:
        document = parse_html(data.decode("utf-8", "replace"), ParserConfig(form=form))
        got = {}
        for section in document.sections.values():
            item = str(getattr(section, "item", "") or "").upper()
            part = str(getattr(section, "part", "") or "").upper()
            if form == "10-Q":
                item = f"{part}-{item}"
            got[item] = section.text()
        return got

    return split


def edgar_crawler(path: Path | None) -> Splitter | None:
    if path is None:
        return None
    sys.path.insert(0, str(path))
    # Only its ExtractItems class is used: its process pool (pathos) is not needed.
    sys.modules.setdefault("pathos", types.ModuleType("pathos"))
    pools = types.ModuleType("pathos.pools")
    pools.ProcessPool = None  # type: ignore[attr-defined]
    sys.modules.setdefault("pathos.pools", pools)
    try:
        from extract_items import ExtractItems
    except ImportError as error:
        print(f"edgar-crawler skipped: {error}", file=sys.stderr)
        return None
    # Tables kept (remove_tables=False), as ours and edgartools keep them.
    folder = Path(tempfile.mkdtemp(prefix="edgar-crawler-"))
    keys = [
        "CIK",
        "Company",
        "Date",
        "SIC",
        "html_index",
        "htm_file_link",
        "complete_text_file_link",
    ]

    def split(data: bytes, form: str, name: str) -> dict[str, str]:
        (folder / form).mkdir(exist_ok=True)
        (folder / form / name).write_bytes(data)
        extractor = ExtractItems(False, [], False, str(folder), str(folder), False)
        metadata = dict.fromkeys(keys, "") | {"Type": form, "filename": name}
        metadata |= {"Period of Report": "", "State of Inc": "", "State location": ""}
        metadata |= {"Fiscal Year End": "", "Date": "2024-01-01"}
        extractor.determine_items_to_extract(metadata)
        content = extractor.extract_items(metadata) or {}
        got = {}
        for key, text in content.items():
            match = re.fullmatch(r"(?:part_(\d)_)?item_(\w+)", key)
            if match:
                part = {"1": "I", "2": "II"}.get(match[1] or "", "")
                got[f"{part}-{match[2]}" if part else match[2]] = text
        return got

    return split


def run(name: str, splitter: Splitter, rounds: int) -> None:
    totals: Counter[str] = Counter()
    seconds = 0.0
    for relative, truth in TRUTH.items():
        data = sample_bytes(relative)
        start = time.perf_counter()
        for _ in range(rounds):
            got = splitter(data, truth["form"], relative.rsplit("/", 1)[-1])
        seconds += (time.perf_counter() - start) / rounds
        kinds = score(truth["items"], got)
        totals.update(kinds.values())
        off = ", ".join(f"{item} {kind}" for item, kind in kinds.items() if kind != "exact")
        if off:
            print(f"    {name:14} {relative.rsplit('/', 1)[-1]}: {off}")
    per_filing = seconds / len(TRUTH)
    cells = " | ".join(str(totals[kind]) for kind in KINDS)
    print(f"| {name} | {cells} | {per_filing * 1000:.0f} ms |")


def throughput(seconds: float) -> None:
    documents = [(sample_bytes(r), t["form"]) for r, t in TRUTH.items()]
    size = sum(len(data) for data, _ in documents)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for data, form in documents:
            split_document(data, form)
            count += 1
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    for data, form in documents:
        split_document(data, form)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Before the peers are imported: the process's peak is the interpreter, lxml and ours.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ours: {count / elapsed:.1f} filings/s on one core ({size / len(documents) / 1e6:.2f} MB"
        f" average document); peak Python allocations {peak / 1e6:.0f} MB (tracemalloc), peak"
        f" process RSS {rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--edgar-crawler", type=Path, help="a checkout of edgar-crawler")
    parser.add_argument("--rounds", type=int, default=1, help="splits per file, averaged")
    parser.add_argument("--seconds", type=float, default=5.0, help="throughput run length")
    args = parser.parse_args()
    items = sum(len(t["items"]) for t in TRUTH.values())
    print(f"{len(TRUTH)} filings, {items} Items in the ground truth")
    print("| tool | " + " | ".join(KINDS) + " | time per filing |")
    print("|---|" + "---|" * (len(KINDS) + 1))
    run("ours", ours, args.rounds)
    throughput(args.seconds)
    logging.disable(logging.CRITICAL)  # the peers log every step
    for name, splitter in (
        ("edgartools", edgartools()),
        ("edgar-crawler", edgar_crawler(args.edgar_crawler)),
    ):
        if splitter is None:
            print(f"| {name} | not installed (see the docstring) |")
        else:
            run(name, splitter, args.rounds)


if __name__ == "__main__":
    main()
