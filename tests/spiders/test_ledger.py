"""The discovery ledger: done means an outcome, never a request handed out."""

from __future__ import annotations

from filings_crawler.spiders.ledger import MAX_SWEEPS, DiscoveryLedger


def test_a_company_asked_for_is_not_done_until_its_outcome_is_known():
    ledger = DiscoveryLedger()
    # Nothing the scheduler hands out (a first try, a retry, a block's retry) marks it done.
    assert not ledger.is_done(320193)
    assert not ledger.is_done(320193)
    ledger.mark_read(320193)
    assert ledger.is_done(320193)


def test_a_lasting_failure_is_done_and_a_transient_one_is_left():
    ledger = DiscoveryLedger()
    ledger.mark_failed(1, "submissions JSON: HTTP 404", permanent=True)
    ledger.mark_failed(2, "submissions JSON: Connection lost", permanent=False)
    assert ledger.is_done(1)
    assert not ledger.is_done(2)  # its requests may still reach SEC
    assert ledger.left == {2: "submissions JSON: Connection lost"}
    assert ledger.has_outcome(2)
    # Read after all (another copy of its request): no longer left.
    ledger.mark_read(2)
    assert ledger.left == {}
    assert ledger.is_done(2)


def test_a_read_company_stays_read_whatever_another_copy_of_its_request_met():
    ledger = DiscoveryLedger()
    ledger.mark_read(7)
    ledger.mark_failed(7, "HTTP 503", permanent=False)
    assert ledger.is_done(7)
    assert ledger.left == {}


def test_companies_recorded_before_the_stop_are_done_in_the_resumed_run():
    ledger = DiscoveryLedger()
    ledger.resumed([1, 2])
    assert ledger.is_done(1)
    assert ledger.is_done(2)
    assert not ledger.is_done(3)
    assert ledger.done_count([1, 2, 3]) == 2


def test_the_sweep_asks_again_only_for_companies_without_an_outcome_and_not_forever():
    ledger = DiscoveryLedger()
    ledger.mark_read(1)  # its records may still be in the database pipeline's buffer
    ledger.mark_failed(2, "reset", permanent=False)  # left for the next run
    unrecorded = [1, 2, 3]
    for _ in range(MAX_SWEEPS):
        assert ledger.to_sweep(unrecorded) == [3]
    assert ledger.to_sweep(unrecorded) == []
