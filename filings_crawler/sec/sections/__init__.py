"""The Items of a 10-K or 10-Q, as plain text (pure: bytes in, sections out).

`split_document(html, form)` returns every Item of the form in order: found (heading, text,
offsets in the document's text, word count, how it was found), `combined` (printed under
another Item's heading, which holds its text) or `absent` (no body heading), each with why.
"""

from filings_crawler.sec.sections.items import FORMS, base_form
from filings_crawler.sec.sections.split import ABSENT, COMBINED, FOUND, Section, split_document

__all__ = ["ABSENT", "COMBINED", "FORMS", "FOUND", "Section", "base_form", "split_document"]
