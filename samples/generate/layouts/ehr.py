"""Layout 3: an EHR 'Referral Order' printout with a demographics table and ICD-10 list."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from samples.generate.clinical import describe, specialty_label
from samples.generate.kit import new_pen
from samples.generate.model import Ctx, Doc, new_case

SYSTEMS = ("CareChart EHR", "MedNexus Clinical", "PracticeOne", "OpenClinic EMR")


def build(ctx: Ctx, *, red_flag: bool | None = None) -> Doc:
    r = ctx.rng
    case = new_case(ctx, red_flag=red_flag, urgency_modes=("words", "words", "none"))
    p, d, s = case.patient, case.provider, case.style
    spec = specialty_label(r, case.item.specialty) if case.specialty_stated else ""
    system = r.choice(SYSTEMS)
    order_no = f"{r.randint(10000000, 99999999)}"
    demo = [("Patient", s.patient_name(p.first, p.middle, p.last, last_first=True), "patient.name"),
            ("DOB", s.dob(p.dob), "patient.dob"), ("Sex", s.sex(p.sex), "patient.sex"),
            ("MRN", p.mrn, "patient.mrn"), ("Phone", s.phone(p.phone), "patient.phone"),
            ("Address", p.address, "patient.address"),
            ("Primary Ins.", p.payer, "insurance.payer"),
            ("Member ID", p.member_id, "insurance.member_id")]
    if p.group_number:
        demo.append(("Group #", p.group_number, "insurance.group_number"))
    case.mark(*[f for _, _, f in demo])
    case.mark("referral.clinical_question", "referral.diagnoses", "referral.date",
              "referring.name", "referring.npi", "referring.practice", "referring.phone",
              "referring.fax")
    if spec:
        case.mark("referral.specialty")

    def draw(c: Canvas) -> None:
        pen = new_pen(c, r, min_size=ctx.min_font)
        pen.text(pen.left, pen.y, system, bold=True)
        stamp = f"Printed {s.date(ctx.today)} {r.randint(7, 17):02d}:{r.randint(0, 59):02d}"
        pen.text(pen.right - pen.width(stamp), pen.y, stamp)
        pen.skip(1.5)
        pen.line(d.practice, bold=True, size=pen.size + 3)
        pen.skip(0.5)
        # demographics grid: two label/value pairs per row, ruled
        colw = (pen.right - pen.left) / 2
        rowh = pen.size * 1.9
        top = pen.y + pen.size * 1.2
        rows: list[list[tuple[str, str, str]]] = []
        for cell in demo:  # the address gets a full-width row of its own
            full = bool(rows) and (len(rows[-1]) == 2 or rows[-1][0][0] == "Address")
            if cell[0] == "Address" or not rows or full:
                rows.append([cell])
            else:
                rows[-1].append(cell)
        lw = max(pen.width(f"{lab}:", bold=True) for lab, _, _ in demo) + 8
        c.setLineWidth(0.6)
        for i, row in enumerate(rows):
            y = top - (i + 1) * rowh
            c.rect(pen.left, y, pen.right - pen.left, rowh)
            for j, (lab, val, _) in enumerate(row):
                x = pen.left + j * colw
                pen.text(x + 4, y + rowh * 0.32, f"{lab}:", bold=True)
                pen.text(x + 4 + lw, y + rowh * 0.32, val)
        pen.y = top - len(rows) * rowh - pen.lead * 1.5
        pen.line("Referral Order", bold=True, size=pen.size + 4)
        pen.rule()
        pen.field_right("Order #:", order_no, tab=pen.size * 10)
        pen.skip()
        pen.field_right("Order Date:", s.date(case.referral_date), tab=pen.size * 10)
        pen.skip()
        if spec:
            pen.field_right(r.choice(["Refer To:", "Department:", "Specialty:"]), spec,
                            tab=pen.size * 10)
            pen.skip()
        if case.urgency_mode == "words" and case.stated_urgency:
            pen.field_right("Priority:", case.stated_urgency.capitalize()
                            if case.stated_urgency != "stat" else "STAT", tab=pen.size * 10)
            pen.skip()
        pen.skip(0.5)
        pen.line("Reason for Referral:", bold=True)
        pen.para(case.item.question)
        pen.skip(0.5)
        pen.line("Diagnoses:", bold=True)
        for code in case.item.codes:
            pen.para(f"{code}   {describe(code)}", x=pen.left + 12)
        pen.skip(0.5)
        pen.line("Referring Provider:", bold=True)
        pen.line(f"{s.provider_name(d.first, d.middle, d.last, d.credential)}   NPI {d.npi}")
        pen.para(f"{d.practice}, {d.street}, {d.city_line}")
        pen.line(f"Ph: {s.phone(d.phone)}   Fax: {s.phone(d.fax)}")
        pen.skip(2)
        pen.line(f"{system} - Page 1 of 1", size=pen.size - 1)

    return Doc(layout="ehr", document_type="referral", pages=[draw], referrals=[([1], case)],
               sender=(d.practice, d.fax))
