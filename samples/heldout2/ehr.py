"""EHR 'referral order' printouts: banner, order details table, coverage, page x of y footer."""

from __future__ import annotations

import random
from datetime import timedelta

from samples.heldout2 import formats as f
from samples.heldout2.case import Case
from samples.heldout2.clinical import SPECIALTY_NAMES
from samples.heldout2.items import CONSULTANT_FIRST, CONSULTANT_LAST, Plan, make_plan, mark_shown
from samples.heldout2.pen import H, Pen, W
from samples.heldout2.people import phone

SYSTEMS = (
    "Ambulatory Referral",
    "REFERRAL ORDER",
    "Outgoing Referral",
    "Referral to Specialty",
    "Amb Referral to Specialty Clinic",
    "Order Requisition - Referral",
)


def _kv(
    pen: Pen, x: float, y: float, label: str, value: str, label_w: float, size: float, max_w: float
) -> float:
    pen.text(x, y, label, pen.style.bold, size)
    return pen.wrap(x + label_w, y, value, max_w - label_w, None, size, 1.3)


def ehr_order(pen: Pen, rng: random.Random, case: Case, page_total: int) -> Plan:
    """Page 1 of an EHR referral order; returns the plan so a continuation can reuse it."""
    plan = make_plan(rng, case, specialty_p=0.95, urgency_p=0.85)
    s = pen.style
    size = pen.size(rng.uniform(7.5, 9.5))
    x0, x1 = rng.uniform(24, 40), W - rng.uniform(24, 40)
    y = 30
    printed = f.timestamp(rng, case.referral_date + timedelta(days=rng.randint(0, 6)))
    pen.text(x0, y, f"Printed {printed}" if rng.random() < 0.5 else printed, None, size - 0.5)
    pen.text(x1, y, f"Page 1 of {page_total}", None, size - 0.5, "r")
    y += 10
    title = rng.choice(SYSTEMS)
    pen.bar(x0, y, x1 - x0, size + 10, title, size + 2, grey=rng.choice((0.15, 0.3, 0.45)))
    y += size + 18
    p = case.patient
    # patient banner: always name and DOB, others as the plan says
    banner = [
        f.patient_name(p, rng.choice(("upper_last_first", "last_first"))),
        f"DOB: {f.fmt_date(p.dob, plan.dob_style)}",
        f"({f.age_on(p.dob, case.referral_date)} y.o.)",
    ]
    case.mark("patient.name", "patient.dob")
    if "patient.sex" in plan.items:
        banner.append(f"{f.SEX_WORDS['long'][p.sex]}" if rng.random() < 0.5 else f"Sex: {p.sex}")
        case.mark("patient.sex")
    if "patient.mrn" in plan.items:
        banner.append(f"MRN: {p.mrn}")
        case.mark("patient.mrn")
    csn = str(rng.randint(10**9, 10**10 - 1))
    banner.append(f"CSN: {csn}")
    pen.text(x0, y, "   ".join(banner), s.bold, size + 0.5)
    y += size * 1.6
    pen.line(x0, y, x1, y, 0.5)
    y += size * 1.8
    order_no = rng.randint(10**7, 10**9)
    rows = [
        ("Order #", str(order_no)),
        ("Order Date", f.fmt_date(case.referral_date, plan.date_style)),
        ("Status", rng.choice(("Signed", "Pending review", "Sent", "Authorized"))),
        (
            "Referral Type",
            rng.choice(("Consultation", "Consult and Treat", "Evaluation Only", "Second Opinion")),
        ),
    ]
    case.mark("referral.date")
    if "referral.specialty" in plan.items:
        rows.append(
            (
                rng.choice(("Referred to Specialty", "To Dept", "Specialty", "Refer To Dept")),
                rng.choice(SPECIALTY_NAMES[case.specialty]),
            )
        )
        case.state_specialty()
    if "referral.urgency" in plan.items:
        rows.append((rng.choice(("Priority", "Referral Priority", "Urgency")), case.urgency_text))
        case.state_urgency()
    rows.append(("Reason for Referral", case.scenario.question))
    case.mark("referral.clinical_question")
    rows.append(("Number of Visits", str(rng.choice((1, 1, 3, 6)))))
    rows.append(
        (
            "Expiration",
            f.fmt_date(
                case.referral_date + timedelta(days=rng.choice((90, 180, 365))), plan.date_style
            ),
        )
    )
    label_w = max(pen.width(r[0], s.bold, size) for r in rows) + 16
    pen.text(x0, y, "Order Details", s.bold, size + 1.5)
    y += size * 1.8
    for label, value in rows:
        y = _kv(pen, x0 + 8, y, label, value, label_w, size, (x1 - x0) * 0.95) + 2
    y += size
    if "referral.diagnoses" in plan.items:
        pen.text(
            x0,
            y,
            rng.choice(("Diagnoses", "Associated Diagnoses", "Diagnosis")),
            s.bold,
            size + 1.5,
        )
        y += size * 1.6
        pen.rect(x0 + 8, y - size - 2, x1 - x0 - 16, size * 1.5, 0.4, 0.85)
        pen.text(x0 + 12, y, "Code", s.bold, size)
        pen.text(x0 + 90, y, "Description", s.bold, size)
        for code, desc in case.dx:
            y += size * 1.5
            pen.text(x0 + 12, y, code, None, size)
            pen.text(x0 + 90, y, desc, None, size)
        case.mark("referral.diagnoses")
        y += size * 2
    pen.text(
        x0,
        y,
        rng.choice(("Referring Provider", "Referred By", "Ordering Provider")),
        s.bold,
        size + 1.5,
    )
    y += size * 1.6
    ref = case.referrer
    prow = [("Name", f.doctor(ref, plan.doctor_style))]
    case.mark("referring.name")
    for key, label, value in (
        ("referring.npi", "NPI", ref.npi),
        ("referring.practice", "Department", ref.practice),
        ("referring.phone", "Phone", f.fmt_phone(ref.phone, plan.phone_style)),
        ("referring.fax", "Fax", f.fmt_phone(ref.fax, plan.phone_style)),
    ):
        if key in plan.items:
            prow.append((label, value))
            case.mark(key)
    for label, value in prow:
        y = _kv(pen, x0 + 8, y, label, value, label_w, size, (x1 - x0) * 0.95) + 2
    y += size
    cov = [
        (k, lbl)
        for k, lbl in (
            ("insurance.payer", "Payer"),
            ("insurance.member_id", "Subscriber ID"),
            ("insurance.group_number", "Group Number"),
        )
        if k in plan.items
    ]
    if cov:
        pen.text(
            x0, y, rng.choice(("Coverage", "Insurance", "Primary Coverage")), s.bold, size + 1.5
        )
        y += size * 1.6
        values = {
            "insurance.payer": case.insurance.payer,
            "insurance.member_id": case.insurance.member_id,
            "insurance.group_number": case.insurance.group,
        }
        for key, label in cov:
            y = _kv(pen, x0 + 8, y, label, values[key], label_w, size, (x1 - x0) * 0.95) + 2
            case.mark(key)
        y += size
    contact = [k for k in ("patient.phone", "patient.address") if k in plan.items]
    if contact and y < H - 100:
        pen.text(x0, y, "Patient Contact", s.bold, size + 1.5)
        y += size * 1.6
        if "patient.phone" in contact:
            y = _kv(
                pen,
                x0 + 8,
                y,
                "Home Phone",
                f.fmt_phone(p.phone, plan.phone_style),
                label_w,
                size,
                x1 - x0,
            )
        if "patient.address" in contact:
            y = _kv(pen, x0 + 8, y, "Address", p.address, label_w, size, x1 - x0)
        mark_shown(case, plan, contact)
        y += size
    if rng.random() < 0.6 and y < H - 120:
        y = _referred_to(pen, rng, case, plan, x0, x1, y + size * 0.5, label_w, size)
    if page_total == 1 and y < H - 140 and rng.random() < 0.7:
        pen.text(
            x0,
            y + size,
            rng.choice(("Clinical Notes", "Comments", "Referral Notes")),
            s.bold,
            size + 1.5,
        )
        y = pen.wrap(x0 + 8, y + size * 2.6, case.history(), x1 - x0 - 16, None, size, 1.3)
        case.history_shown = True
    pen.line(x0, H - 40, x1, H - 40, 0.4)
    pen.text(
        x0,
        H - 30,
        f"Printed by {rng.choice(('jsmith', 'ref_coord2', 'mlopez', 'front_desk'))} {printed}",
        None,
        size - 1,
    )
    pen.text(x1, H - 30, f"Page 1 of {page_total}", None, size - 1, "r")
    return plan


