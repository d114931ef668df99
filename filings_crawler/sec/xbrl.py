"""A filing's XBRL facts, read from SEC's extracted instance (`*_htm.xml`) or its inline XBRL.

Both readers return the same records, so a filing gives the same facts whichever file is stored:
SEC's instance is the facts of the inline document, extracted by SEC (with Arelle) when the
filing was accepted. A pure reader on lxml, not an XBRL processor: the taxonomies (us-gaap,
dei...) are never loaded, so nothing is fetched and a concept is known by its name alone (a fact
is numeric when it has a unit, as XBRL requires). Arelle, py-xbrl, ixbrlparse and edgartools
were measured and not chosen; `docs/xbrl-parsers.md` says why.

Cost per filing, on this project's 2-core machine with the other core busy (median of 15 runs;
about a third less when idle): Apple's 10-Q inline document (0.9 MB, 760 facts) 110-150 ms, its
extracted instance (0.76 MB) 60-80 ms, Apple's 10-K (1.5 MB) 190 ms, Coca-Cola's 10-K (4.2 MB,
3,118 facts) 440-480 ms; about 25 MB of memory for the largest. `docs/xbrl-parsers.md` has the
table.

The documents come from the network and are read as untrusted XML: a DOCTYPE with an internal
subset (where entities are declared: "billion laughs", external entities) is refused before
parsing, entities are never expanded, nothing is loaded over the network, libxml2's limits on
depth and text size stay on, and a document over MAX_DOCUMENT_BYTES is refused. A document that
is not well-formed XML (truncated, HTML soup) is refused as a whole: inline XBRL must be
well-formed XHTML (SEC rejects a filing that is not), and a lenient HTML parser would silently
keep the facts before a truncation and lose the rest.

A fact that cannot be read (its context or unit is missing, its concept name has no namespace)
is skipped, and a fact whose format is unknown keeps its text without a number; both are noted
in Facts.problems, and the others are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Context, Decimal
from html import escape, unescape

from lxml import etree

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.xbrl_transforms import NotInFormat, UnknownFormat, transform

XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
INLINE_XBRL_NAMESPACES = (
    "http://www.xbrl.org/2013/inlineXBRL",
    "http://www.xbrl.org/2008/inlineXBRL",
)
SEC_CIK_SCHEME = "http://www.sec.gov/CIK"
# Where a document's root element and its namespace declarations are: the first 64 KB.
_DECLARATIONS_BYTES = 64 * 1024

# The largest 10-K inline documents are tens of MB; a tree of lxml costs about 8 times its text.
MAX_DOCUMENT_BYTES = 128 * 1024 * 1024
# A text fact is kept up to this many characters. The longest in the sample (Coca-Cola's 10-K
# notes) are about 34,000; one over a million characters is a document pasted into a fact.
MAX_TEXT_CHARS = 1_000_000
# Problems beyond this many are counted, not listed: a broken document is not a log flood.
MAX_PROBLEMS = 100

_CONTEXT = f"{{{XBRLI}}}context"
_UNIT = f"{{{XBRLI}}}unit"
_XBRL_ROOT = f"{{{XBRLI}}}xbrl"
# The parts of an instance that are not facts: SEC's footnote links and references.
_LINKBASE = "{http://www.xbrl.org/2003/linkbase}"
_XLINK = "{http://www.w3.org/1999/xlink}"
FACT_FOOTNOTE = "http://www.xbrl.org/2003/arcrole/fact-footnote"
# Between the texts of a fact's footnotes.
FOOTNOTE_SEPARATOR = " "


@dataclass(frozen=True)
class Fact:
    """One XBRL fact, with its context and unit resolved.

    `value_text` is the fact's value as XBRL states it: for a numeric fact the decimal number
    without exponent or trailing zeros ("68714000000", "0.1", after inline XBRL's format, scale
    and sign); for a text fact its text with markup removed and runs of XML white space made one
    space (a text block's paragraphs and table cells are separated by a space; a no-break space
    U+00A0 is kept, as filed), cut at
    MAX_TEXT_CHARS (then `is_truncated`). A nil fact has "" and no number. `value_numeric` is
    None for a text fact, a nil fact, or a number that could not be read (see Facts.problems).

    `unit` is the measures' local names: "USD", "shares", "USD/shares" (numerator/denominator),
    several measures joined by "*". `decimals` is None for INF (exact) or when not given.

    The period is `period_instant`, or `period_start` and `period_end`, as SEC writes them: XBRL
    reads a date as the whole day, so a quarter "2024-12-29 to 2025-03-29" ends at the end of
    29 March and an instant "2025-03-29" is the end of that day; all three None is "forever".
    `dimensions` are (axis, member) QNames as written, sorted; a typed dimension has its value's
    text as the member.

    `footnote` is the text of the footnotes linked to the fact (inline XBRL's `ix:footnote` and
    `ix:relationship`, an instance's `link:footnoteLink`), read as a text block is, several
    joined by FOOTNOTE_SEPARATOR in the order they are linked; None when it has none. Kept whole:
    SEC's data sets cut it at 512 characters (`fsds.footnote`).
    """

    concept_prefix: str
    concept_name: str
    namespace: str
    value_text: str
    value_numeric: Decimal | None
    is_numeric: bool
    is_nil: bool
    unit: str | None
    period_instant: date | None
    period_start: date | None
    period_end: date | None
    dimensions: tuple[tuple[str, str], ...]
    decimals: int | None
    context_id: str
    entity_scheme: str
    entity_identifier: str
    is_truncated: bool = False
    footnote: str | None = None
    # The fact's id in the document, for finding it again; duplicates differ in it.
    fact_id: str | None = field(default=None, compare=False)

    @property
    def concept(self) -> str:
        return f"{self.concept_prefix}:{self.concept_name}"

    @property
    def entity_cik(self) -> int | None:
        """The entity's CIK when it is identified by one (SEC's scheme), else None."""
        identifier = self.entity_identifier
        if self.entity_scheme != SEC_CIK_SCHEME or not (
            identifier.isascii() and identifier.isdigit()
        ):
            return None
        return int(identifier)


@dataclass
class Facts:
    """The facts of one document, in document order (each once, unless not deduplicated), and
    what was wrong in it but did not stop the reading."""

    facts: list[Fact]
    problems: list[str]
    # Facts left out as duplicates of one kept (same concept, context, unit and value).
    duplicates: int = 0


def parse_instance(
    xml: bytes, source: str, *, max_bytes: int = MAX_DOCUMENT_BYTES, deduplicate: bool = True
) -> Facts:
    """The facts of an XBRL instance document (SEC's `*_htm.xml`).

    With `deduplicate=False`, every fact element is kept, duplicates too (to check a reading
    fact by fact).

    A FormatError refuses the document when it is empty, too large, has a DTD internal subset,
    is not well-formed XML, or is not an XBRL instance (root element `xbrli:xbrl`).
    """
    root = _parse_xml(xml, source, max_bytes)
    if root.tag != _XBRL_ROOT:
        raise FormatError(source, f"not an XBRL instance: the root element is {_shown(root.tag)}")
    problems = _Problems()
    contexts = _read_contexts(root.iterchildren(_CONTEXT), problems)
    units = _read_units(root.iterchildren(_UNIT), problems)
    reader = _FactReader(contexts, units, problems)
    reader.footnotes = _instance_footnotes(root)
    for element in root.iterchildren():
        tag = element.tag
        if not isinstance(tag, str) or tag in (_CONTEXT, _UNIT) or tag.startswith(_LINKBASE):
            continue
        if "contextRef" not in element.attrib:
            # A tuple, or something else that is not a fact; SEC's instances have none.
            problems.add(f"{_shown(tag)} has no contextRef: not read as a fact")
            continue
        reader.instance_fact(element)
    return reader.result(deduplicate=deduplicate)


def parse_inline(
    html: bytes, source: str, *, max_bytes: int = MAX_DOCUMENT_BYTES, deduplicate: bool = True
) -> Facts:
    """The facts of an inline XBRL document (a 10-K or 10-Q primary document), continuations
    followed, in document order; `deduplicate` as for parse_instance.

    A FormatError refuses the document when it is empty, too large, has a DTD internal subset,
    is not well-formed XML, or has no inline XBRL (no `ix:header`).
    """
    return parse_inline_set([(html, source)], max_bytes=max_bytes, deduplicate=deduplicate)


def declares_inline_xbrl(html: bytes) -> bool:
    """Whether a document declares the inline XBRL namespace on its root, as every inline
    document does (a cheap look at its start, before any parsing)."""
    start = html[:_DECLARATIONS_BYTES]
    return any(namespace.encode() in start for namespace in INLINE_XBRL_NAMESPACES)


def parse_inline_set(
    documents: Sequence[tuple[bytes, str]],
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    deduplicate: bool = True,
) -> Facts:
    """The facts of an inline XBRL document set: a primary document and the other inline
    documents of the same filing (IBM's and Wells Fargo's statements are in Exhibit 13), as
    (body, source) pairs, the primary first.

    The set is one XBRL instance (Inline XBRL 1.1, section 3.2): a fact in one document may use
    a context, a unit or a continuation of another. Facts come document by document, each in
    document order. The primary document is refused as parse_inline refuses it; another
    document without inline XBRL is left out, with a problem saying so.
    """
    problems = _Problems()
    read: list[tuple[bytes, etree._Element, str]] = []
    for index, (body, source) in enumerate(documents):
        root = _parse_xml(body, source, max_bytes)
        ix = next(
            (
                ns
                for ns in INLINE_XBRL_NAMESPACES
                if _first(root.iter(f"{{{ns}}}header")) is not None
            ),
            None,
        )
        if ix is None:
            if index == 0:
                raise FormatError(source, "not an inline XBRL document: it has no ix:header")
            problems.add(f"{source}: no ix:header, not read as part of the document set")
            continue
        read.append((body, root, ix))
    contexts: dict[str, _Context] = {}
    units: dict[str, str] = {}
    for _, root, _ in read:
        contexts.update(_read_contexts(root.iter(_CONTEXT), problems))
        units.update(_read_units(root.iter(_UNIT), problems))
    reader = _FactReader(contexts, units, problems)
    continuations = _continuations([(root, ix) for _, root, ix in read])
    # The footnotes of every document first: a fact's footnote is kept as the fact is read.
    # (A relationship is read with the footnotes of its own document.)
    reader.footnotes = {}
    for _, root, ix in read:
        reader.footnotes.update(_inline_footnotes(root, _Inline(ix, continuations), problems))
    for body, root, ix in read:
        inline = _Inline(ix, continuations)
        # Every namespace is declared on the root (as documents are written): a prefix is
        # looked up there, not by lxml's nsmap of each fact (which walks up to the root).
        reader.namespaces = root.nsmap if body.count(b"xmlns") == len(root.nsmap) else None
        for element in root.iter(
            inline.non_fraction, inline.non_numeric, inline.fraction, inline.tuple
        ):
            if element.tag == inline.non_fraction:
                reader.inline_number(element)
            elif element.tag == inline.non_numeric:
                reader.inline_text(element, inline)
            else:
                # SEC's filings use neither; their facts are not read.
                kind = "ix:fraction" if element.tag == inline.fraction else "ix:tuple"
                problems.add(f"{_where(element)}: {kind} is not read")
    return reader.result(deduplicate=deduplicate)


# --- XML ---------------------------------------------------------------------------------------

# A DOCTYPE with an internal subset `[...]`, the only place entities are declared (an external
# DTD is never loaded); quoted system and public ids may contain `[` and `>`.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE(?:[^\[>\"']|\"[^\"]*\"|'[^']*')*\[")


def _parse_xml(body: bytes, source: str, max_bytes: int) -> etree._Element:
    if not body.strip():
        raise FormatError(source, "empty document")
    if len(body) > max_bytes:
        raise FormatError(source, f"refused as too large: {len(body)} bytes, more than {max_bytes}")
    if _INTERNAL_SUBSET.search(body):
        raise FormatError(source, "refused: it declares a DTD internal subset (entities)")
    try:
        root = etree.fromstring(body, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise FormatError(source, f"not well-formed XML ({exc})") from exc
    if root is None:
        raise FormatError(source, "not well-formed XML (no root element)")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and (_first(dtd.iterentities()) or _first(dtd.iterelements())) is not None:
        # Unreachable past _INTERNAL_SUBSET, unless an odd DOCTYPE slipped by it.
        raise FormatError(source, "refused: it declares a DTD internal subset (entities)")
    return root


def _xml_parser() -> etree.XMLParser:
    # A parser is not shared between threads (facts are read off the reactor): one per document.
    # Not collect_ids=False: lxml passes it to libxml2 in the field that also asks to load the
    # external DTD, and a DOCTYPE's SYSTEM file is then read (tested).
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _first(items: Iterable[object]) -> object | None:
    return next(iter(items), None)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _shown(tag: object) -> str:
    return str(etree.QName(tag).localname) if isinstance(tag, str) else repr(tag)


def _where(element: etree._Element) -> str:
    fact_id = element.get("id")
    name = element.get("name") or _local(element.tag)
    return f"fact {fact_id}" if fact_id else f"{name} on line {element.sourceline}"


class _Problems:
    """The problems of one document, listed up to MAX_PROBLEMS and counted past that."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.more = 0

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more += 1

    def listed(self) -> list[str]:
        more = [f"... and {self.more} more problems"] if self.more else []
        return [*self.problems, *more]


# --- contexts and units --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    context_id: str
    entity_scheme: str
    entity_identifier: str
    instant: date | None
    start: date | None
    end: date | None
    dimensions: tuple[tuple[str, str], ...]
    # The context by value: two ids with the same entity, period and dimensions are one.
    key: tuple[object, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entity = (self.entity_scheme, self.entity_identifier)
        key = (*entity, self.instant, self.start, self.end, self.dimensions)
        object.__setattr__(self, "key", key)


_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?(T.*)?")


def _read_contexts(elements: Iterator[etree._Element], problems: _Problems) -> dict[str, _Context]:
    contexts = {}
    for element in elements:
        context_id = element.get("id")
        if not context_id:
            problems.add(f"a context on line {element.sourceline} has no id")
            continue
        try:
            contexts[context_id] = _read_context(element, context_id, problems)
        except ValueError as exc:
            problems.add(f"context {context_id}: {exc}; its facts are skipped")
    return contexts


def _read_context(element: etree._Element, context_id: str, problems: _Problems) -> _Context:
    # Children are looked at directly: lxml's find() costs ten times more, and a 10-K has
    # hundreds of contexts.
    parts = _children(element)
    entity = _children(_required(parts, "entity"))
    identifier = _required(entity, "identifier")
    period = _children(_required(parts, "period"))
    dates: tuple[date | None, date | None, date | None]
    if "instant" in period:
        dates = (_period_date(period["instant"], context_id, problems), None, None)
    elif "startDate" in period and "endDate" in period:
        start = _period_date(period["startDate"], context_id, problems)
        dates = (None, start, _period_date(period["endDate"], context_id, problems))
    elif "forever" in period:
        dates = (None, None, None)
    else:
        raise ValueError("its period has no instant, start and end, or forever")
    # SEC puts dimensions in the entity's segment; XBRL also allows the context's scenario.
    dimensions: list[tuple[str, str]] = []
    for holder in (entity.get("segment"), parts.get("scenario")):
        if holder is not None:
            dimensions.extend(_dimensions(holder, context_id, problems))
    return _Context(
        context_id=context_id,
        entity_scheme=identifier.get("scheme", "").strip(),
        entity_identifier=(identifier.text or "").strip(),
        instant=dates[0],
        start=dates[1],
        end=dates[2],
        dimensions=tuple(sorted(dimensions)),
    )


_XBRLI_PREFIX = f"{{{XBRLI}}}"


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """An element's xbrli children by local name (the first of each)."""
    children: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag.startswith(_XBRLI_PREFIX):
            children.setdefault(tag[len(_XBRLI_PREFIX) :], child)
    return children


def _required(children: dict[str, etree._Element], name: str) -> etree._Element:
    found = children.get(name)
    if found is None:
        raise ValueError(f"it has no {name}")
    return found


def _period_date(element: etree._Element, context_id: str, problems: _Problems) -> date:
    text = (element.text or "").strip()
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{_local(element.tag)} {text!r} is not a date")
    if match.group(3):
        # SEC's rules ask for dates; a time is kept as its date, as written.
        problems.add(
            f"context {context_id}: {_local(element.tag)} {text!r} has a time; the date is kept"
        )
    try:
        return date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise ValueError(f"{_local(element.tag)} {text!r} is not a date") from exc


def _dimensions(
    holder: etree._Element, context_id: str, problems: _Problems
) -> Iterator[tuple[str, str]]:
    for member in holder:
        if not isinstance(member.tag, str):
            continue
        axis = (member.get("dimension") or "").strip()
        if member.tag == f"{{{XBRLDI}}}explicitMember":
            yield axis, (member.text or "").strip()
        elif member.tag == f"{{{XBRLDI}}}typedMember":
            value = next((child for child in member if isinstance(child.tag, str)), None)
            yield axis, _normalized("".join(value.itertext())) if value is not None else ""
        else:
            # Segment content that is not a dimension (XBRL 2.1 allows it, SEC does not).
            problems.add(
                f"context {context_id}: {_shown(member.tag)} in its segment is kept as text"
            )
            yield _shown(member.tag), _normalized("".join(member.itertext()))


def _read_units(elements: Iterator[etree._Element], problems: _Problems) -> dict[str, str]:
    units = {}
    for element in elements:
        unit_id = element.get("id")
        if not unit_id:
            problems.add(f"a unit on line {element.sourceline} has no id")
            continue
        divide = element.find(f"{{{XBRLI}}}divide")
        if divide is None:
            units[unit_id] = _measures(element)
        else:
            numerator = _measures(divide.find(f"{{{XBRLI}}}unitNumerator"))
            denominator = _measures(divide.find(f"{{{XBRLI}}}unitDenominator"))
            units[unit_id] = f"{numerator}/{denominator}"
        if not units[unit_id].strip("/"):
            problems.add(f"unit {unit_id} has no measure; its facts are skipped")
            del units[unit_id]
    return units


def _measures(element: etree._Element | None) -> str:
    if element is None:
        return ""
    names = [
        (m.text or "").strip().rpartition(":")[2]
        for m in element.iterchildren(f"{{{XBRLI}}}measure")
    ]
    return "*".join(sorted(names))


# --- facts ---------------------------------------------------------------------------------------


class _Inline:
    """The inline XBRL elements of one document, in its version's namespace, and the
    continuations of its document set by id."""

    def __init__(self, ix: str, continuations: dict[str | None, etree._Element]) -> None:
        self.non_fraction = f"{{{ix}}}nonFraction"
        self.non_numeric = f"{{{ix}}}nonNumeric"
        self.fraction = f"{{{ix}}}fraction"
        self.tuple = f"{{{ix}}}tuple"
        self.exclude = f"{{{ix}}}exclude"
        self.footnote = f"{{{ix}}}footnote"
        self.relationship = f"{{{ix}}}relationship"
        self.continuations = continuations


def _continuations(
    documents: Sequence[tuple[etree._Element, str]],
) -> dict[str | None, etree._Element]:
    return {
        element.get("id"): element
        for root, ix in documents
        for element in root.iter(f"{{{ix}}}continuation")
    }


_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
_DECIMALS = re.compile(r"[+-]?[0-9]+")
# Numbers are kept exactly: written in up to 60 characters, within 10^±100, far beyond any
# amount in a filing; "1e999999999" is refused rather than written out (or overflowing) as text.
MAX_NUMBER_CHARS = 60
MAX_EXPONENT = 100
_EXACT = Context(prec=MAX_NUMBER_CHARS, Emax=10 * MAX_EXPONENT, Emin=-10 * MAX_EXPONENT)


class _FactReader:
    """Facts built from elements, each kept once (see `result`)."""

    def __init__(
        self, contexts: dict[str, _Context], units: dict[str, str], problems: _Problems
    ) -> None:
        self.contexts = contexts
        self.units = units
        self.problems = problems
        self.groups: dict[tuple[object, ...], list[Fact]] = {}
        self.every: list[Fact] = []
        # The namespaces in scope for every element, when they are the same for all.
        self.namespaces: dict[str | None, str] | None = None
        # The text of each footnoted fact's footnotes, by the fact's id.
        self.footnotes: dict[str, str] = {}

    def _namespace(self, element: etree._Element, prefix: str | None) -> str | None:
        namespaces = self.namespaces if self.namespaces is not None else element.nsmap
        return namespaces.get(prefix)

    def instance_fact(self, element: etree._Element) -> None:
        namespace, _, name = element.tag[1:].rpartition("}")
        if not namespace:
            self.problems.add(
                f"{_where(element)}: concept {element.tag!r} has no namespace; skipped"
            )
            return
        prefix = element.prefix or _prefix_of(element, namespace)
        concept = (prefix, name, namespace)
        nil = element.get(XSI_NIL) in ("true", "1")
        text = "".join(element.itertext()) if len(element) else element.text or ""
        if "unitRef" in element.attrib:
            value = None if nil else self._number(text.strip(), element)
            # A number that could not be read keeps its text.
            raw = text.strip() if value is None and not nil else None
            self._add(element, concept, text=raw, number=value, nil=nil, numeric=True)
        else:
            text = "" if nil else _text_value(text)
            self._add(element, concept, text=text, number=None, nil=nil, numeric=False)

    def inline_number(self, element: etree._Element) -> None:
        concept = self._concept(element)
        if concept is None:
            return
        nil = element.get(XSI_NIL) in ("true", "1")
        shown = "".join(element.itertext()) if len(element) else element.text or ""
        value = None
        if not nil:
            number = self._formatted(element, shown)
            value = None if number is None else self._number(number, element)
            if value is not None:
                value = self._scaled(element, value)
        raw = None if value is not None or nil else _normalized(shown)
        self._add(element, concept, text=raw, number=value, nil=nil, numeric=True)

    def inline_text(self, element: etree._Element, inline: _Inline) -> None:
        concept = self._concept(element)
        if concept is None:
            return
        nil = element.get(XSI_NIL) in ("true", "1")
        if nil:
            self._add(element, concept, text="", number=None, nil=True, numeric=False)
            return
        parts = [element, *self._continuations(element, inline)]
        markup = element.get("escape") in ("true", "1")
        if element.get("format"):
            shown = "".join(_plain_text(part, inline.exclude) for part in parts)
            value_text = self._formatted(element, shown)
            value_text = _normalized(shown) if value_text is None else value_text
        elif markup and all(len(part) == 0 for part in parts):
            # An escaped fact is its content serialized as XML (Inline XBRL 1.1, `escape`): with
            # no tags, that is its text with `&`, `<` and `>` escaped, and SEC's instance has
            # `R&amp;D` literally; read as an instance's text without tags is (plain).
            text = "".join(part.text or "" for part in parts)
            value_text = _normalized(escape(text, quote=False))
        elif markup:
            value_text = _normalized("".join(_markup_text(part, inline.exclude) for part in parts))
        else:
            value_text = _normalized("".join(_plain_text(part, inline.exclude) for part in parts))
        self._add(element, concept, text=value_text, number=None, nil=False, numeric=False)

    def _concept(self, element: etree._Element) -> tuple[str, str, str] | None:
        prefix, _, name = (element.get("name") or "").strip().rpartition(":")
        namespace = self._namespace(element, prefix) if prefix else None
        if not name or namespace is None:
            self.problems.add(
                f"{_where(element)}: concept {element.get('name')!r} has no namespace; skipped"
            )
            return None
        return prefix, name, namespace

    def _continuations(self, element: etree._Element, inline: _Inline) -> Iterator[etree._Element]:
        return _continued(element, inline, self.problems)

    def _formatted(self, element: etree._Element, shown: str) -> str | None:
        """The value `shown` with the element's format, or (no format) as shown; None if unread."""
        written = element.get("format")
        if not written:
            return shown.strip()
        prefix, _, name = written.strip().rpartition(":")
        namespace = self._namespace(element, prefix or None) or ""
        try:
            return transform(namespace, name, shown)
        except UnknownFormat:
            self.problems.add(
                f"{_where(element)}: format {written!r} is not known; its text is kept"
            )
        except NotInFormat as exc:
            self.problems.add(f"{_where(element)}: format {written!r}: {exc}; its text is kept")
        return None

    def _number(self, text: str, element: etree._Element) -> Decimal | None:
        if not _NUMBER.fullmatch(text):
            self.problems.add(f"{_where(element)}: {text[:40]!r} is not a number; its text is kept")
            return None
        if len(text) > MAX_NUMBER_CHARS:
            self.problems.add(f"{_where(element)}: {text[:40]!r}... is too long; its text is kept")
            return None
        # The pattern admits only what Decimal reads.
        return self._in_range(Decimal(text.replace("INF", "Infinity")), element)

    def _in_range(self, value: Decimal, element: etree._Element) -> Decimal | None:
        if value.is_finite() and abs(value.adjusted()) > MAX_EXPONENT and not value.is_zero():
            self.problems.add(
                f"{_where(element)}: {value} is out of range (10^±{MAX_EXPONENT}); its text is kept"
            )
            return None
        return value

    def _scaled(self, element: etree._Element, value: Decimal) -> Decimal | None:
        scale = (element.get("scale") or "0").strip()
        if not _DECIMALS.fullmatch(scale) or abs(int(scale)) > MAX_EXPONENT:
            self.problems.add(
                f"{_where(element)}: scale {scale!r} is not a power of ten; its text is kept"
            )
            return None
        scaled = self._in_range(value.scaleb(int(scale), _EXACT), element)
        return -scaled if scaled is not None and element.get("sign") == "-" else scaled

    def _add(
        self,
        element: etree._Element,
        concept: tuple[str, str, str],
        *,
        text: str | None,
        number: Decimal | None,
        nil: bool,
        numeric: bool,
    ) -> None:
        """Keeps a fact; `text` None is the canonical text of `number`."""
        value_text, value = text, number
        context = self.contexts.get((element.get("contextRef") or "").strip())
        if context is None:
            self.problems.add(
                f"{_where(element)}: context {element.get('contextRef')!r} is not defined; skipped"
            )
            return
        unit = None
        if numeric:
            unit = self.units.get((element.get("unitRef") or "").strip())
            if unit is None:
                self.problems.add(
                    f"{_where(element)}: unit {element.get('unitRef')!r} is not defined; skipped"
                )
                return
        if value_text is None:
            value_text = "" if value is None else _canonical(value)
            if value is not None and value.is_finite():
                value = Decimal(value_text)  # 6.8714E+10 as 68714000000, -0 as 0
        truncated = len(value_text) > MAX_TEXT_CHARS
        if truncated:
            self.problems.add(
                f"{_where(element)}: text of {len(value_text)} characters cut at {MAX_TEXT_CHARS}"
            )
            value_text = value_text[:MAX_TEXT_CHARS]
        prefix, name, namespace = concept
        fact = Fact(
            concept_prefix=prefix,
            concept_name=name,
            namespace=namespace,
            value_text=value_text,
            value_numeric=value,
            is_numeric=numeric,
            is_nil=nil,
            unit=unit,
            period_instant=context.instant,
            period_start=context.start,
            period_end=context.end,
            dimensions=context.dimensions,
            decimals=self._decimals(element, numeric, nil),
            context_id=context.context_id,
            entity_scheme=context.entity_scheme,
            entity_identifier=context.entity_identifier,
            is_truncated=truncated,
            footnote=self.footnotes.get(element.get("id") or ""),
            fact_id=element.get("id"),
        )
        # The same fact is often shown twice in inline XBRL (a cover number, a statement and a
        # note): one concept, one context (by value, whatever its id), one unit, one value.
        same_value = value if value is not None else value_text
        key = (namespace, name, context.key, unit, nil, numeric, same_value)
        self.groups.setdefault(key, []).append(fact)
        self.every.append(fact)

    def _decimals(self, element: etree._Element, numeric: bool, nil: bool) -> int | None:
        written = (element.get("decimals") or "").strip()
        if not numeric or not written or written == "INF":
            return None
        if _DECIMALS.fullmatch(written):
            return int(written)
        if not nil:
            self.problems.add(
                f"{_where(element)}: decimals {written!r} is not a number; taken as none"
            )
        return None

    def result(self, *, deduplicate: bool) -> Facts:
        if not deduplicate:
            return Facts(self.every, self.problems.listed(), 0)
        # Of duplicates, the most precise is kept (INF first), then the lowest context and fact
        # ids: the same choice whatever the order of the document.
        facts = [_kept(group) for group in self.groups.values()]
        return Facts(facts, self.problems.listed(), len(self.every) - len(facts))


def _kept(duplicates: list[Fact]) -> Fact:
    kept = min(duplicates, key=_preference)
    if kept.footnote is None:
        # A footnote is linked to one showing of a fact (one id); the fact kept carries it.
        footnoted = next((fact.footnote for fact in duplicates if fact.footnote), None)
        if footnoted is not None:
            kept = replace(kept, footnote=footnoted)
    return kept


def _continued(
    element: etree._Element, inline: _Inline, problems: _Problems
) -> Iterator[etree._Element]:
    """The continuations of a fact or footnote, in order (`continuedAt` followed)."""
    seen = set()
    next_id = element.get("continuedAt")
    while next_id:
        continuation = inline.continuations.get(next_id)
        if continuation is None or next_id in seen:
            why = "is missing" if continuation is None else "loops"
            problems.add(
                f"{_where(element)}: its continuation {next_id!r} {why}; text kept up to there"
            )
            return
        seen.add(next_id)
        yield continuation
        next_id = continuation.get("continuedAt")


def _preference(fact: Fact) -> tuple[int, int, str, str]:
    precision = 0 if fact.decimals is None else 1
    return (precision, -(fact.decimals or 0), fact.context_id, fact.fact_id or "")


def _prefix_of(element: etree._Element, namespace: str) -> str:
    # A fact in the default namespace: the prefix the document gives the same namespace, if any.
    return next((p for p, ns in element.nsmap.items() if p and ns == namespace), "")


def _canonical(value: Decimal) -> str:
    """A number as an XBRL instance writes it, without exponent or trailing zeros."""
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "-INF" if value < 0 else "INF"
    if value.is_zero():
        return "0"
    return format(value.normalize(_EXACT), "f")


# --- text ----------------------------------------------------------------------------------------

# Elements that start a new line or cell when shown: their text is kept apart from the next.
_BLOCKS = frozenset(
    ("address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
     "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
     "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead",
     "tr", "ul")
)  # fmt: skip
# Markup read as text: a tag (written in an inline document, or escaped in an instance's text
# block), and a block element's tag.
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_ANY_TAG = re.compile(r"<[^>]*>")
# XHTML's names are lower case; an element in a prefixed XHTML namespace (<h:div>) is not seen
# as a block, which costs only a space.
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(_BLOCKS)) + r")\b[^>]*>")


