"""The fax machine's transmit header: "07/04/2024 17:12  Lakeside FM  3125550101  P.001/003".

Sending fax machines stamp a line across the top of every page with the time, the sender's
name (often truncated) and the sender's fax number. That is weak but vendor-independent
evidence for the referring practice and fax, used only when nothing better is on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractors.fields.layout import line_span

if TYPE_CHECKING:
    from models.document import Page

__all__ = ["FaxHeader", "fax_header"]

_DATE = re.compile(r"\b\d{1,4}[/\-.]\d{1,2}[/\-.]\d{2,4}\b|\b[A-Z][a-z]{2}[ -]\d{1,2}[ ,-]+\d{4}\b")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?\b")
_PAGE = re.compile(r"\b(?:P(?:age|g)?[.,:# ]*\s*\d{1,3}\s*(?:/|of)\s*\d{1,3}|\d{3}/\d{3})\b", re.I)
_NUMBER = re.compile(r"[+(]?\d[\d()\-. ]{8,16}\d")
_MAX_Y = 0.06


@dataclass(frozen=True)
class FaxHeader:
    """Character spans (in ``page.text()``) of the header line, sender name and fax number."""

    start: int
    end: int
    sender: tuple[int, int] | None
    number: tuple[int, int] | None


def fax_header(page: Page) -> FaxHeader | None:
    """The transmit header on ``page``'s first line, if that line is one."""
    if not page.words or page.words[0].box.y0 > _MAX_Y:
        return None
    span = line_span(page, 0)
    if span is None:
        return None
    line = page.text()[span[0] : span[1]]
    date, time, pages = _DATE.search(line), _TIME.search(line), _PAGE.search(line)
    if not ((date or time) and (pages or _NUMBER.search(line))):
        return None
    after = max(m.end() for m in (date, time) if m)
    number = _NUMBER.search(line, after)
    stop = min(m.start() for m in (number, pages) if m) if (number or pages) else len(line)
    sender = None
    name = line[after:stop]
    if sum(c.isalpha() for c in name) >= 3:
        lead = len(name) - len(name.lstrip(" -|:"))
        s = span[0] + after + lead
        sender = (s, s + len(name.strip(" -|:")))
    num = (span[0] + number.start(), span[0] + number.end()) if number else None
    return FaxHeader(span[0], span[1], sender, num)
