"""The splitter on the sample's real 10-Ks and 10-Qs, against a ground truth written by reading them.

tests/sec/sections_truth.json holds, per document and Item, the heading as printed and the first
and last six words of the Item's text (or the Item's status when it has no text of its own).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filings_crawler.sec.sections import ABSENT, COMBINED, FOUND, split_document
from filings_crawler.sec.sections.split import WORD
from tests.sample_files import sample_bytes

TRUTH = json.loads((Path(__file__).parent / "sections_truth.json").read_text())


@pytest.mark.parametrize("relative", sorted(TRUTH))
def test_every_item_of_the_sample_is_found_exactly(relative: str) -> None:
    truth = TRUTH[relative]
    sections = split_document(sample_bytes(relative), truth["form"], relative.rsplit("/", 1)[-1])
    got = {}
    for section in sections:
        if section.status != FOUND:
            got[section.item] = {"status": section.status}
            continue
        words = WORD.findall(section.text)
        got[section.item] = {
            "heading": section.heading,
            "first": " ".join(words[:6]),
            "last": " ".join(words[-6:]),
        }
    assert got == truth["items"]


def test_sections_keep_offsets_words_and_method() -> None:
    relative = "www.sec.gov/Archives/edgar/data/320193/000032019324000123/aapl-20240928.htm"
    sections = {s.item: s for s in split_document(sample_bytes(relative), "10-K", "aapl.htm")}
    risk = sections["1A"]
    assert risk.method == "toc-link"
    assert risk.document == "aapl.htm"
    assert risk.start < risk.end <= sections["1B"].start
    assert 9000 < risk.words < 11000
    # Page numbers, running headers and "Table of Contents" links are left out of the text.
    assert "Apple Inc. | 2024 Form 10-K |" not in risk.text
    assert "\n5\n" not in risk.text
    # "None." and "incorporated herein by reference" are an Item's text, kept as printed.
    assert sections["1B"].text == "None."
    assert sections["11"].text.endswith("incorporated herein by reference.")


def test_a_cross_reference_in_running_text_is_not_a_heading() -> None:
    html = b"""<html><body>
    <p>Item 1. Business</p><p>We sell things. See Item 7 for more and Item 1A.</p>
    <p>Item 1A. Risk Factors</p><p>Item 7 of this report, which discusses results, matters a great
    deal to our investors and is referred to here in running text that is long enough.</p>
    </body></html>"""
    sections = {s.item: s for s in split_document(html, "10-K")}
    assert sections["1"].text == "We sell things. See Item 7 for more and Item 1A."
    assert sections["1A"].text.startswith("Item 7 of this report")
    assert sections["7"].status == ABSENT
    assert sections["7"].reason


def test_combined_headings_give_the_text_to_the_first_item() -> None:
    html = b"""<html><body><p>PART I</p>
    <p>Items 1 and 2. Business and Properties</p><p>We own a plant.</p>
    <p>Item 3. Legal Proceedings</p><p>None.</p></body></html>"""
    sections = {s.item: s for s in split_document(html, "10-K/A")}
    assert sections["1"].text == "We own a plant."
    assert sections["2"].status == COMBINED
    assert "Item 1" in sections["2"].reason
    assert sections["3"].text == "None."


def test_other_forms_are_refused() -> None:
    with pytest.raises(ValueError, match="8-K"):
        split_document(b"<html></html>", "8-K")


def test_items_a_cross_reference_index_places_in_the_annual_report_say_where_they_are() -> None:
    # The layout of IBM's and Wells Fargo's 10-Ks: no Item headings in the body, a table that
    # sends each Item to pages of the annual report (Exhibit 13).
    html = b"""<html><body><p>INTERNATIONAL WIDGETS CORPORATION</p>
    <p>Form 10-K Cross-Reference Index</p>
    <table>
    <tr><td>Part I</td><td></td></tr>
    <tr><td>Item 1.</td><td>Business</td><td>1-6</td></tr>
    <tr><td>Item 1A.</td><td>Risk Factors</td><td>45-52</td></tr>
    <tr><td>Item 1B.</td><td>Unresolved Staff Comments</td><td>None</td></tr>
    <tr><td>Part II</td><td></td></tr>
    <tr><td>Item 7.</td><td>Management's Discussion and Analysis</td><td>12, 20-44</td></tr>
    </table>
    <p>The information required by the Items above is in the Annual Report to Stockholders.</p>
    </body></html>"""
    sections = {s.item: s for s in split_document(html, "10-K")}
    assert all(s.status == ABSENT for s in sections.values())
    assert all(s.text == "" for s in sections.values())
    assert sections["1A"].reason == (
        "placed by the 10-K's cross-reference index in another document (pages 45-52, in the "
        "annual report filed as an exhibit), which is not split"
    )
    assert "(pages 12, 20-44," in sections["7"].reason
    assert "(“None”," in sections["1B"].reason
    assert sections["9A"].reason == "no body heading for this Item in the 10-K"
