"""The many ways a date, phone number or name is printed; the truth keeps the canonical form."""

from __future__ import annotations

import random
from datetime import date

from samples.heldout.values import Person

DATE_STYLES = ["mdy", "mdy_short", "dmon", "iso", "long", "day_long", "mdy_dash"]
PHONE_STYLES = ["paren", "dots", "dashes", "ext", "plain_paren", "one_dash"]


def fmt_date(d: date, style: str) -> str:
    """A date as a US (or occasionally international) form prints it."""
    if style == "mdy":
        return d.strftime("%m/%d/%Y")
    if style == "mdy_short":
        return f"{d.month}/{d.day}/{d:%y}"
    if style == "dmon":
        return d.strftime("%d-%b-%Y")
    if style == "iso":
        return d.isoformat()
    if style == "long":
        return f"{d:%B} {d.day}, {d.year}"
    if style == "day_long":
        return f"{d.day} {d:%B} {d.year}"
    if style == "mdy_dash":
        return d.strftime("%m-%d-%Y")
    raise ValueError(style)


def date_style(rng: random.Random, dob: date | None = None) -> str:
    """A date style; two-digit years only where the century is unambiguous (not for DOBs)."""
    styles = list(DATE_STYLES)
    if dob is not None and dob.year < 1950:
        styles.remove("mdy_short")
    return rng.choice(styles)


def fmt_phone(e164: str, style: str, rng: random.Random | None = None) -> str:
    """A +1 E.164 number in a printed US style."""
    a, x, n = e164[2:5], e164[5:8], e164[8:]
    if style == "paren":
        return f"({a}) {x}-{n}"
    if style == "dots":
        return f"{a}.{x}.{n}"
    if style == "dashes":
        return f"{a}-{x}-{n}"
    if style == "ext":
        ext = (rng or random.Random(0)).randrange(10, 400)
        return f"{a}-{x}-{n} x{ext}"
    if style == "plain_paren":
        return f"({a}){x}-{n}"
    if style == "one_dash":
        return f"1-{a}-{x}-{n}"
    raise ValueError(style)


def fmt_name(p: Person, order: str) -> str:
    """Patient name as printed: "Last, First M." or "First M. Last" or all caps."""
    mid = f" {p.middle}." if p.middle else ""
    if order == "last_first":
        return f"{p.last}, {p.first}{mid}"
    if order == "caps":
        return f"{p.last.upper()}, {p.first.upper()}{mid.upper()}"
    return f"{p.first}{mid} {p.last}"


SEX_WORDS = {"F": "Female", "M": "Male", "X": "Non-binary", "U": "Unknown"}
