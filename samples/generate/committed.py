"""Regenerate the committed samples: ``python -m samples.generate.committed``.

Writes ``samples/referrals/`` (documents + ``.truth.json``), ``samples/bad/`` (bad inputs +
``.expected.json``) and ``samples/README.md`` (the table of every file), all from fixed seeds,
so the committed files can be rebuilt and reviewed as a diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from samples.generate.bad import write_bad
from samples.generate.clinical import check_codes
from samples.generate.core import generate_one

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240304

# (name, variant, layout, options, purpose)
SPECS: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("01_cover_form_digital", "digital", "cover_form", {"notes": False},
     "cover sheet + referral form, real text layer"),
    ("02_cover_form_3page_fax_fine", "fax_fine", "cover_form", {"notes": True},
     "3-page fax: cover + form + clinical notes"),
    ("03_cover_form_fax_normal", "fax_normal", "cover_form", {"notes": False},
     "normal-resolution fax, >= 10 pt fonts"),
    ("04_cover_form_rotated_fax_fine", "fax_fine", "cover_form", {"notes": True, "rotate": True},
     "one page rotated by a quarter/half turn"),
    ("05_cover_form_rotated_fax_normal", "fax_normal", "cover_form",
     {"notes": False, "rotate": True}, "rotated form page at normal resolution"),
    ("06_cover_form_scan", "scan_pdf", "cover_form", {"notes": True, "dpi": 200},
     "image-only PDF (no text layer)"),
    ("07_cover_form_checkbox_fax_fine", "fax_fine", "cover_form",
     {"urgency_modes": ("checkbox",), "red_flag": True}, "urgency stated by checkbox"),
    ("08_negation_routine_fax_fine", "fax_fine", "cover_form",
     {"notes": True, "red_flag": False, "urgency_modes": ("none",), "specialty": "cardiology",
      "negations": ("Denies chest pain", "no weight loss", "denies syncope")},
     "negated red flags ('Denies chest pain') must stay routine"),
    ("09_multi_patient_digital", "digital", "multi", {"patients": 3},
     "one fax, three patients' referrals"),
    ("10_multi_patient_fax_fine", "fax_fine", "multi", {"patients": 2},
     "one fax, two patients' referrals"),
    ("11_multi_patient_fax_normal", "fax_normal", "multi", {"patients": 3},
     "three referrals at normal resolution"),
    ("12_letter_digital", "digital", "letter", {}, "free-text referral letter"),
    ("13_letter_fax_fine", "fax_fine", "letter", {}, "faxed letter"),
    ("14_letter_fax_normal", "fax_normal", "letter", {"urgency_modes": ("words",)},
     "faxed letter, urgency in words"),
    ("15_letter_redflag_unstated", "digital", "letter",
     {"red_flag": True, "urgency_modes": ("none",)},
     "no urgency stated, red flag in the question -> urgent"),
    ("16_letter_scan_png", "scan_png", "letter", {"dpi": 200}, "photo/scan of a letter (PNG)"),
    ("17_letter_scan_jpg", "scan_jpg", "letter", {"dpi": 200}, "photo/scan of a letter (JPEG)"),
    ("18_letter_scan_pdf", "scan_pdf", "letter", {"dpi": 300}, "image-only PDF of a letter"),
    ("19_ehr_digital", "digital", "ehr", {}, "EHR referral-order printout"),
    ("20_ehr_fax_fine", "fax_fine", "ehr", {}, "faxed EHR printout"),
    ("21_ehr_fax_normal", "fax_normal", "ehr", {}, "faxed EHR printout, normal resolution"),
    ("22_ehr_scan_png", "scan_png", "ehr", {"dpi": 240}, "scan of an EHR printout (PNG)"),
    ("23_nonref_lab_result", "fax_fine", "nonreferral", {"kind": "lab_result"},
     "lab report: not a referral"),
    ("24_nonref_consult_reply", "digital", "nonreferral", {"kind": "consult_reply"},
     "specialist's reply ('thank you for the referral'): not a referral"),
    ("25_nonref_prior_auth", "fax_normal", "nonreferral", {"kind": "prior_auth"},
     "prior-auth decision: not a referral"),
    ("26_nonref_cover_only", "fax_fine", "nonreferral", {"kind": "cover_only"},
     "orphan cover sheet, nothing after it"),
    ("27_nonref_marketing", "fax_normal", "nonreferral", {"kind": "marketing"},
     "junk fax"),
    ("28_nonref_refill_request", "digital", "nonreferral", {"kind": "refill_request"},
     "pharmacy refill request: not a referral"),
    ("29_nonref_records_request", "scan_pdf", "nonreferral",
     {"kind": "records_request", "dpi": 200}, "records request, image-only PDF"),
    ("30_cover_form_fax_fine", "fax_fine", "cover_form", {}, "another random cover + form fax"),
]

README_HEAD = """# samples

Synthetic documents only: every name, date of birth, phone number, NPI and member ID here was
made up by `samples/generate` (Faker + seeded RNG). NPIs carry a valid Luhn check digit,
phone numbers are valid US numbers (many on the 555-01xx fiction lines), ICD-10-CM codes are
real billable codes.

