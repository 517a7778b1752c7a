"""Is a finding present in this patient? Compact ConText-style assertion rules.

"Denies chest pain", "no history of cancer" and "family history of colon cancer" all contain a
red-flag phrase that must not raise a referral's urgency. A trigger phrase (``rules/negation.yaml``)
governs the findings after it ("pre") or before it ("post") within one sentence, stopped by a
termination word ("but", ";") or by a comma list that turns into prose. Pseudo-triggers ("no
change", "not only") look like triggers and are skipped.

Our own rules rather than negspacy: negspacy needs entities in ``doc.ents`` and knows only
negation, while triage also needs family, historical and hypothetical mentions, on any
character span of a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.fields.clinical_rules import compile_phrases, load_rules

_SENTENCE_END = re.compile(
    r"[.!?](?=\s|$)(?<!\b[A-Za-z]\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bvs\.)"
    r"|;|\n(?=\s*(?:[-•*]|\w[\w /]{0,30}:))|\n\s*\n"
)
_WORD = re.compile(r"[A-Za-z0-9][\w'/-]*")
_MAX_LIST_ITEM_WORDS = 3


@dataclass(frozen=True)
class Assertion:
    """How a finding is asserted; ``negated`` means "not a current finding of this patient"."""

    negated: bool = False
    family: bool = False
    historical: bool = False
    hypothetical: bool = False
    trigger: str = ""

    @property
    def context(self) -> str:
        """One word for display: negated | family | hypothetical | historical | affirmed."""
        if self.negated:
            return "negated"
        if self.family:
            return "family"
        if self.hypothetical:
            return "hypothetical"
        if self.historical:
            return "historical"
        return "affirmed"

    @property
    def excludes(self) -> bool:
        """True when triage must ignore the finding (negated, a relative's, or hypothetical)."""
        return self.negated or self.family or self.hypothetical


@dataclass(frozen=True)
class _Rules:
    pre: dict[str, re.Pattern[str]]
    post: dict[str, re.Pattern[str]]
    pseudo: re.Pattern[str]
    termination: re.Pattern[str]
    max_pre: int
    max_post: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_rules("negation.yaml")
    pre: dict[str, re.Pattern[str]] = {}
    post: dict[str, re.Pattern[str]] = {}
    for kind in ("negation", "family", "historical", "hypothetical"):
        spec = data[kind]
        pattern = compile_phrases(spec.get("pre", [])).pattern
        extra = "|".join(f"(?:{r})" for r in spec.get("pre_regex", []))
        pre[kind] = re.compile(f"{pattern}|{extra}" if extra else pattern, re.IGNORECASE)
        post[kind] = compile_phrases(spec.get("post", []))
    return _Rules(
        pre=pre,
        post=post,
        pseudo=compile_phrases(data["pseudo"]),
        termination=compile_phrases(data["termination"]),
        max_pre=int(data.get("max_words_pre", 8)),
        max_post=int(data.get("max_words_post", 4)),
    )


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)``: ends at . ! ? ; or at a line starting a new field."""
    s0 = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        s0 = match.end()
    after = _SENTENCE_END.search(text, end)
    return s0, (after.start() if after else len(text))


def assess(text: str, start: int, end: int) -> Assertion:
    """Assertion status of the finding at ``text[start:end]``.

    Args:
        text: the page (or sentence) text the offsets refer to.
        start: first character of the finding.
        end: one past its last character.

    Returns:
        The finding's :class:`Assertion`; ``Assertion()`` (affirmed) when no trigger applies.
    """
    rules = _rules()
    s0, s1 = sentence_bounds(text, start, end)
    pseudo = [m.span() for m in rules.pseudo.finditer(text, s0, s1)]
    found: dict[str, str] = {}
    for kind, pattern in rules.pre.items():
        for match in pattern.finditer(text, s0, start):
            if _in_pseudo(match.span(), pseudo) or match.end() > start:
                continue
            if _reaches(text[match.end() : start], rules.max_pre):
                found.setdefault(kind, match.group(0))
    for kind, pattern in rules.post.items():
        for match in pattern.finditer(text, end, s1):
            if _in_pseudo(match.span(), pseudo):
                continue
            if _reaches(text[end : match.start()], rules.max_post):
                found.setdefault(kind, match.group(0))
                break
    trigger = next((found[k] for k in ("negation", "family", "hypothetical", "historical")
                    if k in found), "")
    return Assertion(
        negated="negation" in found,
        family="family" in found,
        historical="historical" in found,
        hypothetical="hypothetical" in found,
        trigger=trigger,
    )


def _in_pseudo(span: tuple[int, int], pseudo: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in pseudo)


def _reaches(between: str, max_words: int) -> bool:
    """True when a trigger's scope crosses ``between`` to the finding.

    Scope stops at a termination word, after ``max_words`` words, or at a comma that ends
    a longer clause (a list "fever, chills, chest pain" keeps scope; prose does not).
    """
    if _rules().termination.search(between):
        return False
    if len(_WORD.findall(between)) > max_words:
        return False
    parts = between.split(",")
    return all(len(_WORD.findall(p)) <= _MAX_LIST_ITEM_WORDS for p in parts[:-1])


def is_negated(text: str, start: int, end: int) -> bool:
    """Shortcut: True when the finding is negated, a relative's, or hypothetical."""
    return assess(text, start, end).excludes
