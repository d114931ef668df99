"""A stored filing's facts read into `facts`: SEC's real instance, and bad XBRL refused per filing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text

from filings_crawler.db.facts import stored_xbrl
from filings_crawler.db.filings import upsert_filings
from filings_crawler.facts import record_filing_facts
from filings_crawler.sec.xbrl import parse_inline
from filings_crawler.storage.local import LocalStorage
from tests.records import filing
from tests.sample_files import sample_bytes
from tests.sec.test_inline_set import EXHIBIT, NOT_INLINE, PRIMARY

INSTANCE = "www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329_htm.xml"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance">&lol2;</xbrli:xbrl>"""


def stored_instance(engine: Engine, storage: LocalStorage, body: bytes) -> None:
    """Apple's 10-Q, its instance stored with `body` as its bytes."""
    storage.write("NASDAQ/aapl/2025/aapl-20250329_htm.xml", body)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO companies (cik, name, exchange) VALUES (320193, 'Apple', 'NASDAQ')")
        )
        upsert_filings(conn, [filing(320193, queued=False, filing_date=date(2025, 5, 2))])
        conn.execute(
            text(
                "INSERT INTO artifacts (filing_id, kind, sec_url, status, attempts, storage_path, "
                "sha256, bytes, downloaded_at) SELECT id, 'xbrl', :url, 'downloaded', 1, :path, "
                ":sha, 1, now() FROM filings"
            ),
            {
                "url": "https://" + INSTANCE,
                "path": "NASDAQ/aapl/2025/aapl-20250329_htm.xml",
                "sha": "a" * 64,
            },
        )


def read(engine: Engine, storage: LocalStorage) -> int | str:
    with engine.connect() as conn:
        [stored] = stored_xbrl(conn)
    return record_filing_facts(engine, storage, stored)


def test_apples_instance_gives_its_facts_once_each_and_a_rerun_the_same(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_instance(engine, storage, sample_bytes(INSTANCE))
    assert read(engine, storage) == 700  # 760 fact elements, 60 of them duplicates
    with engine.connect() as conn:
        revenue = conn.execute(
            text(
                "SELECT value_numeric, unit, period_start, period_end FROM facts "
                "WHERE concept_name = 'RevenueFromContractWithCustomerExcludingAssessedTax' "
                "AND dimensions = '[]' AND period_start = '2024-12-29'"
            )
        ).one()
        source, count, error = conn.execute(
            text("SELECT facts_source, facts_count, facts_error FROM filings")
        ).one()
        with engine.connect() as again:
            [stored] = stored_xbrl(again, unread_only=False)
    assert revenue == (95359000000, "USD", date(2024, 12, 29), date(2025, 3, 29))
    assert (source, count, error) == ("NASDAQ/aapl/2025/aapl-20250329_htm.xml", 700, None)
    assert record_filing_facts(engine, storage, stored) == 700
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM facts")).scalar_one() == 700


def test_a_facts_footnote_and_no_break_spaces_are_stored_as_read(engine, tmp_path):
    # Apple's real instance, with a footnote link (as SEC writes one) added to its fact f-54.
    link = (
        b'<link:footnoteLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link">'
        b'<link:loc xlink:type="locator" xlink:href="#f-54" xlink:label="f-54_loc"/>'
        b'<link:footnote xlink:type="resource" xlink:label="fn-1" xml:lang="en-US" '
        b'xlink:role="http://www.xbrl.org/2003/role/footnote">(1) Products&#160;only.</link:footnote>'
        b'<link:footnoteArc xlink:type="arc" xlink:from="f-54_loc" xlink:to="fn-1" '
        b'xlink:arcrole="http://www.xbrl.org/2003/arcrole/fact-footnote"/></link:footnoteLink>'
    )
    body = sample_bytes(INSTANCE).replace(b"</xbrl>", link + b"</xbrl>")
    storage = LocalStorage(tmp_path)
    stored_instance(engine, storage, body)
    assert read(engine, storage) == 700
    with engine.connect() as conn:
        footnoted = conn.execute(
            text("SELECT value_numeric, footnote FROM facts WHERE footnote IS NOT NULL")
        ).all()
        spaced = conn.execute(
            text("SELECT count(*) FROM facts WHERE strpos(value_text, chr(160)) > 0")
        ).scalar_one()
    assert footnoted == [(68714000000, "(1) Products\xa0only.")]
    assert spaced == 20  # the text blocks SEC's instance writes with U+00A0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (sample_bytes(INSTANCE)[:200_000], "not well-formed"),
        (b"%PDF-1.4 not xml at all", "not well-formed"),
        (BOMB, "DTD"),
        (b"", "empty"),
    ],
    ids=["truncated", "not-xml", "entity-bomb", "empty"],
)
def test_bad_xbrl_is_refused_for_its_filing_with_the_reason(engine, tmp_path, body, reason):
    storage = LocalStorage(tmp_path)
    stored_instance(engine, storage, body)
    result = read(engine, storage)
    assert isinstance(result, str)
    with engine.connect() as conn:
        error = conn.execute(text("SELECT facts_error FROM filings")).scalar_one()
        assert conn.execute(text("SELECT count(*) FROM facts")).scalar_one() == 0
    assert error == result
    assert reason.lower() in error.lower(), error


