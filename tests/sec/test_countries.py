"""The one table of places: ISO 3166-1 and EDGAR codes by English name."""

from __future__ import annotations

from collections import Counter

import pytest

from filings_crawler.sec import countries


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Republic of Côte d\u2019Ivoire", "republic of cote divoire"),
        ("U.S.A.", "usa"),
        ("Cocos (Keeling) Islands", "cocos keeling islands"),
        ("  Virgin Islands,\nU.S. ", "virgin islands us"),
        ("Guinea-Bissau", "guinea bissau"),
    ],
)
def test_a_name_is_matched_without_case_accents_dots_or_a_leading_the(name, key):
    assert countries.name_key(name) == key


def test_each_name_means_one_place():
    keys = Counter(countries.name_key(name) for place in countries.PLACES for name in place.names)
    assert [key for key, times in keys.items() if times > 1] == []


def test_each_code_is_one_place():
    iso = Counter(place.iso for place in countries.PLACES if place.iso)
    edgar = Counter(place.edgar for place in countries.PLACES if place.edgar)
    edgar.update(code for _postal, code, _name in set(countries.CANADIAN_PROVINCES))
    assert [code for code, times in iso.items() if times > 1] == []
    # Newfoundland is listed twice under one code: by its old name and its new one.
    assert [code for code, times in edgar.items() if times > 1] == ["A4"]
    assert all(len(code) == 2 for code in [*iso, *edgar])


def test_every_name_finds_its_own_codes():
    for place in countries.PLACES:
        for name in place.names:
            key = countries.name_key(name)
            assert countries.ISO_BY_NAME.get(key) == place.iso, name
            assert countries.EDGAR_BY_NAME.get(key) == place.edgar, name


def test_an_edgar_code_gives_the_iso_country_and_the_province():
    assert countries.ISO_BY_EDGAR["E9"] == ("KY", None)  # Cayman Islands
    assert countries.ISO_BY_EDGAR["X0"] == ("GB", None)
    assert countries.ISO_BY_EDGAR["A6"] == ("CA", "ON")  # Ontario
    assert countries.ISO_BY_EDGAR["Z4"] == ("CA", None)  # Canada, federally
    assert "XX" not in countries.ISO_BY_EDGAR  # unknown is no country
    assert "P8" not in countries.ISO_BY_EDGAR  # Netherlands Antilles: ISO withdrew it
