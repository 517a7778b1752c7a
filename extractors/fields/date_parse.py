"""Date parsing: the first plausible date in a text, by pattern, with how sure the reading is.

Vendors print dates every way (03/04/1961, 3/4/61, 1961-03-04, March 3, 1961, 3 Mar 1961,
03-Mar-1961); fax OCR turns 0 into O and 1 into l. Parsing is by pattern, month-first by
default (US forms), repairing look-alike letters inside digit runs and lowering confidence when
it had to. Plausibility decides between readings: a birth date is never in the future nor more
than 120 years back, and a two-digit birth year is always in the past. (Split from
``dates.py``, the component, which re-exports ``parse_date`` and ``ParsedDate``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from extractors.fields.ocrfix import fix_digits

__all__ = ["MONTH_FIRST", "ParsedDate", "parse_date"]

#: Month-first (US) unless a site sets this to False.
MONTH_FIRST = True
_MONTHS = {
    m: i
    for i, ms in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in ms
}
_MON = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"\s?[/.\-~]{1,2}\s?"  # "~" and doubled separators: fax OCR noise
_PATTERNS = (
    (
        "iso",
        re.compile(rf"(?<!\d)(?P<y>\d{{4}}){_SEP}(?P<a>\d{{1,2}}){_SEP}(?P<b>\d{{1,2}})(?!\d)"),
    ),
    (
        "num",
        re.compile(
            rf"(?<!\d)(?P<a>\d{{1,2}}){_SEP}(?P<b>\d{{1,2}}){_SEP}(?P<y>\d{{4}}|\d{{2}})(?!\d)"
        ),
    ),
    (
        "mdy",
        re.compile(
            rf"(?<![a-z]){_MON}[\s\-]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"[,\s\-]*(?P<y>\d{{4}})(?!\d)",
            re.I,
        ),
    ),
    (
        "dmy",
        re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-]?{_MON}[\s,\-]*(?P<y>\d{{4}}|\d{{2}})(?!\d)",
            re.I,
        ),
    ),
    ("compact", re.compile(r"(?<!\d)(?P<a>\d{2})(?P<b>\d{2})(?P<y>(?:19|20)\d{2})(?!\d)")),
)


@dataclass(frozen=True)
class ParsedDate:
    """A date found in a text: where (offsets in that text), the value, and how sure."""

    value: date
    start: int
    end: int
    validity: float
    notes: tuple[str, ...] = ()

    @property
    def iso(self) -> str:
        """The JSON contract's form."""
        return self.value.isoformat()


def _year(y: str, kind: str, today: date) -> int:
    if len(y) == 4:
        return int(y)
    yy = int(y)
    if kind == "dob":  # a two-digit birth year is in the past
        return 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    return 2000 + yy


def _plausible(d: date, kind: str, today: date) -> bool:
    if kind == "dob":
        return today - timedelta(days=int(120 * 365.25)) <= d <= today
    return date(1990, 1, 1) <= d <= today + timedelta(days=366)


def _candidates(m: re.Match[str], style: str, kind: str, today: date) -> list[tuple[date, str]]:
    """Possible readings of one match, preferred first, each with a note (or "")."""
    g = m.groupdict()
    year = _year(g["y"], kind, today)
    if style in ("mdy", "dmy"):
        pairs = [(_MONTHS[g["mon"].lower()], int(g["d"]), "")]
    elif style == "iso":
        pairs = [(int(g["a"]), int(g["b"]), "")]
    else:
        a, b = int(g["a"]), int(g["b"])
        first = (a, b, "") if MONTH_FIRST else (b, a, "")
        pairs = [first, (first[1], first[0], "day_first" if MONTH_FIRST else "month_first")]
    out = []
    for month, day, note in pairs:
        try:
            out.append((date(year, month, day), note))
        except ValueError:
            continue
    return out


def parse_date(text: str, kind: str = "event", today: date | None = None) -> ParsedDate | None:
    """The first plausible date in ``text``.

    Args:
        text: a labelled value or a stretch of prose.
        kind: ``"dob"`` (past, ≤ 120 years, two-digit years pivot to the past) or ``"event"``.
        today: reference date for plausibility (tests pass one).

    Returns:
        The date with its offsets in ``text``; ``None`` if no plausible date is there.
    """
    today = today or date.today()
    fixed, changed = fix_digits(text)
    found: list[ParsedDate] = []
    for src, was_fixed in ((fixed, True), (text, False)) if changed else ((text, False),):
        for style, rx in _PATTERNS:
            for m in rx.finditer(src):
                for value, note in _candidates(m, style, kind, today):
                    if not _plausible(value, kind, today):
                        continue
                    validity = 1.0 if style != "compact" else 0.7
                    notes = tuple(n for n in (note,) if n)
                    if note:
                        validity *= 0.8
                    if was_fixed and src[m.start() : m.end()] != text[m.start() : m.end()]:
                        validity *= 0.8
                        notes = (*notes, "ocr_digits_fixed")
                    if len(m.group("y")) == 2:
                        validity *= 0.9
                        notes = (*notes, "two_digit_year")
                    found.append(ParsedDate(value, m.start(), m.end(), validity, notes))
                    break
        if found:
            break
    if not found:
        return None
    return min(found, key=lambda p: (p.start, -p.validity))
