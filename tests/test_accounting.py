"""A crawl's account of its work: read, failed, left with the reason, or unaccounted for."""

from __future__ import annotations

from datetime import UTC, datetime

from filings_crawler.accounting import (
    DocumentsTally,
    Outstanding,
    WorkAccount,
    companies_account,
    describe_done,
    documents_account,
)


def test_companies_read_failed_and_left_are_all_accounted_for():
    account = companies_account(
        [1, 2, 3, 4],
        unrecorded=[3],
        failed=[2],
        left={3: "submissions JSON: Connection was refused by other side: 111"},
    )
    assert account.done == {"companies": 2}
    assert account.failed == {"companies": 1}
    assert account.left == [
        Outstanding(
            "companies", 1, "CIK 3: submissions JSON: Connection was refused by other side: 111"
        )
    ]
    assert account.unaccounted == []
    assert not account.complete
    assert account.summary() == (
        "1 company still to read "
        "(CIK 3: submissions JSON: Connection was refused by other side: 111)"
    )


def test_a_company_neither_recorded_nor_left_is_a_bug_the_account_names():
    account = companies_account(range(1, 7), unrecorded=[2, 3, 4, 5, 6], failed=[], left={})
    assert account.unaccounted == [
        Outstanding("companies", 5, "never read: CIK 2, 3, 4 and 2 more")
    ]
    assert account.summary() == (
        "5 companies still to read (never read: CIK 2, 3, 4 and 2 more), unaccounted for: "
        "a bug, please report it"
    )


def test_documents_still_due_say_why_and_when_they_are_tried_again():
    next_due = datetime(2026, 12, 6, 19, 4, 5, tzinfo=UTC)
    tally = DocumentsTally(
        stored=40,
        failed=2,
        due=3,
        due_reasons={"HTTP 503": 2, "Connection lost": 1},
        next_due=next_due,
    )
    account = documents_account(tally, fetched=True)
    assert account.done == {"documents": 40}
    assert account.failed == {"documents": 2}
    assert account.summary() == (
        "3 documents still due (HTTP 503 ×2, Connection lost; next try from 2026-12-06 "
        "19:04:05 UTC)"
    )


def test_queued_documents_are_unaccounted_for_a_crawl_that_fetched_them():
    tally = DocumentsTally(stored=1, queued=3, leased_elsewhere=1, queued_filings=("0001-24-1",))
    account = documents_account(tally, fetched=True)
    assert account.left == [Outstanding("documents", 1, "being fetched by another crawl")]
    assert account.unaccounted == [
        Outstanding("documents", 2, "queued and never fetched: 0001-24-1")
    ]


def test_queued_documents_are_what_a_crawl_without_downloads_was_asked_for():
    account = documents_account(DocumentsTally(queued=12), fetched=False)
    assert account.complete
    assert account.done == {"documents": 0, "documents_queued": 12}


def test_accounts_add_up_and_travel_as_plain_data():
    account = WorkAccount(done={"companies": 2})
    account.add(WorkAccount(done={"companies": 1, "documents": 5}, failed={"documents": 1}))
    assert account.done == {"companies": 3, "documents": 5}
    assert account.as_dict() == {
        "done": {"companies": 3, "documents": 5},
        "failed": {"documents": 1},
        "left": [],
        "unaccounted": [],
    }
    assert account.complete
    assert account.summary() == ""


def test_what_was_done_reads_as_a_sentence():
    account = WorkAccount(
        done={"companies": 1, "documents": 240}, failed={"companies": 1, "documents": 3}
    )
    assert describe_done(account.as_dict()) == (
        "1 company read (1 failed with SEC's reason), 240 documents stored (3 failed with "
        "SEC's reason)"
    )
    assert describe_done(WorkAccount().as_dict()) == "nothing to do"
