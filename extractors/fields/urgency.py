"""referral.urgency: stat | urgent | routine, as the referral states it.

Three sources, most trusted first:

1. checkbox rows — "☒ Urgent", "[X] Urgent", "(x) STAT", "■ Routine" and what fax OCR makes
   of a ticked box ("X Urgent", "IX] Urgent"). Only a checked option is taken; an option next
   to an empty box ("☐", "[ ]", "O") never is, and neither is a row of options whose boxes
   were lost (nothing tells which one was ticked);
2. a single option word after an Urgency/Priority label ("Priority: Routine");
3. phrases in running text ("STAT", "ASAP", "please see within 48 hours", "at your earliest
   convenience"), unless negated or hypothetical.

Red flags are not this component's business: triage weighs them against the stated urgency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.clinical_layout import labelled, page_lines
from extractors.fields.clinical_rules import compile_phrases, load_rules
from extractors.fields.negation import assess
from models.vocab import FieldName, Urgency

EXTRACTOR = "fields.urgency@1"
KEY = str(FieldName.REFERRAL_URGENCY)
_CLEAR_MARKS = {"☒", "☑", "✓", "✔", "■", "⊠", "[X]", "[x]", "(X)", "(x)", "✅", "▣"}
_ROW_NOISE = re.compile(
    r"(?i)\b(?:urgency|priority|level|referral|appointment|scheduling|request(?:ed)?|time\s*frame"
    r"|please\s+check\s+one|check\s+one|select\s+one|yes|no)\b|\b[xXoOvV]\b|[^\w\s]"
)
_ROW_MAX_LETTERS = 12
_YES_NO = re.compile(r"^\s*[:?]?\s*(?P<m1>\S+)?\s*(?P<yn>yes|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Option:
    start: int
    end: int
    urgency: Urgency
    before: str | None  # "checked" | "unchecked" | None
    after: str | None


@lru_cache(maxsize=1)
def _rules() -> dict:
    rules = load_rules("urgency.yaml")
    words = {Urgency(k): v for k, v in rules["options"].items()}
    lookup = {w.lower(): u for u, ws in words.items() for w in ws}
    marks = sorted({*rules["checked"], *rules["unchecked"]}, key=len, reverse=True)
    mark_alt = "|".join(re.escape(m) for m in marks)
    return {
        "lookup": lookup,
        "options": compile_phrases([w for ws in words.values() for w in ws]),
        "checked": set(rules["checked"]),
        "unchecked": set(rules["unchecked"]),
        "mark_before": re.compile(rf"(?:^|\s)({mark_alt})\s*$"),
        "mark_after": re.compile(rf"^\s*({mark_alt})(?=\s|$)"),
        "phrases": [
            (re.compile(p["pattern"], 0 if p.get("case_sensitive") else re.IGNORECASE),
             Urgency(p["urgency"]), float(p["confidence"]))
            for p in rules["phrases"]
        ],
    }


def _mark_state(mark: str | None) -> str | None:
    rules = _rules()
    if mark is None:
        return None
    if mark in rules["checked"]:
        return "checked"
    return "unchecked" if mark in rules["unchecked"] else None


def _options(text: str, line_start: int, line_end: int) -> list[_Option]:
    """Option words on one line with the box marks right before and after each."""
    rules = _rules()
    out: list[_Option] = []
    for match in rules["options"].finditer(text, line_start, line_end):
        if text[match.end() : match.end() + 1] in (":",) and not _YES_NO.match(text[match.end():line_end]):
            continue  # "Urgency:"-like label, not an option
        before = rules["mark_before"].search(text[line_start : match.start()])
        after = rules["mark_after"].search(text[match.end() : line_end])
        out.append(_Option(
            match.start(), match.end(), rules["lookup"][" ".join(match.group(0).lower().split())],
            _mark_state(before.group(1) if before else None),
            _mark_state(after.group(1) if after else None),
        ))
    return out


class UrgencyComponent:
    """Marks stated urgency on a page: checked boxes, labelled values, then phrases."""

    def __init__(self, checkbox_confidence: float = 0.95, label_confidence: float = 0.9) -> None:
        """Confidence of a clearly checked box (OCR-ish marks get less) and of a label value."""
        self.checkbox_confidence = checkbox_confidence
        self.label_confidence = label_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add ``referral.urgency`` candidates to ``doc.spans["fields"]``."""
        text = doc.text
        consumed: list[tuple[int, int]] = []
        label_spans = [(f.label_start, f.end) for f in labelled(text, KEY, page_of(doc))]
        for line in page_lines(text):
            options = _options(text, line.start, line.end)
            if options and (_is_option_row(text, line.start, line.end, options)
                            or any(o.before or o.after for o in options)):
                consumed.extend((o.start, o.end) for o in options)
                self._checkbox_row(doc, text, options, line.end, label_spans)
        rules = _rules()
        for pattern, urgency, conf in rules["phrases"]:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in consumed):
                    continue
                if assess(text, match.start(), match.end()).excludes and urgency is not Urgency.ROUTINE:
                    continue
                add_candidate(doc, match.start(), match.end(), FieldName.REFERRAL_URGENCY,
                              urgency.value, conf, EXTRACTOR, ("phrase",))
                consumed.append(match.span())
        return doc

    def _checkbox_row(
        self, doc: Doc, text: str, options: list[_Option], line_end: int,
        label_spans: list[tuple[int, int]],
    ) -> None:
        """Decide one line of options: checked boxes, yes/no, a labelled word, or nothing."""
        # A mark between two options could be either's: forms put boxes before the words
        # unless the first option has none and the last has one after it ("Urgent [X]").
        use_after = options[0].before is None and options[-1].after is not None
        states = [(o, o.after if use_after else o.before) for o in options]
        marked = [o for o, st in states if st is not None]
        checked = [o for o, st in states if st == "checked"]
        if marked:
            conf = self.checkbox_confidence if len(checked) == 1 else 0.5
            for opt in checked:
                mark = _mark_text(text, opt, after=use_after)
                c = conf if mark in _CLEAR_MARKS else conf - 0.1
                add_candidate(doc, opt.start, opt.end, FieldName.REFERRAL_URGENCY,
                              opt.urgency.value, c, EXTRACTOR, ("checkbox",))
            return
        if len(options) == 1:
            opt = options[0]
            yes_no = _YES_NO.match(text[opt.end : line_end])
            if yes_no and text[opt.end : opt.end + 1] in ":?":
                self._yes_no(doc, opt, yes_no)
                return
            if any(s <= opt.start < e for s, e in label_spans):
                add_candidate(doc, opt.start, opt.end, FieldName.REFERRAL_URGENCY,
                              opt.urgency.value, self.label_confidence, EXTRACTOR, ("label",))
                return
            if opt.urgency is not Urgency.ROUTINE and not assess(text, opt.start, opt.end).excludes:
                add_candidate(doc, opt.start, opt.end, FieldName.REFERRAL_URGENCY,
                              opt.urgency.value, 0.65, EXTRACTOR, ("phrase",))
        # several options and no visible marks: the ticks were lost; take none

    def _yes_no(self, doc: Doc, opt: _Option, match: re.Match[str]) -> None:
        """"Urgent: ☒ Yes ☐ No" — the option is stated when Yes is ticked (or printed alone)."""
        state = _mark_state(match.group("m1"))
        if match.group("yn").lower() == "yes" and state in ("checked", None):
            add_candidate(doc, opt.start, opt.end, FieldName.REFERRAL_URGENCY,
                          opt.urgency.value, 0.85 if state else 0.7, EXTRACTOR, ("yes_no",))


def _is_option_row(text: str, start: int, end: int, options: list[_Option]) -> bool:
    """True when a line is mostly options, marks and a label — a form row, not prose."""
    rest = list(text[start:end])
    for opt in options:
        rest[opt.start - start : opt.end - start] = [" "] * (opt.end - opt.start)
    remaining = _ROW_NOISE.sub(" ", "".join(rest))
    return sum(c.isalpha() for c in remaining) <= _ROW_MAX_LETTERS


def _mark_text(text: str, opt: _Option, *, after: bool) -> str:
    rules = _rules()
    if after:
        m = rules["mark_after"].search(text[opt.end : opt.end + 8])
    else:
        m = rules["mark_before"].search(text[max(0, opt.start - 8) : opt.start])
    return m.group(1) if m else ""


@Language.factory(
    "intake_urgency",
    default_config={"checkbox_confidence": 0.95, "label_confidence": 0.9},
    assigns=["doc.spans"],
)
def make_urgency(
    nlp: Language, name: str, checkbox_confidence: float, label_confidence: float
) -> UrgencyComponent:
    """spaCy factory for :class:`UrgencyComponent`."""
    return UrgencyComponent(checkbox_confidence, label_confidence)
