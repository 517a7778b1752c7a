"""Referral form page and clinical-notes page, shared by the cover+form and multi-patient faxes.

Forms vary in title, label wording, section order, value placement (right of the label, or in a
box below it) and how urgency is marked, because every sending practice has its own template.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from samples.generate.clinical import notes_text, specialty_label
from samples.generate.kit import Pen, new_pen
from samples.generate.model import Case, Ctx, PageFn

TITLES = ("REFERRAL FORM", "Outpatient Referral Request", "Specialty Referral",
          "Consultation Request", "REFERRAL / CONSULT ORDER", "Request for Consultation")
LABELS: dict[str, tuple[str, ...]] = {
    "patient.name": ("Patient Name:", "Patient:", "Name:", "Pt Name:"),
    "patient.dob": ("DOB:", "Date of Birth:", "Birth Date:", "D.O.B.:"),
    "patient.sex": ("Sex:", "Gender:"),
    "patient.phone": ("Phone:", "Home Phone:", "Patient Phone:", "Cell:"),
    "patient.address": ("Address:", "Home Address:", "Patient Address:"),
    "patient.mrn": ("MRN:", "Chart #:", "Medical Record #:", "Acct/MRN:"),
    "insurance.payer": ("Insurance:", "Primary Insurance:", "Payer:", "Health Plan:"),
    "insurance.member_id": ("Member ID:", "ID #:", "Subscriber ID:", "Policy #:"),
    "insurance.group_number": ("Group #:", "Group No.:", "Group:"),
    "referring.name": ("Referring Provider:", "Ordering Physician:", "Referred by:",
                       "Referring Physician:"),
    "referring.npi": ("NPI:", "NPI #:", "Provider NPI:"),
    "referring.practice": ("Practice:", "Clinic:", "Practice Name:"),
    "referring.phone": ("Office Phone:", "Phone:", "Tel:", "Office Tel:"),
    "referring.fax": ("Fax:", "Office Fax:", "Return Fax:", "Fax #:"),
    "referral.specialty": ("Referred to:", "Specialty requested:", "Specialty:", "Refer to:"),
    "referral.clinical_question": ("Reason for referral:", "Clinical question:",
                                   "Reason for consult:", "Reason for Referral / Question:"),
    "referral.diagnoses": ("ICD-10:", "Diagnosis codes:", "Dx:", "Diagnosis (ICD-10):"),
    "referral.date": ("Date:", "Referral Date:", "Date of referral:", "Date Sent:"),
}
URGENCY_WORDS = {
    "routine": ("Priority: Routine", "Routine referral", "Urgency: ROUTINE"),
    "urgent": ("Priority: URGENT", "URGENT - please see within 1 week",
               "Please schedule within 1 week.", "Urgency: Urgent"),
    "stat": ("*** STAT ***", "Priority: STAT - same day", "STAT referral"),
}


def patient_rows(case: Case, r_bool: list[bool]) -> list[tuple[str, str, str]]:
    """(field, label-key, value) rows for the patient block; ``r_bool`` decides omissions."""
    p, s = case.patient, case.style
    rows = [("patient.name", s.patient_name(p.first, p.middle, p.last)),
            ("patient.dob", s.dob(p.dob))]
    optional = [("patient.sex", s.sex(p.sex)), ("patient.phone", s.phone(p.phone)),
                ("patient.address", p.address), ("patient.mrn", p.mrn)]
    rows += [row for row, keep in zip(optional, r_bool, strict=False) if keep]
    return [(f, f, v) for f, v in rows]


def build_rows(ctx: Ctx, case: Case) -> list[list[tuple[str, str, str]]]:
    """Sections of (field, label, value) for one case, shuffled; records printed fields."""
    r, p, d, s = ctx.rng, case.patient, case.provider, case.style
    pat = patient_rows(case, [r.random() < 0.85, r.random() < 0.85, r.random() < 0.8,
                              r.random() < 0.6])
    ins = []
    if r.random() < 0.85:
        ins = [("insurance.payer", p.payer), ("insurance.member_id", p.member_id)]
        if p.group_number and r.random() < 0.8:
            ins.append(("insurance.group_number", p.group_number))
    prov = [("referring.name", s.provider_name(d.first, d.middle, d.last, d.credential))]
    if r.random() < 0.9:
        prov.append(("referring.npi", d.npi))
    prov += [("referring.practice", d.practice), ("referring.phone", s.phone(d.phone)),
             ("referring.fax", s.phone(d.fax))]
    sections = [pat, [(f, f, v) for f, v in ins], [(f, f, v) for f, v in prov]]
    sections = [sec for sec in sections if sec]
    r.shuffle(sections)
    for sec in sections:
        case.mark(*[f for f, _, _ in sec])
    return sections


def draw_section(pen: Pen, ctx: Ctx, rows: list[tuple[str, str, str]], *,
                 boxed: bool) -> None:
    r = ctx.rng
    if boxed:
        half = (pen.right - pen.left) / 2 - 6
        i = 0
        while i < len(rows):
            f, _, val = rows[i]
            if f == "patient.address" or pen.width(val) > half - 8:
                pen.field_box(r.choice(LABELS[f]).rstrip(":"), val, pen.left,
                              pen.right - pen.left)
                i += 1
            else:
                pair = [rows[i]]
                if i + 1 < len(rows) and rows[i + 1][0] != "patient.address" and \
                        pen.width(rows[i + 1][2]) <= half - 8:
                    pair.append(rows[i + 1])
                for j, (ff, _, vv) in enumerate(pair):
                    pen.field_box(r.choice(LABELS[ff]).rstrip(":"), vv,
                                  pen.left + j * (half + 12), half)
                i += len(pair)
            pen.y -= pen.size * 3.7
    else:
        tab = pen.size * 11
        for f, _, val in rows:
            pen.field_right(r.choice(LABELS[f]), val, tab=tab)
            pen.skip(1.15)
    pen.skip(0.6)


def form_page(ctx: Ctx, case: Case, *, title: str | None = None) -> PageFn:
    """The referral form itself."""
    r = ctx.rng
    sections = build_rows(ctx, case)
    boxed = [r.random() < 0.4 for _ in sections]
    ttl = title or r.choice(TITLES)
    spec = specialty_label(r, case.item.specialty) if case.specialty_stated else ""
    show_dx = r.random() < 0.85
    if spec:
        case.mark("referral.specialty")
    case.mark("referral.clinical_question", "referral.date")
    if show_dx:
        case.mark("referral.diagnoses")
    date_top = r.random() < 0.5
    cb_style = r.choice(["glyph", "brackets", "vector"])
    words = r.choice(URGENCY_WORDS[case.stated_urgency]) if case.stated_urgency else ""

    def draw(c: Canvas) -> None:
        pen = new_pen(c, r, min_size=ctx.min_font)
        pen.line(ttl, bold=True, size=pen.size + 6, center=r.random() < 0.5)
        if date_top:
            pen.field_right(r.choice(LABELS["referral.date"]), case.style.date(case.referral_date))
            pen.skip(1.2)
        pen.rule()
        for sec, bx in zip(sections, boxed, strict=True):
            draw_section(pen, ctx, sec, boxed=bx)
        pen.rule()
        if spec:
            pen.field_right(r.choice(LABELS["referral.specialty"]), spec, bold_label=True)
            pen.skip(1.3)
        if case.urgency_mode == "checkbox" and case.stated_urgency:
            opts = ["Routine", "Urgent", "STAT"]
            if r.random() < 0.5:
                opts.reverse()
            pen.checkbox_row(opts, case.stated_urgency.capitalize() if case.stated_urgency != "stat"
                             else "STAT", cb_style, label=r.choice(["Priority:", "Urgency:", ""]))
            pen.skip(0.3)
        pen.line(r.choice(LABELS["referral.clinical_question"]), bold=True)
        pen.para(case.item.question)
        pen.skip(0.4)
        if show_dx:
            pen.field_right(r.choice(LABELS["referral.diagnoses"]), ", ".join(case.item.codes))
            pen.skip(1.3)
        if case.urgency_mode == "words" and words:
            pen.line(words, bold=True)
        if not date_top:
            pen.skip(0.5)
            pen.field_right(r.choice(LABELS["referral.date"]), case.style.date(case.referral_date))
            pen.skip(1.2)
        pen.skip(1)
        pen.line("Provider signature: ______________________________")

    return draw


def notes_page(ctx: Ctx, case: Case) -> PageFn:
    """A progress-note page that follows a form; carries negated red flags in its ROS."""
    r = ctx.rng
    paras = notes_text(r, case.item, case.negations)
    title = r.choice(["Progress Note", "Clinical Notes", "Office Visit Note", "Visit Summary"])
    p, s = case.patient, case.style

    def draw(c: Canvas) -> None:
        pen = new_pen(c, r, min_size=ctx.min_font)
        pen.line(title, bold=True, size=pen.size + 4)
        pen.line(f"Patient: {s.patient_name(p.first, p.middle, p.last)}    DOB: {s.dob(p.dob)}")
        pen.line(f"Visit date: {s.date(case.referral_date)}")
        pen.rule()
        for para in paras:
            pen.para(para)
            pen.skip(0.5)
        pen.skip(1)
        pen.line(f"Electronically signed by {case.provider.name}, {case.provider.credential}")

    return draw
