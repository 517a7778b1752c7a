"""Assemble one document: choose its layout, paint its pages, render its variant, write truth.

Each document has its own RNG seeded from (seed, index), so a set is the same whatever the
number of worker processes. Layouts are scheduled so every family appears in every render
and about 30 % of documents are not referrals.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samples.heldout import clinical, forms, letters
from samples.heldout.case import Case, new_case
from samples.heldout.ehr import ehr_continuation, ehr_order
from samples.heldout.nonref import NONREFERRALS, cover_sheet
from samples.heldout.render import (
    Painter,
    fax_pages,
    pdf_bytes,
    rasterize,
    save_scan,
    save_tiff,
    scan_pages,
)
from samples.heldout.values import Values

VARIANTS = ["digital", "fax_fine", "fax_normal", "scan"]
REFERRAL_LAYOUTS = ["form_lines", "form_grid", "letter", "consult_letter", "ehr", "packet", "multi"]
NONREF_LAYOUTS = [*NONREFERRALS, "cover_only"]


def layout_for(index: int, seed: int, n_variants: int) -> str:
    """Layout of document ``index``: 7 referral slots then 3 non-referral slots in every 10."""
    slot = index // n_variants + seed
    if slot % 10 in (3, 6, 9):
        return NONREF_LAYOUTS[(slot // 10 * 3 + (slot % 10) // 3) % len(NONREF_LAYOUTS)]
    return REFERRAL_LAYOUTS[(slot - slot // 10 * 3 - min(slot % 10 // 3, 3)) % 7]


def _form_page(rng: random.Random, case: Case, values: Values) -> Painter:
    kind = rng.choice(["lines", "grid", "ehr"])
    if kind == "lines":
        return lambda pen: forms.lines_form(pen, case, rng)
    if kind == "grid":
        return lambda pen: forms.grid_form(pen, case, rng)
    return lambda pen: ehr_order(pen, case, rng, values, 1)


def _with_notes(rng: random.Random, case: Case, p: float) -> list[Painter]:
    return [lambda pen: letters.clinical_note(pen, case, rng)] if rng.random() < p else []


def _cover(rng: random.Random, case: Case, total: int, note: str = "") -> Painter:
    case.omit -= {"referring.fax", "referring.phone", "referral.date"}  # the cover prints them
    return lambda pen: cover_sheet(pen, case, rng, total, note)


def compose(layout: str, rng: random.Random, values: Values) -> tuple[list, list, str]:
    """Pages, (case, pages) pairs and document type of one layout."""
    case = new_case(rng, values)
    if layout in ("form_lines", "form_grid"):
        paint = forms.lines_form if layout == "form_lines" else forms.grid_form
        pages = [lambda pen: paint(pen, case, rng), *_with_notes(rng, case, 0.3)]
        return pages, [(case, list(range(1, len(pages) + 1)))], "referral"
    if layout == "letter":
        return [lambda pen: letters.letter(pen, case, rng, values)], [(case, [1])], "referral"
    if layout == "consult_letter":
        if case.scenario.specialty == "other":  # an unnamed out-of-vocabulary service is a guess
            case.scenario = clinical.pick(rng)
        pages = [lambda pen: letters.consult_letter(pen, case, rng, values),
                 lambda pen: letters.clinical_note(pen, case, rng)]  # fmt: skip
        return pages, [(case, [1, 2])], "referral"
    if layout == "ehr":
        total = 2 if rng.random() < 0.5 else 1
        pages = [lambda pen: ehr_order(pen, case, rng, values, total)]
        if total == 2:
            pages.append(lambda pen: ehr_continuation(pen, case, rng, total))
        return pages, [(case, list(range(1, total + 1)))], "referral"
    if layout == "packet":
        body = [_form_page(rng, case, values), *_with_notes(rng, case, 0.7)]
        if rng.random() < 0.4:
            body.append(lambda pen: letters.med_list(pen, case, rng))
        pages = [_cover(rng, case, len(body) + 1), *body]
        return pages, [(case, list(range(2, len(pages) + 1)))], "referral"
    if layout == "multi":
        cases = [case] + [
            new_case(rng, values, provider=case.provider, ref_date=case.ref_date)
            for _ in range(rng.choice((1, 2)))
        ]
        pages: list[Painter] = []
        spans = []
        for c in cases:
            c.omit -= {"referring.fax", "referring.phone", "referral.date"}
            start = len(pages) + 2
            pages += [_form_page(rng, c, values), *_with_notes(rng, c, 0.25)]
            spans.append((c, list(range(start, len(pages) + 2))))
        return [_cover(rng, case, len(pages) + 1, "Referrals"), *pages], spans, "referral"
    if layout == "cover_only":
        return [_cover(rng, case, 1)], [], "cover_only"
    doc_type, paint = NONREFERRALS[layout]
    pages = [lambda pen: paint(pen, case, rng)]
    if rng.random() < 0.35:
        pages.insert(0, _cover(rng, case, 2, doc_type.replace("_", " ").title()))
    return pages, [], doc_type


def make_document(out: Path, index: int, seed: int, variants: list[str]) -> Path:
    """Generate, render and write document ``index``; returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    variant = variants[index % len(variants)]
    layout = layout_for(index, seed, len(variants))
    rng = random.Random(f"heldout-{seed}-{index}")
    values = Values(rng)
    painters, spans, doc_type = compose(layout, rng, values)
    family = rng.choice(["Helvetica", "Times", "Courier"])
    size = rng.choice([8, 9, 9.5, 10, 10, 11, 12]) if variant != "fax_normal" else rng.choice(
        [9.5, 10, 11, 12])  # fmt: skip
    pdf = pdf_bytes(painters, family, size)
    stem = f"hx_{index + 1:04d}_{variant}"
    truth: dict[str, Any] = {"variant": variant, "layout": layout, "document_type": doc_type,
                             "page_count": len(painters), "font": [family, size]}  # fmt: skip
    path = _render(out, stem, variant, pdf, rng, truth, spans)
    truth = {"source": path.name, **truth}
    truth["referrals"] = [case.truth(pages) for case, pages in spans]
    (out / f"{stem}.truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return path


def _render(out: Path, stem: str, variant: str, pdf: bytes, rng: random.Random,
            truth: dict[str, Any], spans: list) -> Path:  # fmt: skip
    """Write the variant's file; records resolution and page rotations in ``truth``."""
    if variant == "digital":
        path = out / f"{stem}.pdf"
        path.write_bytes(pdf)
        return path
    if variant.startswith("fax"):
        ydpi = 196 if variant == "fax_fine" else 98
        station = spans[0][0].provider.practice if spans else "FAX"
        month = rng.choice(["JAN", "MAR", "JUN", "SEP", "NOV"])
        clock = f"{rng.randrange(1, 13):02d}:{rng.randrange(60):02d}"
        when = f"{month} {rng.randrange(1, 29):02d} {rng.randrange(2024, 2027)} {clock}"
        pages, rotations = fax_pages(rasterize(pdf, 204, ydpi), rng, ydpi, station, when)
        path = out / f"{stem}.tif"
        save_tiff(pages, path, ydpi)
        truth.update(resolution_dpi=[204, ydpi], rotations=rotations)
        return path
    dpi = rng.choice((200, 240, 300))
    pages, rotations = scan_pages(rasterize(pdf, dpi, dpi), rng)
    ext = ".pdf" if len(pages) > 1 else rng.choice((".pdf", ".png", ".jpg"))
    path = out / f"{stem}{ext}"
    save_scan(pages, path, dpi)
    truth.update(resolution_dpi=[dpi, dpi], rotations=rotations)
    return path


Builder = Callable[[Path, int, int, list[str]], Path]
