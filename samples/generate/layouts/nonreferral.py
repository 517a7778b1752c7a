"""Layout 6: faxes that are *not* referrals but look like them (names, DOBs, NPIs, ICD codes).

A consult reply even says "thank you for the referral". The truth for all of these is
``"referrals": []``: the pipeline must classify them, not extract from them.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from samples.generate.clinical import pick_item, specialty_label
from samples.generate.kit import Pen, new_pen
from samples.generate.layouts.cover import cover_page
from samples.generate.model import Ctx, Doc, PageFn, new_case

KINDS = ("lab_result", "consult_reply", "prior_auth", "refill_request", "records_request",
         "marketing", "cover_only")
LABS = (("Hemoglobin A1c", "%", 4.0, 5.6), ("Glucose, fasting", "mg/dL", 70, 99),
        ("Creatinine", "mg/dL", 0.6, 1.3), ("TSH", "uIU/mL", 0.4, 4.5),
        ("Hemoglobin", "g/dL", 12.0, 17.0), ("Platelets", "K/uL", 150, 400),
        ("LDL Cholesterol", "mg/dL", 0, 99), ("Potassium", "mmol/L", 3.5, 5.1))


def _header(pen: Pen, ctx: Ctx, title: str, org: str) -> None:
    pen.line(org, bold=True, size=pen.size + 4)
    pen.line(f"Phone {ctx.people.fake.numerify('(312) 555-01##')}")
    pen.rule()
    pen.line(title, bold=True, size=pen.size + 3)
    pen.skip(0.5)


def build(ctx: Ctx, *, kind: str | None = None) -> Doc:
    r = ctx.rng
    kind = kind or r.choice(KINDS)
    case = new_case(ctx)  # borrowed people and dates; none of it is a referral
    p, d, s = case.patient, case.provider, case.style
    pname = s.patient_name(p.first, p.middle, p.last)
    org = ctx.people.company() + r.choice([" Laboratories", " Health Plan", " Pharmacy",
                                           " Specialists", " Medical Records"])
    item = pick_item(r)

    def lab(pen: Pen) -> None:
        _header(pen, ctx, "LABORATORY REPORT - FINAL", org.replace("Health Plan", "Labs"))
        pen.line(f"Patient: {pname}    DOB: {s.dob(p.dob)}    Sex: {p.sex}")
        pen.line(f"Ordering provider: {d.name}, {d.credential}    Collected: "
                 f"{s.date(case.referral_date)}")
        pen.skip()
        pen.line("Test                         Result     Units      Reference", bold=True)
        for name, unit, lo, hi in r.sample(LABS, k=5):
            val = round(r.uniform(lo * 0.8, hi * 1.25), 1)
            flag = " H" if val > hi else " L" if val < lo else ""
            pen.line(f"{name:<28} {val:<6}{flag:<4} {unit:<10} {lo}-{hi}")
        pen.skip()
        pen.para("Results reviewed by laboratory director. This report is for the ordering "
                 "provider; no action is requested from the recipient.")

    def consult(pen: Pen) -> None:
        spec = specialty_label(r, item.specialty)
        _header(pen, ctx, f"{spec} Consultation Note", org.replace("Pharmacy", "Specialists"))
        pen.line(s.date(case.referral_date))
        pen.line(f"RE: {pname}, DOB {s.dob(p.dob)}")
        pen.skip()
        pen.line(f"Dear {d.name},")
        pen.para(f"Thank you for the referral of your patient, whom I saw today in {spec} clinic. "
                 f"The reason for the visit was: {item.question} My assessment and "
                 f"recommendations follow. Diagnoses addressed: {', '.join(item.codes)}. We will "
                 f"see the patient back in 3 months; no further action is needed from you.")
        pen.skip(2)
        pen.line(f"Sincerely, {ctx.people.person_name()}, MD")

    def prior_auth(pen: Pen) -> None:
        _header(pen, ctx, "Prior Authorization Determination", org)
        pen.line(f"Member: {pname}   Member ID: {p.member_id}   DOB: {s.dob(p.dob)}")
        pen.line(f"Requesting provider: {d.name}  NPI {d.npi}")
        service = r.choice(["MRI lumbar spine", "CT chest", "Humira 40 mg", "Sleep study"])
        pen.line(f"Service: {service}")
        decision = r.choice(["APPROVED", "DENIED", "PENDED - additional information required"])
        pen.line(f"Decision: {decision}", bold=True)
        pen.para("This letter is a coverage determination and is not a referral. Appeal rights "
                 "are described on the reverse.")

    def refill(pen: Pen) -> None:
        _header(pen, ctx, "Prescription Refill Request", org.replace("Laboratories", "Pharmacy"))
        pen.line(f"Patient: {pname}   DOB: {s.dob(p.dob)}")
        pen.line(f"Prescriber: {d.name}  Fax {s.phone(d.fax)}")
        med = r.choice(["lisinopril 10 mg", "metformin 500 mg", "atorvastatin 20 mg"])
        pen.line(f"Medication: {med}  Qty 90  Refills requested: 3")
        pen.skip()
        pen.line("[ ] Approved   [ ] Denied   [ ] Needs appointment")
        pen.line("Prescriber signature: _______________________")

    def records(pen: Pen) -> None:
        _header(pen, ctx, "Request for Medical Records", org.replace("Pharmacy", "Medical Records"))
        pen.line(f"Patient: {pname}   DOB: {s.dob(p.dob)}")
        pen.para(f"Please send records of office visits, labs and imaging from the past two years "
                 f"to our office. A signed authorization is enclosed. Return fax "
                 f"{s.phone(d.fax)}.")

    def marketing(pen: Pen) -> None:
        pen.line("LIMITED TIME OFFER!", bold=True, size=pen.size + 12, center=True)
        pen.skip()
        pen.para(f"{ctx.people.company()} Medical Supply: save 40% on exam gloves, paper and "
                 "toner for your practice. Call today to order. Free shipping on orders over "
                 "$200. To be removed from our fax list call 1-800-555-0199.")

    drawers: dict[str, Callable[[Pen], None]] = {
        "lab_result": lab, "consult_reply": consult, "prior_auth": prior_auth,
        "refill_request": refill, "records_request": records, "marketing": marketing,
    }
    if kind == "cover_only":
        page = cover_page(ctx, d, s, pages=r.choice([1, 3, 4]), when=case.referral_date,
                          regarding=r.choice(["Referral", "Patient records", "See attached"]))
        return Doc(layout="cover_only", document_type="cover_only", pages=[page],
                   sender=(d.practice, d.fax))

    def page_fn(c: Canvas) -> None:
        drawers[kind](new_pen(c, r, min_size=ctx.min_font))

    pages: list[PageFn] = [page_fn]
    return Doc(layout=kind, document_type=kind, pages=pages, sender=(org, d.fax))
