"""Countries by their English names, with their ISO 3166-1 and EDGAR codes.

Filings name places in three code lists: ISO 3166-1 alpha-2 (`dei:EntityAddressCountry`, FSDS
`countryba`), EDGAR's state and country codes (`dei:EntityIncorporationStateCountryCode`,
the submissions file's `stateOfIncorporation`: `E9` is the Cayman Islands, `A6` Ontario) and US
postal codes. This module is the one table of the first two, read by the inline XBRL transforms
(`ixt-sec:countrynameen`, `ixt-sec:edgarprovcountryen`) and by the FSDS export.

The names are those SEC's reference transforms accept (official and short English names, a few
formal ones such as "Republic of Korea" and a few older ones, "Swaziland", "Netherlands
Antilles"). A name is matched as `name_key` writes it: case, accents, dots, apostrophes, other
punctuation and a leading "The" do not count.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Place(NamedTuple):
    iso: str | None  # ISO 3166-1 alpha-2; None where ISO has no code of its own (a province)
    edgar: str | None  # EDGAR's code; None for the few ISO countries EDGAR has no code for
    names: tuple[str, ...]


def _place(iso: str | None, edgar: str | None, *names: str) -> Place:
    return Place(iso, edgar, names)


# One row per place: ISO code, EDGAR code, the English names it goes by.
PLACES = (
    _place("AF", "B2", "Afghanistan"),
    _place("AX", "Y6", "Åland Islands"),
    _place("AL", "B3", "Albania"),
    _place("DZ", "B4", "Algeria"),
    _place("AS", "B5", "American Samoa"),
    _place("AD", "B6", "Andorra"),
    _place("AO", "B7", "Angola"),
    _place("AI", "1A", "Anguilla"),
    _place("AQ", "B8", "Antarctica"),
    _place("AG", "B9", "Antigua and Barbuda"),
    _place("AR", "C1", "Argentina", "Republic of Argentina"),
    _place("AM", "1B", "Armenia"),
    _place("AW", "1C", "Aruba"),
    _place("AU", "C3", "Australia"),
    _place("AT", "C4", "Austria"),
    _place("AZ", "1D", "Azerbaijan"),
    _place("BS", "C5", "Bahamas"),
    _place("BH", "C6", "Bahrain"),
    _place("BD", "C7", "Bangladesh"),
    _place("BB", "C8", "Barbados"),
    _place("BY", "1F", "Belarus"),
    _place("BE", "C9", "Belgium"),
    _place("BZ", "D1", "Belize"),
    _place("BJ", "G6", "Benin"),
    _place("BM", "D0", "Bermuda"),
    _place("BT", "D2", "Bhutan"),
    _place("BO", "D3", "Bolivia"),
    _place("BQ", None, "Bonaire, Sint Eustatius and Saba"),
    _place("BA", "1E", "Bosnia and Herzegovina"),
    _place("BW", "B1", "Botswana"),
    _place("BV", "D4", "Bouvet Island"),
    _place("BR", "D5", "Brazil", "Brasil", "Federative Republic of Brazil",
           "Federative Republic of Brasil"),
    _place("IO", "D6", "British Indian Ocean Territory"),
    _place("BN", "D9", "Brunei Darussalam"),
    _place("BG", "E0", "Bulgaria"),
    _place("BF", "X2", "Burkina Faso"),
    _place("BI", "E2", "Burundi"),
    _place("CV", "E8", "Cabo Verde", "Cape Verde"),
    _place("KH", "E3", "Cambodia"),
    _place("CM", "E4", "Cameroon"),
    _place("CA", "Z4", "Canada"),
    _place("KY", "E9", "Cayman Islands"),
    _place("CF", "F0", "Central African Republic"),
    _place("TD", "F2", "Chad"),
    _place("CL", "F3", "Chile"),
    _place("CN", "F4", "China", "People's Republic of China"),
    _place("CX", "F6", "Christmas Island"),
    _place("CC", "F7", "Cocos Islands", "Cocos (Keeling) Islands"),
    _place("CO", "F8", "Colombia", "Republic of Colombia"),
    _place("KM", "F9", "Comoros"),
    _place("CD", "Y3", "Democratic Republic of the Congo", "Democratic Republic of Congo"),
    _place("CG", "G0", "Congo"),
    _place("CK", "G1", "Cook Islands"),
    _place("CR", "G2", "Costa Rica"),
    _place("CI", "L7", "Côte d'Ivoire"),
    _place("HR", "1M", "Croatia"),
    _place("CU", "G3", "Cuba"),
    _place("CW", None, "Curaçao"),
    _place("CY", "G4", "Cyprus"),
    _place("CZ", "2N", "Czechia", "Czech Republic"),
    _place("DK", "G7", "Denmark", "Kingdom of Denmark"),
    _place("DJ", "1G", "Djibouti"),
    _place("DM", "G9", "Dominica"),
    _place("DO", "G8", "Dominican Republic"),
    _place("EC", "H1", "Ecuador"),
    _place("EG", "H2", "Egypt"),
    _place("SV", "H3", "El Salvador"),
    _place("GQ", "H4", "Equatorial Guinea"),
    _place("ER", "1J", "Eritrea"),
    _place("EE", "1H", "Estonia"),
    _place("SZ", "V6", "Eswatini", "Swaziland"),
    _place("ET", "H5", "Ethiopia"),
    _place("FK", "H7", "Falkland Islands", "Falkland Islands (Malvinas)", "Malvinas",
           "Islas Malvinas", "Malvinas Islands"),
    _place("FO", "H6", "Faroe Islands"),
    _place("FJ", "H8", "Fiji"),
    _place("FI", "H9", "Finland"),
    _place("FR", "I0", "France"),
    _place("GF", "I3", "French Guiana"),
    _place("PF", "I4", "French Polynesia"),
    _place("TF", "2C", "French Southern Territories"),
    _place("GA", "I5", "Gabon"),
    _place("GM", "I6", "Gambia"),
    _place("GE", "2Q", "Georgia"),
    _place("DE", "2M", "Germany"),
    _place("GH", "J0", "Ghana"),
    _place("GI", "J1", "Gibraltar"),
    _place("GR", "J3", "Greece"),
    _place("GL", "J4", "Greenland"),
    _place("GD", "J5", "Grenada"),
    _place("GP", "J6", "Guadeloupe"),
    _place("GU", "GU", "Guam"),
    _place("GT", "J8", "Guatemala"),
    _place("GG", "Y7", "Guernsey"),
    _place("GN", "J9", "Guinea"),
    _place("GW", "S0", "Guinea-Bissau"),
    _place("GY", "K0", "Guyana"),
    _place("HT", "K1", "Haiti"),
    _place("HM", "K4", "Heard Island and McDonald Islands"),
    _place("VA", "X4", "Holy See", "Vatican City"),
    _place("HN", "K2", "Honduras"),
    _place("HK", "K3", "Hong Kong"),
    _place("HU", "K5", "Hungary"),
    _place("IS", "K6", "Iceland"),
    _place("IN", "K7", "India"),
    _place("ID", "K8", "Indonesia"),
    _place("IR", "K9", "Iran", "Islamic Republic of Iran"),
    _place("IQ", "L0", "Iraq"),
    _place("IE", "L2", "Ireland"),
    _place("IM", "Y8", "Isle of Man"),
    _place("IL", "L3", "Israel"),
    _place("IT", "L6", "Italy"),
    _place("JM", "L8", "Jamaica"),
    _place("JP", "M0", "Japan"),
    _place("JE", "Y9", "Jersey"),
    _place("JO", "M2", "Jordan"),
    _place("KZ", "1P", "Kazakhstan"),
    _place("KE", "M3", "Kenya"),
    _place("KI", "J2", "Kiribati"),
    _place("KP", "M4", "North Korea", "Democratic People's Republic of Korea"),
    _place("KR", "M5", "South Korea", "Republic of Korea"),
    _place("KW", "M6", "Kuwait"),
    _place("KG", "1N", "Kyrgyzstan"),
    _place("LA", "M7", "Lao People's Democratic Republic"),
    _place("LV", "1R", "Latvia"),
    _place("LB", "M8", "Lebanon"),
    _place("LS", "M9", "Lesotho"),
    _place("LR", "N0", "Liberia"),
    _place("LY", "N1", "Libya", "State of Libya"),
    _place("LI", "N2", "Liechtenstein"),
    _place("LT", "1Q", "Lithuania"),
    _place("LU", "N4", "Luxembourg", "Duchy of Luxembourg", "Grand Duchy of Luxembourg"),
    _place("MO", "N5", "Macao", "Macau"),
    _place("MG", "N6", "Madagascar"),
    _place("MW", "N7", "Malawi"),
    _place("MY", "N8", "Malaysia"),
    _place("MV", "N9", "Maldives"),
    _place("ML", "O0", "Mali"),
    _place("MT", "O1", "Malta"),
    _place("MH", "1T", "Marshall Islands", "Republic of the Marshall Islands",
           "Republic of Marshall Islands"),
    _place("MQ", "O2", "Martinique"),
    _place("MR", "O3", "Mauritania"),
    _place("MU", "O4", "Mauritius"),
    _place("YT", "2P", "Mayotte"),
    _place("MX", "O5", "Mexico", "United Mexican States"),
    _place("FM", "1K", "Micronesia", "Federated States of Micronesia"),
    _place("MD", "1S", "Moldova", "Republic of Moldova"),
    _place("MC", "O9", "Monaco"),
    _place("MN", "P0", "Mongolia"),
    _place("ME", "Z5", "Montenegro"),
    _place("MS", "P1", "Montserrat"),
    _place("MA", "P2", "Morocco"),
    _place("MZ", "P3", "Mozambique"),
    _place("MM", "E1", "Myanmar"),
    _place("NA", "T6", "Namibia"),
    _place("NR", "P5", "Nauru"),
    _place("NP", "P6", "Nepal"),
    _place(None, "P8", "Netherlands Antilles"),  # dissolved in 2010; ISO withdrew AN
    _place("NL", "P7", "Netherlands"),
    _place("NC", "1W", "New Caledonia"),
    _place("NZ", "Q2", "New Zealand"),
    _place("NI", "Q3", "Nicaragua"),
    _place("NE", "Q4", "Niger"),
    _place("NG", "Q5", "Nigeria"),
    _place("NU", "Q6", "Niue"),
    _place("NF", "Q7", "Norfolk Island"),
    _place("MK", "1U", "North Macedonia", "Republic of North Macedonia", "Macedonia",
           "Republic of Macedonia"),
    _place("MP", "1V", "Northern Mariana Islands"),
    _place("NO", "Q8", "Norway"),
    _place("OM", "P4", "Oman"),
    _place("PK", "R0", "Pakistan"),
    _place("PW", "1Y", "Palau"),
    _place("PS", "1X", "Palestine", "State of Palestine"),
    _place("PA", "R1", "Panama"),
    _place("PG", "R2", "Papua New Guinea"),
    _place("PY", "R4", "Paraguay"),
    _place("PE", "R5", "Peru"),
    _place("PH", "R6", "Philippines"),
    _place("PN", "R8", "Pitcairn"),
    _place("PL", "R9", "Poland"),
    _place("PT", "S1", "Portugal"),
    _place("PR", "PR", "Puerto Rico"),
    _place("QA", "S3", "Qatar"),
    _place("RE", "S4", "Réunion"),
    _place("RO", "S5", "Romania"),
    _place("RU", "1Z", "Russian Federation"),
    _place("RW", "S6", "Rwanda"),
    _place("BL", "Z0", "Saint Barthélemy"),
    _place("SH", "U8", "Saint Helena", "Saint Helena, Ascension and Tristan da Cunha",
           "Saint Helena, Ascension and Tristan"),
    _place("KN", "U7", "Saint Kitts and Nevis"),
    _place("LC", "U9", "Saint Lucia"),
    _place("MF", "Z1", "Saint Martin"),
    _place("PM", "V0", "Saint Pierre and Miquelon"),
    _place("VC", "V1", "Saint Vincent", "Saint Vincent and the Grenadines",
           "Saint Vincent and Grenadines"),
    _place("WS", "Y0", "Samoa"),
    _place("SM", "S8", "San Marino"),
    _place("ST", "S9", "Sao Tome and Principe"),
    _place("SA", "T0", "Saudi Arabia"),
    _place("SN", "T1", "Senegal"),
    _place("RS", "Z2", "Serbia"),
    _place("SC", "T2", "Seychelles"),
    _place("SL", "T8", "Sierra Leone"),
    _place("SG", "U0", "Singapore"),
    _place("SX", None, "Sint Maarten"),
    _place("SK", "2B", "Slovakia"),
    _place("SI", "2A", "Slovenia"),
    _place("SB", "D7", "Solomon Islands"),
    _place("SO", "U1", "Somalia"),
    _place("ZA", "T3", "South Africa", "Republic of South Africa"),
    _place("GS", "1L", "South Georgia and the South Sandwich Islands",
           "South Georgia and South Sandwich Islands"),
    _place("SS", None, "South Sudan"),
    _place("ES", "U3", "Spain", "Kingdom of Spain", "España"),
    _place("LK", "F1", "Sri Lanka"),
    _place("SD", "V2", "Sudan"),
    _place("SR", "V3", "Suriname"),
    _place("SJ", "L9", "Svalbard and Jan Mayen"),
    _place("SE", "V7", "Sweden"),
    _place("CH", "V8", "Switzerland"),
    _place("SY", "V9", "Syria", "Syrian Arab Republic"),
    _place("TW", "F5", "Taiwan", "Taiwan, Province of China"),
    _place("TJ", "2D", "Tajikistan"),
    _place("TZ", "W0", "Tanzania", "United Republic of Tanzania"),
    _place("TH", "W1", "Thailand"),
    _place("TL", "Z3", "Timor-Leste"),
    _place("TG", "W2", "Togo"),
    _place("TK", "W3", "Tokelau"),
    _place("TO", "W4", "Tonga"),
    _place("TT", "W5", "Trinidad and Tobago"),
    _place("TN", "W6", "Tunisia"),
    _place("TR", "W8", "Turkey", "Türkiye"),
    _place("TM", "2E", "Turkmenistan"),
    _place("TC", "W7", "Turks and Caicos Islands"),
    _place("TV", "2G", "Tuvalu"),
    _place("UG", "W9", "Uganda"),
    _place("UA", "2H", "Ukraine"),
    _place("AE", "C0", "United Arab Emirates", "UAE"),
    _place("GB", "X0", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland",
           "UK", "Britain", "Great Britain", "England", "England and Wales"),
    _place("UM", "2J", "United States Minor Outlying Islands"),
    _place("US", "X1", "United States", "United States of America", "USA", "US"),
    _place("UY", "X3", "Uruguay"),
    _place("UZ", "2K", "Uzbekistan"),
    _place("VU", "2L", "Vanuatu"),
    _place("VE", "X5", "Venezuela"),
    _place("VN", "Q1", "Viet Nam"),
    _place("VG", "D8", "British Virgin Islands", "Virgin Islands, British"),
    _place("VI", "VI", "U.S. Virgin Islands", "Virgin Islands, U.S.", "U. S. Virgin Islands"),
    _place("WF", "X8", "Wallis and Futuna"),
    _place("EH", "U5", "Western Sahara"),
    _place("YE", "T7", "Yemen"),
    _place("ZM", "Y4", "Zambia"),
    _place("ZW", "Y5", "Zimbabwe"),
)  # fmt: skip

# Canada's provinces and territories: EDGAR codes them as places of their own (Ontario is A6,
# not Canada's Z4), named alone or with ", Canada". (ISO country, postal code, EDGAR, name.)
CANADIAN_PROVINCES = (
    ("AB", "A0", "Alberta"), ("BC", "A1", "British Columbia"), ("MB", "A2", "Manitoba"),
    ("NB", "A3", "New Brunswick"), ("NL", "A4", "Newfoundland"),
    ("NL", "A4", "Newfoundland and Labrador"), ("NS", "A5", "Nova Scotia"),
    ("ON", "A6", "Ontario"), ("PE", "A7", "Prince Edward Island"), ("QC", "A8", "Québec"),
    ("SK", "A9", "Saskatchewan"), ("YT", "B0", "Yukon"),
)  # fmt: skip
EDGAR_UNKNOWN = "XX"  # EDGAR's code for a place the filer does not know

_DROPPED = re.compile(r"[.'’`]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def name_key(text: str) -> str:
    """The form a place's name is matched in: "The Republic of Côte d’Ivoire" and
    "republic of cote divoire" are one key; "U.S.A." is "usa"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _SEPARATORS.sub(" ", _DROPPED.sub("", plain)).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _iso_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for place in PLACES:
        if place.iso is not None:
            codes.update((name_key(name), place.iso) for name in place.names)
    return codes


def _edgar_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for place in PLACES:
        if place.edgar is not None:
            codes.update((name_key(name), place.edgar) for name in place.names)
    for _postal, code, name in CANADIAN_PROVINCES:
        codes[name_key(name)] = code
        codes[name_key(f"{name}, Canada")] = code
    codes["unknown"] = EDGAR_UNKNOWN
    return codes


ISO_BY_NAME = _iso_codes()
EDGAR_BY_NAME = _edgar_codes()
# EDGAR's code -> (ISO country, ISO subdivision or None): E9 is ("KY", None), A6 ("CA", "ON").
ISO_BY_EDGAR: dict[str, tuple[str, str | None]] = {
    **{place.edgar: (place.iso, None) for place in PLACES if place.edgar and place.iso},
    **{code: ("CA", postal) for postal, code, _name in CANADIAN_PROVINCES},
}
