"""Local HTTP mirror of SEC EDGAR and NASDAQ Trader for offline crawler tests."""

from filings_crawler.mirror.process import MirrorStartError, mirror_base_urls, run_mirror_process
from filings_crawler.mirror.server import EdgarMirror

__all__ = ["EdgarMirror", "MirrorStartError", "mirror_base_urls", "run_mirror_process"]
