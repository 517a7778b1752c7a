"""What a page is: fax cover sheet, referral form or letter, clinical notes, report, insurance…

Routing needs this before fields: a cover sheet tells who sent the fax but is not a referral,
clinical notes belong to the referral before them, and a fax of only a cover sheet is not a
referral at all. Evidence is weighted label and keyword patterns (``rules/page_kinds.yaml``);
words in a page's title lines count more. The fax machine's header line, repeated on every
page, is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extractors.fields.clinical_rules import WeightedPatterns, load_rules, weighted_patterns
from models.vocab import PageKind

if TYPE_CHECKING:
    from models.document import Page

_MIN_WORDS = 3


@dataclass(frozen=True)
class _Rules:
    kinds: dict[PageKind, WeightedPatterns]
    ignore: tuple[re.Pattern[str], ...]
    min_score: float
    title_lines: int
    title_bonus: float


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_rules("page_kinds.yaml")
    return _Rules(
        kinds={PageKind(kind): weighted_patterns(specs) for kind, specs in data["kinds"].items()},
        ignore=tuple(re.compile(p, re.IGNORECASE) for p in data.get("ignore_lines", [])),
        min_score=float(data["min_score"]),
        title_lines=int(data["title_lines"]),
        title_bonus=float(data["title_bonus"]),
    )


def page_scores(text: str) -> dict[PageKind, float]:
    """Evidence score of every kind for a page's text (fax header lines removed).

    Exposed for the document classifier, which weighs the same evidence over all pages.
    """
    rules = _rules()
    lines = [ln for ln in text.split("\n") if not any(p.match(ln) for p in rules.ignore)]
    body = "\n".join(lines)
    title_end = len("\n".join(lines[: rules.title_lines]))
    scores: dict[PageKind, float] = {}
    for kind, patterns in rules.kinds.items():
        total = 0.0
        for pattern, weight in patterns:
            match = pattern.search(body)
            if match:
                total += weight * (rules.title_bonus if match.start() < title_end else 1.0)
        scores[kind] = total
    return scores


def classify_text(text: str) -> tuple[PageKind, float]:
    """Kind and confidence (0–1) of a page given only its text; see :func:`classify_page`."""
    if len(re.findall(r"[A-Za-z0-9]{2,}", text)) < _MIN_WORDS:
        return PageKind.BLANK, 0.9
    scores = page_scores(text)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < _rules().min_score:
        return PageKind.OTHER, 0.4
    margin = (top - second) / top
    strength = min(1.0, top / (2 * _rules().min_score + 2))
    return best, round(min(0.97, 0.45 + 0.3 * margin + 0.22 * strength), 3)


def classify_page(page: Page) -> tuple[PageKind, float]:
    """Classify one page.

    Args:
        page: a read page (text layer or OCR).

    Returns:
        ``(kind, confidence 0–1)``. A page with no readable words is ``blank``; a page with
        too little evidence for any kind is ``other`` with a low confidence.
    """
    if page.is_blank:
        return PageKind.BLANK, 1.0
    return classify_text(page.text())