# XML's white space (space, tab, line feed, carriage return): runs of it are one space. A
# no-break space (U+00A0, `&#160;` between a month and its day) is text, kept as filed, as SEC's
# instance and Arelle keep it; Python's str.split() would take it for white space.
_XML_SPACE = " \t\n\r"
_XML_SPACES = re.compile(f"[{_XML_SPACE}]+")


def _normalized(text: str) -> str:
    return _XML_SPACES.sub(" ", text).strip(_XML_SPACE)


def _plain_text(element: etree._Element, exclude: str) -> str:
    """The text content of an inline XBRL element, without its ix:exclude parts."""
    if _first(element.iter(exclude)) is None:
        return "".join(element.itertext())
    pieces: list[str] = []
    _walk(element, exclude, pieces, blocks=False)
    return "".join(pieces)


def _markup_text(element: etree._Element, exclude: str) -> str:
    """The text of an escaped fact's XHTML, block elements and table cells apart by a space."""
    if _first(element.iter(exclude)) is not None:
        pieces: list[str] = []
        _walk(element, exclude, pieces, blocks=True)
        return "".join(pieces)
    # Read from its serialization, as an instance's text block is read: walking the tree in
    # Python costs ten times more on a 10-K's notes.
    return _html_text(etree.tostring(element, encoding="unicode", with_tail=False))


