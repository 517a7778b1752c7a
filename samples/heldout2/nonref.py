"""Documents that arrive on the referral fax line but are not referrals (truth: no referrals)."""

from __future__ import annotations

import random
from datetime import timedelta

from samples.heldout2 import formats as f
from samples.heldout2.case import Case
from samples.heldout2.clinical import MEDS, SPECIALTY_NAMES
from samples.heldout2.pen import H, Pen, W

LABS = (
    ("Hemoglobin", "g/dL", 11.5, 16.0),
    ("WBC", "K/uL", 4.0, 11.0),
    ("Platelets", "K/uL", 150, 400),
    ("Sodium", "mmol/L", 135, 145),
    ("Potassium", "mmol/L", 3.5, 5.1),
    ("Creatinine", "mg/dL", 0.6, 1.2),
    ("Glucose", "mg/dL", 70, 99),
    ("ALT", "U/L", 7, 56),
    ("TSH", "uIU/mL", 0.4, 4.0),
    ("Hemoglobin A1c", "%", 4.0, 5.6),
    ("LDL Cholesterol", "mg/dL", 0, 99),
)


def _head(pen: Pen, rng: random.Random, title: str, org: str) -> float:
    s = pen.style
    pen.text(50, 56, org, s.bold, s.size + 4)
    pen.text(50, 56 + s.size + 10, title, s.bold, s.size + 2)
    pen.line(50, 80 + s.size, W - 50, 80 + s.size, 1)
    return 100 + s.size


def lab_result(pen: Pen, rng: random.Random, case: Case) -> str:
    """A lab report with results and reference ranges."""
    s = pen.style
    y = _head(
        pen,
        rng,
        rng.choice(("Laboratory Report", "FINAL RESULTS", "Lab Results")),
        rng.choice(
            ("Quest Point Laboratories", "Valley Reference Lab", "Mercy Clinical Laboratory")
        ),
    )
    p = case.patient
    for line in (
        f"Patient: {f.patient_name(p, 'upper_last_first')}",
        f"DOB: {f.fmt_date(p.dob, 'mdy')}   Sex: {p.sex}",
        f"Ordering: {f.doctor(case.referrer, 'dr')}",
        f"Collected: {f.timestamp(rng, case.referral_date)}   Reported: "
        f"{f.timestamp(rng, case.referral_date + timedelta(days=1))}",
    ):
        pen.text(50, y, line, None, s.size)
        y += s.size * 1.6
    y += 10
    for c, t in zip(
        (50, 220, 310, 380, 480), ("Test", "Result", "Flag", "Units", "Reference"), strict=True
    ):
        pen.text(c, y, t, s.bold, s.size)
    y += 4
    pen.line(50, y, W - 50, y)
    for name, unit, lo, hi in rng.sample(LABS, rng.randint(5, 10)):
        y += s.size * 1.8
        val = round(rng.uniform(lo * 0.7, hi * 1.3), 1)
        flag = "H" if val > hi else "L" if val < lo else ""
        for c, t in zip(
            (50, 220, 310, 380, 480), (name, str(val), flag, unit, f"{lo}-{hi}"), strict=True
        ):
            pen.text(c, y, t, None, s.size)
    return "lab_result"


def prior_auth(pen: Pen, rng: random.Random, case: Case) -> str:
    """A payer's prior-authorization decision letter."""
    s = pen.style
    ins = case.insurance
    y = _head(pen, rng, "Prior Authorization Determination", ins.payer)
    decision = rng.choice(("APPROVED", "DENIED", "PENDED - additional information required"))
    lines = [
        f"Date: {f.fmt_date(case.referral_date, 'long')}",
        f"Member: {f.patient_name(case.patient, 'first_last')}   Member ID: {ins.member_id}",
        f"Requesting provider: {f.doctor(case.referrer, 'cred')}   NPI {case.referrer.npi}",
        f"Service: {rng.choice(SPECIALTY_NAMES[case.specialty])} consultation and follow-up",
        f"Authorization #: PA{rng.randint(10**7, 10**8)}",
        f"Decision: {decision}",
    ]
    for line in lines:
        pen.text(50, y, line, None, s.size)
        y += s.size * 1.7
    y += 10
    body = (
        "This letter confirms our review of the request above. This determination is not a "
        "guarantee of payment; benefits are subject to eligibility on the date of service. "
        "You may appeal this decision "
        "within 60 days by calling the number on the member's ID card."
    )
    pen.wrap(50, y, body, W - 100, None, s.size)
    return "prior_auth"


