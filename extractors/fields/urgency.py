"""referral.urgency: stat | urgent | routine, as the referral states it.

Three sources, most trusted first:

1. option groups (:mod:`extractors.fields.option_group`, the reader every checkbox list
   shares) — "☒ Urgent", "[X] Urgent", "(x) STAT", "■ Routine" and what fax OCR makes
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
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from extractors.fields.base import add_candidate, page_of
from extractors.fields.clinical_layout import page_lines
from extractors.fields.clinical_rules import compile_phrases, load_rules
from extractors.fields.negation import assess
from extractors.fields.option_group import (
    Choice,
    Vocabulary,
    decide,
    find_groups,
    fuzzy_option,
    mark_state,
    option_pattern,
    row_choices,
    yes_no,
)
from models.vocab import FieldName, Urgency

__all__ = ["EXTRACTOR", "UrgencyComponent", "mark_state", "vocabulary"]

EXTRACTOR = "fields.urgency@1"
_DROP = re.compile(r"[\s.,;:'`\"‘’“”]+")
_CLEAR_BOX = re.compile(r"[\[(|]?[Xx✓✔☒☑■⊠][\])|]?")


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    rules = load_rules("urgency.yaml")
    words = {Urgency(k): v for k, v in rules["options"].items()}
    every = sorted({w for ws in words.values() for w in ws}, key=len, reverse=True)
    lookup = {w.lower(): u.value for u, ws in words.items() for w in ws}

    def guess(word: str, read: set[str]) -> str | None:
        """A garbled option: the urgency it resembles, else the one value no read option has."""
        found = fuzzy_option(word, {w: v for w, v in lookup.items() if len(w) >= 4}, 60.0)
        if found is not None and found not in read:
            return found
        missing = {u.value for u in Urgency} - read
        return missing.pop() if len(missing) == 1 and len(read) == 2 else None

    return {
        "vocab": Vocabulary(
            option=option_pattern("|".join(r"\s+".join(map(re.escape, w.split())) for w in every)),
            value=lambda word: lookup.get(" ".join(word.lower().split())),
            label=re.compile(
                r"(?:^|(?<=\s))(?:" + compile_phrases(rules["row_labels"]).pattern + r")\s*[:.;]+",
                re.IGNORECASE,
            ),
            guess=guess,
        ),
        "unchecked": set(load_rules("checkboxes.yaml")["unchecked_marks"]),
        "label_only": {" ".join(w.lower().split()) for w in rules.get("label_only", [])},
        "phrases": [
            (
                re.compile(p["pattern"], 0 if p.get("case_sensitive") else re.IGNORECASE),
                Urgency(p["urgency"]),
                float(p["confidence"]),
            )
            for p in rules["phrases"]
        ],
    }


def vocabulary() -> Vocabulary:
    """The urgency option group's vocabulary (Routine / Urgent / STAT and their synonyms)."""
    return _rules()["vocab"]


def _prose_mark(text: str, line_start: int, opt: Choice) -> str | None:
    """State of a box written as its own token (or glued) right before an option in prose."""
    token = re.search(r"(\S{1,4})\s*$", text[line_start : opt.start])
    if token is None:
        return None
    mark = _DROP.sub("", token.group(1))
    if mark in _rules()["unchecked"]:
        return "unchecked"
    return "checked" if _CLEAR_BOX.fullmatch(mark) else None


_POLITE_IF = re.compile(
    r"\b(?:grateful|appreciat\w*|thankful|obliged|glad|happy)\s+if\b"
    r"|\bif\s+you\s+(?:could|would|can|might|are\s+able)\b",
    re.IGNORECASE,
)


def _excluded(text: str, start: int, end: int) -> bool:
    """A phrase that is negated, a relative's or hypothetical — but "I would be grateful if
    you could see her urgently" is a polite request, not a hypothesis."""
    status = assess(text, start, end)
    if status.negated or status.family or not status.hypothetical:
        return status.excludes
    sentence_start = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    return not _POLITE_IF.search(text, sentence_start, start)


#: Confidence of an urgency read from a label and value that OCR both may have damaged.
FUZZY_CONFIDENCE = 0.75
_LINE_LABEL = re.compile(r"\s*(?P<label>[A-Za-z][A-Za-z /]{3,30}?)\s*[:;]\s*(?P<value>\S.*)$")
_FUZZY_LABEL_MIN = 78.0
_FUZZY_OPTION_MIN = 80.0


@lru_cache(maxsize=1)
def _fuzzy_tables() -> tuple[list[str], dict[str, str]]:
    """Row labels, and option words of four letters or more, for fuzzy reading."""
    rules = load_rules("urgency.yaml")
    labels = [" ".join(str(w).lower().split()) for w in rules["row_labels"]]
    options = {
        " ".join(str(w).lower().split()): Urgency(u).value
        for u, ws in rules["options"].items()
        for w in ws
        if len(str(w)) >= 4
    }
    return labels, options


