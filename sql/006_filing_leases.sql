-- Filings leased by a crawl that fetches their documents, when several crawls share one SEC
-- budget (SEC_BUDGET_URL): each takes a batch of due filings with FOR UPDATE SKIP LOCKED, so no
-- filing is fetched by two of them, and the lease expires, so a dead crawl's filings go back to
-- the queue. Recording a filing's documents ends its lease. Unused (NULL) without SEC_BUDGET_URL.
ALTER TABLE filings ADD COLUMN lease_owner text;
ALTER TABLE filings ADD COLUMN lease_until timestamptz;
CREATE INDEX filings_lease_owner_idx ON filings (lease_owner) WHERE lease_owner IS NOT NULL;
