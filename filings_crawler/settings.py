"""Scrapy settings: the project's own (see config.Config) and the Scrapy choices behind them."""

from filings_crawler.config import environment_settings

BOT_NAME = "filings_crawler"
SPIDER_MODULES = ["filings_crawler.spiders"]
NEWSPIDER_MODULE = "filings_crawler.spiders"
COMMANDS_MODULE = "filings_crawler.commands"

# Every project setting (SEC_USER_AGENT, SEC_RATE_LIMIT, DATABASE_URL, SEC_RATE_MARGIN, ...) from the
# environment or .env, else its default (config.Config declares each once), as a setting of the
# same name, so `scrapy crawl x -s SEC_RATE_LIMIT=5` overrides it. They are validated before a job
# sends anything; the addon derives Scrapy's own settings.
globals().update(environment_settings())

ADDONS = {"filings_crawler.addon.FilingsCrawlerAddon": 0}

# LOG_FORMAT is ours (json|console), so Scrapy's handler, which would use it as a format string,
# stays out; filings_crawler.logs installs the job's handlers instead.
LOG_INSTALL_ROOT_HANDLER = False
LOG_LEVEL = "INFO"

EXTENSIONS = {
    "filings_crawler.extensions.job_log.JobLog": 0,
    # The database, for every component of a crawl (opened before the others need it).
    "filings_crawler.extensions.dataset.Dataset": 10,
    # SEC's request budget (filings_crawler/budget/): the windows the download handler takes
    # permits from, and the pace that SEC's answers set.
    "filings_crawler.budget.sec_budget.SecBudget": 50,
    "filings_crawler.extensions.run_audit.RunAudit": 100,
    "filings_crawler.extensions.progress.Progress": 200,
    "filings_crawler.extensions.frontier.Frontier": 300,
    # A crawl of days must not open a telnet port on the machine.
    "scrapy.extensions.telnet.TelnetConsole": None,
}
# Nor Scrapy's remote-control HTTP port, for the same reason: `scrapy status` reads progress
# from the database instead.
REMOTE_CONTROL_ENABLED = False

# SEC's fair access (filings_crawler/budget/): every SEC request, a spider's or a download's, retries
# included, goes through one slot and one sliding-window limit of SEC_RATE_LIMIT per second,
# applied by the download handler where the request is written. Routing comes first (a request
# to any other host is refused unsent) and sets Accept-Encoding before HttpCompressionMiddleware
# (590) would add br and zstd; the answers middleware sits just below RetryMiddleware (550), so
# it sees 429s, 5xx and block pages before a retry is decided.
DOWNLOADER_MIDDLEWARES = {
    "filings_crawler.budget.routing.SourceRoutingMiddleware": 100,
    "filings_crawler.budget.answers.SecAnswersMiddleware": 560,
    # Nothing is read as text before the parsers, which read bytes: no charset guessing.
    "filings_crawler.middlewares.bodies.PlainBodiesMiddleware": 595,
    # A meta refresh in a filing would send the crawler off SEC's documents (and read every
    # HTML document as text to look for one).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
}
DOWNLOAD_HANDLERS = {
    "http": "filings_crawler.budget.handler.BudgetedHTTPDownloadHandler",
    "https": "filings_crawler.budget.handler.BudgetedHTTPDownloadHandler",
}
# The limiter paces requests; a slot delay would only add to it, and AutoThrottle could lower a
# slot's delay but never get past the limiter, so it stays off to keep one mechanism in charge.
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
# 429/503/5xx and connection failures are retried, each attempt through the budget again.
RETRY_TIMES = 5

# SEC's fair-access rules (declared User-Agent, 10 requests/s) are what govern automated access to
# EDGAR and are enforced here; robots.txt requests would only spend that budget.
ROBOTSTXT_OBEY = False
COOKIES_ENABLED = False

FEED_EXPORT_ENCODING = "utf-8"

# Crawls resume with `-s JOBDIR=jobs/<spider>`: discovery's frontier is kept there, while the
# documents stage asks the database (scheduler.py, extensions/frontier.py, docs/operations.md).
SCHEDULER = "filings_crawler.scheduler.FilingsScheduler"

# One responsibility each, in this order; gaps leave room for the ones to come (docs/pipelines.md).
ITEM_PIPELINES = {
    "filings_crawler.pipelines.downloads.DownloadsPipeline": 300,
    "filings_crawler.pipelines.filing_store.FilingStorePipeline": 350,
    "filings_crawler.pipelines.listing_files.ListingFilesPipeline": 400,
    "filings_crawler.pipelines.listings_reference.ListingsReferencePipeline": 410,
    "filings_crawler.pipelines.database.DatabasePipeline": 800,
    "filings_crawler.pipelines.facts.FactsPipeline": 850,
    "filings_crawler.pipelines.sections.SectionsPipeline": 860,
    "filings_crawler.pipelines.derived.ReleaseBodiesPipeline": 900,
}
# A primary document of a few hundred MB exists; one of a GB is a fault, not a filing. The same
# limit caps decompressed bodies, so a gzip bomb stops here too.
DOWNLOAD_MAXSIZE = 512 * 1024 * 1024
DOWNLOAD_WARNSIZE = 64 * 1024 * 1024