def _misread_label_line(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """``Label: value`` whose label resembles an urgency label and whose first words resemble
    an option ("Prionty: Normai", "Urgency: Rouline"): the option's span and value.

    Exact labels and options are read by the option groups; this only forgives OCR slips,
    so both sides must be close to a known word and the value short.
    """
    found = _LINE_LABEL.match(text, start, end)
    if found is None:
        return None
    labels, options = _fuzzy_tables()
    label = " ".join(found.group("label").lower().split())
    if process.extractOne(label, labels, scorer=fuzz.ratio, score_cutoff=_FUZZY_LABEL_MIN) is None:
        return None
    words = list(re.finditer(r"[^\s(),]+", text[found.start("value") : end]))
    if not words or len(words) > 6:
        return None
    base = found.start("value")
    for size in (3, 2, 1):
        if len(words) < size:
            continue
        w_start, w_end = base + words[0].start(), base + words[size - 1].end()
        key = " ".join(text[w_start:w_end].lower().split())
        digits = re.findall(r"\d+", key)  # "within 4 days" is not a misread "within 30 days"
        same = [o for o in options if re.findall(r"\d+", o) == digits]
        hit = process.extractOne(key, same, scorer=fuzz.ratio, score_cutoff=_FUZZY_OPTION_MIN)
        # an exact option the option groups passed over is taken only when it raises the
        # urgency: a wrong "routine" costs an under-triage, a wrong "urgent" an early slot
        if hit is not None and (hit[1] < 100 or options[hit[0]] != Urgency.ROUTINE.value):
            return w_start, w_end, options[hit[0]]
    return None


class UrgencyComponent:
    """Marks stated urgency on a page: option groups, labelled words, then phrases."""

    def __init__(self, checkbox_confidence: float = 0.95, label_confidence: float = 0.9) -> None:
        """Confidence of a clearly checked box (OCR-ish marks get less) and of a label value."""
        self.checkbox_confidence = checkbox_confidence
        self.label_confidence = label_confidence

    def __call__(self, doc: Doc) -> Doc:
        """Add ``referral.urgency`` candidates to ``doc.spans["fields"]``."""
        text = doc.text
        vocab = vocabulary()
        consumed: list[tuple[int, int]] = []
        in_group: list[tuple[int, int]] = []
        label_only = _rules()["label_only"]
        for group in find_groups(text, vocab):
            words = {" ".join(text[c.start : c.end].lower().split()) for c in group.choices}
            if not group.labelled and words <= label_only:
                continue  # "Risk: ☐ Low ☒ High" is not about urgency
            answers = decide(group, text, page_of(doc), vocab)
            boxed = any(mark_state(c.before) or mark_state(c.after) for c in group.choices)
            if not answers and not boxed and len({c.value for c in group.choices}) < 2:
                continue  # "URGENT - please see within 1 week": a statement, left to phrases
            in_group.append((group.start, group.end))
            consumed.append((group.start, group.end))
            for marked in answers:
                if (
                    not group.labelled
                    and " ".join(text[marked.choice.start : marked.choice.end].lower().split())
                    in label_only
                ):
                    continue
                conf = marked.confidence
                if marked.how == "label":
                    conf = self.label_confidence
                elif marked.how == "checkbox":
                    conf = conf - 0.95 + self.checkbox_confidence
                self._add(doc, marked.choice, conf, marked.how)
        for line in page_lines(text):
            if any(s <= line.start < e for s, e in in_group):
                continue
            for opt in row_choices(text, line.start, line.end, vocab)[0]:
                if " ".join(text[opt.start : opt.end].lower().split()) in label_only:
                    continue
                answer = yes_no(text, opt.end, line.end)  # "Is this referral urgent? ☒ Yes"
                if answer is not None:
                    consumed.append((opt.start, opt.end))
                    if answer:
                        self._add(doc, opt, 0.8, "yes_no")
                    continue
                state = _prose_mark(text, line.start, opt)  # prose: a box right before the word
                if state is not None:
                    consumed.append((opt.start, opt.end))
                    if state == "checked":
                        self._add(doc, opt, self.checkbox_confidence - 0.1, "checkbox")
        for line in page_lines(text):
            if any(s <= line.start < e or s < line.end <= e for s, e in consumed):
                continue
            found = _misread_label_line(text, line.start, line.end)
            if found is not None:  # "Prionty: Normai" at fax resolution
                start, end, value = found
                consumed.append((line.start, line.end))
                add_candidate(
                    doc,
                    start,
                    end,
                    FieldName.REFERRAL_URGENCY,
                    value,
                    FUZZY_CONFIDENCE,
                    EXTRACTOR,
                    ("label", "fuzzy"),
                )
        for pattern, urgency, conf in _rules()["phrases"]:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in consumed):
                    continue
                if urgency is not Urgency.ROUTINE and _excluded(text, *match.span()):
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

    @staticmethod
    def _add(doc: Doc, opt: Choice, conf: float, note: str) -> None:
        if opt.value is None:
            return
        add_candidate(
            doc,
            opt.start,
            opt.end,
            FieldName.REFERRAL_URGENCY,
            opt.value,
            round(min(1.0, conf), 3),
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
