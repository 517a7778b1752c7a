"""Clinic referral forms: label/value lines (one or two columns) and boxed form grids.

Values sit beside their label, below it, or inside a box whose label is in its top-left
corner; date of birth and phone may be split into sub-boxes. Specialty and urgency are
option groups (one marked, or none), a single line, or absent.
"""

from __future__ import annotations

import random

from samples.heldout.case import Case
from samples.heldout.draw import MARK_STYLES, PAGE_W, Pen
from samples.heldout.formats import SEX_WORDS
from samples.heldout.labels import (
    SPECIALTY_GROUP,
    SPECIALTY_LINE,
    diagnoses_lines,
    name_for,
    pick_labels,
    provider_text,
    specialty_options,
    urgency_word,
)

TITLES = ["REFERRAL FORM", "Outpatient Referral Request", "Specialty Consultation Request",
          "Referral / Consultation", "PATIENT REFERRAL"]  # fmt: skip


def letterhead(pen: Pen, case: Case, rng: random.Random, y: float = 50) -> float:
    """Referring practice name and contacts at the top; returns the next baseline."""
    r = case.provider
    pen.text(PAGE_W / 2, y, r.practice, size=pen.size + 5, bold=True, align="center")
    bits = []
    if case.shows("referring.phone"):
        bits.append(f"Tel {case.ph(r.phone, rng)}")
    if case.shows("referring.fax"):
        bits.append(f"Fax {case.ph(r.fax, rng)}")
    if bits:
        pen.text(PAGE_W / 2, y + pen.size * 1.5, "   ".join(bits), align="center")
    return y + pen.size * 3.2


def _pairs(case: Case, rng: random.Random, lab: dict[str, str]) -> dict[str, list[tuple]]:
    """(label, value) per section; only what the case prints."""
    p, r = case.person, case.provider
    patient = [(lab["patient.name"], name_for(lab, case)), (lab["patient.dob"], case.d(p.dob))]
    if case.shows("patient.sex"):
        patient.append((lab["patient.sex"], rng.choice([p.sex, SEX_WORDS[p.sex]])))
    for key, value in (
        ("patient.phone", case.ph(p.phone, rng)),
        ("patient.address", p.address),
        ("patient.mrn", p.mrn),
    ):
        if case.shows(key):
            patient.append((lab[key], value))
    insurance = [
        (lab[k], v)
        for k, v in (
            ("insurance.payer", p.payer),
            ("insurance.member_id", p.member_id),
            ("insurance.group_number", p.group),
        )
        if case.shows(k)
    ]
    provider = [(lab["referring.name"], provider_text(case, rng))]
    for key, value in (
        ("referring.npi", r.npi),
        ("referring.practice", r.practice),
        ("referring.phone", case.ph(r.phone, rng)),
        ("referring.fax", case.ph(r.fax, rng)),
    ):
        if case.shows(key) or key == "referring.practice":
            provider.append((lab[key], value))
    return {"PATIENT INFORMATION": patient, "INSURANCE": insurance, "REFERRING PROVIDER": provider}


def _triage_block(pen: Pen, case: Case, rng: random.Random, y: float, style: str) -> float:
    """Specialty (checklist, line or nothing) and urgency (checkboxes, line or nothing)."""
    x = 54
    if case.service is not None or rng.random() < 0.5:
        if rng.random() < 0.65:
            options, chosen = specialty_options(rng, case, rng.randrange(8, 19))
            pen.text(x, y, f"{rng.choice(SPECIALTY_GROUP)}:", bold=True)
            y = pen.options(x, y + pen.size * 1.6, options, chosen, style, columns=3, col_width=168)
        elif case.service is not None:
            pen.text(x, y, f"{rng.choice(SPECIALTY_LINE)}: {case.service}")
            y += pen.size * 1.8
    if case.urgency_printed is not None:
        if rng.random() < 0.6:
            labels = ["Routine", "Urgent", "STAT"]
            chosen = {"routine": 0, "urgent": 1, "stat": 2}[case.urgency_printed]
            pen.text(x, y, rng.choice(["Priority:", "Urgency:", "Appointment needed:"]), bold=True)
            pen.options(x + 120, y, labels, chosen, style, columns=3, col_width=90)
        else:
            pen.text(x, y, f"{rng.choice(['Priority', 'Urgency'])}: {urgency_word(case, rng)}")
        y += pen.size * 2
    elif rng.random() < 0.3:  # an unmarked urgency group says nothing
        pen.text(x, y, "Priority:", bold=True)
        pen.options(x + 120, y, ["Routine", "Urgent", "STAT"], None, style, columns=3, col_width=90)
        y += pen.size * 2
    if rng.random() < 0.35:  # a visit-type group: marks that are neither specialty nor urgency
        visits = ["Consult only", "Consult & treat", "Second opinion", "Procedure"]
        pen.text(x, y, "Visit type:", bold=True)
        pen.options(x + 120, y, visits, rng.randrange(4), style, columns=4, col_width=100)
        y += pen.size * 2
    return y


