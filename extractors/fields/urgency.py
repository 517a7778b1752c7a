"""referral.urgency: stat | urgent | routine, as the referral states it.

Three sources, most trusted first:

1. checkbox rows — "☒ Urgent", "[X] Urgent", "(x) STAT", "■ Routine" and what fax OCR makes
   of a ticked box ("X Urgent", "[XJ] STAT", "&l Urgent", "|WMurgent"). Only a checked
   option is taken; an option next to an empty box ("☐", "[ ]", "O", "(]") never is. Where
   the text shows no tick (boxes drawn as vector graphics, OCR slips), the page image's
   pixels decide when one box is clearly darker inside than the others. When
   every other option of a row shows an empty box and one shows none (OCR dropped the filled
   box), that one is taken with a lower confidence;
2. a single option word after an Urgency/Priority label ("Priority: Routine");
3. phrases in running text ("STAT", "ASAP", "please see within 48 hours", "at your earliest
   convenience"), unless negated or hypothetical.

Red flags are not this component's business: triage weighs them against the stated urgency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractors.checkboxes import ticked
from extractors.fields.base import add_candidate, page_of
from extractors.fields.clinical_layout import page_lines
from extractors.fields.clinical_rules import compile_phrases, load_rules
from extractors.fields.negation import assess
from models.vocab import FieldName, Urgency

EXTRACTOR = "fields.urgency@1"
_MARK_MAX = 5
_ROW_MAX_LETTERS = 6
_DROP = re.compile(r"[\s.,;:'`\"‘’“”]+")
_CLEAR_BOX = re.compile(r"[\[(|]?[Xx✓✔☒☑■⊠][\])|]?")
_YES_NO = re.compile(r"^\s*[:?]\s*(?P<mark>\S{1,4}\s*)?(?P<yn>yes|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Option:
    start: int
    end: int
    urgency: Urgency
    before: str  # mark characters in front of the word (may be empty)
    after: str  # mark characters right after the word (for "Urgent [X]" rows)


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    rules = load_rules("urgency.yaml")
    words = {Urgency(k): v for k, v in rules["options"].items()}
    every = sorted({w for ws in words.values() for w in ws}, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, w.split())) for w in every)
    return {
        "lookup": {w.lower(): u for u, ws in words.items() for w in ws},
        # an option word, possibly glued to a mark in front ("Djroutine"); not inside a word
        "option": re.compile(
            rf"(?:(?<=[^\w])|^)(?P<glue>{rules['glued_mark']})?(?P<word>{alternation})"
            r"(?-i:(?![a-z]))",
            re.IGNORECASE | re.MULTILINE,
        ),
        "row_label": re.compile(
            r"(?:^|(?<=\s))(?:" + compile_phrases(rules["row_labels"]).pattern + r")\s*[:.;]+",
            re.IGNORECASE,
        ),
        "checked": re.compile("[" + re.escape(rules["checked_chars"]) + "]"),
        "clear": set(rules["clear_marks"]),
        "unchecked": set(rules["unchecked_marks"]),
        "phrases": [
            (
                re.compile(p["pattern"], 0 if p.get("case_sensitive") else re.IGNORECASE),
                Urgency(p["urgency"]),
                float(p["confidence"]),
            )
            for p in rules["phrases"]
        ],
    }


def mark_state(mark: str) -> str | None:
    """``"checked"``, ``"unchecked"`` or ``None`` (no mark, or unreadable) for box text."""
    mark = _DROP.sub("", mark)
    if not mark:
        return None
    rules = _rules()
    if mark in rules["clear"] or rules["checked"].search(mark):
        return "checked"
    return "unchecked" if mark in rules["unchecked"] else None


def row_options(text: str, start: int, end: int) -> list[_Option]:
    """Option words of one line with the mark text in front of and after each."""
    rules = _rules()
    label = rules["row_label"].search(text, start, end)
    zone_start = label.end() if label else start
    found = [m for m in rules["option"].finditer(text, start, end) if m.start() >= zone_start]
    out: list[_Option] = []
    for i, m in enumerate(found):
        prev_end = found[i - 1].end() if i else zone_start
        before = text[prev_end : m.start("word")]
        nxt = found[i + 1].start() if i + 1 < len(found) else end
        after = text[m.end() : nxt]
        word = " ".join(m.group("word").lower().split())
        out.append(
            _Option(
                m.start("word"),
                m.end(),
                rules["lookup"][word],
                _DROP.sub("", before)[-_MARK_MAX:],
                _DROP.sub("", after)[:_MARK_MAX],
            )
        )
    return out


def _prose_mark(text: str, line_start: int, opt: _Option) -> str | None:
    """State of a box written as its own token (or glued) right before an option in prose."""
    token = re.search(r"(\S{1,4})\s*$", text[line_start : opt.start])
    if token is None:
        return None
    mark = _DROP.sub("", token.group(1))
    if mark in _rules()["unchecked"]:
        return "unchecked"
    return "checked" if _CLEAR_BOX.fullmatch(mark) else None


def _is_row(text: str, start: int, end: int, options: list[_Option]) -> bool:
    """True for a form row: options, marks and a label, little else (not prose)."""
    rest = text[start:end]
    label = _rules()["row_label"].search(rest)
    if label:
        rest = rest[: label.start()] + rest[label.end() :]
    for opt in options:
        rest = rest.replace(text[opt.start : opt.end], " ", 1)
    letters = sum(c.isalpha() for c in re.sub(r"\b\w{1,3}\b", " ", rest))
    return letters <= _ROW_MAX_LETTERS


class UrgencyComponent:
    """Marks stated urgency on a page: checkbox rows, labelled words, then phrases."""

    def __init__(self, checkbox_confidence: float = 0.95, label_confidence: float = 0.9) -> None:
        """Confidence of a clearly checked box (OCR-ish marks get less) and of a label value."""
        self.checkbox_confidence = checkbox_confidence
        self.label_confidence = label_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add ``referral.urgency`` candidates to ``doc.spans["fields"]``."""
        text = doc.text
        consumed: list[tuple[int, int]] = []
        for line in page_lines(text):
            options = row_options(text, line.start, line.end)
            if not options:
                continue
            labelled = bool(_rules()["row_label"].search(text, line.start, line.end))
            marked = any(mark_state(o.before) or mark_state(o.after) for o in options)
            if (len(options) > 1 or labelled or marked) and _is_row(
                text, line.start, line.end, options
            ):
                consumed.extend((o.start, o.end) for o in options)
                self._row(doc, text, options, labelled=labelled, line_end=line.end)
                continue
            for opt in options:  # prose: only a box drawn right before the word counts
                state = _prose_mark(text, line.start, opt)
                if state is not None:
                    consumed.append((opt.start, opt.end))
                    if state == "checked":
                        self._add(doc, opt, self.checkbox_confidence - 0.1, "checkbox")
        for pattern, urgency, conf in _rules()["phrases"]:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in consumed):
                    continue
                if urgency is not Urgency.ROUTINE and assess(text, *match.span()).excludes:
                    continue
                add_candidate(
                    doc,
                    match.start(),
                    match.end(),
                    FieldName.REFERRAL_URGENCY,
                    urgency.value,
                    conf,
                    EXTRACTOR,
                    ("phrase",),
                )
                consumed.append(match.span())
        return doc

    def _row(
        self, doc: Doc, text: str, options: list[_Option], *, labelled: bool, line_end: int
    ) -> None:
        """Decide one row: yes/no, checked boxes, elimination, or a labelled single word."""
        if len(options) == 1:
            yes_no = _YES_NO.match(text[options[0].end : line_end])
            if yes_no:
                ticked = mark_state(yes_no.group("mark") or "") != "unchecked"
                if yes_no.group("yn").lower() == "yes" and ticked:
                    self._add(doc, options[0], 0.8, "yes_no")
                return
        after_style = not options[0].before and mark_state(options[-1].after) is not None
        states = [mark_state(o.after if after_style else o.before) for o in options]
        checked = [o for o, st in zip(options, states, strict=True) if st == "checked"]
        if checked:
            base = self.checkbox_confidence if len(checked) == 1 else 0.5
            for opt in checked:
                mark = _DROP.sub("", opt.after if after_style else opt.before)
                conf = base if any(mark.endswith(c) for c in _rules()["clear"]) else base - 0.1
                self._add(doc, opt, conf, "checkbox")
            return
        by_pixels = self._ticked_by_pixels(doc, options) if len(options) > 1 else None
        if by_pixels is not None:
            self._add(doc, by_pixels, self.checkbox_confidence - 0.05, "checkbox_pixels")
            return
        unknown = [o for o, st in zip(options, states, strict=True) if st is None]
        if len(options) > 1 and len(unknown) == 1 and states.count("unchecked") >= 1:
            self._add(doc, unknown[0], 0.7, "checkbox_inferred")
            return
        same = len({o.urgency for o in options}) == 1  # "Priority: STAT - same day"
        if (len(options) == 1 or same) and all(st is None for st in states) and labelled:
            self._add(doc, options[0], self.label_confidence, "label")
        # several options and no readable marks: nothing tells which was ticked; take none

    @staticmethod
    def _ticked_by_pixels(doc: Doc, options: list[_Option]) -> _Option | None:
        """The option whose box is clearly ticked on the page image (vector boxes, OCR slips)."""
        page = page_of(doc)
        if page is None or not page.image_path:
            return None
        boxes = []
        for opt in options:
            words = page.words_for(opt.start, opt.end)
            if not words:
                return None
            boxes.append(words[0].box)
        index = ticked(page, boxes)
        return options[index] if index is not None else None

    @staticmethod
    def _add(doc: Doc, opt: _Option, conf: float, note: str) -> None:
        add_candidate(
            doc,
            opt.start,
            opt.end,
            FieldName.REFERRAL_URGENCY,
            opt.urgency.value,
            conf,
            EXTRACTOR,
            (note,),
        )


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
