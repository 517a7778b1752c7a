"""Person names as printed on referrals, put into the contract's form: "First M. Last".

Forms print "DOE, JANE M", letters "Jane M. Doe", signatures "Sarah Chen, MD, FACP", cover
sheets "Dr. Sarah Chen". One cleaner serves patient and provider names: it cuts the value
where the name stops (a digit, a label word, a parenthesis), drops titles and credentials
(``rules/names.yaml``), turns "Last, First" round, and re-cases all-caps names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CleanName", "clean_person_name", "name_rules"]

NAMES_PATH = Path(__file__).parent / "rules" / "names.yaml"
_TOKEN = re.compile(r"[^\s,]+|,")
_NAME_WORD = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*\.?$")
_LOOKALIKE_WORD = re.compile(r"(?<![\w!|])[A-Za-z][A-Za-z]*[!|0][A-Za-z!|0]*|[A-Za-z]+0[A-Za-z]+")
_OCR_DR = {"Or.", "0r.", "Dr,"}  # "Dr." as fax OCR prints it
_LEAD_IN = re.compile(
    r"\s*(?:(?:new|patient|specialty|specialist|urgent|routine)\s+)*"
    r"(?:referral|consult(?:ation)?)(?:\s+(?:request|form))?\s*(?:[-–:]|for\b|of\b|re\b)\s*",
    re.IGNORECASE,
)
_STOP = re.compile(r"[0-9(\[{;:|/@#]")
#: A word with a capital initial stuck to its end: fax OCR lost the space ("SaraS.").
_GLUED_INITIAL = re.compile(r"^([A-Z][a-z]+)([A-Z]\.)$")


@lru_cache(maxsize=1)
def name_rules() -> dict[str, Any]:
    """The name vocabulary (titles, credentials, suffixes, particles, not-name words)."""
    data = yaml.safe_load(NAMES_PATH.read_text(encoding="utf-8"))
    return {k: set(v) if isinstance(v, list) else v for k, v in data.items()}


@dataclass(frozen=True)
class CleanName:
    """A cleaned name, the printed span it came from (offsets in the input), and validity."""

    value: str
    start: int
    end: int
    validity: float
    notes: tuple[str, ...] = ()


def _bare(tok: str) -> str:
    return tok.lower().replace(".", "").strip(",")


def _recase(word: str, particles: set[str], *, first: bool) -> str:
    if not (word.isupper() or word.islower()) or len(word.rstrip(".")) == 1:
        return word.upper() if len(word.rstrip(".")) == 1 else word
    if not first and word.lower() in particles:
        return word.lower()
    parts = re.split(r"([\-'’])", word.lower())
    out = "".join(p.capitalize() if p not in "-'’" else p for p in parts)
    return re.sub(r"^(Mc)([a-z])", lambda m: m.group(1) + m.group(2).upper(), out)


def _fix_letters(text: str) -> tuple[str, bool]:
    """OCR look-alikes inside words ("Campbel!" → "Campbell", "J0HN" → "JOHN"); same length."""

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        upper = sum(c.isupper() for c in word) > sum(c.islower() for c in word)
        return word.replace("!", "l").replace("|", "l").replace("0", "O" if upper else "o")

    fixed = _LOOKALIKE_WORD.sub(repl, text)
    return fixed, fixed != text


def _unglued(m: re.Match[str]) -> list[tuple[str, int, int]]:
    """A token and its offsets; a middle initial glued on by a lost space ("SaraS.") split."""
    tok, s, e = m.group(0), m.start(), m.end()
    glued = _GLUED_INITIAL.match(tok)
    if glued is None:
        return [(tok, s, e)]
    cut = s + glued.end(1)
    return [(glued.group(1), s, cut), (glued.group(2), cut, e)]


def _last_first_m(words: list[str]) -> bool:
    """Three words ending in an initial: "Doe Jane M" is last-first with its comma lost."""
    return (
        len(words) == 3
        and len(words[2].rstrip(".")) == 1
        and all(len(w.rstrip(".")) > 1 for w in words[:2])
    )


def clean_person_name(text: str) -> CleanName | None:
    """Clean a printed person name found at the start of ``text``.

    Returns:
        The name in natural order without titles or credentials, or ``None`` when what is
        there does not look like a name (no letters, a stop word, more than five words).
    """
    rules = name_rules()
    text, fixed = _fix_letters(text)
    lead = _LEAD_IN.match(text)  # "Referral - Jane Doe" on a "Re:" line: the name follows
    skip = lead.end() if lead else 0
    toks = [part for m in _TOKEN.finditer(text, skip) for part in _unglued(m)]
    kept: list[tuple[str, int, int]] = []
    for tok, s, e in toks:
        if tok != "," and (_STOP.search(tok) or _bare(tok) in rules["not_name"]):
            break
        if tok != "," and not _NAME_WORD.match(tok):
            break
        kept.append((tok, s, e))
    while kept and (kept[-1][0] == "," or _bare(kept[-1][0]) in rules["credentials"]):
        kept.pop()
    notes: list[str] = []
    while kept and (_bare(kept[0][0]) in rules["titles"] or kept[0][0] in _OCR_DR):
        kept.pop(0)
    if not kept:
        return None
    start, end = kept[0][1], kept[-1][2]
    groups: list[list[str]] = [[]]
    for tok, _s, _e in kept:
        if tok == ",":
            groups.append([])
        elif _bare(tok) not in rules["credentials"] or not groups[-1]:
            groups[-1].append(tok)
    groups = [g for g in groups if g]
    words: list[str]
    if len(groups) >= 2 and len(groups[0]) <= 3 and len(groups[0][-1].rstrip(".")) > 1:
        words = [*groups[1], *groups[0]]  # "DOE, JANE M" → "JANE M DOE"
        notes.append("last_first")
    elif len(groups) >= 2 and len(groups[1]) == 1 and len(groups[0]) >= 2:
        words = [*groups[0], *groups[1]]  # "Frank E, Tran": the initial's "." read as ","
        notes.append("ocr_comma")
    elif _last_first_m(groups[0]):
        words = [*groups[0][1:], groups[0][0]]  # "DOE JANE M" (comma lost) → "JANE M DOE"
        notes.append("last_first_no_comma")
    else:
        words = groups[0]
    words = [w for w in words if _bare(w) not in rules["titles"]]
    if not words or len(words) > 5:
        return None
    if all(w.islower() for w in words):
        return None  # running text, not a printed name
    particles = rules["particles"]
    value = " ".join(_recase(w, particles, first=i == 0) for i, w in enumerate(words))
    full = [w for w in words if len(w.rstrip(".")) > 1]
    validity = 1.0 if len(full) >= 2 else 0.4
    if "last_first_no_comma" in notes:
        validity *= 0.9
    if any(w.isupper() and len(w.rstrip(".")) > 1 for w in words):
        notes.append("recased")
    if fixed:
        notes.append("ocr_letters_fixed")
        validity *= 0.9
    return CleanName(value, start, end, validity, tuple(notes))
