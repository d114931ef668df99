-- A crawl that ran out of requests with work left (a file that never answered, work it cannot
-- account for) is recorded `incomplete`, not `succeeded`: the same command continues it.
ALTER TABLE execution_runs DROP CONSTRAINT execution_runs_status_check;
ALTER TABLE execution_runs ADD CONSTRAINT execution_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'incomplete', 'failed', 'cancelled'));
