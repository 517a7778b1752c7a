"""Dates: ``patient.dob`` and ``referral.date`` as ISO ``YYYY-MM-DD``.

Vendors print dates every way (03/04/1961, 3/4/61, 1961-03-04, March 3, 1961, 3 Mar 1961,
03-Mar-1961); fax OCR turns 0 into O and 1 into l. Parsing here is by pattern, month-first by
default (US forms), repairing look-alike letters inside digit runs and lowering confidence when
it had to. Plausibility decides between readings: a birth date is never in the future nor more
than 120 years back, and a two-digit birth year is always in the past.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.layout import labelled_values, line_span, ocr_confidence
from extractors.fields.ocrfix import fix_digits
from extractors.fields.reread import checked_value, reread_unparsed
from models.vocab import FieldName

__all__ = ["DatesComponent", "ParsedDate", "parse_date"]

EXTRACTOR = "fields.dates@1"
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


_DATE_CHARS = "0123456789/-."


def _iso_parser(kind: str) -> Callable[[str], str | None]:
    """Text → ISO date of the given kind, for voting over second readings."""

    def parse(text: str) -> str | None:
        found = parse_date(text[:40], kind)
        return found.iso if found is not None and found.start <= 12 else None

    return parse


class DatesComponent:
    """Marks ``patient.dob`` and ``referral.date`` candidates.

    Labelled values first; then, for the referral date, a line that is nothing but a date near
    the top of a page (a letter's date line) at lower confidence.
    """

    def __init__(self, dateline_confidence: float = 0.6) -> None:
        """Args: dateline_confidence: confidence of an unlabelled letter date line."""
        self.dateline_confidence = dateline_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        used: set[int] = set()
        for lv in labelled_values(page, {"patient.dob", "referral.date"}):
            kind = "dob" if lv.label_key == "patient.dob" else "event"
            found = next(
                (
                    (vs, parsed, factor)
                    for vs, _ve, text, factor in lv.options()
                    if (parsed := parse_date(text[:40], kind)) is not None and parsed.start <= 12
                ),
                None,
            )
            name = FieldName.PATIENT_DOB if kind == "dob" else FieldName.REFERRAL_DATE
            if found is None:
                again = reread_unparsed(page, lv.start, lv.end, _iso_parser(kind), _DATE_CHARS)
                if again is not None:  # OCR lost the date: its crop, read again
                    add_candidate(doc, lv.start, lv.end, name, *again, EXTRACTOR, ("ocr_reread",))
                continue
            vs, parsed, factor = found
            start, end = vs + parsed.start, vs + parsed.end
            conf = lv.score * factor * parsed.validity * ocr_confidence(page, start, end)
            chars = "" if any(c.isalpha() for c in page.text()[start:end]) else _DATE_CHARS
            iso, conf, more = checked_value(
                page, start, end, parsed.iso, conf, _iso_parser(kind), chars
            )
            add_candidate(doc, start, end, name, iso, conf, EXTRACTOR, (*parsed.notes, *more))
            used.add(start)
        self._date_lines(doc, used)
        return doc

    def _date_lines(self, doc: Doc, used: set[int]) -> None:
        page = page_of(doc)
        assert page is not None
        text = doc.text
        for w, (s, _e) in zip(page.words, page.word_spans(), strict=True):
            if w.box.y0 > 0.45 or s in used:
                continue
            span = line_span(page, s)
            if span is None or span[0] != s:
                continue
            line = text[span[0] : span[1]]
            parsed = parse_date(line, "event")
            if parsed is None or parsed.start > 0 or len(line) - parsed.end > 2:
                continue
            start, end = s + parsed.start, s + parsed.end
            if start in used:
                continue
            conf = self.dateline_confidence * parsed.validity * ocr_confidence(page, start, end)
            add_candidate(
                doc,
                start,
                end,
                FieldName.REFERRAL_DATE,
                parsed.iso,
                conf,
                EXTRACTOR,
                (*parsed.notes, "date_line"),
            )
            used.add(start)


@Language.factory(
    "intake_dates", default_config={"dateline_confidence": 0.6}, assigns=["doc.spans"]
)
def make_dates(nlp: Language, name: str, dateline_confidence: float) -> DatesComponent:
    """spaCy factory for :class:`DatesComponent`."""
    return DatesComponent(dateline_confidence)
