"""Packaging for scrapyd (`scrapyd-deploy` builds an egg from this): the code, its settings, sql/, templates.

The migrations live at the top of the project, in sql/; in the egg they go to filings_crawler/sql/,
which is where `filings_crawler.db.migrations` looks when there is no sql/ folder beside the
code (inside an egg there is none).
"""

from setuptools import find_packages, setup

setup(
    name="filings_crawler",
    version="0.1.0",
    description="Scrapy ETL of SEC 10-K/10-Q filings of NASDAQ- and NYSE-listed companies",
    python_requires=">=3.11",
    packages=[
        *find_packages(include=["filings_crawler", "filings_crawler.*"]),
        "filings_crawler.sql",
    ],
    package_dir={"filings_crawler.sql": "sql"},
    # The coverage page's Jinja2 templates travel with the code, into the egg too.
    package_data={
        "filings_crawler.sql": ["*.sql"],
        "filings_crawler.reports": ["templates/*.html"],
    },
    entry_points={"scrapy": ["settings = filings_crawler.settings"]},
    zip_safe=False,
)