## Generator

```
.venv/bin/python -m samples.generate --out DIR --count N --seed S \\
    [--variants digital,fax_fine,fax_normal,scan_pdf,scan_png,scan_jpg] [--jobs J]
.venv/bin/python -m samples.generate.committed   # rebuild everything in this folder
```

Variants are cycled over the documents. Each document `X.ext` has `X.truth.json` beside it:
`source`, `variant`, `layout`, `document_type`, `page_count`, `resolution_dpi` (raster
variants), `rotations` (page -> degrees the page content is turned **clockwise**; rotate it
back counter-clockwise by that much), `skew_degrees` (page -> small angle, counter-clockwise
positive), and `referrals`: one entry per referral with its `pages` (1-based),
`specialty_stated`, and `fields` (JSON-contract names; a field the document does not print is
absent; `referral.specialty` and `referral.urgency` are always present: when not stated, the
specialty is the one the question implies and urgency is `urgent` for a red flag in the
clinical text, else `routine`). Non-referral documents have `"referrals": []`.

Fax TIFFs are multi-page Group 3 at 204x196 dpi (fine) or 204x98 dpi (normal): Ghostscript
rasterises the PDF in anti-aliased grey at the fax resolution, which is thresholded like a fax
scanner would (Ghostscript's point-sampling `tiffg3` device erased thin Courier strokes at
98 lpi), then given speckle, stroke smear, dropouts, occasional streaks, skew and rotation, and
a fax-machine transmit line on top of each page. Normal-resolution faxes use fonts >= 10 pt,
the others 9-12 pt. `scan_*` variants are grey scans at 200-300 dpi; `scan_png` / `scan_jpg`
hold one page; `scan_pdf` is an image-only PDF (no text layer). Speed: about 200 documents
in 25 s on 2 cores for the default variants (scans are slower, ~1 s each).

Layouts: `cover_form` (fax cover + referral form, optional clinical-notes page), `letter`
(free-text letter on letterhead), `ehr` (EHR referral-order printout with ICD-10 list),
`multi` (one cover, 2-3 patients' referrals), and non-referrals (`lab_result`,
`consult_reply`, `prior_auth`, `refill_request`, `records_request`, `marketing`,
`cover_only`). Forms vary titles, label wordings, section order, value placement (right of
the label or in a box below it), urgency marks (`☒` glyphs, `[X]`, drawn boxes, or words),
fonts (Helvetica, Times, Courier), date styles (03/04/1961, 3/4/61, 1961-03-04,
March 4, 1961, 04-Mar-1961, 03-04-1961), phone styles and name order. Clinical notes and
letters carry negated findings ("Denies chest pain", "no weight loss").

## Committed referral samples (`referrals/`)

| file | layout | variant / resolution | purpose | expected outcome |
| --- | --- | --- | --- | --- |
"""

BAD_HEAD = """
## Bad inputs (`bad/`)

Each has `<stem>.expected.json`. Note: `truncated.pdf` is rejected by PDFium, but qpdf
(pikepdf) "repairs" it and reports pages: a pipeline must not trust a repaired open alone.

| file | purpose | expected outcome |
| --- | --- | --- |
"""


def _outcome(truth: dict[str, Any]) -> str:
    refs = truth["referrals"]
    if not refs:
        return f"{truth['document_type']}, no referral"
    parts = []
    for ref in refs:
        f = ref["fields"]
        stated = "" if ref["specialty_stated"] else " (unstated)"
        parts.append(f"{f['referral.specialty']}{stated}/{f['referral.urgency']} "
                     f"p{','.join(map(str, ref['pages']))}")
    return f"{len(refs)} referral(s): " + "; ".join(parts)


def _variant(truth: dict[str, Any]) -> str:
    dpi = truth.get("resolution_dpi")
    extra = f" {dpi[0]}x{dpi[1]}" if dpi else " text layer"
    rot = truth["rotations"]
    if rot:
        extra += ", rotated " + ", ".join(f"p{p}:{d}" for p, d in rot.items())
    return f"{truth['variant']}{extra}, {truth['page_count']} p"


def main() -> int:
    check_codes()
    ref_dir, bad_dir = ROOT / "referrals", ROOT / "bad"
    for d in (ref_dir, bad_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    lines = [README_HEAD]
    for i, (name, variant, layout, opts, purpose) in enumerate(SPECS):
        opts = {"rotate": False, **opts}  # rotate only where the spec asks for it
        truth = generate_one(ref_dir, SEED, i, variant=variant, layout=layout, name=name, **opts)
        lines.append(f"| `{truth['source']}` | {truth['layout']} | {_variant(truth)} | {purpose} "
                     f"| {_outcome(truth)} |\n")
        print(truth["source"])
    lines.append(BAD_HEAD)
    for name, expected, purpose in write_bad(bad_dir):
        outcome = expected.get("error_code") or "processed, no referral"
        lines.append(f"| `{name}` | {purpose} | `{outcome}` |\n")
        print(name)
    (ROOT / "README.md").write_text("".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