def _reason_block(pen: Pen, case: Case, rng: random.Random, y: float, lab: dict) -> float:
    """Question, diagnoses and pertinent history (the extra sentences)."""
    x, width = 54, PAGE_W - 108
    pen.text(x, y, f"{lab['referral.clinical_question']}:", bold=True)
    y = pen.wrap(x + 8, y + pen.size * 1.5, width - 8, case.scenario.question) + 4
    if case.shows("referral.diagnoses"):
        pen.text(x, y, f"{lab['referral.diagnoses']}:", bold=True)
        for line in diagnoses_lines(case, rng):
            y = pen.wrap(x + 8, y + pen.size * 1.5, width - 8, line) - pen.size * 1.3
        y += pen.size * 2.6
    if case.extra:
        heading = rng.choice(["Pertinent history:", "Additional notes:", "History:"])
        pen.text(x, y, heading, bold=True)
        y = pen.wrap(x + 8, y + pen.size * 1.5, width - 8, " ".join(case.extra)) + 4
    return y


def lines_form(pen: Pen, case: Case, rng: random.Random) -> None:
    """Label: value lines in one or two columns, or the value under its label."""
    lab = pick_labels(rng)
    style = rng.choice(MARK_STYLES)
    y = letterhead(pen, case, rng)
    pen.text(54, y, rng.choice(TITLES), size=pen.size + 3, bold=True)
    if case.shows("referral.date"):
        pen.text(PAGE_W - 54, y, f"{lab['referral.date']}: {case.d(case.ref_date)}", align="right")
    y += pen.size * 2.4
    below = rng.random() < 0.3
    sections = _pairs(case, rng, lab)
    widest = max(pen.width(f"{k}: {v}", bold=True) for pairs in sections.values() for k, v in pairs)
    two_col = not below and rng.random() < 0.5 and widest < PAGE_W / 2 - 70  # no overlaps
    for section, pairs in sections.items():
        if not pairs:
            continue
        pen.text(54, y, section, bold=True)
        pen.line(54, y + 3, PAGE_W - 54, y + 3, 0.5)
        y += pen.size * 1.7
        half = (len(pairs) + 1) // 2 if two_col else len(pairs)
        top = y
        for i, (label, value) in enumerate(pairs):
            x = 60 if i < half else PAGE_W / 2 + 6
            if i == half:
                y = top
            if below:
                pen.text(x, y, label, size=pen.size - 1.5)
                pen.text(x + 6, y + pen.size * 1.2, value)
                y += pen.size * 2.6
            else:
                w = pen.text(x, y, f"{label}:", bold=rng.random() < 0.5)
                pen.text(x + w + 6, y, value)
                y += pen.size * 1.55
        y = max(y, top + half * pen.size * (2.6 if below else 1.55)) + pen.size * 0.6
    y = _triage_block(pen, case, rng, y + 4, style)
    _reason_block(pen, case, rng, y + 4, lab)
    pen.text(54, 760, "Signature: ______________________", size=pen.size - 1)


def _cell(pen: Pen, x: float, y: float, w: float, h: float, label: str, value: str) -> None:
    pen.rect(x, y, w, h, width=0.7)
    pen.text(x + 3, y + pen.size * 0.75, label, size=max(pen.size - 3, 6))
    pen.text(x + 5, y + h - pen.size * 0.45, value)


