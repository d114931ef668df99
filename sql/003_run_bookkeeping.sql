-- When a company's submissions were last asked for, whether SEC answered with data or not: a
-- resumed or swept crawl tells from it which companies this run has not reached yet.
ALTER TABLE companies ADD COLUMN submissions_checked_at timestamptz;
UPDATE companies SET submissions_checked_at = submissions_fetched_at;
