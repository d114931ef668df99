"""SEC's FSDS `pre` and `tag` rows of a filing, read from its schema and linkbases.

SEC's Financial Statement Data Sets readme (section 5.4) defines `pre` as "one row for each line
of the financial statements tagged by the filer": `report` is the R file number of SEC's
renderer, `line` the tag's presentation line order within the report, `stmt` one of BS, IS, CF,
EQ, CI, SI, UN (and CP for the cover page in today's files), `inpth` 1 when the report is
parenthetical, `rfile` H (an .htm R file), `plabel` the preferred label's text and `negating`
1 when that label is a negated one. Only the statements and the cover page are in `pre`, not
the notes, and SEC leaves abstract lines (headings, tables, axes) out while still counting them
in `line`: its real pre.txt has gaps in `line` where the headings are. `presentation_rows`
does the same unless asked for the abstract lines too.

R numbers: the renderer orders roles by their definition's sort code ("9952153 - Statement -
...") and numbers every role that has a presentation, notes included, from 1. FilingSummary.xml
is SEC's own answer (R number, menu category per role) and is preferred when the caller has it;
the crawler does not store it today (it is not in the `-xbrl.zip`).

`tag` (readme 5.2): `custom` 1 for the company's own concepts (version is then the adsh),
`abstract` 1 when the tag is not used for a numeric fact (then `datatype` and `iord` are NULL),
`datatype` the XBRL item type without "ItemType" (monetary, shares, perShare, pure, decimal,
percent...), `iord` I or D from xbrli:periodType, `crdr` C or D from xbrli:balance, `tlabel`
the standard label, `doc` the documentation label.

Limitation: the standard taxonomies' schemas (us-gaap, dei, srt) are not stored and never
fetched. For a standard concept `tlabel` and `doc` come from the company's _lab.xml (SEC's
rendered filings carry the labels of every concept they use, documentation not always),
`datatype` and `iord` from hints the caller takes from the facts (numeric or not, unit,
instant or duration), and `crdr` stays empty: SEC's tag.txt has it for standard monetary tags.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from filings_crawler.sec import fsds
from filings_crawler.sec.xbrl import MAX_DOCUMENT_BYTES, _parse_xml

_LINK = "{http://www.w3.org/1999/xlink}"
_LB = "{http://www.xbrl.org/2003/linkbase}"
_XSD = "{http://www.w3.org/2001/XMLSchema}"
_XBRLI = "{http://www.xbrl.org/2003/instance}"
STANDARD_LABEL = "http://www.xbrl.org/2003/role/label"
DOCUMENTATION_LABEL = "http://www.xbrl.org/2003/role/documentation"
# The sort code SEC's renderer orders reports by, and the report's kind: "0000004 - Statement - X".
_DEFINITION = re.compile(r"^\s*(\d+)\s*-\s*(\w+)\s*-\s*(.*)$", re.DOTALL)
# A standard taxonomy's schema: .../us-gaap/2024/elts/us-gaap-2024.xsd, .../dei/2024/dei-2024.xsd
_TAXONOMY_HREF = re.compile(r"/([a-z][a-z-]*)-(\d{4})(?:-[\w-]+)?\.xsd$")
# Standard concepts that are never facts, known by name since their schema is not at hand.
_ABSTRACT_SUFFIXES = ("Abstract", "Axis", "Domain", "Member", "Table", "LineItems")
_NUMERIC_TYPES = {
    "monetary", "shares", "perShare", "pure", "decimal", "integer", "percent", "perUnit",
    "nonNegativeInteger", "positiveInteger", "float", "double", "area", "volume", "mass",
    "energy", "power", "length", "flow", "memory", "duration", "temperature", "electricCurrent",
    "voltage", "frequency", "volumePerMonetary", "energyPerMonetary",
}  # fmt: skip


@dataclass(frozen=True)
class PreRow:
    """One line of a statement, as a row of SEC's pre.txt (without adsh)."""

    report: int
    line: int
    stmt: str
    inpth: int
    rfile: str
    tag: str
    version: str
    plabel: str
    negating: int
    # Not in pre.txt: the concept's prefix, the role, and whether the line is a heading.
    prefix: str
    role: str
    is_abstract: bool


@dataclass(frozen=True)
class TagRow:
    """One concept, as a row of SEC's tag.txt; None is SEC's NULL (an empty field)."""

    tag: str
    version: str
    custom: int
    abstract: int
    datatype: str | None
    iord: str | None
    crdr: str | None
    tlabel: str | None
    doc: str | None


