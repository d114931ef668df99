"""The local EDGAR mirror: SEC EDGAR and NASDAQ Trader served from real saved files, offline.

Used by the tests, the demo (`python -m edgar_mirror.demo`) and the benchmarks; not part of
the product: the scrapyd egg ships `filings_crawler` only, and nothing in it imports this.
"""

from edgar_mirror.process import MirrorStartError, mirror_base_urls, run_mirror_process
from edgar_mirror.server import EdgarMirror

__all__ = ["EdgarMirror", "MirrorStartError", "mirror_base_urls", "run_mirror_process"]