def _html_text(html: str) -> str:
    """The text of (well-formed) HTML: tags dropped, a block's tags made a space, then the
    references replaced (in that order, so that an escaped `&lt;` never becomes a tag)."""
    return unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(" ", html)))


def _walk(element: etree._Element, exclude: str, pieces: list[str], *, blocks: bool) -> None:
    if element.text:
        pieces.append(element.text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag != exclude:
            block = blocks and _local(tag).lower() in _BLOCKS
            if block:
                pieces.append(" ")
            _walk(child, exclude, pieces, blocks=blocks)
            if block:
                pieces.append(" ")
        if child.tail:
            pieces.append(child.tail)


def _text_value(text: str) -> str:
    """An instance's text fact: plain text, or a text block's HTML, read as inline text is."""
    return _normalized(_html_text(text) if _MARKUP.search(text) else text)


# --- footnotes -----------------------------------------------------------------------------------


def _footnote_text(parts: Iterable[etree._Element], exclude: str) -> str:
    """A footnote's text, read as an escaped text block is (its XHTML's blocks apart)."""
    pieces: list[str] = []
    for part in parts:
        _walk(part, exclude, pieces, blocks=True)
    return _normalized("".join(pieces))


def _joined(links: dict[str, list[str]], texts: dict[str, str]) -> dict[str, str]:
    """Each fact's footnote texts, by the fact's id, in link order, each footnote once."""
    joined = {}
    for fact_id, labels in links.items():
        found = [texts[label] for label in dict.fromkeys(labels) if texts.get(label)]
        if found:
            joined[fact_id] = FOOTNOTE_SEPARATOR.join(found)
    return joined


def _instance_footnotes(root: etree._Element) -> dict[str, str]:
    """An instance's footnotes (XBRL 2.1 footnote links: locators to facts, footnote resources,
    fact-footnote arcs between their labels)."""
    links: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for number, link in enumerate(root.iterchildren(f"{_LINKBASE}footnoteLink")):
        # Labels are local to their link: qualified by the link's number.
        facts: dict[str, list[str]] = {}
        for loc in link.iterchildren(f"{_LINKBASE}loc"):
            href = loc.get(f"{_XLINK}href") or ""
            facts.setdefault(loc.get(f"{_XLINK}label") or "", []).append(href.rpartition("#")[2])
        for note in link.iterchildren(f"{_LINKBASE}footnote"):
            label = f"{number}/{note.get(f'{_XLINK}label') or ''}"
            texts[label] = _footnote_text([note], "")
        for arc in link.iterchildren(f"{_LINKBASE}footnoteArc"):
            if arc.get(f"{_XLINK}arcrole") != FACT_FOOTNOTE:
                continue
            to = f"{number}/{arc.get(f'{_XLINK}to') or ''}"
            for fact_id in facts.get(arc.get(f"{_XLINK}from") or "", []):
                links.setdefault(fact_id, []).append(to)
    return _joined(links, texts)


def _inline_footnotes(root: etree._Element, inline: _Inline, problems: _Problems) -> dict[str, str]:
    """An inline document's footnotes: `ix:relationship` (fact-footnote by default) from facts'
    ids to `ix:footnote` ids, a footnote's continuations followed."""
    notes = {note.get("id") or "": note for note in root.iter(inline.footnote)}
    if not notes:
        return {}
    links: dict[str, list[str]] = {}
    for relationship in root.iter(inline.relationship):
        if relationship.get("arcrole", FACT_FOOTNOTE) != FACT_FOOTNOTE:
            continue
        to = (relationship.get("toRefs") or "").split()
        for fact_id in (relationship.get("fromRefs") or "").split():
            links.setdefault(fact_id, []).extend(to)
    texts = {}
    for note_id, note in notes.items():
        parts = [note, *_continued(note, inline, problems)]
        texts[note_id] = _footnote_text(parts, inline.exclude)
    return _joined(links, texts)
