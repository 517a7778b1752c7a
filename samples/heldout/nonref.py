"""Fax cover sheets and the documents that are not referrals but arrive on the same line.

Lab results, a specialist's reply to the PCP, prior-auth decisions, pharmacy refill requests,
medical-records requests, marketing faxes, a misdirected business letter, an orphan cover.
Each painter returns nothing; ``NONREFERRALS`` maps a layout to its document type.
"""

from __future__ import annotations

import random

from samples.heldout import clinical
from samples.heldout.case import Case
from samples.heldout.draw import PAGE_W, Pen
from samples.heldout.formats import fmt_phone

NOTICE = (
    "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is "
    "privileged and confidential. If you have received it in error, notify the sender "
    "immediately and destroy all copies."
)


def cover_sheet(pen: Pen, case: Case, rng: random.Random, pages: int, note: str = "") -> None:
    """A fax cover sheet from the case's practice."""
    r = case.provider
    pen.text(
        54,
        70,
        rng.choice(["FAX", "Fax Transmittal", "FACSIMILE COVER SHEET"]),
        size=pen.size + 14,
        bold=True,
    )
    rows = [
        ("To:", rng.choice(["Referral Coordinator", "Scheduling", "New Patient Intake"])),
        ("From:", r.practice),
        ("Fax:", fmt_phone(r.fax, "paren")),
        ("Phone:", fmt_phone(r.phone, "dashes")),
        ("Date:", case.d(case.ref_date)),
        ("Pages:", f"{pages} (including cover)"),
        ("Re:", note or rng.choice(["Referral", "Patient referral", "New referral(s)"])),
    ]
    y = 130
    for key, value in rows:
        pen.text(54, y, key, bold=True, size=pen.size + 2)
        pen.text(140, y, value, size=pen.size + 2)
        y += pen.size * 2.3
    pen.wrap(54, y + 30, PAGE_W - 108, NOTICE, size=pen.size - 1)


def lab_result(pen: Pen, case: Case, rng: random.Random) -> None:
    """A lab report with a result table."""
    p = case.person
    pen.bar(40, 26, rng.choice(["LABORATORY REPORT", "Final Result", "Lab Results"]))
    pen.text(54, 90, f"Patient: {case.name()}   DOB: {case.d(p.dob)}")
    pen.text(54, 90 + pen.size * 1.5, f"Ordering physician: Dr. {case.provider.last}")
    pen.text(54, 90 + pen.size * 3, f"Collected: {case.d(case.ref_date)}   Status: FINAL")
    tests = [
        ("Sodium", "139", "mmol/L", "135-145"),
        ("Potassium", "4.1", "mmol/L", "3.5-5.1"),
        ("Creatinine", "1.02", "mg/dL", "0.6-1.3"),
        ("Glucose", "112 H", "mg/dL", "70-99"),
        ("Hemoglobin A1c", "6.4 H", "%", "<5.7"),
        ("TSH", "2.31", "uIU/mL", "0.4-4.0"),
        ("WBC", "7.2", "K/uL", "4.0-11.0"),
        ("Hemoglobin", "13.1", "g/dL", "12.0-16.0"),
    ]
    y = 170
    for col, x in (("Test", 54), ("Result", 220), ("Units", 320), ("Reference", 420)):
        pen.text(x, y, col, bold=True)
    for row in rng.sample(tests, rng.randrange(4, 8)):
        y += pen.size * 1.6
        for value, x in zip(row, (54, 220, 320, 420), strict=True):
            pen.text(x, y, value)


def consult_reply(pen: Pen, case: Case, rng: random.Random) -> None:
    """A specialist's letter back to the referring clinician after the visit."""
    spec = case.scenario.specialty
    name = clinical.NAMES.get(spec, ["Specialty"])[0]
    pen.text(PAGE_W / 2, 50, f"Lakeside {name} Group", size=pen.size + 5, bold=True, align="center")
    y = 100
    pen.text(72, y, case.d(case.ref_date))
    pen.text(72, y + pen.size * 2.5, f"Dr. {case.provider.first} {case.provider.last}")
    pen.text(72, y + pen.size * 4, f"RE: {case.name()}, DOB {case.d(case.person.dob)}", bold=True)
    body = [
        f"Dear Dr. {case.provider.last},",
        "Thank you for the kind referral of this patient, whom I saw in consultation today.",
        f"History: {case.scenario.question}",
        "Impression and plan: findings discussed; we will start treatment and arrange tests. "
        "I will see the patient again in three months and keep you informed.",
        "Sincerely,",
    ]
    y += pen.size * 7
    for para in body:
        y = pen.wrap(72, y, PAGE_W - 144, para) + pen.size * 0.8