def _referred_to(
    pen: Pen,
    rng: random.Random,
    case: Case,
    plan: Plan,
    x0: float,
    x1: float,
    y: float,
    label_w: float,
    size: float,
) -> float:
    """The receiving side: a specialist, a location, a scheduling number (not referral fields)."""
    pen.text(
        x0,
        y,
        rng.choice(("Referred To", "Refer To Provider", "Receiving Provider")),
        pen.style.bold,
        size + 1.5,
    )
    y += size * 1.6
    rows = [
        (
            "Provider",
            f"{rng.choice(CONSULTANT_LAST).upper()}, {rng.choice(CONSULTANT_FIRST).upper()}"
            if rng.random() < 0.5
            else "Any available provider",
        )
    ]
    rows.append(
        (
            "Location",
            rng.choice(
                ("Main Campus", "Outpatient Pavilion", "North Clinic", "Medical Office Bldg 2")
            ),
        )
    )
    if rng.random() < 0.6:
        rows.append(("Scheduling", f.fmt_phone(phone(rng), plan.phone_style)))
    if rng.random() < 0.4:
        rows.append(
            (
                "Appt Requested By",
                f.fmt_date(
                    case.referral_date + timedelta(days=rng.choice((14, 30, 60))), plan.date_style
                ),
            )
        )
    for label, value in rows:
        y = _kv(pen, x0 + 8, y, label, value, label_w, size, (x1 - x0) * 0.95) + 2
    return y + size