def test_a_file_missing_from_the_store_is_a_reason_too(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_instance(engine, storage, sample_bytes(INSTANCE))
    (tmp_path / "NASDAQ/aapl/2025/aapl-20250329_htm.xml").unlink()
    result = read(engine, storage)
    assert isinstance(result, str)
    assert "missing from the store" in result
    # The store's failure, not the document's: the next run asks again, and reads it once there.
    storage.write("NASDAQ/aapl/2025/aapl-20250329_htm.xml", sample_bytes(INSTANCE))
    assert read(engine, storage) == 700
    with engine.connect() as conn:
        assert conn.execute(text("SELECT facts_error FROM filings")).scalar_one() is None


def test_bad_xbrl_is_not_read_again_unless_asked(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_instance(engine, storage, b"%PDF-1.4 not xml at all")
    assert isinstance(read(engine, storage), str)
    with engine.connect() as conn:
        assert stored_xbrl(conn) == []
        assert len(stored_xbrl(conn, unread_only=False)) == 1


def stored_document_set(engine: Engine, storage: LocalStorage) -> None:
    """Apple's 10-Q without its instance (XBRL_INSTANCE=skip): the inline primary document, an
    inline exhibit whose facts use the primary's contexts, and a plain certification exhibit."""
    folder = "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/"
    files = [
        ("html", "aapl-20250329.htm", sample_bytes(PRIMARY)),
        ("exhibit", "ex13.htm", EXHIBIT),
        ("exhibit", "ex31.htm", NOT_INLINE),
    ]
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO companies (cik, name, exchange) VALUES (320193, 'Apple', 'NASDAQ')")
        )
        upsert_filings(conn, [filing(320193, queued=False, filing_date=date(2025, 5, 2))])
        for kind, name, body in files:
            storage.write(f"NASDAQ/aapl/2025/{name}", body)
            conn.execute(
                text(
                    "INSERT INTO artifacts (filing_id, kind, sec_url, status, attempts,"
                    " storage_path, sha256, bytes, downloaded_at) SELECT id, :kind, :url,"
                    " 'downloaded', 1, :path, :sha, 1, now() FROM filings"
                ),
                {
                    "kind": kind,
                    "url": folder + name,
                    "path": f"NASDAQ/aapl/2025/{name}",
                    "sha": "a" * 64,
                },
            )


def test_an_inline_filing_gives_the_facts_of_its_whole_document_set(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_document_set(engine, storage)
    primary_only = parse_inline(sample_bytes(PRIMARY), "aapl-20250329.htm")
    count = read(engine, storage)
    assert count == len(primary_only.facts) + 2
    with engine.connect() as conn:
        from_exhibit = conn.execute(
            text(
                "SELECT concept_name, value_text FROM facts WHERE concept_name IN"
                " ('AdjustmentsToAdditionalPaidInCapitalOther', 'ExhibitNarrative')"
                " ORDER BY concept_name"
            )
        ).all()
    assert from_exhibit == [
        ("AdjustmentsToAdditionalPaidInCapitalOther", "1234000000"),
        ("ExhibitNarrative", "The Company reports five reportable segments."),
    ]