@dataclass(frozen=True)
class UsedConcept:
    """A concept the filing's facts use, with what the facts say about it (hints for tag.txt)."""

    namespace: str
    name: str
    is_numeric: bool = False
    unit: str | None = None
    is_instant: bool | None = None


@dataclass(frozen=True)
class _Role:
    uri: str
    sort_code: str
    kind: str
    title: str


@dataclass(frozen=True)
class _Element:
    name: str
    type_name: str
    abstract: bool
    period_type: str | None
    balance: str | None


@dataclass(frozen=True)
class _Schema:
    namespace: str
    file_name: str
    roles: dict[str, _Role]
    elements: dict[str, _Element]  # by element id, as hrefs name them


@dataclass(frozen=True)
class ReportInfo:
    """SEC's own R number and menu category for a role, from FilingSummary.xml."""

    number: int
    menu_category: str
    long_name: str


def read_schema(schema_xsd: bytes, source: str) -> _Schema:
    root = _parse_xml(schema_xsd, source, MAX_DOCUMENT_BYTES)
    roles = {}
    for role_type in root.iter(f"{_LB}roleType"):
        uri = role_type.get("roleURI", "")
        definition = role_type.findtext(f"{_LB}definition") or ""
        match = _DEFINITION.match(definition)
        code, kind, title = match.groups() if match else ("9999999", "", definition)
        roles[uri] = _Role(uri, code, kind.strip(), " ".join(title.split()))
    elements = {}
    for element in root.iter(f"{_XSD}element"):
        name = element.get("name")
        if not name:
            continue
        elements[element.get("id") or name] = _Element(
            name=name,
            type_name=(element.get("type") or "").rpartition(":")[2],
            abstract=element.get("abstract") == "true",
            period_type=element.get(f"{_XBRLI}periodType"),
            balance=element.get(f"{_XBRLI}balance"),
        )
    file_name = source.rpartition("/")[2]
    return _Schema(root.get("targetNamespace", ""), file_name, roles, elements)


def read_labels(lab_xml: bytes, source: str) -> dict[str, dict[str, str]]:
    """Concept id (the href fragment, "us-gaap_Assets") → label role → text."""
    root = _parse_xml(lab_xml, source, MAX_DOCUMENT_BYTES)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for link in root.iter(f"{_LB}labelLink"):
        locs = {
            loc.get(f"{_LINK}label"): _fragment(loc.get(f"{_LINK}href", ""))
            for loc in link.iter(f"{_LB}loc")
        }
        resources: dict[str, list[etree._Element]] = defaultdict(list)
        for label in link.iter(f"{_LB}label"):
            resources[label.get(f"{_LINK}label", "")].append(label)
        for arc in link.iter(f"{_LB}labelArc"):
            concept = locs.get(arc.get(f"{_LINK}from"))
            if concept is None:
                continue
            for label in resources.get(arc.get(f"{_LINK}to", ""), []):
                role = label.get(f"{_LINK}role", STANDARD_LABEL)
                labels[concept].setdefault(role, "".join(label.itertext()).strip())
    return dict(labels)


def read_filing_summary(filing_summary_xml: bytes, source: str) -> dict[str, ReportInfo]:
    """Role URI → SEC's R number and menu category, from the renderer's FilingSummary.xml."""
    root = _parse_xml(filing_summary_xml, source, MAX_DOCUMENT_BYTES)
    reports = {}
    for report in root.iter("Report"):
        role = report.findtext("Role")
        html = report.findtext("HtmlFileName") or ""
        number = re.fullmatch(r"R(\d+)\.html?", html)
        if role and number:
            reports[role] = ReportInfo(
                int(number.group(1)),
                report.findtext("MenuCategory") or "",
                report.findtext("LongName") or "",
            )
    return reports


# Checked in this order on a Statement's lower-cased title: "statements of operations and
# comprehensive income" is IS, "balance sheets and statements of stockholders' equity" BS.
_STATEMENT_TITLES = (
    ("CF", re.compile(r"cash flow")),
    ("CI", re.compile(r"^(?!.*(operations|earnings|income and)).*comprehensive")),
    ("BS", re.compile(r"balance sheet|financial (position|condition)|statements? of condition")),
    (
        "EQ",
        re.compile(
            r"equity|stockholders|shareholders|members' (capital|deficit)|partners' capital"
        ),
    ),
    ("SI", re.compile(r"schedule of investments")),
    ("IS", re.compile(r"operations|income|earnings|loss")),
)


