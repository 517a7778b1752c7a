"""Referring provider: ``referring.name`` and ``referring.practice``.

Sources, most trusted first: the provider label's value ("Referring Provider: Dr. Sarah Chen,
MD"); a fax cover sheet's "From:" (a person, or a practice name); a letter's signature block
("Sincerely, ... Sarah Chen, MD / Lakeside Family Medicine"); the letterhead's first line for
the practice. Names are cleaned by ``names.clean_person_name`` (no "Dr.", no credentials).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.date_parse import parse_date
from extractors.fields.fax_header import fax_header
from extractors.fields.layout import (
    LabelledValue,
    find_labels,
    following_lines,
    labelled_values,
    line_span,
    ocr_confidence,
)
from extractors.fields.names import clean_person_name, name_rules
from extractors.fields.prose import prose_rules
from models.document import Page
from models.vocab import FieldName

__all__ = ["ProviderComponent", "is_organisation"]

EXTRACTOR = "fields.provider@1"
_CRED = re.compile(r",?\s*\b(?:M\.?D|D\.?O|N\.?P|PA-?C|FNP(?:-[A-Z]+)?|MBBS|DNP|APRN)\b\.?")


def is_organisation(text: str) -> bool:
    """True when ``text`` names a practice/clinic rather than a person (an org word in it)."""
    words = {w.lower().strip(".,&") for w in text.split()}
    return bool(words & name_rules()["org_words"])


_RECIPIENT_START = re.compile(r"\s*(?:to|attn|attention|dear|re|recipient)\b[\s:.,]", re.I)


def _is_date_line(line: str) -> bool:
    """A line that is a date and little else ("November 3, 2026")."""
    found = parse_date(line)
    return found is not None and found.start <= 2 and len(line.strip()) - found.end <= 2


def _clean_org(text: str) -> tuple[int, int] | None:
    m = re.match(r"[^,;|()\n]+", text)
    if m is None:
        return None
    value = m.group(0).rstrip(" .:-")
    if len(value) < 3 or sum(c.isdigit() for c in value) > 2:
        return None
    return m.start(), m.start() + len(value)


class ProviderComponent:
    """Marks ``referring.name`` and ``referring.practice`` candidates."""

    def __init__(
        self, signature_confidence: float = 0.75, letterhead_confidence: float = 0.55
    ) -> None:
        """Args: signature_confidence: for a name under a letter's sign-off;
        letterhead_confidence: for a practice read from the page's top line."""
        self.signature_confidence = signature_confidence
        self.letterhead_confidence = letterhead_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates to ``doc.spans["fields"]``."""
        page = page_of(doc)
        if page is None:
            return doc
        for lv in labelled_values(page, {"referring.name", "referring.practice"}):
            if lv.label_key == "referring.practice" or is_organisation(lv.text):
                span = _clean_org(lv.text)
                if span is None:
                    continue
                start, end = lv.start + span[0], lv.start + span[1]
                factor = 1.0 if lv.label_key == "referring.practice" else 0.8
                conf = lv.score * factor * ocr_confidence(page, start, end)
                add_candidate(
                    doc,
                    start,
                    end,
                    FieldName.REFERRING_PRACTICE,
                    lv.text[span[0] : span[1]],
                    conf,
                    EXTRACTOR,
                )
                continue
            name = clean_person_name(lv.text)
            if name is None:
                continue
            start, end = lv.start + name.start, lv.start + name.end
            conf = lv.score * name.validity * ocr_confidence(page, start, end)
            add_candidate(
                doc, start, end, FieldName.REFERRING_NAME, name.value, conf, EXTRACTOR, name.notes
            )
            self._practice_below(doc, page, lv)
        self._signature(doc, page)
        self._letterhead(doc, page)
        return doc

    def _signature(self, doc: Doc, page: Page) -> None:
        """The name (and practice) in the few lines after a letter's sign-off."""
        text = page.text()
        offs = sorted(prose_rules()["signoffs"], key=len, reverse=True)
        rx = re.compile(
            r"^\s*(?:" + "|".join(re.escape(o) for o in offs) + r")\b[,:]?\s*",
            re.IGNORECASE | re.MULTILINE,
        )
        for m in rx.finditer(text):
            pos = m.end()
            for _ in range(4):
                span = line_span(page, pos)
                if span is None:
                    break
                s, e = span
                if e <= m.start():
                    break
                line = text[max(s, pos) : e]
                name = clean_person_name(line)
                if name is not None and name.validity >= 1.0 and not is_organisation(line):
                    start = max(s, pos) + name.start
                    end = start + (name.end - name.start)
                    cred = bool(_CRED.search(line)) or line.lower().startswith("dr")
                    conf = self.signature_confidence * (1.0 if cred else 0.85)
                    conf *= ocr_confidence(page, start, end)
                    add_candidate(
                        doc,
                        start,
                        end,
                        FieldName.REFERRING_NAME,
                        name.value,
                        conf,
                        EXTRACTOR,
                        ("signature",),
                    )
                    self._practice_after(doc, page, e)
                    break
                pos = e + 1
                if pos >= len(text):
                    break

    def _practice_after(self, doc: Doc, page: Page, pos: int) -> None:
        span = line_span(page, pos + 1) if pos + 1 < len(page.text()) else None
        if span is None:
            return
        line = page.text()[span[0] : span[1]]
        if is_organisation(line):
            org = _clean_org(line)
            if org:
                s, e = span[0] + org[0], span[0] + org[1]
                conf = self.signature_confidence * 0.9 * ocr_confidence(page, s, e)
                add_candidate(
                    doc,
                    s,
                    e,
                    FieldName.REFERRING_PRACTICE,
                    page.text()[s:e],
                    conf,
                    EXTRACTOR,
                    ("signature",),
                )

    def _letterhead(self, doc: Doc, page: Page) -> None:
        """The first organisation-like line at the top of the page, above any form label.

        Skips the fax transmit header and document titles ("REFERRAL FORM"); the header's
        sender name is kept as a weaker fallback.
        """
        header = fax_header(page)
        labels = [lab.start for lab in find_labels(page) if lab.key or lab.header]
        stop = min(labels, default=len(page.text()))
        pos = header.end + 1 if header else 0
        for _ in range(3):
            span = line_span(page, pos) if pos < stop else None
            if span is None or page.box_for(*span) is None or page.box_for(*span).y0 > 0.2:
                break
            line = page.text()[span[0] : span[1]]
            if _RECIPIENT_START.match(line) or _is_date_line(line):
                break  # a letter's date line, or "To:": below is the recipient's address
            if line.strip().lower() not in name_rules()["form_titles"] and is_organisation(line):
                org = _clean_org(line)
                if org:
                    s, e = span[0] + org[0], span[0] + org[1]
                    conf = self.letterhead_confidence * ocr_confidence(page, s, e)
                    add_candidate(
                        doc,
                        s,
                        e,
                        FieldName.REFERRING_PRACTICE,
                        page.text()[s:e],
                        conf,
                        EXTRACTOR,
                        ("letterhead",),
                    )
                    break
            pos = span[1] + 1
        if header is not None and header.sender is not None:
            s, e = header.sender
            if is_organisation(page.text()[s:e]):
                conf = self.letterhead_confidence * 0.8 * ocr_confidence(page, s, e)
                add_candidate(
                    doc,
                    s,
                    e,
                    FieldName.REFERRING_PRACTICE,
                    page.text()[s:e],
                    conf,
                    EXTRACTOR,
                    ("fax_header",),
                )

    def _practice_below(self, doc: Doc, page: Page, lv: LabelledValue) -> None:
        """A provider block's organisation line right under the provider's name."""
        for s, e in following_lines(page, lv, max_lines=2):
            whole = line_span(page, s)
            if whole is not None and whole[0] == s:
                e = whole[1]  # the column clip may cut the name; the comma ends it anyway
            line = page.text()[s:e]
            if not is_organisation(line):
                continue
            org = _clean_org(line)
            if org:
                start, end = s + org[0], s + org[1]
                conf = lv.score * 0.8 * ocr_confidence(page, start, end)
                add_candidate(
                    doc,
                    start,
                    end,
                    FieldName.REFERRING_PRACTICE,
                    page.text()[start:end],
                    conf,
                    EXTRACTOR,
                    ("below_provider",),
                )
            return


@Language.factory(
    "intake_provider",
    default_config={"signature_confidence": 0.75, "letterhead_confidence": 0.55},
    assigns=["doc.spans"],
)
def make_provider(
    nlp: Language, name: str, signature_confidence: float, letterhead_confidence: float
) -> ProviderComponent:
    """spaCy factory for :class:`ProviderComponent`."""
    return ProviderComponent(signature_confidence, letterhead_confidence)