def refill_request(pen: Pen, rng: random.Random, case: Case) -> str:
    """A pharmacy's refill authorization request."""
    s = pen.style
    y = _head(
        pen,
        rng,
        "Refill Authorization Request",
        rng.choice(("CornerCare Pharmacy #2231", "Walden Drug", "MedFirst Pharmacy")),
    )
    med = rng.choice(MEDS)
    for line in (
        f"Prescriber: {f.doctor(case.referrer, 'dr')}   "
        f"Fax: {f.fmt_phone(case.referrer.fax, 'paren')}",
        f"Patient: {f.patient_name(case.patient, 'first_last')}   "
        f"DOB: {f.fmt_date(case.patient.dob, 'mdy')}",
        f"Medication: {med}",
        f"Qty: {rng.choice((30, 90))}   Refills requested: {rng.randint(1, 5)}",
        f"Last filled: {f.fmt_date(case.referral_date - timedelta(days=30), 'mdy')}",
    ):
        pen.text(50, y, line, None, s.size + 1)
        y += s.size * 2
    y += 20
    for o in ("Approved", "Denied", "Needs appointment"):
        pen.option(60, y, o, "brackets", s.size + 1, marked=False)
        y += s.size * 2
    return "refill_request"


def records_request(pen: Pen, rng: random.Random, case: Case) -> str:
    """A request for copies of medical records."""
    s = pen.style
    y = _head(
        pen,
        rng,
        "Request for Medical Records",
        rng.choice(("Allied Disability Services", "Hartwell & Lowe LLP", "Summit Life Insurance")),
    )
    text = (
        f"Please forward copies of all office notes, imaging and laboratory results for "
        f"{f.patient_name(case.patient, 'first_last')} (DOB {f.fmt_date(case.patient.dob, 'mdy')}) "
        f"from {f.fmt_date(case.referral_date - timedelta(days=730), 'long')} to present. "
        "A signed HIPAA authorization is enclosed. Records may be faxed to the number above."
    )
    pen.wrap(50, y, text, W - 100, None, s.size + 1, 1.5)
    return "records_request"


def consult_reply(pen: Pen, rng: random.Random, case: Case) -> str:
    """A specialist's reply after seeing the patient: not a new referral."""
    s = pen.style
    name = rng.choice(SPECIALTY_NAMES[case.specialty])
    y = _head(pen, rng, "Consultation Report", f"{name} Associates")
    body = [
        f"Date of service: {f.fmt_date(case.referral_date + timedelta(days=20), 'long')}",
        f"Patient: {f.patient_name(case.patient, 'first_last')}, "
        f"DOB {f.fmt_date(case.patient.dob, 'mdy')}",
        f"Dear {f.doctor(case.referrer, 'dr')},",
        "Thank you for referring this patient, whom I saw in clinic today. "
        + case.scenario.history,
        "Impression and plan: "
        + "; ".join(d for _, d in case.dx)
        + ". I will see the patient again in 3 months and have sent my recommendations "
        "to your office.",
        "Sincerely,",
        f"Dr. {case.patient.last[:1]}. Moreno",
    ]
    for para in body:
        y = pen.wrap(50, y, para, W - 100, None, s.size, 1.4) + s.size * 0.6
    return "consult_reply"


def misdirected(pen: Pen, rng: random.Random, case: Case) -> str:
    """A cover sheet with no attachment meant for someone else."""
    s = pen.style
    y = _head(pen, rng, "FAX", case.referrer.practice)
    for line in (
        f"To: {rng.choice(('Billing Dept', 'Dr. Hasan - Dermatology', 'Radiology Scheduling'))}",
        f"From: {case.referrer.practice}",
        f"Date: {f.fmt_date(case.referral_date, 'mdy')}",
        "Pages: 1",
        "Re: Please call our office regarding the outstanding balance.",
    ):
        pen.text(60, y, line, None, s.size + 2)
        y += s.size * 2.4
    pen.wrap(
        60,
        H - 180,
        "If you have received this fax in error please notify us immediately.",
        W - 120,
        None,
        s.size,
    )
    return "cover_only"


def marketing(pen: Pen, rng: random.Random, case: Case) -> str:
    """Junk fax advertising."""
    s = pen.style
    pen.text(
        W / 2,
        120,
        rng.choice(("CUT YOUR SUPPLY COSTS 40%!", "Medical Billing Made Easy", "FREE CEU WEBINAR")),
        s.bold,
        26,
        "c",
    )
    y = 180
    for line in (
        "Limited time offer for medical practices.",
        "Exam gloves, gauze, paper rolls - bulk pricing.",
        f"Call {f.fmt_phone('+18005550142', 'one')} today.",
        "To be removed from our list, fax REMOVE to the number above.",
    ):
        pen.text(W / 2, y, line, None, 14, "c")
        y += 30
    return "marketing"


def blank(pen: Pen, rng: random.Random, case: Case) -> str:
    """A blank page: a fax sent face down, or an empty scan."""
    del pen, rng, case
    return "blank"


NONREFERRALS = {
    "lab_result": lab_result,
    "prior_auth": prior_auth,
    "refill_request": refill_request,
    "records_request": records_request,
    "consult_reply": consult_reply,
    "misdirected": misdirected,
    "marketing": marketing,
    "blank": blank,
}