def statement_kind(title: str, kind: str) -> str | None:
    """SEC's `stmt` for a report: its definition's kind ("Statement", "Document") and title.

    None for a report that is not in pre.txt (notes, policies, tables, details).
    """
    lowered = title.lower().replace("’", "'")
    if kind.lower() == "document" and ("cover" in lowered or "document and entity" in lowered):
        return "CP"
    if kind.lower() != "statement":
        return None
    return next((stmt for stmt, pattern in _STATEMENT_TITLES if pattern.search(lowered)), "UN")


def presentation_rows(
    pre_xml: bytes,
    schema_xsd: bytes,
    lab_xml: bytes,
    *,
    adsh: str,
    schema_name: str = "schema.xsd",
    filing_summary_xml: bytes | None = None,
    include_abstract: bool = False,
) -> list[PreRow]:
    """The pre.txt rows of a filing: every concept presented on its statements and cover page.

    `schema_name` is the company schema's file name (hrefs name it); `filing_summary_xml`, when
    given, gives SEC's own R numbers and which reports are statements.
    """
    schema = read_schema(schema_xsd, schema_name)
    labels = read_labels(lab_xml, "lab.xml")
    trees = _presentation_trees(pre_xml)
    summary = (
        read_filing_summary(filing_summary_xml, "FilingSummary.xml") if filing_summary_xml else {}
    )
    ordered = sorted(trees, key=lambda uri: (_role(schema, uri).sort_code, uri))
    numbers = {uri: index for index, uri in enumerate(ordered, start=1)}
    rows: list[PreRow] = []
    for uri in ordered:
        role = _role(schema, uri)
        if uri in summary:
            number = summary[uri].number
            category = summary[uri].menu_category
            if category not in ("Statements", "Cover"):
                continue
            stmt = statement_kind(role.title, "Document" if category == "Cover" else "Statement")
        else:
            number = numbers[uri]
            stmt = statement_kind(role.title, role.kind)
        if stmt is None:
            continue
        inpth = int("parenthetical" in role.title.lower())
        for line, (href, preferred) in enumerate(trees[uri], start=1):
            concept = _fragment(href)
            prefix, _, name = concept.partition("_")
            element = schema.elements.get(concept)
            is_abstract = (
                element.abstract
                if element and _is_own(href, schema)
                else name.endswith(_ABSTRACT_SUFFIXES)
            )
            if is_abstract and not include_abstract:
                continue
            concept_labels = labels.get(concept, {})
            plabel = concept_labels.get(preferred or STANDARD_LABEL) or concept_labels.get(
                STANDARD_LABEL, name
            )
            rows.append(
                PreRow(
                    report=number,
                    line=line,
                    stmt=stmt,
                    inpth=inpth,
                    rfile="H",
                    tag=element.name if element and _is_own(href, schema) else name,
                    version=adsh if _is_own(href, schema) else _href_version(href),
                    plabel=plabel,
                    negating=int(_is_negated(preferred)),
                    prefix=prefix,
                    role=uri,
                    is_abstract=is_abstract,
                )
            )
    return rows


def tag_rows(
    schema_xsd: bytes | None,
    lab_xml: bytes | None,
    used_concepts: Iterable[UsedConcept],
    adsh: str,
    *,
    schema_name: str = "schema.xsd",
) -> list[TagRow]:
    """The tag.txt rows for the concepts a filing uses, one per (tag, version).

    Without the schema and labels (not stored), the rows say what the facts tell: custom or
    standard by namespace, datatype and iord from the hints, no labels.
    """
    schema = (
        read_schema(schema_xsd, schema_name)
        if schema_xsd is not None
        else _Schema(namespace="", file_name="", roles={}, elements={})
    )
    labels = read_labels(lab_xml, "lab.xml") if lab_xml is not None else {}
    by_name = {
        element.name: (element_id, element) for element_id, element in schema.elements.items()
    }
    rows: dict[tuple[str, str], TagRow] = {}
    for used in used_concepts:
        custom = (
            used.namespace == schema.namespace
            if schema.namespace
            else fsds.is_custom(used.namespace)
        )
        version = adsh if custom else namespace_version(used.namespace)
        if (used.name, version) in rows:
            continue
        concept_id, element = by_name.get(used.name, (None, None)) if custom else (None, None)
        concept_labels = labels.get(concept_id or "", {}) or _labels_by_name(labels, used.name)
        if element is not None:
            datatype: str | None = element.type_name.removesuffix("ItemType")
            abstract = element.abstract or datatype not in _NUMERIC_TYPES
            iord = {"instant": "I", "duration": "D"}.get(element.period_type or "")
            crdr = {"credit": "C", "debit": "D"}.get(element.balance or "")
        else:
            abstract = not used.is_numeric or used.name.endswith(_ABSTRACT_SUFFIXES)
            datatype = _datatype_of_unit(used.unit)
            iord = None if used.is_instant is None else ("I" if used.is_instant else "D")
            crdr = None
        rows[(used.name, version)] = TagRow(
            tag=used.name,
            version=version,
            custom=int(custom),
            abstract=int(abstract),
            datatype=None if abstract else datatype,
            iord=None if abstract else iord,
            crdr=crdr if datatype == "monetary" and not abstract else None,
            tlabel=concept_labels.get(STANDARD_LABEL),
            doc=concept_labels.get(DOCUMENTATION_LABEL),
        )
    return list(rows.values())