def ehr_continuation(pen: Pen, rng: random.Random, case: Case, page: int, total: int) -> None:
    """A following page: the note that went with the order (history, red flags if any)."""
    s = pen.style
    size = pen.size(rng.uniform(7.5, 9.5))
    x0, x1 = 36, W - 36
    pen.text(
        x0,
        30,
        f.patient_name(case.patient, "upper_last_first") + f"   MRN {case.patient.mrn}",
        s.bold,
        size,
    )
    case.mark("patient.name", "patient.mrn")
    pen.text(x1, 30, f"Page {page} of {total}", None, size - 0.5, "r")
    y = 56
    pen.text(
        x0, y, rng.choice(("Progress Notes", "Visit Note", "Referral Notes")), s.bold, size + 2
    )
    y += size * 2
    note_date = f.timestamp(rng, case.referral_date)
    pen.text(x0, y, f"Note signed {note_date}", None, size)
    y += size * 2
    y = pen.wrap(x0, y, "HPI: " + case.history(), x1 - x0, None, size + 0.5, 1.4) + size
    case.history_shown = True
    y = pen.wrap(
        x0,
        y,
        "Assessment and plan: " + "; ".join(d for _, d in case.dx) + ". " + case.scenario.question,
        x1 - x0,
        None,
        size + 0.5,
        1.4,
    )
    case.mark("referral.clinical_question")
    pen.text(x1, H - 30, f"Page {page} of {total}", None, size - 0.5, "r")
