"""Downloader middlewares of the project other than SEC's budget (which has its own package)."""
