"""Red flags: findings that make a referral more urgent than its checkbox may say.

Rules (``rules/red_flags.yaml``) name a finding, the urgency it calls for, and its phrases or
patterns. Every mention is reported — also "denies chest pain", "family history of colon
cancer" or "history of TIA in 2019" — with ``negated=True`` and its context, so triage can
ignore it while a reviewer can still see why. Triage takes the strongest non-negated flag.

The spaCy component stores the flags as spans in ``doc.spans["red_flags"]``; the pipeline
reads them back as plain :class:`RedFlag` data with :func:`find_red_flags`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.fields.base import page_of
from extractors.fields.clinical_rules import compile_phrases, load_rules
from extractors.fields.negation import assess
from models.evidence import RedFlag
from models.vocab import Urgency

SPAN_KEY = "red_flags"
_RANK = {Urgency.STAT: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}

for _name, _default in (("rule", ""), ("urgency", None), ("negated", False), ("context", "")):
    if not Span.has_extension(f"flag_{_name}"):
        Span.set_extension(f"flag_{_name}", default=_default)


@dataclass(frozen=True)
class _Rule:
    id: str
    label: str
    urgency: Urgency
    patterns: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    out: list[_Rule] = []
    for spec in load_rules("red_flags.yaml")["rules"]:
        pats: list[re.Pattern[str]] = []
        if spec.get("phrases"):
            pats.append(compile_phrases(spec["phrases"]))
        if spec.get("abbreviations"):
            pats.append(compile_phrases(spec["abbreviations"], flags=0))
        pats.extend(re.compile(p, re.IGNORECASE) for p in spec.get("patterns", []))
        out.append(_Rule(spec["id"], spec.get("label", spec["id"]), Urgency(spec["urgency"]),
                         tuple(pats)))
    return tuple(out)


def scan(text: str, page: int | None = None) -> list[RedFlag]:
    """All red-flag mentions in ``text``, overlaps resolved, each with its assertion.

    Where matches overlap, the longer one wins (then the more urgent), so "chest pain on
    exertion" is one flag, not two.
    """
    raw: list[tuple[int, int, _Rule]] = []
    for rule in _rules():
        for pattern in rule.patterns:
            raw.extend(
                (m.start(), m.end(), rule) for m in pattern.finditer(text) if m.end() > m.start()
            )
    raw.sort(key=lambda r: (-(r[1] - r[0]), _RANK[r[2].urgency], r[0]))
    kept: list[tuple[int, int, _Rule]] = []
    for start, end, rule in raw:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, rule))
    flags: list[RedFlag] = []
    for start, end, rule in sorted(kept, key=lambda r: r[0]):
        status = assess(text, start, end)
        flags.append(
            RedFlag(
                rule=rule.id,
                label=rule.label,
                text=text[start:end],
                start=start,
                end=end,
                urgency=rule.urgency,
                negated=status.excludes or status.historical,
                context=status.context,
                page=page,
            )
        )
    return flags


def find_red_flags(doc: Doc) -> list[RedFlag]:
    """Red flags of a page's Doc: from the component's spans if it ran, else scanned now."""
    page = page_of(doc)
    number = page.number if page is not None else None
    if SPAN_KEY not in doc.spans:
        return scan(doc.text, number)
    return [
        RedFlag(
            rule=span._.flag_rule,
            label=span.label_,
            text=doc.text[span.start_char : span.end_char],
            start=span.start_char,
            end=span.end_char,
            urgency=span._.flag_urgency,
            negated=span._.flag_negated,
            context=span._.flag_context,
            page=number,
        )
        for span in doc.spans[SPAN_KEY]
    ]


def strongest(flags: list[RedFlag]) -> RedFlag | None:
    """The most urgent non-negated flag (first on the page among equals), or ``None``."""
    live = [f for f in flags if not f.negated]
    return min(live, key=lambda f: (_RANK[f.urgency], f.page or 0, f.start), default=None)


class RedFlagsComponent:
    """Stores every red-flag mention of a page in ``doc.spans["red_flags"]``."""

    def __call__(self, doc: Doc) -> Doc:
        """Scan the page text and keep the flags as spans with rule, urgency and context."""
        spans: list[Span] = []
        for flag in scan(doc.text):
            span = doc.char_span(flag.start, flag.end, label=flag.label, alignment_mode="expand")
            if span is None:
                continue
            span._.flag_rule = flag.rule
            span._.flag_urgency = flag.urgency
            span._.flag_negated = flag.negated
            span._.flag_context = flag.context
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory("intake_red_flags", assigns=["doc.spans"])
def make_red_flags(nlp: Language, name: str) -> RedFlagsComponent:
    """spaCy factory for :class:`RedFlagsComponent`."""
    return RedFlagsComponent()