def prior_auth(pen: Pen, case: Case, rng: random.Random) -> None:
    """A payer's prior-authorization determination."""
    p = case.person
    pen.text(54, 60, p.payer, size=pen.size + 6, bold=True)
    pen.text(54, 90, "PRIOR AUTHORIZATION DETERMINATION", bold=True, size=pen.size + 2)
    decision = rng.choice(["APPROVED", "DENIED", "PENDED - additional information needed"])
    rows = [
        ("Member:", case.name()),
        ("Member ID:", p.member_id),
        ("DOB:", case.d(p.dob)),
        ("Requesting provider:", f"Dr. {case.provider.last}"),
        ("Service:", rng.choice(["MRI lumbar spine", "Outpatient specialist visit", "CT chest"])),
        ("Authorization #:", f"PA{rng.randrange(10**8, 10**9)}"),
        ("Decision:", decision),
    ]
    y = 130
    for key, value in rows:
        pen.text(54, y, key, bold=True)
        pen.text(200, y, value)
        y += pen.size * 1.7
    pen.wrap(
        54,
        y + 20,
        PAGE_W - 108,
        "This determination is based on the clinical information "
        "submitted. You may appeal within 60 days of this notice.",
    )


def refill_request(pen: Pen, case: Case, rng: random.Random) -> None:
    """A pharmacy's refill authorization request."""
    pen.text(
        54,
        60,
        f"{rng.choice(['Walgreens', 'CVS Pharmacy', 'Rite Aid'])} #{rng.randrange(1000, 9999)}",
        size=pen.size + 5,
        bold=True,
    )
    pen.text(54, 90, "REFILL AUTHORIZATION REQUEST", bold=True, size=pen.size + 2)
    rows = [
        ("Patient:", case.name()),
        ("DOB:", case.d(case.person.dob)),
        ("Medication:", rng.choice(clinical.MEDS)),
        ("Qty:", "90"),
        ("Refills requested:", "3"),
        ("Prescriber:", f"Dr. {case.provider.first} {case.provider.last}"),
    ]
    y = 130
    for key, value in rows:
        pen.text(54, y, key, bold=True)
        pen.text(190, y, value)
        y += pen.size * 1.7
    pen.options(
        54,
        y + 20,
        ["Approved", "Denied", "Needs appointment"],
        None,
        "drawn_x",
        columns=3,
        col_width=150,
    )


def records_request(pen: Pen, case: Case, rng: random.Random) -> None:
    """A request for medical records with a patient authorization."""
    pen.text(54, 60, "REQUEST FOR MEDICAL RECORDS", bold=True, size=pen.size + 4)
    text = (
        f"Please send copies of all office notes, laboratory and imaging reports for "
        f"{case.name()} (DOB {case.d(case.person.dob)}) for dates of service from January "
        "2022 to present. A signed HIPAA authorization is attached. Fax records to the "
        "number above within 15 business days."
    )
    y = pen.wrap(54, 100, PAGE_W - 108, text)
    pen.text(54, y + 30, f"Requested by: {rng.choice(['Law office', 'Disability claims unit'])}")


def marketing(pen: Pen, case: Case, rng: random.Random) -> None:
    """A junk fax."""
    pen.text(
        PAGE_W / 2,
        90,
        rng.choice(["SPECIAL OFFER!", "LIMITED TIME ONLY", "ATTENTION DOCTORS"]),
        size=28,
        bold=True,
        align="center",
    )
    text = rng.choice(
        [
            "Save up to 40% on exam gloves, gauze and diabetic supplies. Free shipping over $99.",
            "Boost your practice revenue with our medical billing service. No contracts.",
            "Earn CME credits on a 7-night Caribbean cruise. Seats are limited - call now!",
        ]
    )
    pen.wrap(72, 160, PAGE_W - 144, text, size=pen.size + 4)
    pen.text(72, 700, "To be removed from our fax list call 1-800-555-0199.", size=pen.size - 1)


def misdirected(pen: Pen, case: Case, rng: random.Random) -> None:
    """A business letter to someone else about non-clinical matters."""
    pen.text(
        72,
        70,
        rng.choice(["Harbor Property Management", "Summit Office Supply"]),
        bold=True,
        size=pen.size + 4,
    )
    body = [
        "Dear Mr. Alvarez,",
        rng.choice(
            [
                "This letter confirms the renewal of your office lease for suite 210 for a further "
                "24 months. The new monthly rent takes effect on the first of next month.",
                "Your order of printer toner and copy paper has shipped. The invoice is enclosed; "
                "payment is due within 30 days.",
            ]
        ),
        "Please contact our office with any questions.",
        "Regards, Accounts Department",
    ]
    y = 130
    for para in body:
        y = pen.wrap(72, y, PAGE_W - 144, para) + pen.size


NONREFERRALS = {
    "lab_result": ("lab_result", lab_result),
    "consult_reply": ("consult_reply", consult_reply),
    "prior_auth": ("prior_auth", prior_auth),
    "refill_request": ("refill_request", refill_request),
    "records_request": ("records_request", records_request),
    "marketing": ("marketing", marketing),
    "misdirected": ("other", misdirected),
}
