"""The project's Scrapy add-on: derives Scrapy's own settings from the validated project variables.

Add-ons run after every other source of settings (settings.py, the environment, `scrapy -s`), so
what is derived here always follows the value the job really runs with.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from filings_crawler.config import Config


class FilingsCrawlerAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        config = Config.from_settings(settings)
        derived: dict[str, Any] = {
            # SEC's fair-access rules: every request declares who sends it.
            "USER_AGENT": config.sec_user_agent,
        }
        settings.setdict(derived, priority="addon")
