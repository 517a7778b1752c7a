"""Identifier-shaped values: MRN, member ID, group number, as printed.

An identifier is letters, digits and dashes, at least three characters, with at least one
digit; trailing punctuation is not part of it. Deliberately no per-payer format rules: payers
change formats and a new one must not be rejected, so shape is the only test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Identifier", "clean_identifier"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]{1,29}[A-Za-z0-9]")
_SPACED = re.compile(r"(?:[A-Za-z0-9]{2,12} ){1,4}[A-Za-z0-9]{2,12}(?![A-Za-z0-9])")
_WORDY = re.compile(r"^[A-Za-z]{4,}$")


@dataclass(frozen=True)
class Identifier:
    """An identifier found at the start of a value, with offsets in that value and validity."""

    value: str
    start: int
    end: int
    validity: float


def clean_identifier(text: str) -> Identifier | None:
    """The identifier printed at the start of ``text`` (after optional "#", ":" or "No.").

    Returns:
        The identifier as printed, or ``None`` when the value is not identifier-shaped (no
        digit, too short, a word like "Same" or "Pending").
    """
    m = re.match(r"[\s#:.]*(?:no\.?\s*|number\s*)?[#:\s]*", text, re.IGNORECASE)
    pos = m.end() if m else 0
    tok = _ID.match(text, pos)
    if tok is None:
        return None
    value = tok.group(0)
    end = tok.end()
    if end < len(text) and text[end] not in " \t\n,;)./" and not text[end].isspace():
        return None  # "AB12$%": not an identifier
    validity = 1.0
    spaced = _SPACED.match(text, pos)
    if spaced and spaced.end() > end and sum(c.isdigit() for c in spaced.group(0)) >= 6:
        rest = spaced.group(0)
        if all(any(c.isdigit() for c in part) for part in rest.split()[1:]):
            # "GRP 4859933", "XKJ 1234 5678": one ID printed (or read) in groups
            value, end, validity = rest.replace(" ", ""), spaced.end(), 0.8
    if not any(c.isdigit() for c in value):
        return None
    if _WORDY.match(value.split("-")[0]) and sum(c.isdigit() for c in value) < 2:
        validity *= 0.6
    return Identifier(value, tok.start(), end, validity)
