"""How values are *printed*: date, phone and name styles seen on real referral paperwork.

The truth JSON always holds the normalised value (ISO date, E.164 phone, natural-order name);
documents print one of many styles so the pipeline is tested on normalisation, not on one format.
"""

from __future__ import annotations

import random
from datetime import date

DATE_STYLES: tuple[str, ...] = ("mdy", "mdy_short", "iso", "long", "dmy_abbr", "mdy_dash")
PHONE_STYLES: tuple[str, ...] = ("paren", "dash", "dot", "paren_nospace", "plus1")


def fmt_date(d: date, style: str) -> str:
    """Print ``d`` in one of ``DATE_STYLES``."""
    if style == "mdy":
        return d.strftime("%m/%d/%Y")
    if style == "mdy_short":
        return f"{d.month}/{d.day}/{d:%y}"
    if style == "iso":
        return d.isoformat()
    if style == "long":
        return f"{d:%B} {d.day}, {d.year}"
    if style == "dmy_abbr":
        return d.strftime("%d-%b-%Y")
    if style == "mdy_dash":
        return d.strftime("%m-%d-%Y")
    raise ValueError(style)


def fmt_phone(e164: str, style: str) -> str:
    """Print a +1 E.164 number in one of ``PHONE_STYLES``."""
    a, b, c = e164[2:5], e164[5:8], e164[8:]
    return {
        "paren": f"({a}) {b}-{c}",
        "dash": f"{a}-{b}-{c}",
        "dot": f"{a}.{b}.{c}",
        "paren_nospace": f"({a}){b}-{c}",
        "plus1": f"+1 {a}-{b}-{c}",
    }[style]


class Styler:
    """One document's printing habits: a sender's system uses one date/phone style throughout.

    Real forms are consistent within a document but differ between senders, so the style is
    picked once per document (DOB may still use a different style from the header date).
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.date_style = rng.choice(DATE_STYLES)
        self.dob_style = self.date_style if rng.random() < 0.7 else rng.choice(DATE_STYLES)
        if self.dob_style == "mdy_short" and rng.random() < 0.5:
            self.dob_style = "mdy"  # two-digit-year DOBs are rarer; keep some
        self.phone_style = rng.choice(PHONE_STYLES)
        self.last_first = rng.random() < 0.5

    def date(self, d: date) -> str:
        return fmt_date(d, self.date_style)

    def dob(self, d: date) -> str:
        return fmt_date(d, self.dob_style)

    def phone(self, e164: str) -> str:
        return fmt_phone(e164, self.phone_style)

    def patient_name(self, first: str, middle: str, last: str, *, last_first: bool | None = None
                     ) -> str:
        """'Last, First M.' or 'First M. Last' (the truth is always natural order)."""
        lf = self.last_first if last_first is None else last_first
        mid = f" {middle}" if middle else ""
        return f"{last}, {first}{mid}" if lf else f"{first}{mid} {last}"

    def sex(self, code: str) -> str:
        words = {"F": "Female", "M": "Male", "X": "Non-binary", "U": "Unknown"}
        return code if self.rng.random() < 0.5 and code in "FM" else words[code]

    def provider_name(self, first: str, middle: str, last: str, credential: str) -> str:
        """Provider as printed: with or without 'Dr.', credentials, middle initial."""
        mid = f" {middle}" if middle else ""
        r = self.rng.randint(0, 3)
        if r == 0:
            return f"{first}{mid} {last}, {credential}"
        if r == 1 and credential in ("MD", "DO"):
            return f"Dr. {first}{mid} {last}"
        if r == 2:
            return f"{last}, {first}{mid} {credential}"
        return f"{first}{mid} {last} {credential}"
