"""Compose one document (layout family x variant) and write it with its truth file."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pypdfium2 as pdfium
from faker import Faker

from samples.heldout2 import pages
from samples.heldout2.case import TODAY, Case, new_case
from samples.heldout2.ehr import ehr_continuation, ehr_order
from samples.heldout2.forms import FORMS
from samples.heldout2.items import make_plan
from samples.heldout2.letters import LETTERS
from samples.heldout2.nonref import NONREFERRALS
from samples.heldout2.pen import Doc
from samples.heldout2.people import phone
from samples.heldout2.render import render

VARIANTS = ["digital", "fax_fine", "fax_normal", "scan"]
MIN_SIZE = {"digital": 7.0, "fax_fine": 8.5, "fax_normal": 10.0, "scan": 8.0}
REFERRAL_LAYOUTS = [
    "note_referral",
    "form",
    "form_note",
    "letter_dear",
    "letter_thanks",
    "ehr",
    "packet",
    "two_patients",
    "buried",
]
NONREF_LAYOUTS = [*NONREFERRALS, "cover_lab"]
# Every referral layout twice, every non-referral once: about 30 % non-referrals.
SCHEDULE = [*REFERRAL_LAYOUTS, *NONREF_LAYOUTS[:4], *REFERRAL_LAYOUTS, *NONREF_LAYOUTS[4:]]


def layout_for(index: int, seed: int, n_variants: int) -> str:
    """Layout of document ``index``: 27 layouts against 4 variants, so every pair recurs."""
    return SCHEDULE[(index + seed) % len(SCHEDULE)]


def _form(doc: Doc, rng: random.Random, case: Case, *, prints_history: bool = False) -> None:
    pen = doc.page()
    case.pages.append(pen.number)
    plan = make_plan(rng, case, prints_history=prints_history)
    FORMS[rng.choice(sorted(FORMS))](pen, rng, case, plan)


def _note(doc: Doc, rng: random.Random, case: Case) -> None:
    pen = doc.page()
    case.pages.append(pen.number)
    pages.clinic_note(
        pen, rng, case, with_plan=rng.random() < 0.4, state_urgency=rng.random() < 0.3
    )


def _referral_body(
    doc: Doc, rng: random.Random, case: Case, fake: Faker, kind: str, *, two: bool = False
) -> None:
    """The referral itself: a form, a letter or an EHR order (``two`` pages)."""
    if kind == "form":
        _form(doc, rng, case)
    elif kind in LETTERS:
        pen = doc.page()
        case.pages.append(pen.number)
        LETTERS[kind](pen, rng, case, fake)
    else:
        pen = doc.page()
        case.pages.append(pen.number)
        ehr_order(pen, rng, case, 2 if two else 1)
        if two:
            pen = doc.page()
            case.pages.append(pen.number)
            ehr_continuation(pen, rng, case, 2, 2)


def compose(
    layout: str, rng: random.Random, fake: Faker, min_size: float
) -> tuple[bytes, list[Case], str]:
    """Draw the document; return the PDF, its cases and its document type."""
    doc = Doc(rng, min_size)
    case = new_case(rng, fake)
    cases = [case]
    if layout in NONREFERRALS:
        doc_type = NONREFERRALS[layout](doc.page(), rng, case)
        return doc.pdf(), [], doc_type
    if layout == "cover_lab":  # results faxed with a cover sheet: still not a referral
        pages.cover_sheet(
            doc.page(),
            rng,
            case.referrer,
            [],
            2,
            note="Lab results",
            recipient_fax=phone(rng),
            day=case.referral_date,
        )
        doc_type = NONREFERRALS["lab_result"](doc.page(), rng, case)
        return doc.pdf(), [], doc_type
    if layout == "note_referral":  # the referral is the plan of a progress note
        pen = doc.page()
        case.pages.append(pen.number)
        must = case.urgency == "stat" or (case.urgency == "urgent" and not case.red_flag)
        pages.clinic_note(
            pen,
            rng,
            case,
            with_plan=True,
            state_urgency=must or rng.random() < 0.5,
            as_referral=True,
        )
        return doc.pdf(), cases, "referral"
    if layout == "form":
        _form(doc, rng, case)
    elif layout == "form_note":
        _form(doc, rng, case, prints_history=True)
        _note(doc, rng, case)
    elif layout in LETTERS or layout == "ehr":
        _referral_body(doc, rng, case, fake, layout, two=rng.random() < 0.5)
    elif layout == "packet":
        extras = rng.sample(["note", "meds", "card"], rng.randint(1, 3))
        kind = rng.choice(["form", "form", "letter_dear", "ehr"])
        two = kind == "ehr" and rng.random() < 0.5
        total = 2 + two + len(extras)
        pages.cover_sheet(doc.page(), rng, case.referrer, [case], total, recipient_fax=phone(rng))
        _referral_body(doc, rng, case, fake, kind, two=two)
        for extra in extras:
            pen = doc.page()
            case.pages.append(pen.number)
            if extra == "note":
                pages.clinic_note(pen, rng, case, with_plan=rng.random() < 0.4, state_urgency=False)
            elif extra == "meds":
                pages.med_list(pen, rng, case)
            else:
                pages.insurance_card(pen, rng, case)
    elif layout == "two_patients":
        other = new_case(rng, fake, referrer=case.referrer)
        other.referral_date = case.referral_date  # one office, one fax, one day
        cases.append(other)
        note = rng.random() < 0.6
        kind = rng.choice(["form", "form", "letter_dear", "ehr"])
        two = kind == "ehr" and rng.random() < 0.4
        if rng.random() < 0.75:
            total = 3 + note + two
            memo = rng.choice(("2 referrals", "Referrals x2", "New patient referrals (2)"))
            pages.cover_sheet(
                doc.page(), rng, case.referrer, cases, total, note=memo, recipient_fax=phone(rng)
            )
        _form(doc, rng, case, prints_history=note)
        if note:
            _note(doc, rng, case)
        _referral_body(doc, rng, other, fake, kind, two=two)
    else:  # buried: two pages of notes, then the referral page
        _note(doc, rng, case)
        pen = doc.page()
        case.pages.append(pen.number)
        if rng.random() < 0.5:
            pages.med_list(pen, rng, case)
        else:
            pages.clinic_note(pen, rng, case, with_plan=False, state_urgency=False)
        _form(doc, rng, case, prints_history=True)
    return doc.pdf(), cases, "referral"


def consistent(cases: list[Case]) -> bool:
    """Truth is derivable from the page: unstated urgency/specialty must follow from the content."""
    for case in cases:
        if not case.urgency_stated:
            if case.urgency == "stat":
                return False
            if case.urgency == "urgent" and not (case.red_flag and case.history_shown):
                return False
        if not case.specialty_stated and not (
            case.history_shown or "referral.clinical_question" in case.shown
        ):
            return False
        if not {"patient.name", "patient.dob"} <= case.shown:
            return False
    return True


def make_document(out: Path, index: int, seed: int, variants: list[str]) -> Path:
    """Write document ``index`` of the set and its truth; return the truth path."""
    variant = variants[index % len(variants)]
    layout = layout_for(index, seed, len(variants))
    for attempt in range(20):
        rng = random.Random(f"heldout2-{seed}-{index}-{attempt}")
        fake = Faker("en_US")
        fake.seed_instance(rng.randrange(2**31))
        pdf, cases, doc_type = compose(layout, rng, fake, MIN_SIZE[variant])
        if consistent(cases):
            break
    else:  # pragma: no cover - the retry budget is generous
        raise RuntimeError(f"no consistent document for index {index}")
    stem = f"h2_{index + 1:04d}_{variant}"
    sender = rng.choice(("FRONT DESK", "HP LaserJet MFP", "MAIN OFFICE", "Fax Server 2"))
    if cases and variant.startswith("fax") and rng.random() < 0.55:
        sender = cases[0].referrer.fax  # the transmit line prints the sender's fax number
        for case in cases:
            case.mark("referring.fax")
    sent = cases[0].referral_date if cases else TODAY
    name, render_keys = render(out, stem, variant, pdf, rng, sent, sender)
    truth = {
        "source": name,
        "variant": variant,
        "layout": layout,
        "document_type": doc_type,
        "page_count": _page_count(pdf),
        **render_keys,
        "referrals": [c.truth() for c in cases],
    }
    path = out / f"{stem}.truth.json"
    path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return path


def _page_count(pdf: bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()