def namespace_version(namespace: str) -> str:
    """SEC's `version` of a standard taxonomy namespace: http://fasb.org/us-gaap/2024 → us-gaap/2024
    (sec/fsds.py's rule); another namespace as it is."""
    return fsds.taxonomy(namespace) or namespace


# --- internals -------------------------------------------------------------------------------


def _presentation_trees(pre_xml: bytes) -> dict[str, list[tuple[str, str | None]]]:
    """Role → its concepts depth first in presentation order: (href, preferred label role)."""
    root = _parse_xml(pre_xml, "pre.xml", MAX_DOCUMENT_BYTES)
    trees: dict[str, list[tuple[str, str | None]]] = {}
    for link in root.iter(f"{_LB}presentationLink"):
        role = link.get(f"{_LINK}role", "")
        locs = {
            loc.get(f"{_LINK}label", ""): loc.get(f"{_LINK}href", "")
            for loc in link.iter(f"{_LB}loc")
        }
        children: dict[str, list[tuple[float, str, str | None]]] = defaultdict(list)
        targets = set()
        for arc in link.iter(f"{_LB}presentationArc"):
            parent, child = arc.get(f"{_LINK}from", ""), arc.get(f"{_LINK}to", "")
            children[parent].append(
                (float(arc.get("order", "1")), child, arc.get("preferredLabel"))
            )
            targets.add(child)
        lines: list[tuple[str, str | None]] = []
        for top in (label for label in locs if label not in targets and label in children):
            _walk(top, None, frozenset({top}), locs=locs, children=children, lines=lines)
        trees.setdefault(role, []).extend(lines)
    return trees


def _walk(
    label: str,
    preferred: str | None,
    seen: frozenset[str],
    *,
    locs: dict[str, str],
    children: dict[str, list[tuple[float, str, str | None]]],
    lines: list[tuple[str, str | None]],
) -> None:
    lines.append((locs.get(label, label), preferred))
    for _, child, child_preferred in sorted(children.get(label, []), key=lambda arc: arc[0]):
        if child not in seen:  # a cycle is the filing's error; do not loop on it
            _walk(child, child_preferred, seen | {child}, locs=locs, children=children, lines=lines)


def _role(schema: _Schema, uri: str) -> _Role:
    return schema.roles.get(uri) or _Role(uri, "9999999", "", uri.rpartition("/")[2])


def _fragment(href: str) -> str:
    return href.rpartition("#")[2]


def _is_own(href: str, schema: _Schema) -> bool:
    document = href.partition("#")[0]
    return "/" not in document or document.rpartition("/")[2] == schema.file_name


def _href_version(href: str) -> str:
    match = _TAXONOMY_HREF.search(href.partition("#")[0])
    return f"{match.group(1)}/{match.group(2)}" if match else href.partition("#")[0]


def _is_negated(preferred: str | None) -> bool:
    return bool(preferred) and preferred.rpartition("/")[2].startswith("negated")  # type: ignore[union-attr]


def _labels_by_name(labels: dict[str, dict[str, str]], name: str) -> dict[str, str]:
    for concept, concept_labels in labels.items():
        if concept.partition("_")[2] == name:
            return concept_labels
    return {}


def _datatype_of_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    if unit == "shares":
        return "shares"
    if unit == "pure":
        return "pure"
    numerator, _, denominator = unit.partition("/")
    if re.fullmatch(r"[A-Z]{3}", numerator):
        return "perShare" if denominator == "shares" else ("monetary" if not denominator else None)
    return None