def _split(pen: Pen, x: float, y: float, w: float, h: float, label: str, parts: list[str]) -> None:
    """A cell divided into sub-boxes (MM | DD | YYYY, area code | number)."""
    pen.rect(x, y, w, h, width=0.7)
    pen.text(x + 3, y + pen.size * 0.75, label, size=max(pen.size - 3, 6))
    step = (w - 6) / len(parts)
    for i, part in enumerate(parts):
        bx = x + 3 + i * step
        pen.rect(bx, y + h * 0.34, step - 3, h * 0.62, width=0.5)
        pen.text(bx + 3, y + h - pen.size * 0.45, part)


def grid_form(pen: Pen, case: Case, rng: random.Random) -> None:
    """A form grid: each value in a box whose label is in its top-left corner."""
    lab = pick_labels(rng)
    style = rng.choice(MARK_STYLES)
    p, r = case.person, case.provider
    y = letterhead(pen, case, rng)
    pen.bar(y - pen.size, pen.size * 2, rng.choice(TITLES).upper(), size=pen.size + 2)
    y += pen.size * 1.8
    h, x0, full = pen.size * 2.9, 36.0, PAGE_W - 72
    split_dob = rng.random() < 0.5
    rows: list[list[tuple[str, str, float]]] = [
        [(lab["patient.name"], name_for(lab, case), 0.6), (lab["patient.dob"], "DOB", 0.4)],
    ]
    second = []
    if case.shows("patient.sex"):
        second.append((lab["patient.sex"], "SEX", 0.2))
    if case.shows("patient.phone"):
        second.append((lab["patient.phone"], "PHONE", 0.4))
    if case.shows("patient.mrn"):
        second.append((lab["patient.mrn"], p.mrn, 0.4))
    if second:
        rows.append(second)
    if case.shows("patient.address"):
        rows.append([(lab["patient.address"], p.street, 0.5), ("City", p.city, 0.25),
                     ("State", p.state, 0.1), ("ZIP", p.zip, 0.15)])  # fmt: skip
    ins = [(lab[k], v, 0.34) for k, v in (("insurance.payer", p.payer),
           ("insurance.member_id", p.member_id), ("insurance.group_number", p.group))
           if case.shows(k)]  # fmt: skip
    if ins:
        rows.append(ins)
    rows.append([(lab["referring.name"], provider_text(case, rng), 0.6)]
                + ([(lab["referring.npi"], r.npi, 0.4)] if case.shows("referring.npi") else []))
    rows.append([(lab["referring.practice"], r.practice, 0.5)]
                + [(lab[k], case.ph(v, rng), 0.25) for k, v in
                   (("referring.phone", r.phone), ("referring.fax", r.fax)) if case.shows(k)])
    if case.shows("referral.date"):
        rows.append([(lab["referral.date"], case.d(case.ref_date), 0.4)])  # fmt: skip
    for row in rows:
        scale = full / sum(w for _, _, w in row)
        x = x0
        for label, value, w in row:
            w *= scale
            if value == "DOB" and split_dob:
                _split(pen, x, y, w, h, f"{label} (MM/DD/YYYY)",
                       [f"{p.dob.month:02d}", f"{p.dob.day:02d}", str(p.dob.year)])
            elif value == "DOB":
                _cell(pen, x, y, w, h, label, case.d(p.dob))
            elif value == "PHONE" and split_dob:
                _split(pen, x, y, w, h, label, [p.phone[2:5], f"{p.phone[5:8]}-{p.phone[8:]}"])
            elif value == "PHONE":
                _cell(pen, x, y, w, h, label, case.ph(p.phone, rng))
            elif value == "SEX" and p.sex in "FM":
                pen.rect(x, y, w, h, width=0.7)
                pen.text(x + 3, y + pen.size * 0.75, label, size=max(pen.size - 3, 6))
                pen.options(x + 5, y + h - pen.size * 0.45, ["M", "F"], "MF".index(p.sex),
                            style if style != "circle" else "bracket", columns=2, col_width=w / 2.4)
            elif value == "SEX":
                _cell(pen, x, y, w, h, label, SEX_WORDS[p.sex])
            else:
                _cell(pen, x, y, w, h, label, value)
            x += w
        y += h
    y = _triage_block(pen, case, rng, y + pen.size * 2, style)
    _reason_block(pen, case, rng, y + 4, lab)
