"""How values are written on paper: dates, phones, names, sex, addresses."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from samples.heldout2.people import Patient, Referrer

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(d: date, style: str) -> str:
    """One of the US date spellings (never day-first numerics)."""
    mon = MONTHS[d.month - 1]
    return {
        "mdy": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "mdy_short": f"{d.month}/{d.day}/{d.year}",
        "mdy_2y": f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
        "md_y_dash": f"{d.month:02d}-{d.day:02d}-{d.year}",
        "dmon": f"{d.day:02d}-{mon[:3]}-{d.year}",
        "dmon_upper": f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        "long": f"{mon} {d.day}, {d.year}",
        "abbr": f"{mon[:3]} {d.day}, {d.year}",
        "iso": d.isoformat(),
        "dmy_long": f"{d.day} {mon} {d.year}",
    }[style]


DATE_STYLES = (
    "mdy",
    "mdy",
    "mdy_short",
    "mdy_2y",
    "md_y_dash",
    "dmon",
    "dmon_upper",
    "long",
    "abbr",
    "iso",
)
LETTER_DATE_STYLES = ("long", "long", "abbr", "dmy_long", "mdy")


def date_style(rng: random.Random, dob: date | None = None) -> str:
    """A style; two-digit years only where the century cannot be misread (DOB under 90 years)."""
    style = rng.choice(DATE_STYLES)
    if style == "mdy_2y" and dob is not None and not 1937 <= dob.year <= 2025:
        return "mdy"
    return style


def fmt_phone(e164: str, style: str) -> str:
    """A US number written one of the usual ways."""
    a, b, c = e164[2:5], e164[5:8], e164[8:]
    return {
        "paren": f"({a}) {b}-{c}",
        "paren_tight": f"({a}){b}-{c}",
        "dash": f"{a}-{b}-{c}",
        "dot": f"{a}.{b}.{c}",
        "space": f"{a} {b} {c}",
        "one": f"1-{a}-{b}-{c}",
        "plus": f"+1 {a} {b} {c}",
    }[style]


PHONE_STYLES = ("paren", "paren", "dash", "dash", "dot", "paren_tight", "space", "one", "plus")


def patient_name(p: Patient, style: str) -> str:
    """The patient's name as a form or letter prints it."""
    mid = p.middle
    return {
        "first_last": f"{p.first} {mid + '. ' if mid else ''}{p.last}",
        "last_first": f"{p.last}, {p.first}{' ' + mid if mid else ''}",
        "upper_last_first": f"{p.last.upper()}, {p.first.upper()}{' ' + mid if mid else ''}",
        "upper": f"{p.first.upper()} {mid + ' ' if mid else ''}{p.last.upper()}",
    }[style]


NAME_STYLES = ("first_last", "first_last", "last_first", "upper_last_first", "upper")


def doctor(r: Referrer, style: str) -> str:
    """A clinician's name with or without title and credential."""
    cred = r.credential
    return {
        "dr": f"Dr. {r.first} {r.last}",
        "cred": f"{r.first} {r.last}, {cred}",
        "last_first": f"{r.last}, {r.first} {cred.split(',')[0]}",
        "plain": f"{r.first} {r.last}",
        "upper": f"{r.last.upper()}, {r.first.upper()}",
    }[style]


DOCTOR_STYLES = ("dr", "cred", "cred", "last_first", "plain", "upper")

SEX_WORDS = {
    "long": {"F": "Female", "M": "Male", "X": "Non-binary", "U": "Unknown"},
    "code": {"F": "F", "M": "M", "X": "X", "U": "U"},
    "upper": {"F": "FEMALE", "M": "MALE", "X": "NON-BINARY", "U": "UNKNOWN"},
}


def timestamp(rng: random.Random, near: date) -> str:
    """A print/fax timestamp: a date and time that is NOT a field value."""
    moment = datetime(near.year, near.month, near.day, rng.randint(7, 18), rng.randrange(60))
    moment += timedelta(days=rng.randint(0, 3))
    style = rng.choice(
        ("%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S", "%d-%b-%Y %H%M")
    )
    return moment.strftime(style)


def age_on(dob: date, on: date) -> int:
    """Age in whole years."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
