"""Undo the letter-for-digit confusions OCR makes inside numbers.

Fax OCR reads "03/04/1961" as "O3/O4/l961" and "1234567893" as "I2345678S3". Fixing these
only inside digit runs (a letter between or next to digits) keeps names and words intact; the
caller notes the fix and lowers its confidence, and validates the result (a phone number must
pass ``phonenumbers``, an NPI its check digit), so a wrong fix is rarely accepted.
"""

from __future__ import annotations

import re

#: Look-alike letters and the digit OCR most often meant.
DIGIT_FIXES = {
    "O": "0",
    "o": "0",
    "D": "0",
    "Q": "0",
    "l": "1",
    "I": "1",
    "i": "1",
    "|": "1",
    "!": "1",
    "S": "5",
    "s": "5",
    "B": "8",
    "Z": "2",
    "z": "2",
    "G": "6",
    "b": "6",
    "g": "9",
    "q": "9",
    "T": "7",
}
#: The conservative subset used when the caller has no strong validator (dates).
SAFE_FIXES = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", "S": "5", "s": "5"}

_RUN = re.compile(r"[0-9OoDQlIi|!SsBZzGbgqT]+")


def fix_digits(text: str, fixes: dict[str, str] | None = None) -> tuple[str, bool]:
    """Replace look-alike letters inside digit runs.

    A run of digits and look-alikes is fixed only when it holds at least one real digit and is
    mostly digits, so "Dr. Ollie" and "SSO" stay as they are.

    Args:
        text: the printed value.
        fixes: letter → digit map; default ``SAFE_FIXES``.

    Returns:
        The fixed text and whether anything changed.
    """
    table = SAFE_FIXES if fixes is None else fixes

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        digits = sum(c.isdigit() for c in run)
        if digits == 0 or digits * 2 < len(run):
            return run
        return "".join(table.get(c, c) if not c.isdigit() else c for c in run)

    fixed = _RUN.sub(repl, text)
    return fixed, fixed != text
