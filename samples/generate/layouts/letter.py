"""Layout 2: free-text referral letter on letterhead with a signature block.

Letters state fewer fields (often no insurance, sex or MRN) and bury the facts in prose, so the
truth here is sparser and the extractor has to read sentences, not label/value pairs.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from samples.generate.clinical import NEGATED_FINDINGS, specialty_label
from samples.generate.kit import new_pen
from samples.generate.model import Ctx, Doc, new_case

URGENCY_SENTENCES = {
    "stat": ("This is a STAT referral; please see the patient today.",
             "STAT: please call our office to arrange a same-day visit."),
    "urgent": ("Please see this patient within 1 week.",
               "I would appreciate an urgent appointment.",
               "Given the findings, please see the patient urgently."),
    "routine": ("A routine appointment at your earliest convenience is appropriate.",
                "This is a routine referral."),
}


def build(ctx: Ctx, *, red_flag: bool | None = None,
          urgency_modes: tuple[str, ...] = ("words", "none"), specialty: str | None = None,
          negations: tuple[str, ...] = ()) -> Doc:
    r = ctx.rng
    case = new_case(ctx, red_flag=red_flag, urgency_modes=urgency_modes, specialty=specialty,
                    negations=negations)
    p, d, s = case.patient, case.provider, case.style
    name = s.patient_name(p.first, p.middle, p.last, last_first=False)
    spec = specialty_label(r, case.item.specialty) if case.specialty_stated else ""
    show_npi, show_phone, show_ins = r.random() < 0.8, r.random() < 0.4, r.random() < 0.4
    show_dx = r.random() < 0.5
    negs = [*negations, *r.sample(NEGATED_FINDINGS, k=2)][:2]
    salutation = r.choice(["Dear Colleague,", "Dear Doctor,",
                           f"Dear Dr. {ctx.people.fake.last_name()},"])
    case.mark("patient.name", "patient.dob", "referring.name", "referring.practice",
              "referring.phone", "referring.fax", "referral.clinical_question", "referral.date")
    if spec:
        case.mark("referral.specialty")
    for flag, fields in ((show_npi, ("referring.npi",)), (show_phone, ("patient.phone",)),
                         (show_ins, ("insurance.payer", "insurance.member_id")),
                         (show_dx, ("referral.diagnoses",))):
        if flag:
            case.mark(*fields)
    signer = s.provider_name(d.first, d.middle, d.last, d.credential)

    def draw(c: Canvas) -> None:
        pen = new_pen(c, r, min_size=ctx.min_font)
        pen.line(d.practice, bold=True, size=pen.size + 5, center=True)
        pen.line(f"{d.street}, {d.city_line}", center=True)
        contact = f"Phone {s.phone(d.phone)}  |  Fax {s.phone(d.fax)}"
        if show_npi and r.random() < 0.5:
            contact += f"  |  NPI {d.npi}"
            npi_in_sig = False
        else:
            npi_in_sig = show_npi
        pen.line(contact, center=True)
        pen.rule()
        pen.skip(1)
        pen.line(s.date(case.referral_date))
        pen.skip(1)
        pen.line(f"RE: {name}, DOB {s.dob(p.dob)}", bold=True)
        pen.skip(1)
        pen.line(salutation)
        pen.skip(0.5)
        clinic = f"your {spec} clinic" if spec else "your clinic"
        pen.para(f"I am referring my patient {name} (DOB {s.dob(p.dob)}) to {clinic} for "
                 f"evaluation and management.")
        pen.skip(0.4)
        pen.para(case.item.question)
        pen.skip(0.4)
        extra = f"Review of systems: {negs[0][0].upper()}{negs[0][1:]}; {negs[1].lower()}."
        if show_dx:
            extra += " Diagnoses: " + ", ".join(case.item.codes) + "."
        pen.para(extra)
        pen.skip(0.4)
        tail = []
        if case.urgency_mode == "words" and case.stated_urgency:
            tail.append(r.choice(URGENCY_SENTENCES[case.stated_urgency]))
        if show_phone:
            tail.append(f"The patient can be reached at {s.phone(p.phone)}.")
        if show_ins:
            tail.append(f"Insurance: {p.payer}, member ID {p.member_id}.")
        tail.append("Thank you for seeing this patient. Please send your consult note to our "
                    "office by fax.")
        pen.para(" ".join(tail))
        pen.skip(1.5)
        pen.line(r.choice(["Sincerely,", "Best regards,", "Kind regards,"]))
        pen.skip(2.5)
        pen.line(signer)
        pen.line(d.practice)
        if npi_in_sig:
            pen.line(f"NPI: {d.npi}")

    return Doc(layout="letter", document_type="referral", pages=[draw],
               referrals=[([1], case)], sender=(d.practice, d.fax))
