-- Companies listed in the past, the listing each filing declares, and acceptance times as instants.
--
-- 1. past_listings: every company the past_listings crawl checked (filers of an in-scope form in
--    the window that today's lists do not target), and what its own cover page said: the target
--    exchange it was listed on (NULL: none, never listed), the symbol, and the filing read. A
--    checked company (checked_at set) is not asked again; one whose filing could not be read has
--    last_error and is asked again by the next run.
CREATE TABLE past_listings (
    cik                 bigint PRIMARY KEY CHECK (cik > 0),
    name                text NOT NULL,
    exchange            text,
    symbol              text,
    accession_number    text,
    filing_date         date,
    exchanges_declared  text[] NOT NULL DEFAULT '{}',
    checked_at          timestamptz,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX past_listings_exchange_idx ON past_listings (exchange);

-- A confirmed company is targeted like today's: `companies.exchange` holds the exchange its
-- covers name, and this flag says it came from the past (enrichment keeps it while today's
-- lists say UNKNOWN).
ALTER TABLE companies ADD COLUMN listed_in_past boolean NOT NULL DEFAULT false;

-- 2. What each filing's own cover page declares: the exchange(s), named as companies.exchange
--    names them (NASDAQ, NYSE, NYSE American, NYSE Arca; any other by its EDGAR code, CboeBZX),
--    and the trading symbol(s) of its registered securities, when it was
--    filed. NULL: not read yet (documents not fetched); '{}': the cover declares none.
ALTER TABLE filings ADD COLUMN exchanges_declared text[];
ALTER TABLE filings ADD COLUMN symbols_declared text[];

-- 3. SEC's acceptanceDateTime ends in "Z" but is New York time. It was stored as if UTC: the
--    wall-clock digits are kept and read as New York's, making each value the true instant.
UPDATE filings
SET acceptance_datetime = (acceptance_datetime AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York'
WHERE acceptance_datetime IS NOT NULL;
