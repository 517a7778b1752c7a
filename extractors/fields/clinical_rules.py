"""Loading and compiling the clinical rule files (``rules/*.yaml``) shared by the clinical fields.

Rules live in data files next to the components (medspaCy ``resources/`` style) so a site can
read and adjust them without touching code; this module turns their phrase lists into compiled
regular expressions once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent / "rules"

_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w)")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=32)
def load_rules(name: str) -> dict[str, Any]:
    """Parsed ``rules/<name>`` (YAML), cached: rule files do not change while running.

    Args:
        name: file name inside the rules folder, e.g. ``"specialties.yaml"``.

    Raises:
        FileNotFoundError: no such rule file.
    """
    with (RULES_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def phrase_pattern(phrase: str) -> str:
    """Regex source for one lexicon phrase.

    Spaces match any whitespace run (phrases wrap over lines in forms and OCR), a trailing
    ``*`` matches any word ending ("palpitation*"), other characters are literal. Word
    boundaries are added only where the phrase starts/ends with a word character, so "a-fib"
    and "pm&r" work too.
    """
    wildcard = phrase.endswith("*")
    core = phrase[:-1] if wildcard else phrase
    parts = [re.escape(p) for p in core.split()]
    body = r"\s+".join(parts)
    if wildcard:
        body += r"\w*"
    left = r"(?<![\w])" if core[:1].isalnum() else ""
    right = r"(?![\w])" if (wildcard or core[-1:].isalnum()) else ""
    return f"{left}{body}{right}"


def compile_phrases(phrases: Iterable[str], *, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One alternation over ``phrases``, longest first so the most specific phrase wins.

    Returns a pattern that never matches when ``phrases`` is empty.

    Raises:
        TypeError: a phrase is not a string (an unquoted ``no`` in YAML is ``False``).
    """
    items = list(phrases)
    bad = [p for p in items if not isinstance(p, str)]
    if bad:  # YAML reads bare no/yes/on/off as booleans: quote them in the rule file
        raise TypeError(f"rule phrases must be strings, got {bad!r}")
    unique = sorted({p.strip() for p in items if p.strip()}, key=len, reverse=True)
    if not unique:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{phrase_pattern(p)})" for p in unique), flags)


WeightedPatterns = tuple[tuple[re.Pattern[str], float], ...]


def weighted_patterns(specs: Iterable[dict[str, Any]]) -> WeightedPatterns:
    """``[{pattern, weight}, ...]`` from a rules file, compiled case-insensitive, multi-line."""
    flags = re.IGNORECASE | re.MULTILINE
    return tuple((re.compile(spec["pattern"], flags), float(spec["weight"])) for spec in specs)


def normalise_text(text: str) -> str:
    """Text as written, on one line: line-break hyphenation joined, whitespace single spaces."""
    return _SPACES.sub(" ", _HYPHEN_BREAK.sub(r"\1\2", text)).strip()


def clean_key(text: str) -> str:
    """Lower-case, ``&``/``/`` kept, other punctuation dropped: the form synonyms are kept in."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9&/' ]+", " ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def label_patterns() -> dict[str, re.Pattern[str]]:
    """Compiled ``Label:`` patterns per field key of ``rules/clinical.yaml``.

    Also ``"_any"`` (every known label, to stop a value at the next one) and ``"_header"``
    (a line that is only a section header).
    """
    rules = load_rules("clinical.yaml")
    labels: dict[str, list[str]] = rules["labels"]
    every = [p for phrases in labels.values() for p in phrases] + rules["stop_labels"]
    out = {key: _label_re(phrases) for key, phrases in labels.items()}
    out["_any"] = _label_re(every)
    out["_header"] = re.compile(
        r"^\s*(?:" + compile_phrases(rules["headers"]).pattern + r")\s*:?\s*$", re.IGNORECASE
    )
    return out


def _label_re(phrases: list[str]) -> re.Pattern[str]:
    """``Label:`` — also "Label / Question:", "Label (ICD-10):" and OCR's ';' for ':'."""
    alternation = compile_phrases(phrases).pattern
    suffix = r"(?:\s*/\s*[A-Za-z][\w \-]{0,20}|\s*\([\w\- /]{1,15}\))?"
    return re.compile(
        rf"(?:^|(?<=\s))(?:{alternation}){suffix}\s*[:;\-–]", re.IGNORECASE | re.MULTILINE
    )


@lru_cache(maxsize=8)
def label_words(key: str) -> tuple[str, ...]:
    """The labels of ``key`` in ``clean_key`` form, for fuzzy comparisons."""
    return tuple(clean_key(p) for p in load_rules("clinical.yaml")["labels"].get(key, []))
